namespace PodCache.Runtime.Sources.IO;

/// <summary>Why a source could not be read.</summary>
public enum SourceFailure
{
    /// <summary>404 / NoSuchKey / no such file: the pipeline points at nothing (CLI exit 2).</summary>
    NotFound,

    /// <summary>401 / 403 / AccessDenied (CLI exit 2).</summary>
    Forbidden,

    /// <summary>Connection refused, DNS, reset, timeout — after the retries (CLI exit 1).</summary>
    Unreachable,

    /// <summary>5xx or 429 after the retries, or another unexpected status (CLI exit 1).</summary>
    ServerError,

    /// <summary>The object changed while it was being read (412 on If-Match, or another length): run again (exit 1).</summary>
    Changed,

    /// <summary>The server answered, but not with what was asked (a short body, no Range support where required) (exit 1).</summary>
    BadResponse,
}

/// <summary>
/// A source read failed. The message names the URL as <see cref="SourceUri.Display"/> (no credentials, no signed query
/// strings) and the status; it never holds a header value.
/// </summary>
public sealed class SourceException : IOException
{
    /// <summary>Creates the exception.</summary>
    public SourceException(SourceFailure failure, string url, string message, int? status = null, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        Url = url;
        Status = status;
    }

    /// <summary>Creates an exception (required by convention).</summary>
    public SourceException() : this(SourceFailure.BadResponse, "", "source read failed")
    {
    }

    /// <summary>What went wrong.</summary>
    public SourceFailure Failure { get; }

    /// <summary>The source, as displayed.</summary>
    public string Url { get; }

    /// <summary>The HTTP status, when there was one.</summary>
    public int? Status { get; }

    /// <summary>True when the pipeline names something that does not exist or may not be read (CLI exit 2).</summary>
    public bool IsInvalidInput => Failure is SourceFailure.NotFound or SourceFailure.Forbidden;
}

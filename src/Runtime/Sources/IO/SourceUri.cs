namespace PodCache.Runtime.Sources.IO;

/// <summary>How a source is reached.</summary>
public enum SourceScheme
{
    /// <summary>A local file (a path, or <c>file://</c>).</summary>
    File,

    /// <summary><c>http://</c> or <c>https://</c>.</summary>
    Http,

    /// <summary><c>s3://bucket/key</c>.</summary>
    S3,
}

/// <summary>
/// A parsed source location (SPEC §10): a local path (relative paths resolved against a base directory — the pipeline
/// file's folder), <c>file://</c>, <c>http(s)://</c> or <c>s3://bucket/key</c>. Immutable; equal when
/// <see cref="Identity"/> is.
/// </summary>
public sealed class SourceUri : IEquatable<SourceUri>
{
    private SourceUri(SourceScheme scheme, string identity, string display, Uri? http, string? bucket, string? key, string? path)
    {
        Scheme = scheme;
        Identity = identity;
        Display = display;
        HttpUri = http;
        Bucket = bucket;
        Key = key;
        FilePath = path;
    }

    /// <summary>The scheme.</summary>
    public SourceScheme Scheme { get; }

    /// <summary>
    /// What keys hash: the absolute file path, or the URL without user info and without signature query parameters
    /// (<c>X-Amz-*</c>, <c>Signature</c>, <c>sig</c>, ...). Never holds a credential.
    /// </summary>
    public string Identity { get; }

    /// <summary>What messages, logs, provenance and manifests show: <see cref="Identity"/> with every query value removed.</summary>
    public string Display { get; }

    /// <summary>The request URL, credentials included as written (HTTP only); never shown.</summary>
    public Uri? HttpUri { get; }

    /// <summary>The bucket (S3 only).</summary>
    public string? Bucket { get; }

    /// <summary>The object key (S3 only).</summary>
    public string? Key { get; }

    /// <summary>The absolute path (files only).</summary>
    public string? FilePath { get; }

    /// <summary>True for HTTP and S3 (fetched blocks go through the block cache; files are read directly).</summary>
    public bool IsRemote => Scheme != SourceScheme.File;

    /// <summary>
    /// Parses <paramref name="location"/>. A relative path resolves against <paramref name="baseDirectory"/> (the
    /// working directory when null).
    /// </summary>
    /// <exception cref="FormatException">Not a path or a supported URL; the message says why (for <c>nodes.REF.attrs.source</c>).</exception>
    public static SourceUri Parse(string location, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        throw new NotImplementedException("issue 13: io helper");
    }

    /// <summary>A file source for an absolute path (no parsing of URL forms).</summary>
    public static SourceUri ForFile(string absolutePath)
    {
        var full = System.IO.Path.GetFullPath(absolutePath);
        return new SourceUri(SourceScheme.File, full, full, null, null, null, full);
    }

    /// <inheritdoc/>
    public bool Equals(SourceUri? other) => other is not null && other.Identity == Identity;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SourceUri);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Identity);

    /// <inheritdoc/>
    public override string ToString() => Display;
}

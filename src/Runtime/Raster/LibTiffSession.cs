namespace PodCache.Runtime.Raster;

/// <summary>
/// One open LibTiff image: the stream it reads or writes and the error messages LibTiff reported for it. Passed to
/// LibTiff as its client data, so <see cref="LibTiffErrorHandler"/> can route messages to the image they belong to.
/// </summary>
internal sealed class LibTiffSession
{
    private readonly List<string> _errors = [];

    public LibTiffSession(Stream stream, string name)
    {
        Stream = stream;
        Name = name;
    }

    /// <summary>The name given to LibTiff, which prefixes most of its messages.</summary>
    public string Name { get; }

    /// <summary>The stream LibTiff reads from or writes to (not owned).</summary>
    public Stream Stream { get; }

    public void AddError(string message)
    {
        if (message.StartsWith(Name + ": ", StringComparison.Ordinal))
        {
            message = message[(Name.Length + 2)..];
        }
        lock (_errors)
        {
            // A corrupt file can make LibTiff report the same problem for every strip; keep the first few.
            if (_errors.Count < 8) _errors.Add(message);
        }
    }

    /// <summary>The messages reported since the last call, joined, or null when there were none; clears them.</summary>
    public string? TakeErrors()
    {
        lock (_errors)
        {
            if (_errors.Count == 0) return null;
            var s = string.Join("; ", _errors.Distinct(StringComparer.Ordinal));
            _errors.Clear();
            return s;
        }
    }
}

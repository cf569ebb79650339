namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// One source object read by byte ranges: a local file, an HTTP URL (Range requests) or an S3 object (ranged
/// GetObject). Every format node reads through this, never through a scheme's own client. Thread-safe; retries,
/// timeouts and connection limits are inside.
/// </summary>
public interface IByteSource
{
    /// <summary>The object.</summary>
    SourceUri Uri { get; }

    /// <summary>
    /// The object's current version: a HEAD (HTTP, S3) or a stat (file). Given <paramref name="known"/>, a remote source
    /// may ask conditionally (If-None-Match) and return <paramref name="known"/> when the server says it is unchanged.
    /// </summary>
    /// <exception cref="SourceException">Not found, forbidden, unreachable, ... (after retries where retrying helps).</exception>
    Task<SourceVersion> StatAsync(SourceVersion? known, CancellationToken cancellationToken);

    /// <summary>
    /// Fills <paramref name="buffer"/> with the bytes at <paramref name="offset"/> of the object at
    /// <paramref name="version"/> (If-Match / VersionId / length+mtime check), exactly, or throws: never a partial result.
    /// </summary>
    /// <exception cref="SourceException">Failed, or <see cref="SourceFailure.Changed"/> when the object is no longer that version.</exception>
    Task ReadAsync(long offset, Memory<byte> buffer, SourceVersion version, CancellationToken cancellationToken);
}

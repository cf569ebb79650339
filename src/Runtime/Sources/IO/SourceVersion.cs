namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// The version of a source object at one moment (SPEC §10): <see cref="Token"/> enters the NodeKey and every block
/// key. Tokens: <c>etag:"..."</c> (HTTP ETag), <c>lm:HTTP-DATE:LENGTH</c> (no ETag), <c>s3version:ID</c> or
/// <c>s3etag:"..."</c> (S3), <c>mtime:LENGTH:TICKS</c> or <c>sha256:HEX</c> (files).
/// </summary>
/// <param name="Token">The token.</param>
/// <param name="Length">The object's length in bytes.</param>
/// <param name="ETag">The ETag as the server sent it (for If-Match / If-None-Match), or null.</param>
/// <param name="LastModified">Last-Modified (for If-Unmodified-Since when there is no ETag), or null.</param>
/// <param name="VersionId">The S3 version id, or null.</param>
public sealed record SourceVersion(string Token, long Length, string? ETag = null, DateTimeOffset? LastModified = null, string? VersionId = null);

/// <summary>A byte range of a source object.</summary>
/// <param name="Offset">First byte.</param>
/// <param name="Length">Byte count (at least 1).</param>
public readonly record struct ByteRange(long Offset, int Length)
{
    /// <summary>One past the last byte.</summary>
    public long End => Offset + Length;
}

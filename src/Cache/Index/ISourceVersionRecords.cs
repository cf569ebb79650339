namespace PodCache.Cache.Index;

/// <summary>
/// The last version seen of a remote source and when it was checked (SPEC §10), remembered so that a second process
/// and a busy server do not ask the source again within <c>sources.revalidateAfter</c>.
/// </summary>
/// <param name="Token">The version token (what keys hash).</param>
/// <param name="Length">The object's length.</param>
/// <param name="ETag">The ETag as sent, or null.</param>
/// <param name="LastModified">Last-Modified, or null.</param>
/// <param name="VersionId">The S3 version id, or null.</param>
/// <param name="CheckedAt">When the source said so.</param>
public sealed record SourceVersionRecord(string Token, long Length, string? ETag, DateTimeOffset? LastModified, string? VersionId,
    DateTimeOffset CheckedAt);

/// <summary>Where source version records live: the machine index on disk, shared by every process on the machine.</summary>
public interface ISourceVersionRecords
{
    /// <summary>The record of <paramref name="identity"/> (a URL without credentials), or null.</summary>
    SourceVersionRecord? GetSourceVersion(string identity);

    /// <summary>Records (replaces) the version of <paramref name="identity"/>.</summary>
    void PutSourceVersion(string identity, SourceVersionRecord record);
}

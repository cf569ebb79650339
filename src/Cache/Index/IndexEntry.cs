using PodCache.Cache.Keys;

namespace PodCache.Cache.Index;

/// <summary>One entry row of the machine index.</summary>
/// <param name="Key">The entry's key.</param>
/// <param name="Tier">The tier holding it (<c>disk</c> or <c>s3</c>).</param>
/// <param name="Bytes">Bytes it occupies in that tier.</param>
/// <param name="Created">When it was computed.</param>
/// <param name="Expires">When it expires, if ever.</param>
/// <param name="ComputeSeconds">Its recompute cost.</param>
/// <param name="Hits">Reads served.</param>
/// <param name="LastAccess">Last read or write.</param>
/// <param name="Ready">False while a writer is still writing it (its bytes are reserved).</param>
public sealed record IndexEntry(Key Key, string Tier, long Bytes, DateTimeOffset Created, DateTimeOffset? Expires,
    double ComputeSeconds, long Hits, DateTimeOffset LastAccess, bool Ready);

using System.Runtime.InteropServices;

namespace PodCache.Cache.Tiers.Ram;

/// <summary>
/// Head and tail of one <see cref="AccessBuffer{T}"/> stripe. Head is written only by the draining thread, Tail by
/// adders: on different cache lines, and away from the neighbouring stripes' indices, so one thread's adds do not
/// invalidate a line another core is using. (Outside the generic buffer: a generic type cannot have explicit layout.)
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct StripeIndices
{
    [FieldOffset(64)]
    public long Head;

    [FieldOffset(128)]
    public long Tail;
}

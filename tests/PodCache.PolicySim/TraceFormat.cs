namespace PodCache.PolicySim;

/// <summary>The trace formats the simulator reads or generates (<c>--format</c>).</summary>
internal enum TraceFormat
{
    /// <summary><c>adaptsize</c>: webcachesim text lines <c>time id size</c>.</summary>
    AdaptSize,

    /// <summary><c>gcc</c>: address trace with hit and miss penalties.</summary>
    Gcc,

    /// <summary><c>scarab</c>: big-endian 64-bit keys.</summary>
    Scarab,

    /// <summary><c>synthetic</c>: the seeded pipeline-cache workload generator.</summary>
    Synthetic,
}

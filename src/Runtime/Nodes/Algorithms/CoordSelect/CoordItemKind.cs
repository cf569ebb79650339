namespace PodCache.Runtime.Nodes.Algorithms.CoordSelect;

/// <summary>What a <see cref="CoordItem"/> holds.</summary>
internal enum CoordItemKind
{
    /// <summary>A number (a value or a delta).</summary>
    Number,

    /// <summary>A time delta <c>"N,unit"</c>.</summary>
    Delta,

    /// <summary>An ISO datetime.</summary>
    Time,
}

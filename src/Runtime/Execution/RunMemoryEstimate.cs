using PodCache.Cache;

namespace PodCache.Runtime.Execution;

/// <summary>
/// What a planned run will hold in memory, estimated before it computes, in float64 cells × 8 bytes: for every node
/// the run needs and the RAM tier does not already hold, the cells of the coordinates it is asked for — once for a
/// node read and decoded from disk or S3, and (1 + its inputs) times for a node computed: its output plus one aligned
/// working copy per input held while it computes (Arithmetic, Mask and the compositors broadcast each input onto the
/// output grid). The inputs' own outputs are counted at their nodes. Errs high for reductions (counted at the request
/// size) and for nodes that work in place; the budget's owner leaves room for what a node allocates beyond this.
/// </summary>
/// <param name="Bytes">Estimated bytes (saturates at <see cref="long.MaxValue"/> instead of overflowing).</param>
/// <param name="Cells">Cells counted, with the multiples above (saturating too).</param>
/// <param name="Nodes">How many nodes are counted.</param>
public sealed record RunMemoryEstimate(long Bytes, long Cells, int Nodes)
{
    /// <summary>Bytes per cell: float64 values.</summary>
    public const int BytesPerCell = sizeof(double);

    internal static RunMemoryEstimate Of(Plan plan)
    {
        long cells = 0;
        int nodes = 0;
        foreach (var pn in plan.Nodes)
        {
            if (!pn.Needed || pn.ProbeTier == TierNames.Ram) continue;
            nodes++;
            long arrays = pn.ProbeTier is null ? 1 + pn.InputNodes.Length : 1;
            long nodeCells = CellsOf(pn.Request);
            cells = SaturatingAdd(cells, nodeCells > long.MaxValue / arrays ? long.MaxValue : nodeCells * arrays);
        }
        long bytes = cells > long.MaxValue / BytesPerCell ? long.MaxValue : cells * BytesPerCell;
        return new RunMemoryEstimate(bytes, cells, nodes);
    }

    /// <summary>The request's cells, multiplied without overflow (a grid past 2^63 cells saturates).</summary>
    private static long CellsOf(Coordinates request)
    {
        long n = 1;
        foreach (var axis in request.Axes)
        {
            long size = Math.Max(0, (long)axis.Size);
            n = size != 0 && n > long.MaxValue / size ? long.MaxValue : n * size;
        }
        return n;
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}

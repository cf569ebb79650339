using System.Globalization;
using PodCache.Runtime;

namespace PodCache.Cli;

/// <summary>One-paragraph statistics of an array: dims, shape, min/max/mean and NaN count.</summary>
internal static class ArraySummary
{
    public static string Describe(DataArray a)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        long nan = 0, finite = 0;
        foreach (var v in a.Values)
        {
            if (double.IsNaN(v)) { nan++; continue; }
            if (v < min) min = v;
            if (v > max) max = v;
            if (double.IsFinite(v)) { sum += v; finite++; }
        }
        var inv = CultureInfo.InvariantCulture;
        string dims = a.Rank == 0 ? "(scalar)" : string.Join(" x ", a.Dims.Zip(a.Shape, (d, s) => $"{d}={s}"));
        string stats = nan == a.Length
            ? "all NaN"
            : string.Format(inv, "min {0:G6}  max {1:G6}  mean {2:G6}", min, max, finite > 0 ? sum / finite : double.NaN);
        return string.Format(inv, "  {0}; {1} cells; {2}; NaN {3}", dims, a.Length, stats, nan);
    }
}

namespace PodCache.Runtime;

/// <summary>
/// Puts points of two axes on one scale so they can be compared: numbers as they are, time as ticks since the
/// epoch (axes of different datetime units then line up).
/// </summary>
internal static class AxisValues
{
    /// <summary>The axis' points on the comparable scale.</summary>
    public static double[] Comparable(Coordinates1D axis)
    {
        var pts = axis.Points;
        var r = new double[pts.Length];
        if (axis.Unit is { } u)
        {
            for (int i = 0; i < r.Length; i++) r[i] = TimeUnits.ToTicks(pts[i], u);
        }
        else
        {
            pts.CopyTo(r);
        }
        return r;
    }

    /// <summary>One point of <paramref name="axis"/> on the comparable scale.</summary>
    public static double Comparable(Coordinates1D axis, double point) =>
        axis.Unit is { } u ? TimeUnits.ToTicks(point, u) : point;

    /// <summary>Checks that two axes of one dim are both time or both numeric.</summary>
    public static void CheckCompatible(Coordinates1D a, Coordinates1D b)
    {
        if (a.IsTime != b.IsTime)
        {
            throw new Nodes.NodeEvaluationException(
                $"dim '{a.Name}' is {(a.IsTime ? "time" : "numeric")} in one place and {(b.IsTime ? "time" : "numeric")} in another");
        }
    }
}

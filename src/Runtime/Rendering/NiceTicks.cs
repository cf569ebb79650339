namespace PodCache.Runtime.Rendering;

/// <summary>Axis ticks at round numbers (1, 2 or 5 times a power of ten) covering a range.</summary>
internal static class NiceTicks
{
    /// <summary>About <paramref name="count"/> ticks inside [<paramref name="lo"/>, <paramref name="hi"/>].</summary>
    public static double[] Inside(double lo, double hi, int count)
    {
        if (!(hi > lo) || !double.IsFinite(lo) || !double.IsFinite(hi)) return double.IsFinite(lo) ? [lo] : [];
        double step = Step((hi - lo) / Math.Max(1, count - 1));
        double first = Math.Ceiling(lo / step - 1e-9) * step;
        var ticks = new List<double>();
        for (int i = 0; i < 100; i++)
        {
            double t = first + i * step;
            if (t > hi + step * 1e-9) break;
            // Snap values such as 0.30000000000000004 so labels print as 0.3, and -0 as 0.
            t = Math.Round(t / step) * step;
            ticks.Add(t == 0 ? 0 : t);
        }
        return [.. ticks];
    }

    private static double Step(double raw)
    {
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }
}

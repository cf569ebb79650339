namespace PodCache.Runtime.Rendering;

/// <summary>
/// A perceptually uniform, colour-blind-safe sequential colour map in the manner of matplotlib's viridis (dark purple
/// through teal to yellow): anchor colours every tenth of the range, interpolated linearly in RGB.
/// </summary>
internal static class Viridis
{
    private static readonly int[] Anchors =
    [
        0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C, 0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725,
    ];

    /// <summary>The colour at <paramref name="t"/> in [0, 1] (clamped) as 0xRRGGBB.</summary>
    public static int Map(double t)
    {
        if (!(t > 0)) t = 0;
        if (t > 1) t = 1;
        double pos = t * (Anchors.Length - 1);
        int i = Math.Min((int)pos, Anchors.Length - 2);
        double f = pos - i;
        int a = Anchors[i], b = Anchors[i + 1];
        return (Lerp(a >> 16, b >> 16, f) << 16) | (Lerp((a >> 8) & 0xFF, (b >> 8) & 0xFF, f) << 8) | Lerp(a & 0xFF, b & 0xFF, f);
    }

    /// <summary>The colour at <paramref name="t"/> as CSS <c>#rrggbb</c>.</summary>
    public static string Css(double t) => "#" + Map(t).ToString("x6", System.Globalization.CultureInfo.InvariantCulture);

    private static int Lerp(int a, int b, double f) => (int)Math.Round(a + (b - a) * f);
}

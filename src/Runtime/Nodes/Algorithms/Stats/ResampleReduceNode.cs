using System.Globalization;
using System.Text.RegularExpressions;

namespace PodCache.Runtime.Nodes.Algorithms.Stats;

/// <summary>
/// <c>algorithm.ResampleReduce</c> (SEMANTICS §12): the source evaluated at the request, its time dim binned as
/// pandas' <c>resample(time=...)</c> bins it and each bin reduced with <c>reduce_fn</c>; the output's times are the
/// bin labels, every bin from the first time's to the last's, a bin holding no time NaN.
/// </summary>
/// <remarks>
/// Fixed frequencies (<c>3D</c>, <c>6H</c>, <c>30T</c>/<c>30min</c>, <c>S</c>, <c>L</c>/<c>ms</c>, <c>U</c>/<c>us</c>)
/// make left-closed bins counted from midnight of the first time's day, labelled by their start. The anchored
/// ones make calendar bins: <c>M</c>, <c>Q</c>, <c>A</c>/<c>Y</c> labelled by their last day, <c>MS</c>,
/// <c>QS</c>, <c>AS</c>/<c>YS</c> by their first, <c>W</c> (= <c>W-SUN</c>) and <c>W-MON</c> … weeks labelled by
/// their last day (pandas moves right-closed edges to the end of the day, so a time belongs to its calendar day's bin).
/// A count before an anchored rule (<c>2M</c>) groups that many calendar bins, counted as pandas counts its edges.
/// </remarks>
internal sealed partial class ResampleReduceNode : Node
{
    private static readonly string[] WeekDays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly Frequency _freq;
    private readonly GroupFunction _fn;

    private ResampleReduceNode(Frequency freq, GroupFunction fn)
    {
        _freq = freq;
        _fn = fn;
    }

    public static NodeType Type { get; } = new(
        "algorithm.ResampleReduce",
        ["core.algorithm.stats.ResampleReduce", "algorithm.stats.ResampleReduce"],
        1,
        [new AttrSpec("resample", AttrType.String, required: true), .. TimeGroups.ReduceAttrs],
        InputSpec.Named("source").WithOptional("coordinates_source"),
        // The bins start at the first requested time's day and pool every requested time in them.
        extentDependent: true,
        Build);

    /// <summary>A pandas offset: a fixed length in ticks, or an anchored calendar rule.</summary>
    /// An anchored one steps <c>N</c> calendar bins at a time (<c>2M</c>, <c>3W-MON</c>).
    private readonly record struct Frequency(long Ticks, TimeUnit Unit, char Anchor, bool AtStart, DayOfWeek WeekEnd, int N = 1);

    [GeneratedRegex(@"^(\d*)(D|H|h|T|min|S|s|L|ms|U|us)$")]
    private static partial Regex FixedPattern();

    [GeneratedRegex(@"^(\d{1,4})([A-Z].*)$")]
    private static partial Regex MultiplePattern();

    private static ResampleReduceNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        string text = ctx.GetString("resample")!;
        if (!TryParseFrequency(text, out var freq))
        {
            ctx.Error("resample", $"'{text}' is not a pandas offset PodCache bins by: N followed by D, H, T/min, S, L/ms or U/us, "
                + "or one of M, MS, Q, QS, A/Y, AS/YS, W, W-SUN … W-SAT, optionally after a count (2M, 3W-MON)");
            return null;
        }
        return TimeGroups.ReadFunction(ctx) is { } fn ? new ResampleReduceNode(freq, fn) : null;
    }

    private static bool TryParseFrequency(string text, out Frequency freq)
    {
        freq = default;
        var m = FixedPattern().Match(text);
        if (m.Success)
        {
            long n = m.Groups[1].Length == 0 ? 1 : long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            (long unitTicks, TimeUnit unit) = m.Groups[2].Value switch
            {
                "D" => (TimeSpan.TicksPerDay, TimeUnit.Day),
                "H" or "h" => (TimeSpan.TicksPerHour, TimeUnit.Hour),
                "T" or "min" => (TimeSpan.TicksPerMinute, TimeUnit.Minute),
                "S" or "s" => (TimeSpan.TicksPerSecond, TimeUnit.Second),
                "L" or "ms" => (TimeSpan.TicksPerMillisecond, TimeUnit.Millisecond),
                _ => (TimeSpan.TicksPerMicrosecond, TimeUnit.Microsecond),
            };
            if (n == 0 || n > TimeSpan.TicksPerDay * 36500 / unitTicks)
            {
                return false;
            }
            freq = new Frequency(n * unitTicks, unit, 'F', true, default);
            return true;
        }
        if (MultiplePattern().Match(text) is { Success: true } multiple && TryParseFrequency(multiple.Groups[2].Value, out var one) && one.Anchor != 'F')
        {
            int count = int.Parse(multiple.Groups[1].Value, CultureInfo.InvariantCulture);
            freq = one with { N = count };
            return count > 0;
        }
        switch (text)
        {
            case "M": freq = new Frequency(0, TimeUnit.Day, 'M', false, default); return true;
            case "MS": freq = new Frequency(0, TimeUnit.Day, 'M', true, default); return true;
            case "Q" or "Q-DEC": freq = new Frequency(0, TimeUnit.Day, 'Q', false, default); return true;
            case "QS" or "QS-JAN": freq = new Frequency(0, TimeUnit.Day, 'Q', true, default); return true;
            case "A" or "Y" or "A-DEC" or "Y-DEC": freq = new Frequency(0, TimeUnit.Day, 'A', false, default); return true;
            case "AS" or "YS" or "AS-JAN" or "YS-JAN": freq = new Frequency(0, TimeUnit.Day, 'A', true, default); return true;
            case "W": freq = new Frequency(0, TimeUnit.Day, 'W', false, DayOfWeek.Sunday); return true;
        }
        if (text.StartsWith("W-", StringComparison.Ordinal) && Array.IndexOf(WeekDays, text[2..]) is var d and >= 0)
        {
            freq = new Frequency(0, TimeUnit.Day, 'W', false, (DayOfWeek)d);
            return true;
        }
        return false;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> InitialInputs(IReadOnlyList<string> slots) => ["source"];

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context)
    {
        var source = context.Input("source");
        var time = TimeGroups.TimeAxis(source, "ResampleReduce");
        var unit = time.Unit!.Value;
        var pts = time.Points;
        var times = new DateTime[pts.Length];
        for (int i = 0; i < times.Length; i++)
        {
            times[i] = TimeUnits.FromCount((long)pts[i], unit);
        }
        var outUnit = TimeUnits.Finer(unit, _freq.Unit);
        if (times.Length == 0)
        {
            return TimeGroups.Reduce(source, [], new ArrayCoordinates1D("time", [], outUnit), _fn);
        }
        var labels = new List<DateTime>();
        var groupOf = new int[times.Length];
        if (_freq.Anchor == 'F')
        {
            // pandas' origin "start_day": bins counted from midnight of the first time's day.
            var origin = times.Min().Date;
            long bins = 0;
            for (int i = 0; i < times.Length; i++)
            {
                long k = (times[i] - origin).Ticks / _freq.Ticks;
                groupOf[i] = checked((int)k);
                bins = Math.Max(bins, k + 1);
            }
            for (long k = 0; k < bins; k++)
            {
                labels.Add(origin.AddTicks(k * _freq.Ticks));
            }
        }
        else
        {
            // pandas' edges for an anchored offset of N bins: right-closed rules (M, Q, A, W) start N bins before the
            // first time's own bin, left-closed ones (MS, QS, AS) at it; every N-th calendar bin is a label from there.
            long first = Index(Label(times.Min())), origin = _freq.AtStart ? first : first - _freq.N;
            long BinOf(DateTime t)
            {
                long d = Index(Label(t)) - origin;
                return _freq.AtStart ? d / _freq.N : (d + _freq.N - 1) / _freq.N;
            }
            long firstBin = BinOf(times.Min()), lastBin = BinOf(times.Max());
            for (long k = firstBin; k <= lastBin; k++)
            {
                labels.Add(LabelAt(origin + k * _freq.N));
            }
            for (int i = 0; i < times.Length; i++)
            {
                groupOf[i] = checked((int)(BinOf(times[i]) - firstBin));
            }
        }
        var axis = new ArrayCoordinates1D("time", labels.Select(l => (double)TimeUnits.ToCount(l, outUnit)).ToArray(), outUnit);
        return TimeGroups.Reduce(source, groupOf, axis, _fn);
    }

    /// <summary>The label of the calendar bin <paramref name="t"/> falls in.</summary>
    private DateTime Label(DateTime t)
    {
        var day = t.Date;
        switch (_freq.Anchor)
        {
            case 'M':
                return _freq.AtStart ? new DateTime(day.Year, day.Month, 1) : new DateTime(day.Year, day.Month, DateTime.DaysInMonth(day.Year, day.Month));
            case 'Q':
                int q = (day.Month - 1) / 3 * 3 + 1;
                return _freq.AtStart ? new DateTime(day.Year, q, 1) : new DateTime(day.Year, q + 2, DateTime.DaysInMonth(day.Year, q + 2));
            case 'A':
                return _freq.AtStart ? new DateTime(day.Year, 1, 1) : new DateTime(day.Year, 12, 31);
            default:
                return day.AddDays(((int)_freq.WeekEnd - (int)day.DayOfWeek + 7) % 7);
        }
    }

    /// <summary>A calendar bin's label as a count of bins (months, quarters, years or weeks since year 1).</summary>
    private long Index(DateTime label) => _freq.Anchor switch
    {
        'M' => label.Year * 12L + label.Month - 1,
        'Q' => label.Year * 4L + (label.Month - 1) / 3,
        'A' => label.Year,
        _ => label.Ticks / TimeSpan.TicksPerDay / 7,
    };

    /// <summary>The label of the calendar bin numbered <paramref name="index"/> (the inverse of <see cref="Index"/>).</summary>
    private DateTime LabelAt(long index)
    {
        switch (_freq.Anchor)
        {
            case 'M':
                var month = new DateTime((int)(index / 12), (int)(index % 12) + 1, 1);
                return _freq.AtStart ? month : LastOfMonth(month);
            case 'Q':
                var quarter = new DateTime((int)(index / 4), (int)(index % 4) * 3 + 1, 1);
                return _freq.AtStart ? quarter : LastOfMonth(quarter.AddMonths(2));
            case 'A':
                return _freq.AtStart ? new DateTime((int)index, 1, 1) : new DateTime((int)index, 12, 31);
            default:
                // Any day of week number index, moved to the week's labelled day.
                return Label(new DateTime(index * 7 * TimeSpan.TicksPerDay));
        }
    }

    private static DateTime LastOfMonth(DateTime t) => new(t.Year, t.Month, DateTime.DaysInMonth(t.Year, t.Month));
}

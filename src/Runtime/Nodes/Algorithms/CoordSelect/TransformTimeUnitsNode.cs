using System.Globalization;

namespace PodCache.Runtime.Nodes.Algorithms.CoordSelect;

/// <summary>
/// <c>algorithm.TransformTimeUnits</c> (SEMANTICS §11): the request's times become plain numbers — a pandas datetime
/// field such as <c>dayofyear</c> or <c>month</c> — kept in request order with duplicates, and the source (which needs a
/// numeric time axis, or none) is evaluated there. An evenly spaced result becomes a uniform axis, as PODPAC's
/// <c>simplify()</c> makes it.
/// </summary>
internal sealed class TransformTimeUnitsNode : CoordinateModifierNode
{
    private static readonly string[] Numeric =
    [
        "day", "dayofweek", "dayofyear", "daysinmonth", "microsecond", "minute", "month", "nanosecond", "quarter", "second",
        "week", "weekday", "weekofyear", "year",
    ];

    private readonly string _field;

    private TransformTimeUnitsNode(string field, bool substitute) : base(substitute) => _field = field;

    public static NodeType Type { get; } = new(
        "algorithm.TransformTimeUnits",
        ["core.algorithm.coord_select.TransformTimeUnits", "algorithm.coord_select.TransformTimeUnits"],
        1,
        [
            new AttrSpec("time_units", AttrType.Choice, required: true, choices:
                [.. Numeric, "season", "time", "weekday_name"]),
            new AttrSpec("substitute_eval_coords", AttrType.Bool, false),
        ],
        InputSpec.Named("source"),
        // The source is evaluated on numbers derived from the request's times and the output lies on them.
        extentDependent: true,
        Build);

    private static TransformTimeUnitsNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        string field = ctx.GetString("time_units")!;
        if (Array.IndexOf(Numeric, field) < 0)
        {
            // PODPAC lists them too, but season and time are not numbers (coordinates cannot hold them) and pandas has
            // removed weekday_name, so PODPAC fails on all three at evaluation.
            ctx.Error("time_units", $"'{field}' does not give numeric coordinates; use one of {string.Join(", ", Numeric)}");
            return null;
        }
        return new TransformTimeUnitsNode(field, ctx.GetBool("substitute_eval_coords"));
    }

    /// <inheritdoc/>
    private protected override Coordinates1D Modify(Coordinates request, Coordinates1D axis)
    {
        if (axis.Name != "time")
        {
            return axis;
        }
        if (axis.Unit is not { } unit)
        {
            throw new NodeEvaluationException("TransformTimeUnits needs a time axis of datetimes, not numbers");
        }
        var values = new double[axis.Size];
        var pts = axis.Points;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Field(TimeUnits.FromCount((long)pts[i], unit), _field);
        }
        return Simplify(values);
    }

    /// <summary>The pandas <c>Series.dt</c> field <paramref name="field"/> of <paramref name="t"/>.</summary>
    internal static double Field(DateTime t, string field) => field switch
    {
        "day" => t.Day,
        // pandas numbers Monday 0 … Sunday 6.
        "dayofweek" or "weekday" => ((int)t.DayOfWeek + 6) % 7,
        "dayofyear" => t.DayOfYear,
        "daysinmonth" => DateTime.DaysInMonth(t.Year, t.Month),
        "microsecond" => t.Ticks % TimeSpan.TicksPerSecond / 10,
        "minute" => t.Minute,
        "month" => t.Month,
        // Times here are at most microsecond precise.
        "nanosecond" => 0,
        "quarter" => (t.Month - 1) / 3 + 1,
        "second" => t.Second,
        "week" or "weekofyear" => ISOWeek.GetWeekOfYear(t),
        "year" => t.Year,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    /// <summary>
    /// PODPAC's <c>ArrayCoordinates1d.simplify()</c>: strictly monotonic values whose steps agree within numpy's
    /// <c>allclose</c> become a uniform axis from the first to the last value.
    /// </summary>
    private static Coordinates1D Simplify(double[] values)
    {
        if (values.Length >= 2)
        {
            double sign = Math.Sign(values[1] - values[0]);
            double first = (values[1] - values[0]) * sign;
            bool uniform = first > 0;
            for (int i = 1; i < values.Length && uniform; i++)
            {
                double d = (values[i] - values[i - 1]) * sign;
                uniform = d > 0 && Math.Abs(d - first) <= 1e-8 + 1e-5 * Math.Abs(first);
            }
            if (uniform)
            {
                double start = values[0], stop = values[^1];
                return UniformCoordinates1D.FromStep("time", start, stop, (stop - start) / (values.Length - 1));
            }
        }
        return new ArrayCoordinates1D("time", values);
    }
}

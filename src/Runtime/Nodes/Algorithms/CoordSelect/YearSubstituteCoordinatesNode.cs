using System.Globalization;

namespace PodCache.Runtime.Nodes.Algorithms.CoordSelect;

/// <summary>
/// <c>algorithm.YearSubstituteCoordinates</c> (SEMANTICS §11): every request time is moved into <c>year</c>,
/// keeping month, day and time of day (Feb 29 becomes Feb 28), and the source is evaluated there. The output carries
/// the moved times unless <c>substitute_eval_coords</c> puts the request's back.
/// </summary>
internal sealed class YearSubstituteCoordinatesNode : CoordinateModifierNode
{
    private readonly int _year;

    private YearSubstituteCoordinatesNode(int year, bool substitute) : base(substitute) => _year = year;

    public static NodeType Type { get; } = new(
        "algorithm.YearSubstituteCoordinates",
        ["core.algorithm.coord_select.YearSubstituteCoordinates", "algorithm.coord_select.YearSubstituteCoordinates"],
        1,
        [new AttrSpec("year", AttrType.String, required: true), new AttrSpec("substitute_eval_coords", AttrType.Bool, false)],
        InputSpec.Named("source"),
        // The source is evaluated at other times than requested and the output lies on those times.
        extentDependent: true,
        Build);

    private static YearSubstituteCoordinatesNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        string text = ctx.GetString("year")!;
        if (text.Length != 4 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int year) || year < 1)
        {
            ctx.Error("year", $"must be a year \"YYYY\", not \"{text}\"");
            return null;
        }
        return new YearSubstituteCoordinatesNode(year, ctx.GetBool("substitute_eval_coords"));
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
            throw new NodeEvaluationException("YearSubstituteCoordinates needs a time axis of datetimes, not numbers");
        }
        var values = new double[axis.Size];
        var pts = axis.Points;
        // PODPAC adds (year − the time's year) as a nominal year delta: a datetime64 of days or finer goes through
        // Python datetimes and comes back in microseconds; a month or year axis is added natively and keeps its unit.
        var outUnit = TimeUnits.IsCalendar(unit) ? unit : TimeUnit.Microsecond;
        for (int i = 0; i < values.Length; i++)
        {
            var t = TimeUnits.FromCount((long)pts[i], unit);
            values[i] = TimeUnits.ToCount(t.AddYears(_year - t.Year), outUnit);
        }
        return new ArrayCoordinates1D("time", values, outUnit);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using PodCache.Runtime.Json;

namespace PodCache.Runtime.Nodes.Algorithms.CoordSelect;

/// <summary>
/// One item of a coordinate algorithm's <c>lat</c>/<c>lon</c>/<c>time</c>/<c>alt</c> list: a number, a time delta
/// <c>"N,unit"</c> (PODPAC's <c>make_coord_delta</c>) or an ISO datetime (<c>make_coord_value</c>).
/// </summary>
internal readonly record struct CoordItem(CoordItemKind Kind, double Number, long Count, TimeUnit Unit, DateTime Time)
{
    /// <summary>Reads a delta: a number or <c>"N,unit"</c>.</summary>
    public static bool TryParseDelta(JsonNode? node, out CoordItem item, out string error)
    {
        error = "";
        if (JsonNumbers.TryGetDouble(node, out var d))
        {
            item = new CoordItem(CoordItemKind.Number, d, 0, default, default);
            return true;
        }
        if (JsonNumbers.TryGetString(node, out var s) && TryParseTimeDelta(s, out var n, out var u))
        {
            item = new CoordItem(CoordItemKind.Delta, 0, n, u, default);
            return true;
        }
        item = default;
        error = $"{JsonNumbers.Describe(node)} is neither a number nor a time delta \"N,unit\" (unit one of Y M W D h m s ms us)";
        return false;
    }

    /// <summary>Reads a value: a number or an ISO datetime (at the string's own precision).</summary>
    public static bool TryParseValue(JsonNode? node, out CoordItem item, out string error)
    {
        error = "";
        if (JsonNumbers.TryGetDouble(node, out var d))
        {
            item = new CoordItem(CoordItemKind.Number, d, 0, default, default);
            return true;
        }
        if (JsonNumbers.TryGetString(node, out var s) && TimeUnits.TryParseIso(s, out var t, out var u))
        {
            item = new CoordItem(CoordItemKind.Time, 0, 0, u, t);
            return true;
        }
        item = default;
        error = $"{JsonNumbers.Describe(node)} is neither a number nor an ISO datetime";
        return false;
    }

    private static bool TryParseTimeDelta(string s, out long n, out TimeUnit unit)
    {
        unit = default;
        n = 0;
        var parts = s.Split(',');
        return parts.Length == 2
            && long.TryParse(parts[0].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)
            && TimeUnits.TryParseSymbol(parts[1].Trim(), out unit);
    }

    /// <summary>
    /// <paramref name="point"/> of <paramref name="axis"/> plus this delta, as PODPAC's <c>add_coord</c>: numbers add;
    /// a fixed-length time delta adds in the finer of the two units (numpy); a month or year delta is added nominally,
    /// the day clamped to the month's end, giving microseconds, except on a month or year axis where numpy adds it
    /// natively.
    /// </summary>
    /// <exception cref="NodeEvaluationException">A number added to a time axis or a time delta to a numeric one.</exception>
    public (double Value, TimeUnit? Unit) AddTo(Coordinates1D axis, double point)
    {
        if (axis.Unit is not { } pu)
        {
            if (Kind != CoordItemKind.Number)
            {
                throw new NodeEvaluationException($"cannot add a time delta to the numeric axis '{axis.Name}'");
            }
            return (point + Number, null);
        }
        if (Kind != CoordItemKind.Delta)
        {
            throw new NodeEvaluationException($"cannot add a number to the time axis '{axis.Name}'; give a delta such as \"1,D\"");
        }
        if (TimeUnits.IsCalendar(Unit))
        {
            long months = Unit == TimeUnit.Year ? checked(Count * 12) : Count;
            if (TimeUnits.IsCalendar(pu))
            {
                var unit = TimeUnits.Finer(pu, Unit);
                long monthCount = TimeUnits.Convert((long)point, pu, TimeUnit.Month) + months;
                return (TimeUnits.Convert(monthCount, TimeUnit.Month, unit), unit);
            }
            // .NET's AddMonths clamps the day to the month's end, as PODPAC's _replace_safe does.
            var t = TimeUnits.FromCount((long)point, pu).AddMonths(checked((int)months));
            return (TimeUnits.ToCount(t, TimeUnit.Microsecond), TimeUnit.Microsecond);
        }
        var u = TimeUnits.Finer(pu, Unit);
        long basePoint = TimeUnits.Convert((long)point, pu, u);
        long delta = TimeUnits.Convert(Count, Unit, u) - TimeUnits.Convert(0, Unit, u);
        return (basePoint + delta, u);
    }

    /// <summary>This value as a point of a <paramref name="isTime"/> axis: a number, or a count of its own unit.</summary>
    /// <exception cref="NodeEvaluationException">The kind does not fit the axis.</exception>
    public (double Value, TimeUnit? Unit) AsPoint(string dim, bool isTime)
    {
        if (isTime != (Kind == CoordItemKind.Time) || Kind == CoordItemKind.Delta)
        {
            throw new NodeEvaluationException(
                $"'{dim}' is a {(isTime ? "time" : "numeric")} dim, so its values must be {(isTime ? "ISO datetimes" : "numbers")}");
        }
        return isTime ? (TimeUnits.ToCount(Time, Unit), Unit) : (Number, null);
    }
}

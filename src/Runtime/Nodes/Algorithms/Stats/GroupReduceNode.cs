using System.Globalization;

namespace PodCache.Runtime.Nodes.Algorithms.Stats;

/// <summary>
/// <c>algorithm.GroupReduce</c> and <c>algorithm.DayOfYear</c> (SEMANTICS §12): the source evaluated at the request,
/// its time dim grouped by day of year, ISO week or month and each group reduced with <c>reduce_fn</c>. The time dim
/// becomes the sorted distinct group numbers, as plain numbers.
/// </summary>
internal sealed class GroupReduceNode : Node
{
    private readonly string _groupBy;
    private readonly GroupFunction _fn;

    private GroupReduceNode(string groupBy, GroupFunction fn)
    {
        _groupBy = groupBy;
        _fn = fn;
    }

    /// <summary><c>algorithm.GroupReduce</c>.</summary>
    public static NodeType GroupReduceType { get; } = new(
        "algorithm.GroupReduce",
        ["core.algorithm.stats.GroupReduce", "algorithm.stats.GroupReduce"],
        1,
        [new AttrSpec("groupby", AttrType.String, required: true), .. TimeGroups.ReduceAttrs],
        InputSpec.Named("source").WithOptional("coordinates_source"),
        // Each group pools every requested time that falls in it, so a larger request changes every value.
        extentDependent: true,
        ctx => Build(ctx, null));

    /// <summary><c>algorithm.DayOfYear</c>: GroupReduce with <c>groupby</c> fixed to <c>dayofyear</c>.</summary>
    public static NodeType DayOfYearType { get; } = new(
        "algorithm.DayOfYear",
        ["core.algorithm.stats.DayOfYear", "algorithm.stats.DayOfYear"],
        1,
        [.. TimeGroups.ReduceAttrs],
        InputSpec.Named("source").WithOptional("coordinates_source"),
        extentDependent: true,
        ctx => Build(ctx, "dayofyear"));

    private static GroupReduceNode? Build(NodeBuildContext ctx, string? groupBy)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        if (groupBy is null)
        {
            groupBy = ctx.GetString("groupby")!.ToLowerInvariant();
            if (groupBy == "season")
            {
                // xarray names seasons 'DJF', 'MAM', ..., which cannot be coordinates; PODPAC fails when it builds the output.
                ctx.Error("groupby", "'season' groups are named by strings ('DJF', ...), which coordinates cannot hold; PODPAC fails on it too");
                return null;
            }
            if (groupBy is not ("dayofyear" or "weekofyear" or "month"))
            {
                ctx.Error("groupby", $"must be one of 'dayofyear', 'weekofyear', 'month', not '{ctx.GetString("groupby")}'");
                return null;
            }
        }
        return TimeGroups.ReadFunction(ctx) is { } fn ? new GroupReduceNode(groupBy, fn) : null;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> InitialInputs(IReadOnlyList<string> slots) => ["source"];

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context)
    {
        var source = context.Input("source");
        var time = TimeGroups.TimeAxis(source, "GroupReduce");
        var unit = time.Unit!.Value;
        var keys = new int[time.Size];
        var pts = time.Points;
        for (int i = 0; i < keys.Length; i++)
        {
            var t = TimeUnits.FromCount((long)pts[i], unit);
            keys[i] = _groupBy switch
            {
                "dayofyear" => t.DayOfYear,
                "weekofyear" => ISOWeek.GetWeekOfYear(t),
                _ => t.Month,
            };
        }
        var distinct = keys.Distinct().Order().ToArray();
        var groupOf = keys.Select(k => Array.BinarySearch(distinct, k)).ToArray();
        var axis = new ArrayCoordinates1D("time", distinct.Select(k => (double)k).ToArray());
        return TimeGroups.Reduce(source, groupOf, axis, _fn);
    }
}

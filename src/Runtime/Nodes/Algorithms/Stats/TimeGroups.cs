namespace PodCache.Runtime.Nodes.Algorithms.Stats;

/// <summary>
/// What <see cref="GroupReduceNode"/> and <see cref="ResampleReduceNode"/> share: the <c>reduce_fn</c> attrs and the
/// reduction of a source's <c>time</c> dim group by group.
/// </summary>
internal static class TimeGroups
{
    /// <summary>The attrs both nodes take besides their grouping attr.</summary>
    public static IEnumerable<AttrSpec> ReduceAttrs =>
    [
        new AttrSpec("reduce_fn", AttrType.String, required: true),
        new AttrSpec("custom_reduce_fn", AttrType.Any, null),
    ];

    /// <summary>Reads <c>reduce_fn</c> (case-insensitive, as PODPAC's CaselessStrEnum); reports problems and returns null.</summary>
    public static GroupFunction? ReadFunction(NodeBuildContext ctx)
    {
        string text = ctx.GetString("reduce_fn")!;
        if (ctx.IsSet("custom_reduce_fn") || text.Equals("custom", StringComparison.OrdinalIgnoreCase))
        {
            ctx.Error(ctx.IsSet("custom_reduce_fn") ? "custom_reduce_fn" : "reduce_fn", "a custom reduce function is Python code, and PodCache runs no Python code");
            return null;
        }
        // Matched by name only: Enum.TryParse would also take numbers and comma-joined names.
        if (Enum.GetNames<GroupFunction>().FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is not { } name)
        {
            ctx.Error("reduce_fn", $"must be one of {string.Join(", ", Enum.GetNames<GroupFunction>().Select(n => "'" + n.ToLowerInvariant() + "'"))}, not '{text}'");
            return null;
        }
        return Enum.Parse<GroupFunction>(name);
    }

    /// <summary>
    /// Reduces <paramref name="source"/>'s time dim: cell i of time goes to group <paramref name="groupOf"/>[i] of
    /// <paramref name="time"/>'s points. A group no cell falls in is NaN whatever the function. The time dim keeps its
    /// place among the other dims.
    /// </summary>
    public static DataArray Reduce(DataArray source, int[] groupOf, Coordinates1D time, GroupFunction fn)
    {
        var kept = source.Dims.Where(d => d != "time").ToList();
        var arranged = source.Transpose([.. kept, "time"]);
        int n = groupOf.Length;
        int groups = time.Size;
        int lanes = n == 0 ? 0 : arranged.Length / n;
        var members = new List<int>[groups];
        for (int g = 0; g < groups; g++)
        {
            members[g] = [];
        }
        for (int i = 0; i < n; i++)
        {
            members[groupOf[i]].Add(i);
        }
        var result = new double[lanes * groups];
        var scratch = new double[n];
        var work = new double[n];
        var data = arranged.Values;
        for (int lane = 0; lane < lanes; lane++)
        {
            var row = data.Slice(lane * n, n);
            for (int g = 0; g < groups; g++)
            {
                var m = members[g];
                if (m.Count == 0)
                {
                    result[lane * groups + g] = double.NaN;
                    continue;
                }
                var values = scratch.AsSpan(0, m.Count);
                for (int k = 0; k < m.Count; k++)
                {
                    values[k] = row[m[k]];
                }
                result[lane * groups + g] = Apply(values, fn, work);
            }
        }
        var axes = kept.Select(d => source.Coordinates[d]).Append(time);
        var reduced = new DataArray(new Coordinates(axes, source.Coordinates.Crs), result);
        return reduced.Transpose(source.Dims);
    }

    /// <summary>One group's value; <paramref name="work"/> is scratch at least as long as <paramref name="values"/>.</summary>
    private static double Apply(ReadOnlySpan<double> values, GroupFunction fn, Span<double> work)
    {
        switch (fn)
        {
            case GroupFunction.All:
                foreach (var v in values)
                {
                    if (v == 0) return 0;
                }
                return 1;
            case GroupFunction.Any:
                foreach (var v in values)
                {
                    if (v != 0) return 1;
                }
                return 0;
            case GroupFunction.Count:
                int c = 0;
                foreach (var v in values)
                {
                    if (!double.IsNaN(v)) c++;
                }
                return c;
            case GroupFunction.Prod:
                double p = 1;
                foreach (var v in values)
                {
                    if (!double.IsNaN(v)) p *= v;
                }
                return p;
            default:
                var kind = fn switch
                {
                    GroupFunction.Max => ReductionKind.Max,
                    GroupFunction.Mean => ReductionKind.Mean,
                    GroupFunction.Median => ReductionKind.Median,
                    GroupFunction.Min => ReductionKind.Min,
                    GroupFunction.Std => ReductionKind.StandardDeviation,
                    GroupFunction.Sum => ReductionKind.Sum,
                    _ => ReductionKind.Variance,
                };
                return Reductions.ReduceLane(values, kind, work);
        }
    }

    /// <summary>The source's time axis, which both nodes need as datetimes.</summary>
    /// <exception cref="NodeEvaluationException">The source has no time dim, or a numeric one.</exception>
    public static Coordinates1D TimeAxis(DataArray source, string node)
    {
        if (!source.Coordinates.Contains("time"))
        {
            throw new NodeEvaluationException($"{node} needs a time-dependent source; the source output has dims {string.Join(", ", source.Dims)}");
        }
        var time = source.Coordinates["time"];
        if (!time.IsTime)
        {
            throw new NodeEvaluationException($"{node} needs the source's time axis as datetimes, not numbers");
        }
        return time;
    }
}

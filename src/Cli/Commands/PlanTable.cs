using System.Globalization;
using System.Text;
using PodCache.Runtime.Execution;

namespace PodCache.Cli.Commands;

/// <summary><c>podcache plan</c> for people: one row per node with its predicted status, tier, bytes and seconds.</summary>
internal static class PlanTable
{
    /// <summary>
    /// The plan as a table — node, status (computed, hit, pruned), the tier a hit is read from, the result's bytes and
    /// its estimated compute seconds — then a total line. A plan computes nothing, so bytes and seconds come from
    /// <paramref name="recorded"/> (what the cache recorded when the entry was written), or <c>?</c> where it knows none.
    /// </summary>
    public static string Render(PipelineRun plan, Func<NodeRunInfo, (long Bytes, double Seconds)?> recorded)
    {
        var rows = new List<string[]> { new[] { "node", "status", "tier", "bytes", "est. seconds" } };
        foreach (var n in plan.Nodes.Values)
        {
            var r = recorded(n);
            rows.Add([
                n.Ref,
                n.Status.Kind.ToString().ToLowerInvariant(),
                n.Status.Tier ?? "-",
                r is { } b ? b.Bytes.ToString("N0", CultureInfo.InvariantCulture) : "?",
                r is { } s ? s.Seconds.ToString("F3", CultureInfo.InvariantCulture) : "?",
            ]);
        }
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            // Text columns left-aligned, numbers right-aligned.
            for (int c = 0; c < 5; c++)
            {
                if (c > 0) sb.Append("  ");
                sb.Append(c < 3 ? r[c].PadRight(widths[c]) : r[c].PadLeft(widths[c]));
            }
            sb.AppendLine();
        }
        int computed = plan.Nodes.Values.Count(n => n.Status == PodCache.Cache.CacheStatus.Computed);
        sb.Append(CultureInfo.InvariantCulture, $"{computed} of {plan.Nodes.Count} nodes to compute for '{plan.OutputRef}'");
        return sb.ToString();
    }
}

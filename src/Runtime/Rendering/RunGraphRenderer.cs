using System.Globalization;
using System.Text;
using PodCache.Cache;
using PodCache.Runtime.Execution;

namespace PodCache.Runtime.Rendering;

/// <summary>
/// A run (or plan) as an SVG graph: one box per node with its ref, type, status, compute seconds and bytes, coloured
/// by status, with arrows from each input to the node that reads it, labelled with the input's name.
/// </summary>
/// <remarks>
/// Layout: longest-path layering from the sources, so data flows left to right and the output is in the rightmost
/// column; within a column, nodes are ordered by a few barycentre sweeps to reduce edge crossings.
/// </remarks>
public static class RunGraphRenderer
{
    private const int BoxWidth = 200;
    private const int BoxHeight = 76;
    private const int ColumnGap = 120;
    private const int RowGap = 26;
    private const int Margin = 16;
    private const int Header = 34;
    private const int LegendHeight = 44;
    private const int Top = Header + RowGap;    // a free lane above the boxes for edges that skip columns
    private const double CharWidth = 7.2;   // a 12 px monospace advance, used to fit text into boxes

    /// <summary>The statuses in legend order.</summary>
    public static IReadOnlyList<CacheStatus> Statuses { get; } =
    [
        CacheStatus.Computed, CacheStatus.Hit(TierNames.Ram), CacheStatus.Hit(TierNames.Disk), CacheStatus.Hit(TierNames.S3),
        CacheStatus.Hit(TierNames.Remote), CacheStatus.Pruned,
    ];

    /// <summary>The fill colour (CSS <c>#rrggbb</c>) of a node box with <paramref name="status"/>; white when unknown.</summary>
    public static string StatusFill(CacheStatus status) => Colors(status).Fill;

    private static (string Fill, string Stroke) Colors(CacheStatus status) => (status.Kind, status.Tier) switch
    {
        (CacheStatusKind.Computed, _) => ("#ffe3c2", "#e8590c"),
        (CacheStatusKind.Hit, TierNames.Ram) => ("#d3f9d8", "#2b8a3e"),
        (CacheStatusKind.Hit, TierNames.Disk) => ("#d0ebff", "#1864ab"),
        (CacheStatusKind.Hit, TierNames.S3) => ("#e5dbff", "#5f3dc4"),
        (CacheStatusKind.Hit, TierNames.Remote) => ("#c3fae8", "#087f5b"),
        (CacheStatusKind.Pruned, _) => ("#f1f3f5", "#868e96"),
        _ => ("#ffffff", "#495057"),
    };

    /// <summary>Renders <paramref name="run"/>'s graph.</summary>
    /// <returns>An <c>svg</c> element; every node is a <c>g</c> with <c>class="node"</c>, <c>data-ref</c> and <c>data-status</c>.</returns>
    public static string RenderSvg(PipelineRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var refs = run.Nodes.Keys.ToList();
        var edges = new List<(string From, string To, string Slot)>();
        foreach (var r in refs)
        {
            if (!run.Pipeline.Contains(r)) continue;
            foreach (var input in run.Pipeline[r].Inputs)
            {
                for (int i = 0; i < input.Refs.Count; i++)
                {
                    if (run.Nodes.ContainsKey(input.Refs[i])) edges.Add((input.Refs[i], r, input.Slots[i]));
                }
            }
        }

        var columns = Layer(refs, edges);
        var pos = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        int tallest = columns.Max(c => c.Count);
        double graphH = tallest * BoxHeight + (tallest - 1) * RowGap;
        for (int c = 0; c < columns.Count; c++)
        {
            double colH = columns[c].Count * BoxHeight + (columns[c].Count - 1) * RowGap;
            double y0 = Top + (graphH - colH) / 2;
            for (int k = 0; k < columns[c].Count; k++)
            {
                pos[columns[c][k]] = (Margin + c * (BoxWidth + ColumnGap), y0 + k * (BoxHeight + RowGap));
            }
        }
        var column = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < columns.Count; c++)
        {
            foreach (var r in columns[c]) column[r] = c;
        }
        double graphBottom = Top + graphH;
        double width = Math.Max(Margin * 2 + columns.Count * BoxWidth + (columns.Count - 1) * ColumnGap, Margin * 2 + Statuses.Count * 104);
        double height = graphBottom + RowGap + 18 + LegendHeight;
        string markerId = "podcache-arrow-" + new string(run.RunId.Where(char.IsAsciiLetterOrDigit).ToArray());

        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"podcache-run\" width=\"{Markup.Svg(width)}\" height=\"{Markup.Svg(height)}\" viewBox=\"0 0 {Markup.Svg(width)} {Markup.Svg(height)}\" font-family=\"ui-monospace, Menlo, Consolas, monospace\" font-size=\"12\">");
        sb.Append(inv, $"<defs><marker id=\"{markerId}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"#555555\"/></marker></defs>");
        sb.Append(inv, $"<rect width=\"{Markup.Svg(width)}\" height=\"{Markup.Svg(height)}\" fill=\"#ffffff\"/>");
        string kind = run.IsPlan ? "plan" : "run";
        string headline = string.Create(inv,
            $"{kind} {run.RunId} \u00B7 output {run.OutputRef} \u00B7 {run.ComputedCount} of {run.Nodes.Count} nodes {(run.IsPlan ? "to compute" : "computed")}{(run.IsPlan ? "" : " \u00B7 " + Markup.Number(run.Seconds, 3) + " s")}");
        sb.Append(inv, $"<text x=\"{Margin}\" y=\"21\" font-size=\"13\" font-weight=\"bold\" fill=\"#222222\">{Markup.Escape(headline)}</text>");

        // Edges first, so boxes sit on top of them. Each node's inputs enter at evenly spaced points on its left side.
        sb.Append("<g class=\"edges\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1.3\">");
        var labels = new StringBuilder();
        foreach (var group in edges.GroupBy(e => e.To))
        {
            var incoming = group.OrderBy(e => pos[e.From].Y).ThenBy(e => pos[e.From].X).ToList();
            double spacing = BoxHeight / (double)(incoming.Count + 1);
            for (int k = 0; k < incoming.Count; k++)
            {
                var (from, to, slot) = incoming[k];
                double x1 = pos[from].X + BoxWidth, y1 = pos[from].Y + BoxHeight / 2.0;
                double x2 = pos[to].X, y2 = pos[to].Y + spacing * (k + 1);
                sb.Append(inv, $"<path class=\"edge\" data-from=\"{Markup.Escape(from)}\" data-to=\"{Markup.Escape(to)}\" d=\"{EdgePath(x1, y1, x2, y2, column[from], column[to], columns, pos, graphBottom)}\" marker-end=\"url(#{markerId})\"/>");
                // A label when it fits: between the columns, just above where the arrow enters the box.
                int room = (int)((ColumnGap - 24) / 6.0);
                if (spacing >= 12 && room >= 3)
                {
                    string text = Fit(slot, room);
                    labels.Append(inv, $"<text class=\"edge-label\" x=\"{Markup.Svg(x2 - 10)}\" y=\"{Markup.Svg(y2 - 3)}\" text-anchor=\"end\" font-size=\"10\" fill=\"#333333\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{Markup.Escape(text)}</text>");
                }
            }
        }
        sb.Append("</g><g class=\"edge-labels\">").Append(labels).Append("</g>");

        // Boxes.
        int maxChars = (int)((BoxWidth - 16) / CharWidth);
        sb.Append("<g class=\"nodes\">");
        foreach (var r in refs)
        {
            var n = run.Nodes[r];
            var (fill, stroke) = Colors(n.Status);
            var (x, y) = pos[r];
            bool output = r == run.OutputRef;
            bool pruned = n.Status.Kind == CacheStatusKind.Pruned;
            string status = n.Status.ToString();
            string dash = pruned ? " stroke-dasharray=\"5 3\"" : "";
            sb.Append(inv, $"<g class=\"node\" data-ref=\"{Markup.Escape(r)}\" data-status=\"{Markup.Escape(status)}\">");
            sb.Append(inv, $"<title>{Markup.Escape($"{r} ({n.NodeType})\nstatus {status}\nnodeKey {n.NodeKey}\nresultKey {n.ResultKey}")}</title>");
            sb.Append(inv, $"<rect x=\"{Markup.Svg(x)}\" y=\"{Markup.Svg(y)}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{(output ? 3 : 1.5).ToString(inv)}\"{dash}/>");
            double tx = x + 8;
            sb.Append(inv, $"<text x=\"{Markup.Svg(tx)}\" y=\"{Markup.Svg(y + 18)}\" font-weight=\"bold\" fill=\"#111111\">{Markup.Escape(Fit(r + (output ? " (output)" : ""), maxChars))}</text>");
            sb.Append(inv, $"<text x=\"{Markup.Svg(tx)}\" y=\"{Markup.Svg(y + 34)}\" font-size=\"11\" fill=\"#555555\">{Markup.Escape(Fit(n.NodeType, maxChars + 1))}</text>");
            sb.Append(inv, $"<text x=\"{Markup.Svg(tx)}\" y=\"{Markup.Svg(y + 51)}\" font-weight=\"bold\" fill=\"{stroke}\">{Markup.Escape(Fit(status, maxChars))}</text>");
            string cost = pruned ? "not needed" : Markup.Number(n.Seconds, 3) + " s \u00B7 " + Markup.Bytes(n.Bytes);
            sb.Append(inv, $"<text x=\"{Markup.Svg(tx)}\" y=\"{Markup.Svg(y + 67)}\" font-size=\"11\" fill=\"#333333\">{Markup.Escape(Fit(cost, maxChars + 1))}</text>");
            sb.Append("</g>");
        }
        sb.Append("</g>");

        // Legend.
        double ly = graphBottom + RowGap + 18;
        sb.Append("<g class=\"legend\" font-size=\"11\">");
        for (int i = 0; i < Statuses.Count; i++)
        {
            var (fill, stroke) = Colors(Statuses[i]);
            double lx = Margin + i * 104;
            string dash = Statuses[i].Kind == CacheStatusKind.Pruned ? " stroke-dasharray=\"4 2\"" : "";
            sb.Append(inv, $"<rect class=\"swatch\" data-status=\"{Statuses[i]}\" x=\"{Markup.Svg(lx)}\" y=\"{Markup.Svg(ly)}\" width=\"16\" height=\"14\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}/>");
            sb.Append(inv, $"<text x=\"{Markup.Svg(lx + 22)}\" y=\"{Markup.Svg(ly + 11)}\" fill=\"#222222\">{Statuses[i]}</text>");
        }
        sb.Append(inv, $"<text x=\"{Margin}\" y=\"{Markup.Svg(ly + 34)}\" fill=\"#666666\">thick outline: the output node \u00B7 arrows: input \u2192 node, labelled by input name</text>");
        sb.Append("</g></svg>");
        return sb.ToString();
    }

    /// <summary>
    /// An HTML fragment: the graph (<see cref="RenderSvg"/>) followed by a collapsible table of every node's type,
    /// status, seconds, bytes and keys.
    /// </summary>
    public static string Html(PipelineRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<div class=\"podcache-run\">").Append(RenderSvg(run));
        sb.Append("<details><summary>nodes</summary><table><thead><tr><th>ref</th><th>node</th><th>status</th><th>seconds</th><th>bytes</th><th>resultKey</th></tr></thead><tbody>");
        foreach (var n in run.Nodes.Values)
        {
            sb.Append(inv, $"<tr><td>{Markup.Escape(n.Ref)}</td><td>{Markup.Escape(n.NodeType)}</td><td style=\"background:{StatusFill(n.Status)}\">{Markup.Escape(n.Status.ToString())}</td>");
            sb.Append(inv, $"<td style=\"text-align:right\">{Markup.Number(n.Seconds, 4)}</td><td style=\"text-align:right\">{Markup.Escape(Markup.Bytes(n.Bytes))}</td>");
            sb.Append(inv, $"<td><code title=\"{n.ResultKey}\">{n.ResultKey.ToString()[..12]}\u2026</code></td></tr>");
        }
        sb.Append("</tbody></table></details></div>");
        return sb.ToString();
    }

    /// <summary>
    /// An edge's path: one S-curve between adjacent columns; across several columns, a curve into a horizontal lane
    /// that passes the columns in between where they have no box (between boxes, or above/below them), then a curve
    /// out, so an edge never runs hidden behind a box it does not touch.
    /// </summary>
    private static string EdgePath(double x1, double y1, double x2, double y2, int fromCol, int toCol,
        List<List<string>> columns, Dictionary<string, (double X, double Y)> pos, double graphBottom)
    {
        if (toCol - fromCol <= 1)
        {
            double dx = Math.Max(40, (x2 - x1) / 2);
            return $"M{Markup.Svg(x1)} {Markup.Svg(y1)} C{Markup.Svg(x1 + dx)} {Markup.Svg(y1)} {Markup.Svg(x2 - dx)} {Markup.Svg(y2)} {Markup.Svg(x2)} {Markup.Svg(y2)}";
        }
        var boxes = new List<double>();
        for (int c = fromCol + 1; c < toCol; c++)
        {
            boxes.AddRange(columns[c].Select(r => pos[r].Y));
        }
        bool Free(double y) => boxes.All(top => y < top - 6 || y > top + BoxHeight + 6);
        var candidates = new List<double> { y1, y2, graphBottom + RowGap / 2.0 };
        foreach (var top in boxes)
        {
            candidates.Add(top - RowGap / 2.0);
            candidates.Add(top + BoxHeight + RowGap / 2.0);
        }
        double lane = candidates.Where(Free).OrderBy(y => Math.Abs(y - y1) + Math.Abs(y - y2)).First();
        double xa = pos[columns[fromCol + 1][0]].X - 8;
        double xb = pos[columns[toCol - 1][0]].X + BoxWidth + 8;
        double d1 = (xa - x1) / 2, d2 = (x2 - xb) / 2;
        return $"M{Markup.Svg(x1)} {Markup.Svg(y1)} C{Markup.Svg(x1 + d1)} {Markup.Svg(y1)} {Markup.Svg(xa - d1)} {Markup.Svg(lane)} {Markup.Svg(xa)} {Markup.Svg(lane)} " +
               $"L{Markup.Svg(xb)} {Markup.Svg(lane)} C{Markup.Svg(xb + d2)} {Markup.Svg(lane)} {Markup.Svg(x2 - d2)} {Markup.Svg(y2)} {Markup.Svg(x2)} {Markup.Svg(y2)}";
    }

    private static string Fit(string text, int chars) =>
        text.Length <= chars ? text : chars <= 1 ? "\u2026" : text[..(chars - 1)] + "\u2026";

    /// <summary>Columns of refs: longest path from a source, ordered within each column by barycentre sweeps.</summary>
    private static List<List<string>> Layer(List<string> refs, List<(string From, string To, string Slot)> edges)
    {
        var preds = refs.ToDictionary(r => r, _ => new List<string>(), StringComparer.Ordinal);
        var succs = refs.ToDictionary(r => r, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (from, to, _) in edges)
        {
            preds[to].Add(from);
            succs[from].Add(to);
        }
        var layer = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        // Longest path from a source, post-order with an explicit stack: a long chain must not recurse once per node.
        var pending = new Stack<string>();
        foreach (var root in refs)
        {
            pending.Push(root);
            while (pending.Count > 0)
            {
                string r = pending.Peek();
                if (layer.ContainsKey(r))
                {
                    pending.Pop();
                    continue;
                }
                bool ready = true;
                if (onStack.Add(r))
                {
                    foreach (var p in preds[r])
                    {
                        // Pipelines are validated acyclic; the guard only keeps a damaged manifest from looping forever.
                        if (!layer.ContainsKey(p) && !onStack.Contains(p))
                        {
                            pending.Push(p);
                            ready = false;
                        }
                    }
                }
                if (!ready) continue;
                int d = 0;
                foreach (var p in preds[r])
                {
                    if (layer.TryGetValue(p, out int pd)) d = Math.Max(d, pd + 1);
                }
                onStack.Remove(r);
                layer[r] = d;
                pending.Pop();
            }
        }
        int count = refs.Count == 0 ? 1 : layer.Values.Max() + 1;
        var columns = Enumerable.Range(0, count).Select(_ => new List<string>()).ToList();
        foreach (var r in refs) columns[layer[r]].Add(r);

        var order = new Dictionary<string, double>(StringComparer.Ordinal);
        void Index(List<string> col)
        {
            for (int i = 0; i < col.Count; i++) order[col[i]] = i;
        }
        foreach (var col in columns) Index(col);
        for (int sweep = 0; sweep < 4; sweep++)
        {
            bool forward = sweep % 2 == 0;
            var range = forward ? Enumerable.Range(1, count - 1) : Enumerable.Range(0, count - 1).Reverse();
            foreach (int c in range)
            {
                var col = columns[c];
                var keyed = col.Select((r, i) =>
                {
                    var nb = forward ? preds[r] : succs[r];
                    return (Ref: r, Key: nb.Count == 0 ? order[r] : nb.Average(p => order[p]), Stable: i);
                }).OrderBy(t => t.Key).ThenBy(t => t.Stable).Select(t => t.Ref).ToList();
                columns[c] = keyed;
                Index(keyed);
            }
        }
        return columns;
    }
}

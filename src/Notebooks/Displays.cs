using System.Globalization;
using Microsoft.DotNet.Interactive.Formatting;
using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Rendering;

namespace PodCache.Notebooks;

/// <summary>
/// The formatter registrations. The registry is process-wide static state owned by .NET Interactive; only this class
/// touches it, and the pictures themselves come from <see cref="PodCache.Runtime.Rendering"/>.
/// </summary>
internal static class Displays
{
    public const string PngMimeType = "image/png";

    private static readonly object Gate = new();

    public static void Register()
    {
        lock (Gate)
        {
            Formatter.Register<PipelineRun>((run, w) => w.Write(RunGraphRenderer.Html(run)), HtmlFormatter.MimeType);
            Formatter.Register<PipelineRun>((run, w) => w.Write(Describe(run)), PlainTextFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(PipelineRun), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

            // Every array gets a picture under image/png (a 1-D one as a one-row strip, an N-d one as its first plane),
            // so a front end that prefers images never receives an empty value.
            Formatter.Register<DataArray>((a, w) => w.Write(HeatmapRenderer.Html(a)), HtmlFormatter.MimeType);
            Formatter.Register<DataArray>((a, w) => w.Write(Convert.ToBase64String(HeatmapRenderer.RenderPng(a))), PngMimeType);
            Formatter.Register<DataArray>((a, w) => w.Write(a.ToString()), PlainTextFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(DataArray), HtmlFormatter.MimeType, PngMimeType, PlainTextFormatter.MimeType);

            Formatter.Register<CacheStatistics>((s, w) => w.Write(StatsHtml(s)), HtmlFormatter.MimeType);
            Formatter.Register<CacheStatistics>((s, w) => w.Write(s.ToString()), PlainTextFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(CacheStatistics), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        }
    }

    internal static string Describe(PipelineRun run) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{(run.IsPlan ? "plan" : "run")} {run.RunId}: output '{run.OutputRef}', {run.Nodes.Count} nodes, {run.ComputedCount} computed, {run.Seconds:0.###} s");

    private static string StatsHtml(CacheStatistics s) =>
        "<div class=\"podcache-stats\">" + StatsRenderer.Html(s.Tiers) +
        "<div style=\"color:#666;font-size:smaller\">at " + s.Taken.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "</div></div>";
}

using System.Text;
using PodCache.Runtime;

namespace PodCache.Cli;

/// <summary>Writes a result as JSON, a summary or GeoTIFF, to stdout or a file.</summary>
internal static class OutputFormats
{
    /// <summary>What <c>run</c> and <c>get</c> write a result as.</summary>
    public static readonly string[] Result = ["json", "summary", "geotiff", "png"];

    /// <summary>What <c>plan</c> prints: a table for people (on a terminal, by default), JSON, or a summary.</summary>
    public static readonly string[] Plan = ["table", "json", "summary"];

    /// <summary>What the commands that list or describe things print: text for people, or JSON.</summary>
    public static readonly string[] TextOrJson = ["text", "json"];

    /// <summary>Refuses a <c>--format</c> that is not one of <paramref name="choices"/>, naming them.</summary>
    public static void Check(string format, string[] choices)
    {
        if (choices.Contains(format, StringComparer.Ordinal)) return;
        throw new UsageException($"--format '{format}' is not supported; use {string.Join(", ", choices[..^1])} or {choices[^1]}");
    }

    public static async Task WriteAsync(DataArray array, string format, string? outPath, TextWriter stdout, Func<string> summary)
    {
        if (format == "geotiff")
        {
            if (outPath is null)
            {
                throw new UsageException("--format geotiff needs --out FILE");
            }
            byte[] tiff;
            try
            {
                tiff = GeoTiffWriter.ToBytes(array);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException("cannot write GeoTIFF: " + ex.Message);
            }
            InputFiles.WriteAtomic(outPath, tiff);
            await stdout.WriteLineAsync($"wrote {outPath} ({tiff.Length} bytes)").ConfigureAwait(false);
            return;
        }
        if (format == "png")
        {
            if (outPath is null)
            {
                throw new UsageException("--format png needs --out FILE");
            }
            byte[] png;
            try
            {
                png = PodCache.Runtime.Rendering.HeatmapRenderer.RenderPng(array);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException("cannot render PNG: " + ex.Message);
            }
            InputFiles.WriteAtomic(outPath, png);
            await stdout.WriteLineAsync($"wrote {outPath} ({png.Length} bytes)").ConfigureAwait(false);
            return;
        }
        string text = format == "json" ? DataArrayJson.ToJson(array) : summary();
        if (outPath is not null)
        {
            InputFiles.WriteAtomic(outPath, Encoding.UTF8.GetBytes(text));
        }
        else
        {
            await stdout.WriteLineAsync(text).ConfigureAwait(false);
        }
    }
}

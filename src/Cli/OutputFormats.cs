using System.Text;
using PodCache.Runtime;

namespace PodCache.Cli;

/// <summary>Writes a result as JSON, a summary or GeoTIFF, to stdout or a file.</summary>
internal static class OutputFormats
{
    public static void Check(string format, bool allowGeoTiff)
    {
        if (format is "json" or "summary") return;
        if (format is "geotiff" or "png" && allowGeoTiff) return;
        throw new UsageException($"--format '{format}' is not supported; use json, summary{(allowGeoTiff ? ", geotiff or png" : "")}");
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

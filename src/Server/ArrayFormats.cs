using System.Text;
using PodCache.Runtime;
using PodCache.Runtime.Rendering;
using PodCache.Runtime.Serialization;

namespace PodCache.Server;

/// <summary>The representations of a node's result that <c>GET /v1/runs/RUN/nodes/REF?format=</c> offers.</summary>
internal static class ArrayFormats
{
    /// <summary>The formats, in the order error messages list them.</summary>
    public static readonly IReadOnlyList<string> Names = ["json", "msgpack", "geotiff", "png"];

    private static readonly DataArrayCodec Codec = new();

    /// <summary>The media type of the msgpack format: the cache codec's own.</summary>
    public static string MsgPackContentType => Codec.ContentType;

    /// <summary>True when <paramref name="format"/> is one of <see cref="Names"/>.</summary>
    public static bool IsKnown(string format) => Names.Contains(format, StringComparer.Ordinal);

    /// <summary>The array in <paramref name="format"/>: the bytes, their media type and a file extension.</summary>
    /// <exception cref="ArgumentException">The array cannot be shown that way (a GeoTIFF needs a 2-D lat/lon grid).</exception>
    public static (byte[] Bytes, string ContentType, string Extension) Encode(DataArray array, string format)
    {
        switch (format)
        {
            case "json":
                return (Encoding.UTF8.GetBytes(DataArrayJson.ToJson(array)), "application/json; charset=utf-8", "json");
            case "msgpack":
                return (EncodeMsgPack(array), MsgPackContentType, "msgpack");
            case "geotiff":
                return (GeoTiffWriter.ToBytes(array), "image/tiff", "tif");
            case "png":
                return (HeatmapRenderer.RenderPng(array), "image/png", "png");
            default:
                throw new ArgumentException($"unknown format '{format}'", nameof(format));
        }
    }

    /// <summary>The cache codec's encoding: what the disk tier stores and <c>/v1/entries/KEY/data</c> serves.</summary>
    public static byte[] EncodeMsgPack(DataArray array)
    {
        using var ms = new MemoryStream(checked((int)Math.Min(array.SizeBytes + 1024, int.MaxValue)));
        Codec.Encode(array, ms);
        return ms.ToArray();
    }
}

namespace PodCache.Cache.Serialization;

/// <summary>An opaque byte payload with a content type (e.g. a GeoTIFF), cacheable like any other value.</summary>
public sealed class BinaryValue : ICacheValue
{
    /// <summary>Creates a value over <paramref name="bytes"/> (not copied).</summary>
    public BinaryValue(string contentType, ReadOnlyMemory<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        ContentType = contentType;
        Bytes = bytes;
    }

    /// <summary>The content type, e.g. <c>image/tiff</c>.</summary>
    public string ContentType { get; }

    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <inheritdoc/>
    public long SizeBytes => Bytes.Length + 64L;
}

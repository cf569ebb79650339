namespace PodCache.Cache.Serialization;

/// <summary>
/// Turns one kind of <see cref="ICacheValue"/> into bytes and back, for tiers that store bytes (disk, S3).
/// Decoders treat their input as untrusted: a malformed payload throws <see cref="CacheCorruptException"/>.
/// </summary>
public interface IValueCodec
{
    /// <summary>The content type written into entry headers, e.g. <c>application/vnd.podcache.dataarray</c>.</summary>
    string ContentType { get; }

    /// <summary>True when this codec handles <paramref name="value"/>.</summary>
    bool CanEncode(ICacheValue value);

    /// <summary>Writes <paramref name="value"/>'s payload to <paramref name="destination"/>.</summary>
    void Encode(ICacheValue value, Stream destination);

    /// <summary>Reads a payload of exactly <paramref name="length"/> bytes from <paramref name="source"/>.</summary>
    /// <exception cref="CacheCorruptException">The bytes are not a valid payload.</exception>
    ICacheValue Decode(Stream source, long length);
}

namespace PodCache.Cache.Serialization;

/// <summary>The codecs a byte-storing tier can use, found by value or by content type.</summary>
public sealed class ValueCodecs
{
    private readonly List<IValueCodec> _codecs = [new BinaryValueCodec()];

    /// <summary>Adds a codec; later registrations win for the same content type.</summary>
    public ValueCodecs Register(IValueCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _codecs.Insert(0, codec);
        return this;
    }

    /// <summary>The codec for <paramref name="value"/>, or null when none can store it.</summary>
    public IValueCodec? For(ICacheValue value)
    {
        foreach (var c in _codecs)
        {
            if (c.CanEncode(value)) return c;
        }
        return null;
    }

    /// <summary>The codec for <paramref name="contentType"/>, or null.</summary>
    public IValueCodec? For(string contentType)
    {
        foreach (var c in _codecs)
        {
            if (c.ContentType == contentType) return c;
        }
        return null;
    }
}

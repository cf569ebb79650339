using MessagePack;

namespace PodCache.Cache.Serialization;

/// <summary>Codec for <see cref="BinaryValue"/>: the content type as a MessagePack string, then the raw bytes.</summary>
internal sealed class BinaryValueCodec : IValueCodec
{
    public string ContentType => "application/vnd.podcache.binary";

    public bool CanEncode(ICacheValue value) => value is BinaryValue;

    public void Encode(ICacheValue value, Stream destination)
    {
        var b = (BinaryValue)value;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        var w = new MessagePackWriter(buffer);
        w.Write(b.ContentType);
        w.Flush();
        destination.Write(buffer.WrittenSpan);
        destination.Write(b.Bytes.Span);
    }

    public ICacheValue Decode(Stream source, long length)
    {
        if (length > Array.MaxLength)
        {
            throw new CacheCorruptException("binary payload too large");
        }
        var all = new byte[length];
        source.ReadExactly(all);
        try
        {
            var r = new MessagePackReader(all);
            string? ct = r.ReadString();
            if (string.IsNullOrEmpty(ct))
            {
                throw new CacheCorruptException("binary payload without content type");
            }
            int consumed = (int)r.Consumed;
            return new BinaryValue(ct, all.AsMemory(consumed));
        }
        catch (MessagePackSerializationException ex)
        {
            throw new CacheCorruptException("binary payload header is not valid MessagePack", ex);
        }
    }
}

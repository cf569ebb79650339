using System.Buffers;
using System.Runtime.InteropServices;
using MessagePack;
using PodCache.Cache;
using PodCache.Cache.Serialization;

namespace PodCache.Runtime.Serialization;

/// <summary>
/// Stores a <see cref="DataArray"/> as a small MessagePack block (dims, axes, CRS, attrs, cell count) followed by the
/// float64 values as one raw little-endian block — several times faster than MessagePack's per-element array encoding.
/// Decoding validates every count and size against the payload length before allocating.
/// </summary>
public sealed class DataArrayCodec : IValueCodec
{
    private const int FormatVersion = 1;

    /// <inheritdoc/>
    public string ContentType => "application/vnd.podcache.dataarray";

    /// <inheritdoc/>
    public bool CanEncode(ICacheValue value) => value is DataArray;

    /// <inheritdoc/>
    public void Encode(ICacheValue value, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var a = (DataArray)value;
        var buffer = new ArrayBufferWriter<byte>(256);
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(5);
        w.Write(FormatVersion);
        w.WriteArrayHeader(a.Rank);
        foreach (var axis in a.Coordinates.Axes)
        {
            WriteAxis(ref w, axis);
        }
        w.Write(a.Coordinates.Crs);
        w.WriteMapHeader(a.Attrs.Count);
        foreach (var kv in a.Attrs)
        {
            w.Write(kv.Key);
            w.Write(kv.Value);
        }
        w.Write((long)a.Length);
        w.Flush();
        destination.Write(buffer.WrittenSpan);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("PodCache's binary formats need a little-endian machine");
        }
        // In chunks: one span of bytes over 2^28 or more values would be longer than int.MaxValue.
        var values = a.Values;
        for (int at = 0; at < values.Length; at += ChunkValues)
        {
            destination.Write(MemoryMarshal.AsBytes(values.Slice(at, Math.Min(ChunkValues, values.Length - at))));
        }
    }

    private const int ChunkValues = 1 << 27; // 1 GiB of bytes per span

    private static void WriteAxis(ref MessagePackWriter w, Coordinates1D axis)
    {
        if (axis is StackedCoordinates1D st)
        {
            w.WriteArrayHeader(4);
            w.Write(axis.Name);
            w.Write(-1);
            w.Write("s");
            w.WriteArrayHeader(st.Parts.Count);
            foreach (var part in st.Parts) WriteAxis(ref w, part);
        }
        else if (axis is UniformCoordinates1D u)
        {
            w.WriteArrayHeader(7);
            w.Write(axis.Name);
            w.Write(axis.Unit is { } tu ? (int)tu : -1);
            w.Write("u");
            w.Write(u.Start);
            w.Write(u.Stop);
            w.Write(u.Step);
            w.Write(u.Size);
        }
        else
        {
            w.WriteArrayHeader(4);
            w.Write(axis.Name);
            w.Write(axis.Unit is { } tu ? (int)tu : -1);
            w.Write("a");
            w.WriteArrayHeader(axis.Size);
            foreach (var p in axis.Points) w.Write(p);
        }
    }

    /// <inheritdoc/>
    public ICacheValue Decode(Stream source, long length)
    {
        ArgumentNullException.ThrowIfNull(source);
        // The metadata block is small; read it with a growing prefix until MessagePack can parse it.
        var prefix = new byte[(int)Math.Min(length, 4096)];
        int have = 0;
        while (true)
        {
            int want = prefix.Length - have;
            source.ReadExactly(prefix, have, want);
            have += want;
            if (TryReadMeta(prefix.AsMemory(0, have), out var meta, out int consumed))
            {
                return Finish(source, length, prefix, have, meta, consumed);
            }
            if (have >= length || have >= (64 << 20))
            {
                throw new CacheCorruptException("array metadata is not valid");
            }
            Array.Resize(ref prefix, (int)Math.Min(length, prefix.Length * 4L));
        }
    }

    private static DataArray Finish(Stream source, long length, byte[] prefix, int have, (Coordinates Coords, Dictionary<string, string> Attrs, long Count) meta, int consumed)
    {
        long expectedBytes = meta.Count * 8;
        if (meta.Count != meta.Coords.Size || consumed + expectedBytes != length)
        {
            throw new CacheCorruptException($"array payload holds {length - consumed} bytes for {meta.Count} cells of shape [{string.Join(",", meta.Coords.Shape)}]");
        }
        if (meta.Count > Array.MaxLength)
        {
            throw new CacheCorruptException("array too large");
        }
        var values = GC.AllocateUninitializedArray<double>((int)meta.Count);
        int already = have - consumed;
        // The prefix holds under 256 MiB, so it ends inside the first (1 GiB) chunk; chunks keep every byte span below
        // int.MaxValue however many values there are.
        for (int at = 0; at < values.Length; at += ChunkValues)
        {
            var bytes = MemoryMarshal.AsBytes(values.AsSpan(at, Math.Min(ChunkValues, values.Length - at)));
            if (at == 0)
            {
                int fromPrefix = Math.Min(already, bytes.Length);
                prefix.AsSpan(consumed, fromPrefix).CopyTo(bytes);
                source.ReadExactly(bytes[fromPrefix..]);
            }
            else
            {
                source.ReadExactly(bytes);
            }
        }
        return new DataArray(meta.Coords, values, meta.Attrs);
    }

    private static bool TryReadMeta(ReadOnlyMemory<byte> data, out (Coordinates, Dictionary<string, string>, long) meta, out int consumed)
    {
        meta = default;
        consumed = 0;
        try
        {
            var r = new MessagePackReader(data);
            if (r.ReadArrayHeader() != 5) throw new CacheCorruptException("array metadata has the wrong shape");
            int version = r.ReadInt32();
            if (version != FormatVersion) throw new CacheCorruptException($"array format version {version} is not supported");
            int rank = r.ReadArrayHeader();
            if (rank > 8) throw new CacheCorruptException($"implausible rank {rank}");
            var axes = new List<Coordinates1D>(rank);
            for (int i = 0; i < rank; i++)
            {
                axes.Add(ReadAxis(ref r));
            }
            string crs = r.ReadString() ?? CrsNames.Default;
            int nattrs = r.ReadMapHeader();
            var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < nattrs; i++)
            {
                string k = r.ReadString() ?? throw new CacheCorruptException("null attr name");
                attrs[k] = r.ReadString() ?? "";
            }
            long count = r.ReadInt64();
            if (count < 0) throw new CacheCorruptException("negative cell count");
            Coordinates coords;
            try
            {
                coords = new Coordinates(axes, crs);
            }
            catch (ArgumentException ex)
            {
                throw new CacheCorruptException("array coordinates are invalid: " + ex.Message, ex);
            }
            meta = (coords, attrs, count);
            consumed = (int)r.Consumed;
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
        catch (MessagePackSerializationException ex) when (ex.InnerException is EndOfStreamException)
        {
            return false;
        }
        catch (MessagePackSerializationException ex)
        {
            throw new CacheCorruptException("array metadata is not valid MessagePack", ex);
        }
    }

    private static Coordinates1D ReadAxis(ref MessagePackReader r, bool inStack = false)
    {
        int n = r.ReadArrayHeader();
        string name = r.ReadString() ?? "";
        bool stacked = !inStack && name.Contains('_', StringComparison.Ordinal);
        if (!stacked && !Coordinates.KnownDims.Contains(name)) throw new CacheCorruptException($"unknown dim '{name}'");
        int unit = r.ReadInt32();
        if (unit < -1 || unit > (int)TimeUnit.Microsecond) throw new CacheCorruptException($"unknown time unit {unit}");
        TimeUnit? tu = unit < 0 ? null : (TimeUnit)unit;
        string kind = r.ReadString() ?? "";
        if (stacked)
        {
            if (kind != "s" || n != 4 || tu is not null) throw new CacheCorruptException($"bad stacked axis '{name}'");
            int count = r.ReadArrayHeader();
            if (count < 2 || count > Coordinates.KnownDims.Count) throw new CacheCorruptException($"bad stacked axis '{name}'");
            var parts = new ArrayCoordinates1D[count];
            for (int i = 0; i < count; i++)
            {
                parts[i] = ReadAxis(ref r, inStack: true) as ArrayCoordinates1D ?? throw new CacheCorruptException($"bad part of stacked axis '{name}'");
            }
            try
            {
                var axis = new StackedCoordinates1D(parts);
                return axis.Name == name ? axis : throw new CacheCorruptException($"stacked axis '{name}' has parts {axis.Name}");
            }
            catch (ArgumentException ex)
            {
                throw new CacheCorruptException($"bad stacked axis '{name}': {ex.Message}");
            }
        }
        if (kind == "u" && n == 7)
        {
            double start = r.ReadDouble(), stop = r.ReadDouble(), step = r.ReadDouble();
            int size = r.ReadInt32();
            if (size < 0 || !double.IsFinite(start) || !double.IsFinite(stop) || !double.IsFinite(step)) throw new CacheCorruptException("bad uniform axis");
            return UniformCoordinates1D.FromParts(name, start, stop, step, size, tu);
        }
        if (kind == "a" && n == 4)
        {
            int size = r.ReadArrayHeader();
            var values = new double[size];
            for (int i = 0; i < size; i++) values[i] = r.ReadDouble();
            return new ArrayCoordinates1D(name, values, tu);
        }
        throw new CacheCorruptException("bad axis record");
    }
}

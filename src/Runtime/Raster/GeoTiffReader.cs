using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BitMiracle.LibTiff.Classic;

namespace PodCache.Runtime.Raster;

/// <summary>
/// Reads windows of one band of a GeoTIFF through LibTiff, decoding only the strips or tiles the window touches.
/// Every problem with the bytes surfaces as <see cref="InvalidDataException"/> (corrupt) or
/// <see cref="NotSupportedException"/> (valid, but a kind PodCache does not read). Not thread-safe.
/// </summary>
internal sealed class GeoTiffReader : IDisposable
{
    private readonly Tiff _tif;
    private readonly LibTiffSession _session;
    private readonly long _fileLength;

    /// <summary>TIFF compression 50000: Zstandard, which LibTiff.NET has no codec for; decoded here with ZstdSharp.</summary>
    private const int ZstdCompression = 50000;
    private readonly bool _zstd;
    private readonly int _predictor;

    private GeoTiffReader(Tiff tif, LibTiffSession session, GeoTiffInfo info, long fileLength, Stream stream)
    {
        long compression = TiffFields.GetInteger(tif, TiffTag.COMPRESSION, 1);
        _zstd = compression == ZstdCompression;
        if (!_zstd && (compression is < 1 or > ushort.MaxValue || !tif.IsCodecConfigured((Compression)compression)))
        {
            string name = compression switch { 34887 => " (LERC)", 50001 => " (WebP)", 50002 => " (JPEG XL)", 34712 => " (JPEG 2000)", _ => "" };
            throw new NotSupportedException(
                $"compression {compression}{name} is not supported (supported: none, DEFLATE, LZW, PackBits, JPEG, CCITT, ZSTD)");
        }
        // LibTiff knows the predictor tag only for codecs it has, so for ZSTD it is read from the directory itself.
        _predictor = _zstd ? (int)(TiffPreflight.FirstDirectoryInteger(stream, 317) ?? 1) : 1;
        if (_zstd && _predictor is not (1 or 2 or 3))
        {
            throw new NotSupportedException($"predictor {_predictor} is not supported with ZSTD compression (supported: 1, 2, 3)");
        }
        _tif = tif;
        _session = session;
        Info = info;
        _fileLength = fileLength;
    }

    public GeoTiffInfo Info { get; }

    /// <summary>Opens the image in <paramref name="stream"/> (seekable; not owned) and reads its header.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a readable TIFF/GeoTIFF.</exception>
    /// <exception cref="NotSupportedException">The image is of a kind PodCache does not read.</exception>
    public static GeoTiffReader Open(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        LibTiffErrorHandler.EnsureInstalled();
        TiffPreflight.Check(stream);
        var session = new LibTiffSession(stream, "geotiff");
        Tiff? tif;
        try
        {
            tif = Tiff.ClientOpen(session.Name, "r", session, LibTiffSessionStream.Instance);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not IOException)
        {
            throw new InvalidDataException($"corrupt TIFF ({ex.GetType().Name}: {ex.Message})", ex);
        }
        if (tif is null)
        {
            throw new InvalidDataException(session.TakeErrors() ?? "LibTiff cannot open it");
        }
        try
        {
            var info = GeoTiffInfo.FromTiff(tif);
            return new GeoTiffReader(tif, session, info, stream.Length, stream);
        }
        catch (Exception ex) when (ex is not InvalidDataException and not NotSupportedException and not OutOfMemoryException and not IOException)
        {
            tif.Dispose();
            throw new InvalidDataException($"corrupt TIFF header ({ex.GetType().Name}: {ex.Message})", ex);
        }
        catch
        {
            tif.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The cells of rows [<paramref name="row0"/>, +rows) and columns [<paramref name="col0"/>, +cols) of 1-based
    /// <paramref name="band"/>, row-major in file order, as doubles.
    /// </summary>
    public double[] ReadWindow(int band, int row0, int rows, int col0, int cols, CancellationToken cancellationToken = default)
    {
        var info = Info;
        ArgumentOutOfRangeException.ThrowIfLessThan(band, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(band, info.Bands);
        ArgumentOutOfRangeException.ThrowIfNegative(row0);
        ArgumentOutOfRangeException.ThrowIfNegative(col0);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)row0 + rows, info.Height, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)col0 + cols, info.Width, nameof(cols));
        if ((long)rows * cols > Array.MaxLength)
        {
            throw new NotSupportedException($"a window of {rows} x {cols} cells is too large for one array");
        }
        var result = new double[rows * cols];
        if (result.Length == 0)
        {
            return result;
        }
        try
        {
            if (info.Tiled)
            {
                ReadTiles(band - 1, row0, rows, col0, cols, result, cancellationToken);
            }
            else
            {
                ReadStrips(band - 1, row0, rows, col0, cols, result, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not InvalidDataException and not NotSupportedException and not OperationCanceledException
                                   and not OutOfMemoryException and not IOException)
        {
            // LibTiff's decoders can throw on corrupt data (index errors deep in a codec).
            throw new InvalidDataException($"corrupt image data ({ex.GetType().Name}: {ex.Message})", ex);
        }
        return result;
    }

    /// <summary>
    /// The byte ranges (offset, length) of the stored strips or tiles that <see cref="ReadWindow"/> would decode for the
    /// same window, in file order: what a remote read must fetch.
    /// </summary>
    public IReadOnlyList<(long Offset, long Length)> ChunkRanges(int band, int row0, int rows, int col0, int cols)
    {
        var info = Info;
        var chunks = new List<int>();
        if (rows > 0 && cols > 0)
        {
            short plane = (short)(info.Separate ? band - 1 : 0);
            if (info.Tiled)
            {
                for (int ty = row0 / info.TileHeight; ty <= (row0 + rows - 1) / info.TileHeight; ty++)
                {
                    for (int tx = col0 / info.TileWidth; tx <= (col0 + cols - 1) / info.TileWidth; tx++)
                    {
                        chunks.Add(_tif.ComputeTile(tx * info.TileWidth, ty * info.TileHeight, 0, plane));
                    }
                }
            }
            else
            {
                for (int s = row0 / info.RowsPerStrip; s <= (row0 + rows - 1) / info.RowsPerStrip; s++)
                {
                    chunks.Add(_tif.ComputeStrip(s * info.RowsPerStrip, plane));
                }
            }
        }
        var offsets = _tif.GetField(info.Tiled ? TiffTag.TILEOFFSETS : TiffTag.STRIPOFFSETS)?[0].TolongArray()
            ?? throw new InvalidDataException($"the image has no {(info.Tiled ? "TileOffsets" : "StripOffsets")} tag: corrupt");
        var ranges = new List<(long, long)>(chunks.Count);
        foreach (int chunk in chunks)
        {
            if (chunk < 0 || chunk >= offsets.Length)
            {
                throw new InvalidDataException($"{(info.Tiled ? "tile" : "strip")} {chunk} does not exist (the file has {offsets.Length}): corrupt");
            }
            long size = info.Tiled ? _tif.RawTileSize(chunk) : _tif.RawStripSize(chunk);
            if (size > 0 && offsets[chunk] > 0)
            {
                ranges.Add((offsets[chunk], size));
            }
        }
        ranges.Sort();
        return ranges;
    }

    private void ReadStrips(int sample, int row0, int rows, int col0, int cols, double[] dst, CancellationToken ct)
    {
        var info = Info;
        int rps = info.RowsPerStrip;
        int planeSamples = info.Separate ? 1 : info.Bands;
        long rowBytes = (long)info.Width * planeSamples * info.BytesPerSample;
        var buffer = new byte[info.ChunkBytes];
        int first = row0 / rps, last = (row0 + rows - 1) / rps;
        for (int s = first; s <= last; s++)
        {
            ct.ThrowIfCancellationRequested();
            int stripRow0 = s * rps;
            int strip = _tif.ComputeStrip(stripRow0, (short)(info.Separate ? sample : 0));
            int lo = Math.Max(row0, stripRow0), hi = Math.Min(row0 + rows, stripRow0 + rps);
            int got = Decode(strip, isTile: false, buffer);
            if (got < (hi - stripRow0) * rowBytes)
            {
                throw new InvalidDataException($"strip {strip} decoded to {got} bytes, fewer than its {hi - stripRow0} rows need: truncated or corrupt");
            }
            for (int r = lo; r < hi; r++)
            {
                long rowStart = (r - stripRow0) * rowBytes;
                int firstSample = col0 * planeSamples + (info.Separate ? 0 : sample);
                Convert(buffer.AsSpan((int)rowStart, (int)rowBytes), firstSample, planeSamples, dst.AsSpan((r - row0) * cols, cols));
            }
        }
    }

    private void ReadTiles(int sample, int row0, int rows, int col0, int cols, double[] dst, CancellationToken ct)
    {
        var info = Info;
        int tw = info.TileWidth, th = info.TileHeight;
        int planeSamples = info.Separate ? 1 : info.Bands;
        long tileRowBytes = (long)tw * planeSamples * info.BytesPerSample;
        var buffer = new byte[info.ChunkBytes];
        for (int ty = row0 / th; ty <= (row0 + rows - 1) / th; ty++)
        {
            for (int tx = col0 / tw; tx <= (col0 + cols - 1) / tw; tx++)
            {
                ct.ThrowIfCancellationRequested();
                int tileRow0 = ty * th, tileCol0 = tx * tw;
                int tile = _tif.ComputeTile(tileCol0, tileRow0, 0, (short)(info.Separate ? sample : 0));
                int got = Decode(tile, isTile: true, buffer);
                if (got < info.ChunkBytes)
                {
                    throw new InvalidDataException($"tile {tile} decoded to {got} bytes, expected {info.ChunkBytes}: truncated or corrupt");
                }
                int rlo = Math.Max(row0, tileRow0), rhi = Math.Min(row0 + rows, tileRow0 + th);
                int clo = Math.Max(col0, tileCol0), chi = Math.Min(col0 + cols, tileCol0 + tw);
                for (int r = rlo; r < rhi; r++)
                {
                    long rowStart = (r - tileRow0) * tileRowBytes;
                    int firstSample = (clo - tileCol0) * planeSamples + (info.Separate ? 0 : sample);
                    Convert(buffer.AsSpan((int)rowStart, (int)tileRowBytes), firstSample, planeSamples,
                        dst.AsSpan((r - row0) * cols + (clo - col0), chi - clo));
                }
            }
        }
    }

    /// <summary>Decodes one strip or tile into <paramref name="buffer"/>; returns the decoded byte count.</summary>
    private int Decode(int index, bool isTile, byte[] buffer)
    {
        string what = isTile ? "tile" : "strip";
        int count = isTile ? _tif.NumberOfTiles() : _tif.NumberOfStrips();
        if (index < 0 || index >= count)
        {
            throw new InvalidDataException($"{what} {index} does not exist (the file has {count}): corrupt");
        }
        long raw = isTile ? _tif.RawTileSize(index) : _tif.RawStripSize(index);
        if (raw < 0 || raw > _fileLength)
        {
            // LibTiff reads a strip's compressed bytes into one buffer of this size.
            throw new InvalidDataException($"{what} {index} claims {raw} bytes of data, more than the file's {_fileLength}: corrupt");
        }
        _session.TakeErrors();
        if (_zstd)
        {
            return DecodeZstd(index, isTile, raw, buffer);
        }
        int got = isTile
            ? _tif.ReadEncodedTile(index, buffer, 0, buffer.Length)
            : _tif.ReadEncodedStrip(index, buffer, 0, buffer.Length);
        var errors = _session.TakeErrors();
        if (got < 0 || errors is not null)
        {
            throw new InvalidDataException($"cannot decode {what} {index}: {errors ?? "LibTiff reported a read error"}");
        }
        return got;
    }

    /// <summary>
    /// A ZSTD strip or tile: its raw bytes from LibTiff, decompressed with ZstdSharp into <paramref name="buffer"/>, put in
    /// host byte order and the predictor undone, as LibTiff does for the codecs it has. Returns the decoded byte count.
    /// </summary>
    private int DecodeZstd(int index, bool isTile, long raw, byte[] buffer)
    {
        string what = isTile ? "tile" : "strip";
        var compressed = new byte[raw];
        int read = isTile ? _tif.ReadRawTile(index, compressed, 0, compressed.Length) : _tif.ReadRawStrip(index, compressed, 0, compressed.Length);
        if (read != compressed.Length || _session.TakeErrors() is { } errors && errors.Length > 0)
        {
            throw new InvalidDataException($"cannot read {what} {index}: truncated or corrupt");
        }
        int got;
        try
        {
            using var decompressor = new ZstdSharp.Decompressor();
            got = decompressor.Unwrap(compressed, buffer, 0);
        }
        catch (ZstdSharp.ZstdException ex)
        {
            throw new InvalidDataException($"cannot decode ZSTD {what} {index}: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"cannot decode ZSTD {what} {index}: it decompresses to more than its {buffer.Length} bytes", ex);
        }
        var info = Info;
        int bps = info.BytesPerSample;
        int spp = info.Separate ? 1 : info.Bands;
        int rowSamples = (isTile ? info.TileWidth : info.Width) * spp;
        int rowBytes = rowSamples * bps;
        int rows = got / rowBytes;
        if (_predictor == 3)
        {
            UndoFloatingPointPredictor(buffer.AsSpan(0, rows * rowBytes), rowSamples, bps, spp);
            return got;
        }
        if (_tif.IsByteSwapped() && bps > 1)
        {
            SwapToHost(buffer.AsSpan(0, got), bps);
        }
        if (_predictor == 2)
        {
            for (int r = 0; r < rows; r++)
            {
                UndoHorizontalPredictor(buffer.AsSpan(r * rowBytes, rowBytes), bps, spp);
            }
        }
        return got;
    }

    private static void SwapToHost(Span<byte> bytes, int bps)
    {
        for (int i = 0; i + bps <= bytes.Length; i += bps)
        {
            bytes.Slice(i, bps).Reverse();
        }
    }

    /// <summary>Predictor 2: each sample is stored as the difference from the one <paramref name="spp"/> before it in its row.</summary>
    private static void UndoHorizontalPredictor(Span<byte> row, int bps, int spp)
    {
        switch (bps)
        {
            case 1: Accumulate(row, spp); break;
            case 2: Accumulate(MemoryMarshal.Cast<byte, ushort>(row), spp); break;
            case 4: Accumulate(MemoryMarshal.Cast<byte, uint>(row), spp); break;
            default: Accumulate(MemoryMarshal.Cast<byte, ulong>(row), spp); break;
        }
    }

    private static void Accumulate<T>(Span<T> samples, int stride) where T : unmanaged, IBinaryInteger<T>
    {
        for (int i = stride; i < samples.Length; i++)
        {
            samples[i] += samples[i - stride];
        }
    }

    /// <summary>
    /// Predictor 3 (floating point): each row holds the samples' bytes as planes, most significant first, byte-wise
    /// differenced with stride <paramref name="spp"/>. Accumulate, then gather each sample's bytes back in host order.
    /// </summary>
    private static void UndoFloatingPointPredictor(Span<byte> rows, int rowSamples, int bps, int spp)
    {
        int rowBytes = rowSamples * bps;
        var tmp = new byte[rowBytes];
        bool little = BitConverter.IsLittleEndian;
        for (int start = 0; start + rowBytes <= rows.Length; start += rowBytes)
        {
            var row = rows.Slice(start, rowBytes);
            for (int i = spp; i < rowBytes; i++)
            {
                row[i] += row[i - spp];
            }
            row.CopyTo(tmp);
            for (int s = 0; s < rowSamples; s++)
            {
                for (int b = 0; b < bps; b++)
                {
                    // Plane b holds byte b of every sample counted from the most significant.
                    row[s * bps + (little ? bps - 1 - b : b)] = tmp[b * rowSamples + s];
                }
            }
        }
    }

    /// <summary>Converts samples <paramref name="first"/>, first+stride, ... of a decoded row to doubles.</summary>
    private void Convert(ReadOnlySpan<byte> row, int first, int stride, Span<double> dst)
    {
        var info = Info;
        switch (info.Format, info.BitsPerSample)
        {
            case (SampleFormat.IEEEFP, 16): Widen<Half>(row, first, stride, dst); break;
            case (SampleFormat.IEEEFP, 32): Widen<float>(row, first, stride, dst); break;
            case (SampleFormat.IEEEFP, _): Widen<double>(row, first, stride, dst); break;
            case (SampleFormat.INT, 8): Widen<sbyte>(row, first, stride, dst); break;
            case (SampleFormat.INT, 16): Widen<short>(row, first, stride, dst); break;
            case (SampleFormat.INT, 32): Widen<int>(row, first, stride, dst); break;
            case (SampleFormat.INT, _): Widen<long>(row, first, stride, dst); break;
            case (_, 8): Widen<byte>(row, first, stride, dst); break;
            case (_, 16): Widen<ushort>(row, first, stride, dst); break;
            case (_, 32): Widen<uint>(row, first, stride, dst); break;
            default: Widen<ulong>(row, first, stride, dst); break;
        }
    }

    private static void Widen<T>(ReadOnlySpan<byte> row, int first, int stride, Span<double> dst)
        where T : unmanaged, INumberBase<T>
    {
        var src = MemoryMarshal.Cast<byte, T>(row);
        if (stride == 1)
        {
            TensorPrimitives.ConvertChecked<T, double>(src.Slice(first, dst.Length), dst);
            return;
        }
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = double.CreateTruncating(src[first + i * stride]);
        }
    }

    public void Dispose() => _tif.Dispose();
}

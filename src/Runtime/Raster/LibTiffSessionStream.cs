using BitMiracle.LibTiff.Classic;

namespace PodCache.Runtime.Raster;

/// <summary>LibTiff I/O over the stream of the <see cref="LibTiffSession"/> passed as client data.</summary>
internal sealed class LibTiffSessionStream : TiffStream
{
    public static LibTiffSessionStream Instance { get; } = new();

    private static Stream Of(object clientData) => ((LibTiffSession)clientData).Stream;

    public override int Read(object clientData, byte[] buffer, int offset, int count)
    {
        // LibTiff treats a short read as an error, so fill the buffer unless the stream really ends.
        return Of(clientData).ReadAtLeast(buffer.AsSpan(offset, count), count, throwOnEndOfStream: false);
    }

    public override void Write(object clientData, byte[] buffer, int offset, int count) =>
        Of(clientData).Write(buffer, offset, count);

    public override long Seek(object clientData, long offset, SeekOrigin origin)
    {
        var stream = Of(clientData);
        // Offsets come from the file: a 64-bit one past long.MaxValue arrives negative, and the stream would answer with
        // IOException, which callers rightly take for an I/O failure rather than a corrupt file.
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => stream.Position + offset,
            _ => stream.Length + offset,
        };
        if (target < 0)
        {
            throw new InvalidDataException($"corrupt TIFF: an offset points before the start of the file ({(ulong)offset})");
        }
        return stream.Seek(target, SeekOrigin.Begin);
    }

    public override void Close(object clientData)
    {
        // The caller owns the stream.
    }

    public override long Size(object clientData) => Of(clientData).Length;
}

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

    public override long Seek(object clientData, long offset, SeekOrigin origin) => Of(clientData).Seek(offset, origin);

    public override void Close(object clientData)
    {
        // The caller owns the stream.
    }

    public override long Size(object clientData) => Of(clientData).Length;
}

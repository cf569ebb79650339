using System.Buffers.Binary;
using PodCache.Runtime.Rendering;

namespace PodCache.Runtime.Tests.Rendering;

public class PngEncoderTests
{
    [Fact]
    public void EncodeRgb_Header_HasSignatureAndIhdrSize()
    {
        var png = PngEncoder.EncodeRgb(new byte[7 * 5 * 3], 7, 5);

        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal(13, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(8)));
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal(7, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(5, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Equal(8, png[24]);
        Assert.Equal(2, png[25]);
    }

    [Theory]
    [InlineData(3, 1, 1)]
    [InlineData(3, 17, 9)]
    [InlineData(4, 33, 20)]
    [InlineData(4, 1, 64)]
    public void Encode_RandomPixels_DecodeBackExactly(int channels, int width, int height)
    {
        var rng = new Random(20261125);
        var pixels = new byte[width * height * channels];
        rng.NextBytes(pixels);
        // Some flat regions too, so every filter type gets chosen somewhere.
        Array.Fill(pixels, (byte)40, 0, pixels.Length / 3);

        var png = channels == 3 ? PngEncoder.EncodeRgb(pixels, width, height) : PngEncoder.EncodeRgba(pixels, width, height);
        var d = PngDecoder.Decode(png);

        Assert.Equal(width, d.Width);
        Assert.Equal(height, d.Height);
        Assert.Equal(channels, d.Channels);
        Assert.Equal(pixels, d.Pixels);
        Assert.Equal(["IHDR", "IDAT", "IEND"], d.ChunkTypes);
    }

    [Fact]
    public void Encode_WrongBufferSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => PngEncoder.EncodeRgb(new byte[10], 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.EncodeRgba([], 0, 1));
    }
}

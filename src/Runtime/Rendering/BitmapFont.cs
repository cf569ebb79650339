namespace PodCache.Runtime.Rendering;

/// <summary>
/// A built-in 5 x 7 pixel font for printable ASCII (U+0020 to U+007E), so that pictures can carry text without a
/// font file or a native text engine. Each glyph occupies a 6 x 8 cell (one column and one row of spacing).
/// </summary>
public static class BitmapFont
{
    /// <summary>Width of a glyph's ink, in pixels at scale 1.</summary>
    public const int GlyphWidth = 5;

    /// <summary>Height of a glyph's ink, in pixels at scale 1.</summary>
    public const int GlyphHeight = 7;

    /// <summary>Horizontal advance from one character to the next, in pixels at scale 1.</summary>
    public const int Advance = GlyphWidth + 1;

    // Seven rows per glyph, one byte each as two hex digits; bit 4 is the leftmost column. Characters 0x20..0x7E.
    private const string Table =
        "00000000000000040404040400040A0A00000000000A0A1F0A1F0A0A040F140E051E0418190204081303" +
        "0C12140815120D0404000000000002040808080402080402020204080004150E1504000004041F040400" +
        "000000000C04080000001F00000000000000000C0C000102040810000E11131519110E040C040404040E" +
        "0E11010204081F1F02040201110E02060A121F02021F101E0101110E0608101E11110E1F010204080808" +
        "0E11110E11110E0E11110F01020C000C0C000C0C00000C0C000C04080204081008040200001F001F0000" +
        "080402010204080E1101020400040E11010D15150E0E11111F1111111E11111E11111E0E11101010110E" +
        "1C12111111121C1F10101E10101F1F10101E1010100E11101711110F1111111F1111110E04040404040E" +
        "0702020202120C111214181412111010101010101F111B1515111111111119151311110E11111111110E" +
        "1E11111E1010100E11111115120D1E11111E1412110F10100E01011E1F0404040404041111111111110E" +
        "11111111110A041111111515150A11110A040A111111110A040404041F01020408101F0E08080808080E" +
        "001008040201000E02020202020E040A11000000000000000000001F0804000000000000000E010F110F" +
        "1010161911111E00000E1010110E01010D1311110F00000E111F100E0609081C080808000F11110F010E" +
        "1010161911111104000C0404040E0200060202120C101012141814120C04040404040E00001A15151111" +
        "0000161911111100000E1111110E00001E111E101000000D130F01010000161910101000000E100E011E" +
        "08081C080809060000111111130D00001111110A040000111115150A0000110A040A11000011110F010E" +
        "00001F0204081F02040408040402040404040404040804040204040800000815020000";

    // Shown for characters outside the table: a hollow box, so missing glyphs are visible rather than silent.
    private static readonly byte[] Missing = [0x1F, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1F];

    private static readonly byte[] Glyphs = Convert.FromHexString(Table);

    /// <summary>
    /// The seven rows of <paramref name="c"/>'s glyph, top first; bit 4 of each row is the leftmost column. Characters
    /// outside printable ASCII get a hollow box.
    /// </summary>
    public static ReadOnlySpan<byte> Glyph(char c) =>
        c is >= ' ' and <= '~' ? Glyphs.AsSpan((c - ' ') * GlyphHeight, GlyphHeight) : Missing;

    /// <summary>The width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/> (no trailing spacing).</summary>
    public static int Measure(string text, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : (text.Length * Advance - 1) * scale;
    }

    /// <summary>The height in pixels of a line drawn at <paramref name="scale"/>.</summary>
    public static int LineHeight(int scale = 1) => GlyphHeight * scale;

    /// <summary>
    /// Draws <paramref name="text"/> into an RGBA8 (4 bytes per pixel) or RGB8 (3 bytes per pixel) buffer, clipped to the
    /// image.
    /// </summary>
    /// <param name="pixels">Row-major pixels, <paramref name="width"/> x <paramref name="height"/>.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="bytesPerPixel">3 (RGB) or 4 (RGBA; alpha is set to 255 where ink falls).</param>
    /// <param name="text">The text; one line.</param>
    /// <param name="x">Left edge of the first glyph.</param>
    /// <param name="y">Top edge of the glyphs.</param>
    /// <param name="rgb">Ink colour as 0xRRGGBB.</param>
    /// <param name="scale">Each font pixel becomes a <paramref name="scale"/> x <paramref name="scale"/> square.</param>
    /// <exception cref="ArgumentException">The buffer does not match the size, or <paramref name="bytesPerPixel"/> is not 3 or 4.</exception>
    public static void Draw(Span<byte> pixels, int width, int height, int bytesPerPixel, string text, int x, int y, int rgb,
        int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (bytesPerPixel is not (3 or 4))
        {
            throw new ArgumentException("bytesPerPixel must be 3 or 4", nameof(bytesPerPixel));
        }
        if (width < 0 || height < 0 || pixels.Length < (long)width * height * bytesPerPixel)
        {
            throw new ArgumentException($"the buffer holds fewer than {width} x {height} pixels", nameof(pixels));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        byte r = (byte)(rgb >> 16), g = (byte)(rgb >> 8), b = (byte)rgb;
        for (int i = 0; i < text.Length; i++)
        {
            var glyph = Glyph(text[i]);
            int gx = x + i * Advance * scale;
            for (int row = 0; row < GlyphHeight; row++)
            {
                int bits = glyph[row];
                for (int col = 0; col < GlyphWidth; col++)
                {
                    if ((bits & (0x10 >> col)) == 0) continue;
                    for (int dy = 0; dy < scale; dy++)
                    {
                        int py = y + row * scale + dy;
                        if ((uint)py >= (uint)height) continue;
                        for (int dx = 0; dx < scale; dx++)
                        {
                            int px = gx + col * scale + dx;
                            if ((uint)px >= (uint)width) continue;
                            int o = (py * width + px) * bytesPerPixel;
                            pixels[o] = r;
                            pixels[o + 1] = g;
                            pixels[o + 2] = b;
                            if (bytesPerPixel == 4) pixels[o + 3] = 255;
                        }
                    }
                }
            }
        }
    }
}

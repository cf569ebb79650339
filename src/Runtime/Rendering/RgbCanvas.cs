namespace PodCache.Runtime.Rendering;

/// <summary>An RGB8 pixel buffer with the few drawing operations the raster renderers need.</summary>
internal sealed class RgbCanvas
{
    public RgbCanvas(int width, int height, int background)
    {
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    public void SetPixel(int x, int y, int rgb)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int o = (y * Width + x) * 3;
        Pixels[o] = (byte)(rgb >> 16);
        Pixels[o + 1] = (byte)(rgb >> 8);
        Pixels[o + 2] = (byte)rgb;
    }

    public int GetPixel(int x, int y)
    {
        int o = (y * Width + x) * 3;
        return (Pixels[o] << 16) | (Pixels[o + 1] << 8) | Pixels[o + 2];
    }

    public void FillRect(int x, int y, int w, int h, int rgb)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y);
        int x1 = Math.Min(Width, x + w), y1 = Math.Min(Height, y + h);
        if (x0 >= x1 || y0 >= y1) return;
        byte r = (byte)(rgb >> 16), g = (byte)(rgb >> 8), b = (byte)rgb;
        var row = Pixels.AsSpan((y0 * Width + x0) * 3, (x1 - x0) * 3);
        for (int i = 0; i < row.Length; i += 3)
        {
            row[i] = r;
            row[i + 1] = g;
            row[i + 2] = b;
        }
        for (int yy = y0 + 1; yy < y1; yy++)
        {
            row.CopyTo(Pixels.AsSpan((yy * Width + x0) * 3));
        }
    }

    /// <summary>A one-pixel outline just outside the rectangle, so the rectangle's own pixels stay untouched.</summary>
    public void FrameAround(int x, int y, int w, int h, int rgb)
    {
        FillRect(x - 1, y - 1, w + 2, 1, rgb);
        FillRect(x - 1, y + h, w + 2, 1, rgb);
        FillRect(x - 1, y, 1, h, rgb);
        FillRect(x + w, y, 1, h, rgb);
    }

    public void DrawText(string text, int x, int y, int rgb, int scale) =>
        BitmapFont.Draw(Pixels, Width, Height, 3, text, x, y, rgb, scale);

    public byte[] ToPng() => PngEncoder.EncodeRgb(Pixels, Width, Height);
}

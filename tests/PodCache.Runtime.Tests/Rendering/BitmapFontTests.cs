using PodCache.Runtime.Rendering;

namespace PodCache.Runtime.Tests.Rendering;

public class BitmapFontTests
{
    [Fact]
    public void Glyph_EveryPrintableCharacter_HasInkExceptSpace()
    {
        var seen = new HashSet<string>();
        for (char c = '!'; c <= '~'; c++)
        {
            var g = BitmapFont.Glyph(c).ToArray();
            Assert.Equal(BitmapFont.GlyphHeight, g.Length);
            Assert.Contains(g, row => row != 0);
            Assert.All(g, row => Assert.True(row < 32));
            Assert.True(seen.Add(Convert.ToHexString(g)), $"glyph of '{c}' duplicates another");
        }
        Assert.All(BitmapFont.Glyph(' ').ToArray(), row => Assert.Equal(0, row));
    }

    [Fact]
    public void Draw_Text_InksOnlyInsideItsBox()
    {
        const int w = 40, h = 12;
        var px = new byte[w * h * 3];
        BitmapFont.Draw(px, w, h, 3, "-1.5e+3", 1, 2, 0xFF0000);

        int width = BitmapFont.Measure("-1.5e+3");
        int inked = 0;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                if (px[(y * w + x) * 3] == 0) continue;
                inked++;
                Assert.InRange(x, 1, Math.Min(w - 1, width));
                Assert.InRange(y, 2, 2 + BitmapFont.GlyphHeight - 1);
            }
        }
        Assert.True(inked > 20);
    }

    [Fact]
    public void Draw_OutsideTheImage_IsClipped()
    {
        var px = new byte[4 * 4 * 4];
        BitmapFont.Draw(px, 4, 4, 4, "W", -2, -3, 0xFFFFFF, scale: 2);
        BitmapFont.Draw(px, 4, 4, 4, "W", 100, 100, 0xFFFFFF);
        Assert.Contains(px, b => b != 0);
    }
}

using System.Xml.Linq;
using PodCache.Cache.Tiers;
using PodCache.Runtime.Rendering;

namespace PodCache.Runtime.Tests.Rendering;

public class StatsRendererTests
{
    [Fact]
    public void Html_OneRowPerTier_WithCountsAndHitRatio()
    {
        var html = StatsRenderer.Html([
            new TierStatistics("ram", 3, 3 * 1024 * 1024, 64L << 20, 30, 10, 1, 0),
            new TierStatistics("disk<&>", 7, 5000, 0, 0, 0, 0, 2),
        ]);

        var doc = XDocument.Parse(html);
        var rows = doc.Descendants("tbody").Single().Elements("tr").ToList();
        Assert.Equal(2, rows.Count);
        var ram = rows[0].Elements("td").Select(td => td.Value).ToList();
        Assert.Equal("ram", ram[0]);
        Assert.Equal("3.00 MiB", ram[2]);
        Assert.Equal("64.0 MiB", ram[3]);
        Assert.Equal("75.0%", ram[7]);
        Assert.Equal("disk<&>", rows[1].Elements("td").First().Value);
    }
}

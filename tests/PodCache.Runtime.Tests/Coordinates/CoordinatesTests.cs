using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests;

public class CoordinatesTests
{
    [Fact]
    public void Parse_UniformStep_NormalisedAsPodpac()
    {
        var c = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 1, "step": 0.3}]}""");
        Assert.Equal([0, 0.3, 0.6, 0.9], c["lat"].Points.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Parse_DescendingAndSize()
    {
        var c = Coordinates.Parse("""{"coords": [{"name": "lat", "start": 60, "stop": -30, "step": -15}, {"name": "lon", "start": -90, "stop": 90, "size": 5}]}""");
        Assert.Equal([7, 5], c.Shape);
        Assert.Equal(-30, c["lat"].Points[^1]);
        Assert.Equal(45, c["lon"][3]);
    }

    [Fact]
    public void Parse_TimeValues_KeepTheirPrecision()
    {
        var c = Coordinates.Parse("""{"coords": [{"name": "time", "values": ["2018-01-01", "2018-01-03"]}]}""");
        Assert.Equal(TimeUnit.Day, c["time"].Unit);
        Assert.Equal(17532, c["time"][0]);
        var s = Coordinates.Parse("""{"coords": [{"name": "time", "start": "2018-01-01T00:00:00", "stop": "2018-01-02T00:00:00", "step": "6,h"}]}""");
        Assert.Equal(TimeUnit.Second, s["time"].Unit);
        Assert.Equal(5, s["time"].Size);
    }

    [Theory]
    [InlineData("""{"coords": [{"name": "lat", "values": []}]}""", "coords[0].values", "empty")]
    [InlineData("""{"coords": [{"name": "lat", "start": 0, "stop": 10, "step": -1}]}""", "coords[0].step", "wrong sign")]
    [InlineData("""{"coords": [{"name": "lat", "start": 0, "stop": 10, "step": 0}]}""", "coords[0].step", "non-zero")]
    [InlineData("""{"coords": [{"name": "lat", "values": [1, "x"]}]}""", "coords[0].values[1]", "not a number")]
    [InlineData("""{"coords": [{"name": "depth", "values": [1]}]}""", "coords[0].name", "unknown dim")]
    [InlineData("""{"coords": [{"name": "lat", "values": [1]}, {"name": "lat", "values": [2]}]}""", "coords[1].name", "twice")]
    [InlineData("""{"coords": [{"name": "lat", "start": "a", "stop": 1, "step": 1}]}""", "coords[0].start", "ISO datetime")]
    [InlineData("""{"coords": [{"name": "time", "start": "2018-01-01", "stop": "2018-01-05", "step": "1,parsec"}]}""", "coords[0].step", "N,unit")]
    [InlineData("""{"coords": [{"name": "lat", "start": 0, "stop": 1}]}""", "coords[0]", "exactly one of")]
    public void Parse_Invalid_ErrorNamesPath(string json, string path, string fragment)
    {
        var ex = Assert.Throws<PipelineException>(() => Coordinates.Parse(json, "c.json"));
        Assert.Contains(ex.Errors, e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal));
        Assert.Contains("c.json", ex.Message);
    }

    [Fact]
    public void Key_CrsSpellingsOfWgs84_Equal()
    {
        var a = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1]}], "crs": "EPSG:4326"}""");
        var b = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1]}], "crs": "+proj=longlat +datum=WGS84 +no_defs +vunits=m"}""");
        var c = Coordinates.Parse("""{"coords": [{"name": "lat", "values": [1]}]}""");
        Assert.Equal(a.Key, b.Key);
        Assert.Equal(a.Key, c.Key);
    }

    [Fact]
    public void ToJson_RoundTrips()
    {
        var c = Coordinates.Parse("""{"coords": [{"name": "time", "values": ["2020-06-01T06:00:00"]}, {"name": "lat", "start": 45, "stop": 40, "step": -0.5}, {"name": "lon", "values": [1, 2, 4]}]}""");
        var again = Coordinates.FromJson(c.ToJson());
        Assert.Equal(c.Key, again.Key);
    }
}

namespace PodCache.Cli.Tests;

public class InvalidInputTests
{
    private const string Coords = """{"coords": [{"name": "lat", "values": [1, 2]}, {"name": "lon", "values": [3]}]}""";

    private static async Task<CliHarness.Result> Run(TempDir tmp, string pipeline, string coords = Coords, params string[] extra)
    {
        string p = tmp.File("p.json", pipeline);
        string c = tmp.File("c.json", coords);
        return await CliHarness.RunAsync(["run", p, "--coords", c, "--cache-dir", Path.Combine(tmp.Path, "cache"), .. extra]);
    }

    [Theory]
    [InlineData("""{"a": {"node": "algorithm.SinCoords"}""", "malformed JSON")]
    [InlineData("""{"a": {"node": "algorithm.Nope"}}""", "a.node: unknown node type")]
    [InlineData("""{"a": {"node": "algorithm.SinCoords", "x": 1}}""", "a.x: unknown key")]
    [InlineData("""{"a": {"node": "algorithm.Arithmetic", "inputs": {"A": "b"}, "attrs": {"eqn": "A"}}}""", "a.inputs.A: unknown ref 'b'")]
    [InlineData("""{"a": {"node": "algorithm.Arithmetic", "inputs": {"A": "a"}, "attrs": {"eqn": "A"}}}""", "cycle")]
    [InlineData("""{"a": {"node": "algorithm.SinCoords"}, "a": {"node": "algorithm.Arange"}}""", "duplicate ref 'a'")]
    [InlineData("""{"a": {"node": "algorithm.CoordData", "attrs": {"coord_name": 3}}}""", "a.attrs.coord_name")]
    [InlineData("""{"s": {"node": "algorithm.SinCoords"}, "a": {"node": "algorithm.Arithmetic", "inputs": {"A": "s"}, "attrs": {"eqn": "A + C"}}}""", "a.attrs.eqn: unknown variable 'C'")]
    public async Task Run_InvalidPipeline_Exit2WithPathAndNothingCached(string pipeline, string expected)
    {
        using var tmp = new TempDir();
        var r = await Run(tmp, pipeline);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Contains("p.json", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(tmp.Path, "cache", "entries")) &&
                     Directory.EnumerateFiles(Path.Combine(tmp.Path, "cache", "entries"), "*", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [InlineData("""{"coords": [{"name": "lat", "values": []}]}""", "coords[0].values")]
    [InlineData("""{"coords": [{"name": "lat", "start": 0, "stop": 10, "step": -1}]}""", "coords[0].step")]
    [InlineData("""{"coords": [{"name": "lat", "start": 0, "stop": 10, "step": 0}]}""", "coords[0].step")]
    [InlineData("""{"coords": [{"name": "lat", "values": ["a"]}]}""", "coords[0].values[0]")]
    [InlineData("""{"coords": [{"name": "height", "values": [1]}]}""", "coords[0].name: unknown dim 'height'")]
    public async Task Run_InvalidCoordinates_Exit2WithPath(string coords, string expected)
    {
        using var tmp = new TempDir();
        var r = await Run(tmp, """{"a": {"node": "algorithm.SinCoords"}}""", coords);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Contains("c.json", r.Stderr);
    }

    [Fact]
    public async Task Run_MissingFileOrUnknownOption_Exit2()
    {
        using var tmp = new TempDir();
        var missing = await CliHarness.RunAsync("run", tmp.File("nope.json"), "--coords", tmp.File("c.json", Coords));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr);
        var unknown = await Run(tmp, """{"a": {"node": "algorithm.SinCoords"}}""", Coords, "--colour", "red");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--colour", unknown.Stderr);
        var badNode = await Run(tmp, """{"a": {"node": "algorithm.SinCoords"}}""", Coords, "--node", "zzz");
        Assert.Equal(2, badNode.ExitCode);
        Assert.Contains("zzz", badNode.Stderr);
    }

    [Fact]
    public async Task Run_RequestLacksSourceDim_Exit2NamingNode()
    {
        using var tmp = new TempDir();
        var r = await Run(tmp, """{"arr": {"node": "data.Array", "attrs": {"source": [1], "coordinates": {"coords": [{"name": "alt", "values": [5]}]}}}}""");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("arr", r.Stderr);
    }

    [Fact]
    public async Task Run_BadConfig_Exit2NamingPath()
    {
        using var tmp = new TempDir();
        string cfg = tmp.File("podcache.json", """{"cache": {"tiers": {"ram": {"maxBytes": "plenty"}}}}""");
        var r = await Run(tmp, """{"a": {"node": "algorithm.SinCoords"}}""", Coords, "--config", cfg);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cache.tiers.ram.maxBytes", r.Stderr);
    }
}

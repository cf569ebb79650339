using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes;

/// <summary>
/// PODPAC nodes PodCache knows but does not run: one error at the node's <c>node</c> path naming the node, saying it is
/// not supported and why — never "unknown node type" — under every name PODPAC writes for it.
/// </summary>
public class UnsupportedNodesTests
{
    [Theory]
    [InlineData("datalib.smap_egi.SMAP", "NASA Earthdata login")]
    [InlineData("datalib.SMAP", "NASA Earthdata login")]
    [InlineData("podpacdatalib.smap_egi.SMAP", "NASA Earthdata login")]
    [InlineData("datalib.egi.EGI", "NASA Earthdata login")]
    [InlineData("datalib.smap.SMAPPorosity", "OPeNDAP")]
    [InlineData("datalib.gfs.GFS", "noaa-gfs-pds")]
    [InlineData("datalib.GFSLatest", "noaa-gfs-pds")]
    [InlineData("datalib.cosmos_stations.COSMOSStations", "cosmos.hwr.arizona.edu")]
    [InlineData("datalib.soilscape.SoilSCAPE20min", "NASA Earthdata login")]
    [InlineData("datalib.satutils.Landsat8", "STAC")]
    [InlineData("datalib.Sentinel2", "requester-pays")]
    [InlineData("datalib.weathercitizen.WeatherCitizen", "api.weathercitizen.org")]
    [InlineData("datalib.modis_pds.MODIS", "modis-pds")]
    [InlineData("datalib.intake_catalog.IntakeCatalog", "Python")]
    [InlineData("datalib.soilgrids.SoilGridsClay", "data.WCS")]
    [InlineData("datalib.terraintiles.TerrainTilesSourceRaw", "data.Rasterio")]
    [InlineData("data.PyDAP", "OPeNDAP")]
    [InlineData("core.data.ogr.OGR", "vector")]
    public void Parse_AKnownUnsupportedNode_IsOneErrorAtItsNodePath_NamingItAndWhy(string name, string why)
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("{\"src\": {\"node\": \"" + name + "\", \"attrs\": {\"anything\": 1}}}"));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("src.node", e.Path);
        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("PodCache does not support it", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown node type", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PodpacFoursPluginForm_IsRecognisedToo()
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("""
            {"sm": {"node": "SMAP", "plugin": "podpacdatalib.smap_egi", "attrs": {"product": "SPL4SMAU"}}}
            """));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("sm.node", e.Path);
        Assert.Contains("datalib.smap_egi.SMAP", e.Message, StringComparison.Ordinal);
        Assert.Contains("Earthdata", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PodpacCorePluginForm_ResolvesLikeTheLongName()
    {
        var p = Pipeline.Parse("""
            {"a": {"plugin": "podpac.core.algorithm", "node": "utility.SinCoords"}}
            """);
        Assert.Equal("algorithm.SinCoords", p.Nodes.Single().Type.Name);
        var foreign = Assert.Throws<PipelineException>(() => Pipeline.Parse("""{"a": {"plugin": "mypackage", "node": "MyNode"}}"""));
        Assert.Contains(foreign.Errors, e => e.Path == "a.plugin" && e.Message.Contains("PodCache runs no Python code", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SeveralUnsupportedNodes_EveryOneReported()
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("""
            {"a": {"node": "datalib.SMAP"}, "b": {"node": "datalib.GFS"},
             "c": {"node": "algorithm.Arithmetic", "inputs": {"A": "a", "B": "b"}, "attrs": {"eqn": "A + B"}}}
            """));
        Assert.Contains(ex.Errors, e => e.Path == "a.node");
        Assert.Contains(ex.Errors, e => e.Path == "b.node");
    }

    [Fact]
    public void Registry_ARunnableTypeOfTheSameName_WinsOverTheUnsupportedEntry()
    {
        var registry = NodeRegistry.CreateDefault();
        Assert.True(registry.TryGetUnsupported("data.PyDAP", out _));
        var sin = NodeRegistry.Default.Types.Single(t => t.Name == "algorithm.SinCoords");
        registry.Register(new NodeType("data.PyDAP", [], 1, [], InputSpec.None, false, sin.Factory));
        Assert.False(registry.TryGetUnsupported("data.PyDAP", out _));
        Assert.True(registry.TryResolve("data.PyDAP", out _));
    }

    [Fact]
    public void Catalogue_NoNameIsBothRunnableAndUnsupported_AndEveryEntryHasAReason()
    {
        var registry = NodeRegistry.Default;
        var unsupported = registry.UnsupportedTypes.ToArray();
        Assert.True(unsupported.Length > 40);
        foreach (var u in unsupported)
        {
            foreach (var name in u.Aliases.Prepend(u.Name))
            {
                Assert.False(registry.TryResolve(name, out _), $"'{name}' is runnable and listed as unsupported");
            }
            Assert.False(string.IsNullOrWhiteSpace(u.Reason));
        }
        Assert.True(registry.TryResolve("datalib.drought_monitor.DroughtCategory", out _));
        Assert.True(registry.TryResolve("datalib.DroughtMonitorCategory", out _));
    }
}

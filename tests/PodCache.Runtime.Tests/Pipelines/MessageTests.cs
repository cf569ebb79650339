using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Pipelines;

/// <summary>
/// Messages a PODPAC user reads: typos get "did you mean", a list of allowed keys or attrs is said once per message
/// rather than on every line, a value written in lookup_attrs or inputs is reported where it was written, and the
/// manifest keeps '+' as written.
/// </summary>
public sealed class MessageTests
{
    [Fact]
    public void AttrTypos_SayDidYouMean_AndTheAttrListOnce()
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("""
            {"a": {"node": "algorithm.Mask", "attrs": {"bool_opp": "<", "maskedval": 0, "colour": 3}, "inputs": {"source": "b", "mask": "b"}},
             "b": {"node": "algorithm.SinCoords"}}
            """));
        var opp = ex.Errors.Single(e => e.Path == "a.attrs.bool_opp");
        Assert.Contains("did you mean 'bool_op'?", opp.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'masked_val'?", ex.Errors.Single(e => e.Path == "a.attrs.maskedval").Message, StringComparison.Ordinal);
        Assert.Single(ex.Errors, e => e.Message.Contains("algorithm.Mask's attrs:", StringComparison.Ordinal));
        Assert.DoesNotContain("did you mean", ex.Errors.Single(e => e.Path == "a.attrs.colour").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownNodeKeys_ListTheKeysOnce_AndSuggest()
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("""
            {"a": {"node": "algorithm.SinCoords", "atrs": {}}, "b": {"node": "algorithm.SinCoords", "colour": 1}}
            """));
        Assert.Contains("did you mean 'attrs'?", ex.Errors.Single(e => e.Path == "a.atrs").Message, StringComparison.Ordinal);
        Assert.Single(ex.Errors, e => e.Message.Contains("a node has 'node'", StringComparison.Ordinal));
    }

    [Fact]
    public void ABadValueFromLookupAttrs_IsReportedAtTheLookup_NotAsAnAttrNeverWritten()
    {
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("""
            {"s": {"node": "algorithm.SinCoords"},
             "c": {"node": "algorithm.CoordData", "attrs": {"coord_name": "height"}},
             "m": {"node": "algorithm.Mean", "inputs": {"source": "s"}, "lookup_attrs": {"dims": "c.coord_name"}}}
            """));
        Assert.DoesNotContain(ex.Errors, e => e.Path == "m.attrs.dims");
        var e = ex.Errors.Single(x => x.Path == "m.lookup_attrs.dims");
        Assert.Contains("(the value of 'c.coord_name')", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheManifest_KeepsPlusSignsAsWritten()
    {
        var pipeline = Pipeline.Parse("""
            {"a": {"node": "data.Array", "attrs": {"source": [[1, 2]], "coordinates": {"coords": [{"name": "lat", "values": [0]}, {"name": "lon", "values": [0, 1]}], "crs": "+proj=longlat +datum=WGS84 +no_defs"}}}}
            """);
        var run = await new PipelineRunner(TieredCache.InMemory(1L << 24)).RunAsync(pipeline,
            Coordinates.Parse("""{"coords": [{"name": "lat", "values": [0]}, {"name": "lon", "values": [0, 1]}]}"""));
        string json = run.ToJsonString();
        Assert.Contains("+proj=longlat", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", json, StringComparison.Ordinal);
    }
}

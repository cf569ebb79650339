using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Nodes.Interpolation;

/// <summary>The <c>interpolation</c> attr's forms and the errors for each kind of mistake, with their JSON paths.</summary>
public sealed class InterpolationDefinitionTests
{
    private static string Pipeline(string interpolation, string node = "interpolators.Interpolate", string extra = "") => $$$"""
        {
          "a": {"node": "data.Array", "attrs": {"source": [0, 10], "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}]} } },
          "i": {"node": "{{{node}}}", "attrs": {"interpolation": {{{interpolation}}}{{{extra}}}}, "inputs": {"source": "a"}},
          "podpac_output_node": "i"
        }
        """;

    private static PipelineError Error(string interpolation, string node = "interpolators.Interpolate", string extra = "")
    {
        var ex = Assert.Throws<PipelineException>(() => PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(interpolation, node, extra)));
        return Assert.Single(ex.Errors);
    }

    [Theory]
    [InlineData("\"bilinear\"")]
    [InlineData("\"none\"")]
    [InlineData("\"nearest_preview\"")]
    [InlineData("""{"method": "cubic"}""")]
    [InlineData("""{"method": "nearest", "params": {"spatial_tolerance": 1.5, "time_tolerance": "6,h", "respect_bounds": false, "ambiguous_rounding": "unbiased", "use_selector": false}}""")]
    [InlineData("""[{"method": "nearest", "dims": ["time"]}, {"method": "bilinear", "dims": ["lat", "lon"]}]""")]
    [InlineData("""{"method": "bilinear", "interpolators": ["RasterioInterpolator", "ScipyGrid"]}""")]
    [InlineData("""{"method": "nearest", "params": {"not_a_param_of_any_interpolator": 1}}""")]
    [InlineData("null")]
    public void Parse_ValidForms_Accepted(string interpolation)
    {
        var p = PodCache.Runtime.Pipelines.Pipeline.Parse(Pipeline(interpolation));

        Assert.NotNull(p);
    }

    [Fact]
    public void Parse_MisspeltMethod_NamesThePathAndSuggests()
    {
        var e = Error("\"bilinaer\"");

        Assert.Equal("i.attrs.interpolation", e.Path);
        Assert.Contains("did you mean 'bilinear'", e.Message);
        Assert.Contains("nearest_preview", e.Message);
    }

    [Fact]
    public void Parse_MisspeltMethodInAList_PointsAtTheEntry()
    {
        var e = Error("""[{"method": "nearest", "dims": ["time"]}, {"method": "cubc", "dims": ["lat"]}]""");

        Assert.Equal("i.attrs.interpolation[1].method", e.Path);
        Assert.Contains("did you mean 'cubic'", e.Message);
    }

    [Fact]
    public void Parse_PodpacMethodPodCacheLacks_SaysSo()
    {
        var e = Error("\"lanczos\"");

        Assert.Contains("not supported by PodCache", e.Message);
    }

    [Fact]
    public void Parse_DimInTwoEntries_IsAnError()
    {
        var e = Error("""[{"method": "nearest", "dims": ["lat"]}, {"method": "bilinear", "dims": ["lat", "lon"]}]""");

        Assert.Equal("i.attrs.interpolation[1].dims", e.Path);
    }

    [Fact]
    public void Parse_TwoDefaults_IsAnError()
    {
        var e = Error("""[{"method": "nearest"}, {"method": "bilinear"}]""");

        Assert.Equal("i.attrs.interpolation[1]", e.Path);
    }

    [Fact]
    public void Parse_MisspeltInterpolator_Suggests()
    {
        var e = Error("""{"method": "bilinear", "interpolators": ["RasterioInterpolater"]}""");

        Assert.Equal("i.attrs.interpolation.interpolators[0]", e.Path);
        Assert.Contains("did you mean 'RasterioInterpolator'", e.Message);
    }

    [Fact]
    public void Parse_InterpolatorWithoutTheMethod_IsAnError()
    {
        // PODPAC raises too: every listed interpolator is built with the method.
        var e = Error("""{"method": "cubic", "interpolators": ["ScipyGrid"]}""");

        Assert.Contains("ScipyGrid does not support method 'cubic'", e.Message);
    }

    [Theory]
    [InlineData("""{"method": "nearest", "params": {"time_tolerance": "6 hours"}}""", "i.attrs.interpolation.params.time_tolerance")]
    [InlineData("""{"method": "nearest", "params": {"respect_bounds": "no"}}""", "i.attrs.interpolation.params.respect_bounds")]
    [InlineData("""{"method": "nearest", "params": {"ambiguous_rounding": "down"}}""", "i.attrs.interpolation.params.ambiguous_rounding")]
    [InlineData("""{"method": "nearest", "params": {"spatial_tolerence": 1}}""", "i.attrs.interpolation.params.spatial_tolerence")]
    [InlineData("""{"method": "nearest", "params": {"remove_nan": true}}""", "i.attrs.interpolation.params.remove_nan")]
    [InlineData("""{"methods": "nearest"}""", "i.attrs.interpolation.methods")]
    [InlineData("""{"params": {}}""", "i.attrs.interpolation.method")]
    [InlineData("""{"method": "nearest", "dims": "lat"}""", "i.attrs.interpolation.dims")]
    [InlineData("3", "i.attrs.interpolation")]
    public void Parse_BadParts_ReportTheirPath(string interpolation, string path)
    {
        Assert.Equal(path, Error(interpolation).Path);
    }

    [Fact]
    public void Parse_Reproject_SharesTheParser()
    {
        var e = Error("\"bilinar\"", "algorithm.Reproject", """, "coordinates": {"coords": [{"name": "lat", "values": [0, 1]}]}""");

        Assert.Equal("i.attrs.interpolation", e.Path);
        Assert.Contains("did you mean 'bilinear'", e.Message);
    }

    [Fact]
    public void Type_ReprojectAndInterpolate_StayExtentDependent()
    {
        Assert.True(PodCache.Runtime.Nodes.Interpolation.InterpolateNode.Type.ExtentDependent);
        Assert.True(PodCache.Runtime.Nodes.Interpolation.ReprojectNode.Type.ExtentDependent);
    }
}

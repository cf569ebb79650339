using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Execution;

public class PlanTests
{
    private static readonly Coordinates Grid3 =
        Coordinates.Parse("""{"coords": [{"name": "lat", "start": 0, "stop": 2, "step": 1}, {"name": "lon", "start": 0, "stop": 2, "step": 1}]}""");

    private static Pipeline Mean(int size) => Pipeline.Parse("""
        {"sin": {"node": "algorithm.SinCoords"},
         "m": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,SIZE", "kernel_dims": ["lat", "lon"]}}}
        """.Replace("SIZE", size.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    [Fact]
    public async Task Plan_ConvolutionGrowsItsSourcePastTheNodeLimit_RejectedAtTheSourceBeforeComputing()
    {
        var cache = TieredCache.InMemory(1 << 24);
        var runner = new PipelineRunner(cache, new RunnerOptions { Limits = new RuntimeLimits { MaxCellsPerNode = 1_000_000 } });
        // A 3 x 3 request grown by the kernel along lat and lon (PODPAC: size + 999): 1002 x 1002 points of the source.
        var ex = await Assert.ThrowsAsync<PipelineException>(() => runner.RunAsync(Mean(999), Grid3));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("sin", e.Path);
        Assert.Equal("would be evaluated at 1,004,004 points (lat: 1002 x lon: 1002); a node may produce at most 1,000,000 (limits.maxCellsPerNode)", e.Message);
        Assert.Equal(0, cache.Tiers[0].GetStatistics().Entries);
        var ok = await runner.RunAsync(Mean(997), Grid3);
        Assert.Equal(3, ok.Output!.Shape[0]);
    }

    [Fact]
    public async Task Plan_RequestPastTheRequestLimit_RejectedAtCoords()
    {
        var runner = new PipelineRunner(TieredCache.InMemory(1 << 24), new RunnerOptions { Limits = new RuntimeLimits { MaxCellsPerRequest = 8 } });
        var ex = await Assert.ThrowsAsync<PipelineException>(() => runner.PlanAsync(Mean(1), Grid3));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("coords", e.Path);
        Assert.Equal("9 points (3 x 3); a request may have at most 8 (limits.maxCellsPerRequest)", e.Message);
    }

    [Fact]
    public void Parse_GridPastOneArraysLength_RejectedWithoutOverflow()
    {
        // 65,536 x 65,536 = 2^32 points: past int.MaxValue, where Arange, SinCoords and the codec overflowed.
        var ex = Assert.Throws<PipelineException>(() => Coordinates.Parse(
            """{"coords": [{"name": "lat", "start": 0, "stop": 65535, "step": 1}, {"name": "lon", "start": 0, "stop": 65535, "step": 1}]}"""));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("coords", e.Path);
        Assert.Equal("4,294,967,296 points (65536 x 65536); a request may have at most 268,435,456 (limits.maxCellsPerRequest)", e.Message);
    }

    [Fact]
    public async Task Plan_ConvolutionOverTimeGrowsPastYear9999_RejectedAtTheSource()
    {
        var p = Pipeline.Parse("""
            {"sin": {"node": "algorithm.SinCoords"},
             "m": {"node": "algorithm.Convolution", "inputs": {"source": "sin"}, "attrs": {"kernel_type": "mean,41", "kernel_dims": ["time"]}}}
            """);
        var c = Coordinates.Parse("""{"coords": [{"name": "time", "start": "9990", "stop": "9999", "step": "1,Y"}, {"name": "lat", "values": [1]}]}""");
        var ex = await Assert.ThrowsAsync<PipelineException>(() => new PipelineRunner(TieredCache.InMemory(1 << 24)).RunAsync(p, c));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("sin", e.Path);
        Assert.Equal("would be evaluated at coordinates where the time axis reaches after 9999-12-31, which cannot be represented", e.Message);
    }
}

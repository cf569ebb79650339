using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Conformance;

public class ConformanceTests
{
    [Theory]
    [MemberData(nameof(ConformanceCase.All), MemberType = typeof(ConformanceCase))]
    public async Task Case_EvaluatedThroughApi_MatchesPodpac(string name)
    {
        string folder = ConformanceCase.Folder(name);
        var pipeline = Pipeline.Parse(File.ReadAllText(Path.Combine(folder, "pipeline.json")), source: name, baseDirectory: folder);
        var coords = Coordinates.Parse(File.ReadAllText(Path.Combine(folder, "coords.json")));
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 28));

        var run = await runner.RunAsync(pipeline, coords);

        var problems = ConformanceCase.Compare(File.ReadAllText(Path.Combine(folder, "expected.json")), DataArrayJson.ToJson(run.Output!));
        Assert.True(problems.Count == 0, $"{name}:{Environment.NewLine}{ConformanceCase.Describe(problems)}");
    }

    [Theory]
    [MemberData(nameof(ConformanceCase.All), MemberType = typeof(ConformanceCase))]
    public async Task Case_RunTwice_SecondRunComputesNothing(string name)
    {
        string folder = ConformanceCase.Folder(name);
        var pipeline = Pipeline.Parse(File.ReadAllText(Path.Combine(folder, "pipeline.json")), source: name, baseDirectory: folder);
        var coords = Coordinates.Parse(File.ReadAllText(Path.Combine(folder, "coords.json")));
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 28));

        var first = await runner.RunAsync(pipeline, coords);
        var second = await runner.RunAsync(pipeline, coords);

        Assert.True(first.ComputedCount > 0);
        Assert.All(second.Nodes.Values, n => Assert.True(n.Status == CacheStatus.Hit(TierNames.Ram) || n.Status == CacheStatus.Pruned, $"{n.Ref} was {n.Status}"));
        Assert.Equal(CacheStatus.Hit(TierNames.Ram), second.Nodes[second.OutputRef].Status);
        Assert.Equal(DataArrayJson.ToJson(first.Output!), DataArrayJson.ToJson(second.Output!));
    }
}

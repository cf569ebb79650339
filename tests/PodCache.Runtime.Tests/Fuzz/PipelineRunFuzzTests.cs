using CsCheck;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;
using PodCache.Tests.Fuzz;

namespace PodCache.Runtime.Tests.Fuzz;

/// <summary>
/// Past the reader: mutated conformance pipelines that still validate are planned and evaluated at their case's
/// coordinates (planner, executor, node kernels, RAM tier). Only <see cref="PipelineException"/>, the documented
/// exception of <see cref="PipelineRunner.RunAsync"/>, comes out.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class PipelineRunFuzzTests
{
    [Fact]
    public void RunAsync_MutatedConformancePipelines_OnlyPipelineException()
    {
        var cases = Directory.EnumerateDirectories(TestPaths.ConformanceCases).Order(StringComparer.Ordinal)
            .Select(d => (Pipeline: File.ReadAllText(Path.Combine(d, "pipeline.json")), Coords: Coordinates.Parse(File.ReadAllText(Path.Combine(d, "coords.json")))))
            .ToArray();
        var mutated = cases.Select(c => FuzzInputs.MutatedJson([c.Pipeline])).ToArray();
        var gen = Gen.Int[0, cases.Length - 1].SelectMany(i => mutated[i].Select(text => (Text: text, Case: i)));
        var runner = new PipelineRunner(TieredCache.InMemory(1L << 26));
        int ran = 0;
        FuzzInputs.Run(gen, t =>
        {
            Pipeline pipeline;
            try
            {
                pipeline = Pipeline.Parse(t.Text);
            }
            catch (PipelineException)
            {
                return;
            }
            Interlocked.Increment(ref ran);
            FuzzInputs.Expect(() => runner.RunAsync(pipeline, cases[t.Case].Coords).GetAwaiter().GetResult(), typeof(PipelineException));
        }, normalIterations: 300, print: t => $"case {t.Case}: {t.Text}");
        FuzzInputs.Note($"pipeline runs: {ran} mutated pipelines evaluated");
    }
}

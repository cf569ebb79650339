using PodCache.Runtime.Pipelines;
using PodCache.Tests.Fuzz;

namespace PodCache.Runtime.Tests.Fuzz;

/// <summary>
/// The coordinates reader (<see cref="Coordinates.Parse"/>) on mutated real coordinates documents: only
/// <see cref="PipelineException"/> comes out; what it accepts can be used (its size, key and canonical JSON computed).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class CoordinatesJsonFuzzTests
{
    /// <summary>
    /// Found by this target: describing (or hashing) a uniform axis materialized all its points, 1.6 GB for this
    /// 200-million-point axis, only to print the first and the last.
    /// </summary>
    [Fact]
    public void ToStringAndGetHashCode_HugeUniformAxis_DoNotMaterializePoints()
    {
        // Built directly: a request this large is refused by the request limits, but nodes build such axes too.
        static Coordinates Huge() => new([UniformCoordinates1D.FromStep("lat", 100_000_000, -60, -0.5)]);
        var coords = Huge();
        long before = GC.GetAllocatedBytesForCurrentThread();

        string text = coords.ToString();
        int hash = coords.Axes[0].GetHashCode();

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated the axis' points");
        Assert.Contains("100000000..-60 (200000121)", text);
        Assert.Equal(hash, Huge().Axes[0].GetHashCode());
    }

    [Fact]
    public void Parse_MutatedCoordinates_OnlyPipelineException()
    {
        FuzzInputs.Run(FuzzInputs.MutatedJson(FuzzSeeds.Files("coords.json")), text =>
            FuzzInputs.Expect(() =>
            {
                var coords = Coordinates.Parse(text, "fuzz.json");
                _ = coords.Size;
                _ = coords.Key;
                _ = coords.ToString();
            }, typeof(PipelineException)),
            normalIterations: 600);
    }
}

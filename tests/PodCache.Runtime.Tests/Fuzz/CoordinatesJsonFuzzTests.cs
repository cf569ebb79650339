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

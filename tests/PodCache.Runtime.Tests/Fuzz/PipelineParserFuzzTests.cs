using CsCheck;
using PodCache.Runtime.Json;
using PodCache.Runtime.Pipelines;
using PodCache.Tests.Fuzz;

namespace PodCache.Runtime.Tests.Fuzz;

/// <summary>
/// The pipeline reader (<see cref="Pipeline.Parse"/>: LenientJson, then validation) on mutated real pipelines and on
/// text made of JSON fragments: only <see cref="PipelineException"/> comes out, and the JSON reader alone throws only
/// <see cref="LenientJson.SyntaxException"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class PipelineParserFuzzTests
{
    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", ",", ":", "\"a\"", "\"node\"", "\"inputs\"", "\"attrs\"", "\"lookup_attrs\"", "\"cache\"",
        "\"podpac_output_node\"", "\"algorithm.Arithmetic\"", "\"core.data.array_source.Array\"", "\"eqn\"", "\"A\"", "1", "-0.0", "NaN",
        "true", "null", " ", "\"\\u0000\"", "\"source\"", "\"coordinates\"",
    ];

    [Fact]
    public void Parse_MutatedPipelines_OnlyPipelineException()
    {
        int accepted = 0, malformed = 0, invalid = 0;
        FuzzInputs.Run(FuzzInputs.MutatedJson(FuzzSeeds.Files("pipeline.json")), text =>
        {
            var ex = FuzzInputs.Expect(() => Pipeline.Parse(text, source: "fuzz.json"), typeof(PipelineException));
            if (ex is null)
            {
                Interlocked.Increment(ref accepted);
            }
            else if (((PipelineException)ex).Errors.Any(e => e.Message.StartsWith("malformed JSON", StringComparison.Ordinal)))
            {
                Interlocked.Increment(ref malformed);
            }
            else
            {
                Interlocked.Increment(ref invalid);
            }
        }, normalIterations: 600);
        // Most mutations must get past the JSON reader, or the validation is barely fuzzed.
        FuzzInputs.Note($"pipelines: {accepted} accepted, {invalid} rejected by validation, {malformed} malformed JSON");
        Assert.True(accepted + invalid > malformed, $"{accepted} accepted, {invalid} invalid, {malformed} malformed");
    }

    [Fact]
    public void Parse_FragmentSoup_OnlyPipelineException()
    {
        var gen = Gen.OneOf(Fragments).Array[0, 40].Select(string.Concat);
        FuzzInputs.Run(gen, text => FuzzInputs.Expect(() => Pipeline.Parse(text), typeof(PipelineException)), normalIterations: 400);
    }

    [Fact]
    public void LenientJsonParse_MutatedAndRandomText_OnlySyntaxException()
    {
        var gen = Gen.Frequency(
            (3, FuzzInputs.MutatedJson(FuzzSeeds.Files("pipeline.json").Concat(FuzzSeeds.Files("coords.json")).ToArray())),
            (1, Gen.String[Gen.Char, 0, 60]),
            (1, Gen.String[Gen.Char["{}[]\",:0123456789.eE+-NaIfinty\\u \t"], 0, 60]));
        FuzzInputs.Run(gen, text => FuzzInputs.Expect(() => LenientJson.Parse(text, out _), typeof(LenientJson.SyntaxException)),
            normalIterations: 600);
    }
}

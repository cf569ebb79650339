using System.Text;
using System.Text.Json.Nodes;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Pipelines;

public class PipelineParserTests
{
    private static PipelineError Single(PipelineException ex) => Assert.Single(ex.Errors);

    /// <summary>n0 = SinCoords, nI = n(I-1) + 1, listed in <paramref name="reversed"/> order or document order.</summary>
    internal static string Chain(int n, bool reversed = false)
    {
        var defs = new List<string> { "\"n0\": {\"node\": \"algorithm.SinCoords\"}" };
        for (int i = 1; i < n; i++)
        {
            defs.Add($"\"n{i}\": {{\"node\": \"algorithm.Arithmetic\", \"inputs\": {{\"A\": \"n{i - 1}\"}}, \"attrs\": {{\"eqn\": \"A + 1\"}}}}");
        }
        if (reversed) defs.Reverse();
        return "{" + string.Join(",\n", defs) + $", \"podpac_output_node\": \"n{n - 1}\"}}";
    }

    [Fact]
    public void Parse_DeeplyNestedAttr_RejectedAtItsPath()
    {
        string deep = new string('[', 40_000) + new string(']', 40_000);
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse("""{"a": {"node": "algorithm.SinCoords", "attrs": {"x": """ + deep + "}}}", source: "p.json"));
        var e = Single(ex);
        Assert.StartsWith("a.attrs.x[0][0]", e.Path);
        Assert.Equal("arrays and objects nest deeper than 64 levels (limits.maxJsonDepth)", e.Message);
        Assert.Contains("p.json", ex.Message);
    }

    [Fact]
    public void Parse_DocumentLargerThanTheLimit_RejectedBeforeReading()
    {
        var limits = new RuntimeLimits { MaxDocumentBytes = 2048 };
        string json = """{"a": {"node": "algorithm.SinCoords", "attrs": {}}}""" + new string(' ', 3000);
        var e = Single(Assert.Throws<PipelineException>(() => Pipeline.Parse(json, limits: limits)));
        Assert.Equal("", e.Path);
        Assert.Equal("the document is larger than 2 KiB (3,051 characters; limits.maxDocumentBytes)", e.Message);
    }

    [Fact]
    public void Parse_MoreNodesThanTheLimit_OneErrorNamingTheLimit()
    {
        var limits = new RuntimeLimits { MaxNodes = 50 };
        var e = Single(Assert.Throws<PipelineException>(() => Pipeline.Parse(Chain(51), limits: limits)));
        Assert.Equal("", e.Path);
        Assert.Equal("the pipeline has 51 nodes; at most 50 are allowed (limits.maxNodes)", e.Message);
        Assert.Equal(50, Pipeline.Parse(Chain(50), limits: limits).Nodes.Count);
    }

    [Fact]
    public void Parse_MoreInputsThanTheLimit_ErrorAtTheNodesInputs()
    {
        var limits = new RuntimeLimits { MaxInputsPerNode = 3 };
        string json = """
            {"s": {"node": "algorithm.SinCoords"},
             "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "s", "B": "s", "C": "s", "D": "s"}, "attrs": {"eqn": "A+B+C+D"}}}
            """;
        var e = Single(Assert.Throws<PipelineException>(() => Pipeline.Parse(json, limits: limits)));
        Assert.Equal("out.inputs", e.Path);
        Assert.Equal("4 inputs; a node may read at most 3 (limits.maxInputsPerNode)", e.Message);
    }

    [Fact]
    public void Parse_KernelTypeWithTooManyTaps_RejectedBeforeTheWindowIsBuilt()
    {
        string json = """
            {"s": {"node": "algorithm.SinCoords"},
             "m": {"node": "algorithm.Convolution", "inputs": {"source": "s"}, "attrs": {"kernel_type": "mean,2000000000", "kernel_dims": ["lat", "lon"]}}}
            """;
        var e = Single(Assert.Throws<PipelineException>(() => Pipeline.Parse(json)));
        Assert.Equal("m.attrs.kernel_type", e.Path);
        Assert.Equal("the kernel \"mean,2000000000\" over 2 dim(s) has 4,000,000,000,000,000,000 taps; at most 1,048,576 are allowed (limits.maxKernelCells)",
            e.Message);
    }

    [Fact]
    public void Parse_KernelArrayWithTooManyTaps_Rejected()
    {
        var limits = new RuntimeLimits { MaxKernelCells = 8 };
        string json = """
            {"s": {"node": "algorithm.SinCoords"},
             "m": {"node": "algorithm.Convolution", "inputs": {"source": "s"}, "attrs": {"kernel": [[1, 1, 1], [1, 1, 1], [1, 1, 1]], "kernel_dims": ["lat", "lon"]}}}
            """;
        var e = Single(Assert.Throws<PipelineException>(() => Pipeline.Parse(json, limits: limits)));
        Assert.Equal("m.attrs.kernel", e.Path);
        Assert.Equal("the kernel has 9 taps; at most 8 are allowed (limits.maxKernelCells)", e.Message);
    }

    [Fact]
    public void Parse_LongChainListedOutputFirst_NoRecursionPerNode()
    {
        // Inputs are visited before the node that reads them: listed output-first, a recursive visit nests once per node.
        var p = Pipeline.Parse(Chain(30_000, reversed: true), limits: new RuntimeLimits { MaxNodes = 30_000 });
        Assert.Equal("n29999", p.OutputRef);
        Assert.Equal(30_000, p.Subgraph("n29999").Count - 1);
    }

    [Fact]
    public void Parse_LongCycle_ReportedOnce()
    {
        var sb = new StringBuilder("{");
        int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            sb.Append($"\"n{i}\": {{\"node\": \"algorithm.Arithmetic\", \"inputs\": {{\"A\": \"n{(i + 1) % n}\"}}, \"attrs\": {{\"eqn\": \"A\"}}}},");
        }
        sb.Length--;
        sb.Append('}');
        var ex = Assert.Throws<PipelineException>(() => Pipeline.Parse(sb.ToString(), limits: new RuntimeLimits { MaxNodes = n }));
        var e = Single(ex);
        Assert.StartsWith("cycle: n0 -> n1 -> n2", e.Message);
        Assert.EndsWith($"n{n - 1} -> n0", e.Message);
    }
}

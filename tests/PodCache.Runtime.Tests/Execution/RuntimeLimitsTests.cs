using System.Text.Json.Nodes;
using PodCache.Cache.Configuration;
using PodCache.Runtime.Execution;

namespace PodCache.Runtime.Tests.Execution;

public class RuntimeLimitsTests
{
    [Fact]
    public void FromJson_NoSection_Defaults()
    {
        var l = RuntimeLimits.FromJson(null);
        Assert.Equal(64, l.MaxJsonDepth);
        Assert.Equal(64L << 20, l.MaxDocumentBytes);
        Assert.Equal(10_000, l.MaxNodes);
        Assert.Equal(1024, l.MaxInputsPerNode);
        Assert.Equal(1L << 28, l.MaxCellsPerRequest);
        Assert.Equal(1L << 28, l.MaxCellsPerNode);
        Assert.Equal(1L << 20, l.MaxKernelCells);
    }

    [Fact]
    public void FromJson_EveryKey_Read()
    {
        var l = RuntimeLimits.FromJson(JsonNode.Parse("""
            {"maxJsonDepth": 20, "maxDocumentBytes": "2MiB", "maxNodes": 200000, "maxInputsPerNode": 3,
             "maxCellsPerRequest": 1000, "maxCellsPerNode": 4000, "maxKernelCells": 81}
            """)!.AsObject());
        Assert.Equal(20, l.MaxJsonDepth);
        Assert.Equal(2L << 20, l.MaxDocumentBytes);
        Assert.Equal(200_000, l.MaxNodes);
        Assert.Equal(3, l.MaxInputsPerNode);
        Assert.Equal(1000, l.MaxCellsPerRequest);
        Assert.Equal(4000, l.MaxCellsPerNode);
        Assert.Equal(81, l.MaxKernelCells);
    }

    [Fact]
    public void FromJson_InvalidValues_EveryProblemNamedByPath()
    {
        var ex = Assert.Throws<ConfigurationException>(() => RuntimeLimits.FromJson(JsonNode.Parse("""
            {"maxJsonDepth": 100000, "maxNodes": 0, "maxDocumentBytes": "lots", "maxCellsPerNode": 4294967296,
             "maxKernelCells": "9", "colour": 1}
            """)!.AsObject(), "cfg.json"));
        Assert.StartsWith("cfg.json: 6 problem(s):", ex.Message);
        Assert.Contains("limits.maxJsonDepth: must be from 2 to 1000 (got 100000)", ex.Message);
        Assert.Contains("limits.maxNodes: must be at least 1 (got 0)", ex.Message);
        Assert.Contains("limits.maxDocumentBytes: ", ex.Message);
        Assert.Contains("limits.maxCellsPerNode: must be from 1 to 2147483647 (one array's length) (got 4294967296)", ex.Message);
        Assert.Contains("limits.maxKernelCells: must be a whole number", ex.Message);
        Assert.Contains("limits.colour: unknown key", ex.Message);
    }

    [Fact]
    public void Setters_OutOfRange_Throw()
    {
        var l = new RuntimeLimits();
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxJsonDepth = RuntimeLimits.MaxJsonDepthCeiling + 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxCellsPerRequest = (long)int.MaxValue + 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxDocumentBytes = 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxInputsPerNode = 0);
        Assert.Equal(64, l.MaxJsonDepth);
    }

    [Fact]
    public void SaturatingProduct_Overflow_SaturatesInsteadOfWrapping()
    {
        Assert.Equal(long.MaxValue, RuntimeLimits.SaturatingProduct([1L << 40, 1L << 40]));
        Assert.Equal(6, RuntimeLimits.SaturatingProduct([2, 3]));
        Assert.Equal(0, RuntimeLimits.SaturatingProduct([5, 0, long.MaxValue]));
    }
}

using PodCache.Cli.Server;
using PodCache.Runtime.Pipelines;

namespace PodCache.Cli.Tests.Server;

/// <summary>Pipeline errors carried from a key's owner to the requester inside the cluster's failure text.</summary>
public class OwnerPipelineExceptionTests
{
    [Fact]
    public void RoundTrips_InsideTheTextTheClusterLayerAddsAround()
    {
        var sent = new OwnerPipelineException([new PipelineError("nodes.a", "the request's CRS differs"), new PipelineError("", "and \"quoted\"")]);
        string received = $"The owner akka.tcp://podcache@127.0.0.1:1 could not produce abc: {nameof(OwnerPipelineException)}: {sent.Message}";
        Assert.True(OwnerPipelineException.TryRead(received, out var errors));
        Assert.Equal([new PipelineError("nodes.a", "the request's CRS differs"), new PipelineError("", "and \"quoted\"")], errors);
    }

    [Fact]
    public void ManyOrLongErrors_StillFitTheClustersTextLimit()
    {
        var errors = Enumerable.Range(0, 50).Select(i => new PipelineError($"nodes.n{i}", new string('x', 5000))).ToArray();
        var sent = new OwnerPipelineException(errors);
        Assert.True(sent.Message.Length < 4000, $"{sent.Message.Length} characters");
        Assert.True(OwnerPipelineException.TryRead(sent.Message, out var read));
        Assert.Equal(4, read.Count);
    }

    [Theory]
    [InlineData("KeyFailed: something else entirely")]
    [InlineData("podcache-pipeline-errors:[{\"path\": \"x\", \"message\": \"cut")]
    [InlineData("podcache-pipeline-errors:{\"path\": \"x\"}")]
    [InlineData("podcache-pipeline-errors:[]")]
    [InlineData("podcache-pipeline-errors:[{\"path\": 1, \"message\": \"m\"}]")]
    public void AnythingElse_IsNotReadAsPipelineErrors(string message)
    {
        Assert.False(OwnerPipelineException.TryRead(message, out var errors));
        Assert.Empty(errors);
    }
}

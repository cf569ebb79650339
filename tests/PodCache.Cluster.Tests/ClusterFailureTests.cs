using PodCache.Runtime.Pipelines;

namespace PodCache.Cluster.Tests;

public sealed class ClusterFailureTests
{
    [Fact]
    public void FromException_PipelineException_KeepsEveryErrorWithItsPathAndDocument()
    {
        var failure = ClusterFailure.FromException(new PipelineException(
            [PipelineError.InPipeline("a.attrs.eqn", "unknown variable 'C'"), new PipelineError("", "and \"quoted\"")]));

        Assert.Equal(ClusterFailureKind.Pipeline, failure.Kind);
        Assert.Equal([PipelineError.InPipeline("a.attrs.eqn", "unknown variable 'C'"), new PipelineError("", "and \"quoted\"")], failure.Errors);
    }

    [Fact]
    public void FromException_AnythingElse_IsAnErrorNamingTheExceptionType()
    {
        var failure = ClusterFailure.FromException(new AggregateException(new InvalidDataException("truncated tile")));

        Assert.Equal(ClusterFailureKind.Error, failure.Kind);
        Assert.Equal("InvalidDataException: truncated tile", failure.Message);
        Assert.Empty(failure.Errors);
    }

    [Fact]
    public void Constructor_ManyOrLongErrors_AreClippedToTheBounds()
    {
        var errors = Enumerable.Range(0, 50).Select(i => new PipelineError($"n{i}", new string('x', 5000))).ToArray();
        var failure = new ClusterFailure(ClusterFailureKind.Pipeline, new string('m', 5000), errors);

        Assert.Equal(ClusterFailure.MaxErrors, failure.Errors.Count);
        Assert.All(failure.Errors, e => Assert.True(e.Message.Length <= ClusterFailure.MaxChars + 3));
        Assert.True(failure.Message.Length <= ClusterFailure.MaxChars + 3);
    }

    [Fact]
    public void Constructor_ErrorsThatDoNotMatchTheKind_Throw()
    {
        Assert.Throws<ArgumentException>(() => new ClusterFailure(ClusterFailureKind.Pipeline, "none", []));
        Assert.Throws<ArgumentException>(() => new ClusterFailure(ClusterFailureKind.Error, "one", [new PipelineError("", "x")]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterFailure((ClusterFailureKind)9, "x"));
    }

    [Fact]
    public void ClusterComputeException_CarriesTheTypedFailure()
    {
        var failure = new ClusterFailure(ClusterFailureKind.Pipeline, "bad", [new PipelineError("a", "out of range")]);
        var ex = new ClusterComputeException(PodCache.Cache.Keys.Key.Hash("k"), "akka.tcp://podcache@127.0.0.1:1", failure);

        Assert.Same(failure, ex.Failure);
        Assert.Contains("a: out of range", ex.Message, StringComparison.Ordinal);
    }
}

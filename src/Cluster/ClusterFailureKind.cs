namespace PodCache.Cluster;

/// <summary>Why the owner of a key could not produce it, as the requester needs to tell the cases apart.</summary>
public enum ClusterFailureKind
{
    /// <summary>The owner's handler failed (an I/O error, a source that did not answer, a bug): the requester's run fails.</summary>
    Error = 0,

    /// <summary>
    /// The request's own fault: a node cannot evaluate these coordinates. <see cref="ClusterFailure.Errors"/> holds the
    /// pipeline errors, which the requester raises as a <see cref="Runtime.Pipelines.PipelineException"/>, as a single
    /// server would.
    /// </summary>
    Pipeline = 1,

    /// <summary>The owner refused the request (the members disagree on the shard count).</summary>
    Refused = 2,
}

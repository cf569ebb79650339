using PodCache.Cache;
using PodCache.Cache.Keys;

namespace PodCache.Runtime.Execution;

/// <summary>
/// Evaluates nodes somewhere else — on the cluster member that owns the node's ResultKey. The executor asks it before
/// it requests a node's inputs, so a node the owner already holds costs one round trip and none of its subgraph is
/// touched here; when it answers null the executor evaluates the node here (inputs first, each asked the same way).
/// </summary>
/// <remarks>Implementations are thread-safe; the executor calls them concurrently.</remarks>
public interface IRemoteEvaluator
{
    /// <summary>
    /// Produces the value of <paramref name="resultKey"/> elsewhere, or returns null when this process should evaluate
    /// it (it is the owner computing this very key, the request is too large to send, ...).
    /// </summary>
    /// <param name="resultKey">The key.</param>
    /// <param name="request">Builds the <see cref="EvaluationRequest"/> bytes that tell the owner how to compute the key
    /// (called only when the key is sent).</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    ValueTask<RemoteEvaluation?> TryEvaluateAsync(Key resultKey, Func<byte[]> request, CancellationToken cancellationToken);

    /// <summary>
    /// Called once per run, after planning and before the first <see cref="TryEvaluateAsync"/>, with every node the run
    /// still needs: an evaluator may start them all at once (a cluster sends each owner one message with the nodes it
    /// owns) instead of one round trip per node. Does nothing by default.
    /// </summary>
    /// <param name="nodes">The needed nodes, root first; their inputs are named by ResultKey.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    ValueTask PlannedAsync(IReadOnlyList<RemotePlanNode> nodes, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>A node a run needs, as <see cref="IRemoteEvaluator.PlannedAsync"/> sees it.</summary>
/// <param name="ResultKey">The node's ResultKey at its coordinates.</param>
/// <param name="Ref">The node's ref.</param>
/// <param name="IsRoot">True for the node the run returns.</param>
/// <param name="Held">True when this process's cache held it at planning time (its inputs are then not needed).</param>
/// <param name="CacheEnabled">False when the node is never cached (it is evaluated wherever it is needed).</param>
/// <param name="Inputs">The ResultKeys of the inputs it is evaluated from (empty when held).</param>
/// <param name="Request">Builds its <see cref="EvaluationRequest"/> bytes.</param>
public sealed record RemotePlanNode(Key ResultKey, string Ref, bool IsRoot, bool Held, bool CacheEnabled, IReadOnlyList<Key> Inputs,
    Func<byte[]> Request);

/// <summary>A value produced by an <see cref="IRemoteEvaluator"/>.</summary>
/// <param name="Value">The array.</param>
/// <param name="Status">The node's status in the run: a hit in <see cref="TierNames.Remote"/> when another member
/// answered, else how this member, as owner, produced it (computed, a hit in one of its tiers).</param>
/// <param name="Seconds">Compute seconds the owner spent.</param>
public sealed record RemoteEvaluation(DataArray Value, CacheStatus Status, double Seconds);

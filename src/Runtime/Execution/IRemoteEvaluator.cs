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
}

/// <summary>A value produced by an <see cref="IRemoteEvaluator"/>.</summary>
/// <param name="Value">The array.</param>
/// <param name="Status">The node's status in the run: a hit in <see cref="TierNames.Remote"/> when another member
/// answered, else how this member, as owner, produced it (computed, a hit in one of its tiers).</param>
/// <param name="Seconds">Compute seconds the owner spent.</param>
public sealed record RemoteEvaluation(DataArray Value, CacheStatus Status, double Seconds);

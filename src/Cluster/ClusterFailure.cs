using PodCache.Runtime.Pipelines;

namespace PodCache.Cluster;

/// <summary>
/// The owner's answer when it could not produce a key: a kind, a message and, for
/// <see cref="ClusterFailureKind.Pipeline"/>, the pipeline errors with their JSON paths. It travels as a typed message,
/// so the requester re-raises a pipeline error as a <see cref="PipelineException"/> instead of reading it back out of text.
/// </summary>
public sealed class ClusterFailure
{
    /// <summary>The most pipeline errors carried: what a user can act on, and well under the cluster's message limit.</summary>
    public const int MaxErrors = 16;

    /// <summary>The most characters of a message, a path or an error message; longer ones are clipped.</summary>
    public const int MaxChars = 1_024;

    /// <summary>Creates a failure; texts longer than <see cref="MaxChars"/> and errors past <see cref="MaxErrors"/> are clipped.</summary>
    /// <param name="kind">Why the owner failed.</param>
    /// <param name="message">What happened, for logs and for a run that fails.</param>
    /// <param name="errors">The pipeline errors (for <see cref="ClusterFailureKind.Pipeline"/>; at least one there).</param>
    public ClusterFailure(ClusterFailureKind kind, string message, IReadOnlyList<PipelineError>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a failure kind.");
        }
        errors ??= [];
        if (kind == ClusterFailureKind.Pipeline && errors.Count == 0)
        {
            throw new ArgumentException("A pipeline failure names at least one error.", nameof(errors));
        }
        if (kind != ClusterFailureKind.Pipeline && errors.Count > 0)
        {
            throw new ArgumentException("Only a pipeline failure carries pipeline errors.", nameof(errors));
        }
        Kind = kind;
        Message = Clip(message);
        Errors = [.. errors.Take(MaxErrors).Select(e => new PipelineError(Clip(e.Path), Clip(e.Message), e.Document))];
    }

    /// <summary>Why the owner failed.</summary>
    public ClusterFailureKind Kind { get; }

    /// <summary>What happened.</summary>
    public string Message { get; }

    /// <summary>The pipeline errors (empty unless <see cref="Kind"/> is <see cref="ClusterFailureKind.Pipeline"/>).</summary>
    public IReadOnlyList<PipelineError> Errors { get; }

    /// <summary>
    /// The failure an owner's handler exception stands for: a <see cref="PipelineException"/> is the request's fault
    /// (<see cref="ClusterFailureKind.Pipeline"/>, its errors kept), anything else an <see cref="ClusterFailureKind.Error"/>.
    /// </summary>
    /// <param name="error">What the handler threw.</param>
    public static ClusterFailure FromException(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var e = error is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerException! : error;
        return e is PipelineException { Errors.Count: > 0 } pipeline
            ? new ClusterFailure(ClusterFailureKind.Pipeline, pipeline.Message, pipeline.Errors)
            : new ClusterFailure(ClusterFailureKind.Error, $"{e.GetType().Name}: {e.Message}");
    }

    /// <inheritdoc/>
    public override string ToString() => Kind == ClusterFailureKind.Pipeline
        ? string.Join("; ", Errors.Select(e => e.ToString()))
        : Message;

    private static string Clip(string s) => s.Length <= MaxChars ? s : s[..MaxChars] + "...";
}

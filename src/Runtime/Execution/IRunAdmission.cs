namespace PodCache.Runtime.Execution;

/// <summary>
/// Admits runs against a memory budget before they compute (the server's in-flight budget): the runner plans, asks
/// with the plan's <see cref="RunMemoryEstimate"/>, computes holding the ticket, and disposes it when the run ends.
/// </summary>
/// <remarks>Implementations are thread-safe and answer at once: they admit or throw, they do not wait.</remarks>
public interface IRunAdmission
{
    /// <summary>Admits a run that is estimated to need <paramref name="estimate"/>; the ticket is disposed when it ends.</summary>
    /// <exception cref="Exception">The implementation's own type when the run cannot be admitted now (or ever).</exception>
    IDisposable Admit(RunMemoryEstimate estimate);
}

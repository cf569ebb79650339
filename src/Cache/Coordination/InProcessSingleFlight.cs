using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Coordination;

/// <summary>Single-flight inside one process: one task per key while it runs.</summary>
public sealed class InProcessSingleFlight : ISingleFlight
{
    private readonly ConcurrentDictionary<Key, Task> _inFlight = new();

    /// <summary>Keys being computed right now.</summary>
    public int InFlightCount => _inFlight.Count;

    /// <inheritdoc/>
    public async Task<(T Value, bool Leader)> RunAsync<T>(Key key, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        while (true)
        {
            if (_inFlight.TryGetValue(key, out var existing))
            {
                if (existing is Task<T> typed)
                {
                    return (await typed.ConfigureAwait(false), false);
                }
                // Same key, other value type: wait for it to finish, then try again.
                await existing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            if (!TryLead<T>(key, out var flight))
            {
                continue;
            }
            try
            {
                var value = await work().ConfigureAwait(false);
                flight.SetResult(value);
                return (value, true);
            }
            catch (Exception ex)
            {
                Fail(flight, ex);
                throw;
            }
            finally
            {
                End(key, flight);
            }
        }
    }

    /// <summary>
    /// Publishes a flight for <paramref name="key"/> and makes the caller its leader, unless one is in flight already
    /// (then false: join it through <see cref="RunAsync{T}"/>). The leader completes the flight (<c>SetResult</c> or
    /// <see cref="Fail{T}"/>) and then calls <see cref="End{T}"/>. For <see cref="TieredCache"/>'s leader path, which
    /// runs its work inline instead of through a delegate and a task per key.
    /// </summary>
    internal bool TryLead<T>(Key key, [NotNullWhen(true)] out TaskCompletionSource<T>? flight)
    {
        // Published before any of the work runs, so a caller arriving meanwhile joins it.
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_inFlight.TryAdd(key, tcs.Task))
        {
            flight = tcs;
            return true;
        }
        flight = null;
        return false;
    }

    /// <summary>Completes a flight whose work failed, as the leader saw it (canceled or faulted).</summary>
    internal static void Fail<T>(TaskCompletionSource<T> flight, Exception ex)
    {
        if (ex is OperationCanceledException oce)
        {
            flight.SetCanceled(oce.CancellationToken);
        }
        else
        {
            flight.SetException(ex);
        }
    }

    /// <summary>Retires a completed flight.</summary>
    internal void End<T>(Key key, TaskCompletionSource<T> flight)
    {
        _inFlight.TryRemove(new KeyValuePair<Key, Task>(key, flight.Task));
        // Nobody may be waiting: observe the exception so it is not reported as unobserved.
        _ = flight.Task.Exception;
    }
}

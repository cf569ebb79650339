using System.Collections.Concurrent;
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
            // Create the task cold so that it is published before any of its work runs.
            var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_inFlight.TryAdd(key, tcs.Task))
            {
                continue;
            }
            try
            {
                var value = await work().ConfigureAwait(false);
                tcs.SetResult(value);
                return (value, true);
            }
            catch (OperationCanceledException oce)
            {
                tcs.SetCanceled(oce.CancellationToken);
                throw;
            }
            catch (Exception ex)
            {
                tcs.SetException(ex);
                throw;
            }
            finally
            {
                _inFlight.TryRemove(new KeyValuePair<Key, Task>(key, tcs.Task));
                // Nobody may be waiting: observe the exception so it is not reported as unobserved.
                _ = tcs.Task.Exception;
            }
        }
    }
}

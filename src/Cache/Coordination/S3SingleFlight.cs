using Microsoft.Extensions.Logging;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers.S3;

namespace PodCache.Cache.Coordination;

/// <summary>
/// Single-flight across workers that share only an S3 bucket (serverless functions, servers without a cluster):
/// first the inner coordinator (in-process, then the machine lease), then a lease object <c>prefix/leases/KEY</c>
/// created with <c>If-None-Match: *</c>. The holder renews it every third of its TTL while it computes and deletes it
/// when done (the value is in S3 by then). A waiter polls the S3 tier for the key, with back-off, and computes only if
/// the lease goes away without the value appearing. A lease that expired, or whose holder process on this host is
/// gone, is taken over with a conditional overwrite of the version seen, so only one waiter wins. A lease body that is
/// not believable (garbage, wrong types, an expiry beyond the largest TTL) expires one TTL after its last write, and no
/// waiter waits longer than <see cref="S3TierOptions.LeaseMaxWait"/>. When S3 fails the work runs without the S3 lease:
/// coordination degrades, the run does not fail.
/// </summary>
public sealed class S3SingleFlight : ISingleFlight
{
    private readonly ISingleFlight _inner;
    private readonly S3Tier _tier;
    private readonly S3LeaseStore _leases;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private long _waits, _takeovers, _degraded, _gaveUp;

    /// <summary>Creates the coordinator.</summary>
    /// <param name="tier">The S3 tier whose bucket holds the leases and the values.</param>
    /// <param name="inner">The coordinator consulted first (in-process when null; pass the machine one to share a cache directory).</param>
    /// <param name="time">The clock for lease expiry; the tier's when null.</param>
    public S3SingleFlight(S3Tier tier, ISingleFlight? inner = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(tier);
        _tier = tier;
        _inner = inner ?? new InProcessSingleFlight();
        _time = time ?? tier.Time;
        _log = tier.Log;
        var self = ProcessIdentity.Current;
        HolderId = $"{Environment.MachineName}/{self.Pid}/{self.StartTicks}/{Guid.NewGuid():N}";
        _leases = new S3LeaseStore(tier, _time, HolderId);
    }

    /// <summary>This coordinator's identity in lease bodies.</summary>
    public string HolderId { get; }

    /// <summary>Computations this coordinator waited for instead of running.</summary>
    public long Waits => Interlocked.Read(ref _waits);

    /// <summary>Leases taken over from a holder that expired or died.</summary>
    public long Takeovers => Interlocked.Read(ref _takeovers);

    /// <summary>Waits that reached <see cref="S3TierOptions.LeaseMaxWait"/> and computed without the lease.</summary>
    public long GaveUp => Interlocked.Read(ref _gaveUp);

    /// <summary>Computations run without an S3 lease (S3 failed, or the wait reached its limit).</summary>
    public long Degraded => Interlocked.Read(ref _degraded);

    /// <inheritdoc/>
    public Task<(T Value, bool Leader)> RunAsync<T>(Key key, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _inner.RunAsync(key, () => LeasedAsync(key, work));
    }

    private async Task<T> LeasedAsync<T>(Key key, Func<Task<T>> work)
    {
        var delay = TimeSpan.FromMilliseconds(20);
        bool waited = false;
        DateTimeOffset? waitingSince = null;
        int vanished = 0;
        while (true)
        {
            var (outcome, etag) = await _leases.TryWriteAsync(key, null, CancellationToken.None).ConfigureAwait(false);
            if (outcome == S3LeaseStore.Outcome.Unavailable)
            {
                return await Degrade(work).ConfigureAwait(false);
            }
            if (outcome == S3LeaseStore.Outcome.Acquired)
            {
                return await HoldAsync(key, etag!, work).ConfigureAwait(false);
            }
            // Held by another worker: watch it until the value appears, the lease goes, or it goes stale.
            while (true)
            {
                bool failed = false;
                var lease = await _leases.ReadAsync(key, () => failed = true, CancellationToken.None).ConfigureAwait(false);
                if (failed)
                {
                    return await Degrade(work).ConfigureAwait(false);
                }
                if (lease is null)
                {
                    // Released between our create and our read: try to create it again. A store that keeps refusing
                    // the create yet shows no lease is not honouring conditional writes; stop coordinating through it.
                    if (++vanished > 20)
                    {
                        _log.LogWarning("S3 lease on {Key}: create refused but no lease readable {Count} times; computing without the S3 lease", key, vanished);
                        return await Degrade(work).ConfigureAwait(false);
                    }
                    break;
                }
                if (IsStale(lease))
                {
                    var (taken, newTag) = await _leases.TryWriteAsync(key, lease.ETag, CancellationToken.None).ConfigureAwait(false);
                    if (taken == S3LeaseStore.Outcome.Acquired)
                    {
                        Interlocked.Increment(ref _takeovers);
                        _tier.Health.Count("s3.lease.takeovers");
                        _log.LogInformation("Took over the S3 lease on {Key} from {Holder} (expired or dead)", key, lease.Holder);
                        return await HoldAsync(key, newTag!, work).ConfigureAwait(false);
                    }
                    if (taken == S3LeaseStore.Outcome.Unavailable)
                    {
                        return await Degrade(work).ConfigureAwait(false);
                    }
                    // Another waiter took it over first: watch the new holder.
                    continue;
                }
                if (!waited)
                {
                    waited = true;
                    waitingSince = _time.GetUtcNow();
                    Interlocked.Increment(ref _waits);
                    _tier.Health.Count("s3.lease.waits");
                }
                else if (_time.GetUtcNow() - waitingSince >= _tier.Options.LeaseMaxWait)
                {
                    // A holder that keeps renewing but never finishes (stuck, or a lease object that lies about its
                    // expiry) must not stall this worker: at worst the value is computed twice.
                    Interlocked.Increment(ref _gaveUp);
                    _tier.Health.Count("s3.lease.maxWait");
                    _log.LogWarning("S3 lease on {Key} held by {Holder} for longer than {MaxWait}; computing without it",
                        key, lease.Holder.Length > 0 ? lease.Holder : "an unknown writer", S3TierOptions.Seconds(_tier.Options.LeaseMaxWait));
                    return await Degrade(work).ConfigureAwait(false);
                }
                await Task.Delay(delay, _time).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * 1.5), _tier.Options.LeasePollMax.Ticks));
                if (await _tier.ContainsAsync(key).ConfigureAwait(false))
                {
                    // The holder stored it: the work's own cache read serves it from S3.
                    return await work().ConfigureAwait(false);
                }
            }
        }
    }

    private bool IsStale(S3LeaseStore.Lease lease)
    {
        if (_time.GetUtcNow() >= lease.Expires)
        {
            return true;
        }
        // A holder on this host whose process is gone will never renew: no need to wait for its TTL.
        return lease.Pid != 0 && string.Equals(lease.Host, Environment.MachineName, StringComparison.Ordinal)
            && !new ProcessIdentity(lease.Pid, lease.Start).IsAlive;
    }

    private async Task<T> Degrade<T>(Func<Task<T>> work)
    {
        Interlocked.Increment(ref _degraded);
        return await work().ConfigureAwait(false);
    }

    private async Task<T> HoldAsync<T>(Key key, string etag, Func<Task<T>> work)
    {
        using var stop = new CancellationTokenSource();
        var current = new StrongBox(etag);
        var renewing = RenewAsync(key, current, stop.Token);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (current.Value is { } held)
            {
                await _leases.ReleaseAsync(key, held).ConfigureAwait(false);
            }
        }
    }

    private async Task RenewAsync(Key key, StrongBox current, CancellationToken stop)
    {
        var period = _tier.Options.LeaseTtl / 3;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(period, _time, stop).ConfigureAwait(false);
            if (current.Value is not { } etag)
            {
                return;
            }
            // Not cancellable: a renewal cut off mid-flight could leave a version whose ETag we never learn, which the
            // release could then not delete.
            var (outcome, newTag) = await _leases.TryWriteAsync(key, etag, CancellationToken.None).ConfigureAwait(false);
            switch (outcome)
            {
                case S3LeaseStore.Outcome.Acquired:
                    current.Value = newTag;
                    break;
                case S3LeaseStore.Outcome.Held:
                    // Someone judged us dead and took over; keep computing (the value is still good), stop renewing.
                    _log.LogWarning("Lost the S3 lease on {Key} while computing it (taken over after it looked expired)", key);
                    current.Value = null;
                    return;
                default:
                    // S3 unavailable: the next period retries; the lease may expire meanwhile, which costs at most a
                    // duplicate computation.
                    break;
            }
        }
    }

    private sealed class StrongBox(string? value)
    {
        public string? Value { get; set; } = value;
    }
}

using System.Diagnostics;
using PodCache.Cache.Coordination;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers;

namespace PodCache.Cache;

/// <summary>
/// Composes tiers into one cache: reads RAM → disk → S3 and promote on hit; writes go to the entry's tiers;
/// concurrent computations of one key are shared through an <see cref="ISingleFlight"/>.
/// </summary>
public sealed class TieredCache : IMemoCache
{
    private readonly ICacheTier[] _tiers;
    private readonly IReadOnlyList<string> _defaultTiers;
    private readonly ISingleFlight _singleFlight;
    private readonly TimeProvider _time;

    /// <summary>Creates a cache over <paramref name="tiers"/> (in read order).</summary>
    /// <param name="tiers">The tiers, fastest first; names must be distinct.</param>
    /// <param name="defaultTiers">Tiers written when an entry names none; all tiers when null.</param>
    /// <param name="singleFlight">Who computes a key; in-process when null.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    public TieredCache(IEnumerable<ICacheTier> tiers, IReadOnlyList<string>? defaultTiers = null,
        ISingleFlight? singleFlight = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        _tiers = tiers.ToArray();
        if (_tiers.Length == 0)
        {
            throw new ArgumentException("A cache needs at least one tier.", nameof(tiers));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in _tiers)
        {
            if (!names.Add(t.Name))
            {
                throw new ArgumentException($"Tier '{t.Name}' is listed twice.", nameof(tiers));
            }
        }
        _defaultTiers = defaultTiers ?? _tiers.Select(t => t.Name).ToArray();
        foreach (var name in _defaultTiers)
        {
            if (!names.Contains(name))
            {
                throw new ArgumentException($"Default tier '{name}' is not configured.", nameof(defaultTiers));
            }
        }
        _singleFlight = singleFlight ?? new InProcessSingleFlight();
        _time = time ?? TimeProvider.System;
        MetricsNumber = Telemetry.PodCacheMetrics.Register(this);
    }

    /// <summary>This cache's <c>cache</c> tag in <see cref="Telemetry.PodCacheMetrics"/>.</summary>
    public int MetricsNumber { get; }

    /// <summary>A cache with a single RAM tier of <paramref name="maxBytes"/>.</summary>
    public static TieredCache InMemory(long maxBytes, TimeProvider? time = null) =>
        new([new Tiers.Ram.RamTier(maxBytes, time: time)], time: time);

    /// <inheritdoc/>
    public IReadOnlyList<ICacheTier> Tiers => _tiers;

    /// <summary>The clock used for creation and expiry times.</summary>
    public TimeProvider Time => _time;

    /// <inheritdoc/>
    public async ValueTask<CacheLookup?> GetAsync(Key key, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < _tiers.Length; i++)
        {
            var entry = await _tiers[i].TryGetAsync(key, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                continue;
            }
            // Promote into the faster tiers above the one that answered.
            for (int j = 0; j < i; j++)
            {
                await _tiers[j].PutAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            return new CacheLookup(entry, _tiers[i].Name);
        }
        return null;
    }

    /// <inheritdoc/>
    public async ValueTask<string?> ProbeAsync(Key key, CancellationToken cancellationToken = default)
    {
        foreach (var tier in _tiers)
        {
            if (await tier.ContainsAsync(key, cancellationToken).ConfigureAwait(false))
            {
                return tier.Name;
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public async ValueTask PutAsync(Key key, ICacheValue value, EntryOptions? options = null, double computeSeconds = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        options ??= EntryOptions.Default;
        if (!options.Enabled)
        {
            return;
        }
        var now = _time.GetUtcNow();
        var entry = new CacheEntry(key, value, now, options.Expires?.ExpiresAt(now), computeSeconds, options.Provenance)
        {
            AllowedTiers = options.Tiers ?? _defaultTiers,
            ProvenanceFactory = options.ProvenanceFactory,
        };
        var targets = options.Tiers ?? _defaultTiers;
        foreach (var tier in _tiers)
        {
            if (targets.Contains(tier.Name))
            {
                await tier.PutAsync(entry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default)
    {
        bool any = false;
        foreach (var tier in _tiers)
        {
            any |= await tier.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        return any;
    }

    /// <inheritdoc/>
    public async Task<CacheOutcome<T>> GetOrComputeAsync<T>(Key key, Func<CancellationToken, ValueTask<T>> factory,
        EntryOptions? options = null, CancellationToken cancellationToken = default) where T : ICacheValue
    {
        ArgumentNullException.ThrowIfNull(factory);
        options ??= EntryOptions.Default;
        if (options.Enabled && await GetAsync(key, cancellationToken).ConfigureAwait(false) is { Entry.Value: T hit } found)
        {
            return new CacheOutcome<T>(hit, CacheStatus.Hit(found.Tier), 0);
        }
        // In-process single-flight, nobody computing the key yet (every miss of a cold run): lead the flight inline.
        // The same steps as through ISingleFlight.RunAsync below, without its closure, delegate and two tasks per key.
        if (_singleFlight is InProcessSingleFlight local && local.TryLead<CacheOutcome<T>>(key, out var flight))
        {
            try
            {
                var outcome = await ComputeAsync(key, factory, options, cancellationToken).ConfigureAwait(false);
                flight.SetResult(outcome);
                return outcome;
            }
            catch (Exception ex)
            {
                InProcessSingleFlight.Fail(flight, ex);
                throw;
            }
            finally
            {
                local.End(key, flight);
            }
        }
        return await ShareFlightAsync(key, factory, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Computes through <see cref="ISingleFlight.RunAsync{T}"/>: joining a flight in progress, or leading one across
    /// processes. Apart from <see cref="GetOrComputeAsync{T}"/> so that its closure is not allocated on every call.
    /// </summary>
    private async Task<CacheOutcome<T>> ShareFlightAsync<T>(Key key, Func<CancellationToken, ValueTask<T>> factory,
        EntryOptions options, CancellationToken cancellationToken) where T : ICacheValue
    {
        var (shared, leader) = await _singleFlight.RunAsync(key,
            () => ComputeAsync(key, factory, options, cancellationToken).AsTask()).ConfigureAwait(false);
        // A caller that joined another's computation got the live object from this process's memory.
        return leader ? shared : shared with { Status = CacheStatus.Hit(TierNames.Ram), ComputeSeconds = 0 };
    }

    /// <summary>The leader's work: look again, else compute, time and store.</summary>
    private async ValueTask<CacheOutcome<T>> ComputeAsync<T>(Key key, Func<CancellationToken, ValueTask<T>> factory,
        EntryOptions options, CancellationToken cancellationToken) where T : ICacheValue
    {
        // Another flight may have stored it between our miss and taking the flight.
        if (options.Enabled && await GetAsync(key, cancellationToken).ConfigureAwait(false) is { Entry.Value: T late } lateHit)
        {
            return new CacheOutcome<T>(late, CacheStatus.Hit(lateHit.Tier), 0);
        }
        long started = Stopwatch.GetTimestamp();
        var value = await factory(cancellationToken).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await PutAsync(key, value, options, seconds, cancellationToken).ConfigureAwait(false);
        return new CacheOutcome<T>(value, CacheStatus.Computed, seconds);
    }
}

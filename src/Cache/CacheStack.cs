using Microsoft.Extensions.Logging;
using PodCache.Cache.Budgets;
using PodCache.Cache.Configuration;
using PodCache.Cache.Coordination;
using PodCache.Cache.Index;
using PodCache.Cache.Policies;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers;
using PodCache.Cache.Tiers.Disk;
using PodCache.Cache.Tiers.Ram;
using PodCache.Cache.Tiers.S3;

namespace PodCache.Cache;

/// <summary>
/// A cache assembled from a <see cref="CacheConfig"/>: the RAM tier (with the machine RAM budget), the disk tier and
/// machine index when a directory is configured, the S3 tier when <c>tiers.s3</c> is (its usage is accounted in the
/// machine index, which then lives in the directory even without a disk tier), single-flight across processes (and
/// across workers sharing the bucket), and the tiered store over them.
/// Dispose it to stop heartbeats and close the index.
/// </summary>
public sealed class CacheStack : IAsyncDisposable, IDisposable
{
    // Enough for a burst of evictions from one large put; the byte bound is what usually limits the queue.
    private const int DemotionQueueEntries = 1024;

    private readonly MachineRamBudget? _ramBudget;
    private readonly DemotionQueue? _demotions;

    private CacheStack(TieredCache cache, RamTier ram, DiskTier? disk, DemotionQueue? demotions, S3Tier? s3, MachineIndex? index,
        MachineRamBudget? budget, CacheConfig config)
    {
        _demotions = demotions;
        Cache = cache;
        Ram = ram;
        Disk = disk;
        S3 = s3;
        Index = index;
        _ramBudget = budget;
        Config = config;
    }

    /// <summary>The tiered store.</summary>
    public TieredCache Cache { get; }

    /// <summary>The RAM tier.</summary>
    public RamTier Ram { get; }

    /// <summary>The disk tier, when configured.</summary>
    public DiskTier? Disk { get; }

    /// <summary>The S3 tier, when configured.</summary>
    public S3Tier? S3 { get; }

    /// <summary>The machine index, when a disk or S3 tier is configured.</summary>
    public MachineIndex? Index { get; }

    /// <summary>The configuration it was built from.</summary>
    public CacheConfig Config { get; }

    /// <summary>
    /// Why the configured disk (and S3) tier is missing: the machine index could not be opened (damaged, a directory,
    /// unwritable, full). Null when every configured tier is there.
    /// </summary>
    public string? IndexProblem { get; private init; }

    /// <summary>RAM held by other processes sharing the directory at the last heartbeat (0 without a disk tier).</summary>
    public long OtherProcessesRamBytes => _ramBudget?.OtherProcessesBytes ?? 0;

    /// <summary>Builds the cache.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="codecs">How values become bytes for disk and S3.</param>
    /// <param name="extraTiers">Tiers after disk (S3), in read order.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="scopes">Budgets beyond this process and machine (a cluster member's shares), or null.</param>
    /// <param name="shortLived">The process runs one command and exits (the CLI): after S3 fails once it is skipped for
    /// the rest of the process instead of for <c>retryAfter</c>, so a stalled endpoint costs one timeout.</param>
    /// <exception cref="ConfigurationException">The configuration names a tier that is not available.</exception>
    public static CacheStack Create(CacheConfig config, ValueCodecs codecs, IEnumerable<ICacheTier>? extraTiers = null,
        TimeProvider? time = null, ILoggerFactory? loggerFactory = null, TierBudgetScopes? scopes = null, bool shortLived = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(codecs);
        time ??= TimeProvider.System;
        MachineIndex? index = null;
        DiskTier? disk = null;
        S3Tier? s3 = null;
        MachineRamBudget? budget = null;
        var tiers = new List<ICacheTier>();
        RamTier? ram = null;
        DemotionQueue? demotions = null;
        string? indexProblem = null;
        try
        {
            if (config.DiskEnabled || config.S3 is not null)
            {
                try
                {
                    index = new MachineIndex(Path.GetFullPath(config.DiskPath), time);
                    if (config.DiskEnabled)
                    {
                        disk = new DiskTier(new DiskTierOptions
                        {
                            Path = config.DiskPath,
                            MaxBytes = config.DiskMaxBytes,
                            Lz4 = config.DiskLz4,
                            Policy = config.Policy,
                        }, index, codecs, () => EvictionPolicies.Create(config.Policy), time,
                            loggerFactory?.CreateLogger<DiskTier>())
                        {
                            Scope = scopes?.Disk,
                        };
                    }
                    budget = new MachineRamBudget(index, config.MachineRamMaxBytes, () => ram?.Bytes ?? 0, time);
                }
                catch (Exception ex) when (ex is CacheIndexException or Microsoft.Data.Sqlite.SqliteException)
                {
                    // A damaged or unwritable index must not stop every command on this directory: run on RAM alone,
                    // say so once, and let `podcache cache gc` repair it.
                    indexProblem = ex is CacheIndexException ? ex.Message
                        : new CacheIndexException(index?.Path ?? config.DiskPath, MachineIndex.Describe((Microsoft.Data.Sqlite.SqliteException)ex)).Message;
                    index?.Dispose();
                    index = null;
                    disk = null;
                    loggerFactory?.CreateLogger<CacheStack>().LogWarning(
                        "{Problem}; running without the {Tiers} and computing instead. `podcache cache gc` moves a damaged index aside and rebuilds it from the entry files",
                        indexProblem, config.S3 is null ? "disk tier" : config.DiskEnabled ? "disk and s3 tiers" : "s3 tier");
                }
            }
            ram = new RamTier(config.RamMaxBytes, EvictionPolicies.Create(config.Policy), time, SmallestBudgetScope.Of(budget, scopes?.Ram));
            tiers.Add(ram);
            if (disk is not null)
            {
                // Entries leaving RAM are demoted to disk (when they may live there) by a background writer: eviction
                // happens inside a caller's put, which must not wait for disk. The queue may hold a quarter of the RAM
                // budget beyond it.
                var queue = demotions = new DemotionQueue(disk, DemotionQueueEntries, config.RamMaxBytes / 4, time,
                    loggerFactory?.CreateLogger<DemotionQueue>());
                tiers.Add(queue);
                ram.Evicted += e =>
                {
                    if (e.AllowedTiers is null || e.AllowedTiers.Contains(TierNames.Disk))
                    {
                        queue.TryEnqueue(e);
                    }
                };
            }
            if (config.S3 is { } s3Json && index is not null)
            {
                var s3Options = S3TierOptions.FromJson(s3Json);
                if (shortLived)
                {
                    s3Options.RetryAfter = Timeout.InfiniteTimeSpan;
                }
                s3 = new S3Tier(s3Options, index!, codecs, () => EvictionPolicies.Create(config.Policy), time,
                    loggerFactory?.CreateLogger<S3Tier>())
                {
                    Scope = scopes?.S3,
                };
                tiers.Add(s3);
            }
            if (extraTiers is not null)
            {
                tiers.AddRange(extraTiers);
            }
            var names = tiers.Select(t => t.Name).ToHashSet();
            var defaults = config.DefaultTiers.Where(names.Contains).ToArray();
            foreach (var t in config.DefaultTiers)
            {
                if (!names.Contains(t) && !(indexProblem is not null && t is TierNames.Disk or TierNames.S3))
                {
                    throw new ConfigurationException($"cache.defaultTiers: tier '{t}' is not configured");
                }
            }
            ISingleFlight flight = index is null ? new InProcessSingleFlight() : new MachineSingleFlight(index, time: time);
            if (s3 is not null)
            {
                flight = new S3SingleFlight(s3, flight, time);
            }
            var cache = new TieredCache(tiers, defaults, flight, time);
            return new CacheStack(cache, ram, disk, demotions, s3, index, budget, config) { IndexProblem = indexProblem };
        }
        catch
        {
            demotions?.Dispose();
            s3?.Dispose();
            budget?.Dispose();
            index?.Dispose();
            throw;
        }
    }

    /// <summary>Writes the demotions still queued for disk, then stops heartbeats and closes the index.</summary>
    public void Dispose()
    {
        _demotions?.Dispose();
        DisposeRest();
    }

    /// <summary>Writes the demotions still queued for disk, then stops heartbeats and closes the index.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_demotions is not null)
        {
            await _demotions.DisposeAsync().ConfigureAwait(false);
        }
        DisposeRest();
    }

    private void DisposeRest()
    {
        S3?.Dispose();
        _ramBudget?.Dispose();
        Index?.Dispose();
    }
}

/// <summary>Budgets a <see cref="CacheStack"/>'s tiers answer to beyond their configured maximums (a cluster member's shares).</summary>
/// <param name="Ram">For the RAM tier (combined with the machine RAM budget), or null.</param>
/// <param name="Disk">For the disk tier, or null.</param>
/// <param name="S3">For the S3 tier, or null.</param>
public sealed record TierBudgetScopes(IBudgetScope? Ram, IBudgetScope? Disk, IBudgetScope? S3);

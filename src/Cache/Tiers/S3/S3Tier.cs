using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PodCache.Cache.Index;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Disk;

namespace PodCache.Cache.Tiers.S3;

/// <summary>
/// The shared network tier: one object per entry in an S3 bucket (or any S3-compatible store) under
/// <c>prefix/ab/cd/KEY</c>, in the disk tier's <see cref="EntryFormat"/> (a MessagePack header with provenance and
/// expiry, the payload, a trailer with lengths and XxHash3), with created/expiry/cost also as object metadata so a
/// HEAD can answer probes and reconciliation. Payloads stream in and out (multipart above one part); every read is
/// verified before it is served, and an object appears only once whole. Usage is accounted in the
/// <see cref="MachineIndex"/> (tier <c>s3</c>) and reconciled by listing; the budget is kept by the same policies
/// as disk. S3 failing never fails a cache operation: it is counted, logged and skipped for a while.
/// </summary>
public sealed partial class S3Tier : ICacheTier, IDisposable
{
    private const string MetaCreated = "podcache-created";
    private const string MetaExpires = "podcache-expires";
    private const string MetaCost = "podcache-cost";
    private const string MetaSize = "podcache-size";
    private readonly S3TierOptions _options;
    private readonly MachineIndex _index;
    private readonly ValueCodecs _codecs;
    private readonly Func<IEvictionPolicy> _policyFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly bool _ownsClient;
    private readonly DateTimeOffset _opened;
    private readonly CancellationTokenSource _shutdown = new();
    private int _reconciling;
    private long _hits, _misses, _evictions, _expirations, _corrupt;

    /// <summary>Creates the tier.</summary>
    /// <param name="options">Bucket, prefix, endpoint, budget and tuning.</param>
    /// <param name="index">The machine index that accounts the tier's usage.</param>
    /// <param name="codecs">How values become bytes.</param>
    /// <param name="policyFactory">Eviction order (LRU when null).</param>
    /// <param name="time">The clock for expiry and back-off.</param>
    /// <param name="logger">Where failures are logged.</param>
    /// <param name="client">A client to use instead of one built from <paramref name="options"/> with the SDK's default
    /// credential chain; the tier does not dispose it.</param>
    public S3Tier(S3TierOptions options, MachineIndex index, ValueCodecs codecs, Func<IEvictionPolicy>? policyFactory = null,
        TimeProvider? time = null, ILogger? logger = null, IAmazonS3? client = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(codecs);
        _options = options;
        _index = index;
        _codecs = codecs;
        _policyFactory = policyFactory ?? (() => new LruPolicy());
        _time = time ?? TimeProvider.System;
        _log = logger ?? NullLogger.Instance;
        _ownsClient = client is null;
        Health = new S3Health(index, options, _time, _log);
        Client = client ?? S3Clients.Create(options, Health);
        _opened = _time.GetUtcNow();
        // Reservations of writers in this directory that died mid-upload: their objects never appeared.
        index.ReclaimAbandonedReservations(Name);
    }

    /// <inheritdoc/>
    public string Name => TierNames.S3;

    /// <summary>The bucket.</summary>
    public string Bucket => _options.Bucket;

    /// <summary>The key prefix of every object.</summary>
    public string Prefix => _options.Prefix;

    /// <summary>The budget of the prefix in bytes.</summary>
    public long MaxBytes => _options.MaxBytes;

    /// <summary>
    /// A budget shared beyond this tier (a cluster member's share of the cluster's S3 budget), asked before every
    /// write; the tier then holds at most the smaller of it and <see cref="MaxBytes"/>. Null: only <see cref="MaxBytes"/>.
    /// </summary>
    public Budgets.IBudgetScope? Scope { get; set; }

    /// <summary>The most bytes the tier may hold now: <see cref="MaxBytes"/>, or less when <see cref="Scope"/> says so.</summary>
    public long CurrentLimit() => Budgets.BudgetLimit.Of(_options.MaxBytes, Scope);

    /// <summary>Failed S3 requests seen by this process (all processes: the index counter <c>s3.errors</c>).</summary>
    public long ErrorCount => Health.Failures;

    /// <summary>True while S3 is skipped after a failure.</summary>
    public bool IsUnavailable => Health.IsDown;

    /// <summary>Corrupt objects found (and deleted) by this process.</summary>
    public long CorruptCount => Interlocked.Read(ref _corrupt);

    internal IAmazonS3 Client { get; }

    internal S3TierOptions Options => _options;

    internal S3Health Health { get; }

    internal TimeProvider Time => _time;

    internal ILogger Log => _log;

    /// <summary>The background reconciliation in progress or last run (for tests and shutdown).</summary>
    internal Task BackgroundReconciliation { get; private set; } = Task.CompletedTask;

    /// <summary>The object key of <paramref name="key"/>'s entry: <c>prefix/ab/cd/KEY</c>.</summary>
    public string ObjectKey(Key key)
    {
        string hex = key.ToString();
        return $"{_options.Prefix}{hex[..2]}/{hex[2..4]}/{hex}";
    }

    /// <summary>The object key of <paramref name="key"/>'s single-flight lease: <c>prefix/leases/KEY</c>.</summary>
    public string LeaseObjectKey(Key key) => _options.Prefix + "leases/" + key.ToString();

    /// <inheritdoc/>
    public async ValueTask<CacheEntry?> TryGetAsync(Key key, CancellationToken cancellationToken = default)
    {
        if (!Health.ShouldTry())
        {
            Interlocked.Increment(ref _misses);
            return null;
        }
        CacheEntry entry;
        long length;
        try
        {
            using var response = await Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = ObjectKey(key) },
                cancellationToken).ConfigureAwait(false);
            length = response.ContentLength;
            // Codecs read synchronously; a large body would hold a pool thread for the whole transfer.
            entry = await Task.Factory.StartNew(() =>
            {
                using var guarded = new StallGuardStream(response.ResponseStream, _options.Timeout, cancellationToken);
                return S3EntryReader.Read(guarded, length, _codecs, key);
            }, cancellationToken, length > _options.PartSize ? TaskCreationOptions.LongRunning : TaskCreationOptions.None,
                TaskScheduler.Default).ConfigureAwait(false);
            Health.Success();
        }
        catch (Exception ex) when (S3Health.IsNotFound(ex))
        {
            Interlocked.Increment(ref _misses);
            Health.Count("s3.misses");
            // Another worker evicted or expired it: stop accounting it here too (but keep a reservation of our own
            // writer, whose object is not there yet).
            if (_index.Get(key, Name) is { Ready: true })
            {
                _index.Remove(key, Name);
            }
            return null;
        }
        catch (CacheCorruptException ex)
        {
            Interlocked.Increment(ref _corrupt);
            Interlocked.Increment(ref _misses);
            Health.Count("s3.corrupt");
            _log.LogWarning("Removed corrupt S3 object {Bucket}/{Object}: {Reason}", Bucket, ObjectKey(key), ex.Message);
            await TryDeleteObjectAsync(ObjectKey(key), cancellationToken).ConfigureAwait(false);
            _index.Remove(key, Name);
            return null;
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            Interlocked.Increment(ref _misses);
            Health.Failure("get", ex);
            return null;
        }
        var now = _time.GetUtcNow();
        if (entry.IsExpired(now))
        {
            Interlocked.Increment(ref _expirations);
            Interlocked.Increment(ref _misses);
            Health.Count("s3.expired");
            await TryDeleteObjectAsync(ObjectKey(key), cancellationToken).ConfigureAwait(false);
            _index.Remove(key, Name);
            return null;
        }
        Interlocked.Increment(ref _hits);
        Health.Count("s3.hits");
        if (_index.Get(key, Name) is null)
        {
            // Written by another worker: account it here from now on.
            _index.Upsert(new IndexEntry(key, Name, length, entry.Created, entry.Expires, entry.ComputeSeconds, 1, now, true));
        }
        else
        {
            _index.RecordAccess(key, Name);
        }
        return entry;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> ContainsAsync(Key key, CancellationToken cancellationToken = default)
    {
        if (!Health.ShouldTry())
        {
            return false;
        }
        try
        {
            var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = ObjectKey(key) },
                cancellationToken).ConfigureAwait(false);
            Health.Success();
            return !(ReadMetadata(head.Metadata).Expires is { } e && _time.GetUtcNow() >= e);
        }
        catch (Exception ex) when (S3Health.IsNotFound(ex))
        {
            return false;
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            Health.Failure("head", ex);
            return false;
        }
    }

    /// <summary>Reads the header of an entry's object (for inspect); null when absent, corrupt or S3 fails.</summary>
    public async Task<EntryHeader?> ReadHeaderAsync(Key key, CancellationToken cancellationToken = default)
    {
        if (!Health.ShouldTry()) return null;
        try
        {
            // The header sits in the first bytes: 64 KiB covers it unless the provenance is very large.
            var bytes = await ReadRangeAsync(ObjectKey(key), 0, 65535, cancellationToken).ConfigureAwait(false);
            if (bytes.Length >= 8)
            {
                long needed = 8L + System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
                if (needed > bytes.Length && needed <= 8 + (16 << 20))
                {
                    bytes = await ReadRangeAsync(ObjectKey(key), 0, needed - 1, cancellationToken).ConfigureAwait(false);
                }
            }
            Health.Success();
            var header = EntryFormat.ReadHeader(new MemoryStream(bytes, writable: false));
            return header.Key == key ? header : null;
        }
        catch (CacheCorruptException)
        {
            return null;
        }
        catch (Exception ex) when (S3Health.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            Health.Failure("inspect", ex);
            return null;
        }
    }

    private async Task<byte[]> ReadRangeAsync(string objectKey, long first, long last, CancellationToken cancellationToken)
    {
        using var response = await Client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = Bucket,
            Key = objectKey,
            ByteRange = new ByteRange(first, last),
        }, cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <inheritdoc/>
    public async ValueTask PutAsync(CacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var codec = _codecs.For(entry.Value);
        if (codec is null)
        {
            _log.LogDebug("No codec stores {Type}; not written to S3", entry.Value.GetType().Name);
            return;
        }
        if (!Health.ShouldTry())
        {
            return;
        }
        long estimate = entry.SizeBytes + 4096 + 3L * (entry.Provenance?.Length ?? 0);
        // Reserve first, so this machine's writers together stay within the budget; other machines' objects are
        // accounted when a read or a reconciliation sees them.
        var victims = _index.Reserve(entry.Key, Name, estimate, CurrentLimit(), entry.Created, entry.Expires,
            entry.ComputeSeconds, ChooseVictims);
        if (victims is null)
        {
            _log.LogDebug("Entry {Key} ({Bytes} B) does not fit the S3 budget now; not written", entry.Key, estimate);
            return;
        }
        await DeleteVictimsAsync(victims, cancellationToken).ConfigureAwait(false);
        var upload = new S3UploadStream(Client, Bucket, ObjectKey(entry.Key), _options.PartSize, _options.MaxConcurrentParts,
            (int)Math.Min(estimate, _options.PartSize), Metadata(entry), cancellationToken);
        try
        {
            long written;
            if (estimate < _options.PartSize / 2)
            {
                // Fits in the first part: no request is made until CompleteAsync, so nothing blocks here.
                written = EntryFormat.Write(upload, entry, codec, lz4: false);
            }
            else
            {
                written = await Task.Factory.StartNew(() => EntryFormat.Write(upload, entry, codec, lz4: false), cancellationToken,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            }
            await upload.CompleteAsync().ConfigureAwait(false);
            _index.Commit(entry.Key, Name, written);
            Health.Count("s3.puts");
            Health.Success();
            ReconcileIfDue();
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            await upload.AbortAsync().ConfigureAwait(false);
            _index.Remove(entry.Key, Name);
            Health.Failure("put", ex);
        }
        catch
        {
            await upload.AbortAsync().ConfigureAwait(false);
            _index.Remove(entry.Key, Name);
            throw;
        }
        finally
        {
            await upload.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default)
    {
        bool existed = _index.Remove(key, Name);
        if (!Health.ShouldTry())
        {
            return existed;
        }
        try
        {
            try
            {
                await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = ObjectKey(key) },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (S3Health.IsNotFound(ex))
            {
                return existed;
            }
            await Client.DeleteObjectAsync(Bucket, ObjectKey(key), cancellationToken).ConfigureAwait(false);
            Health.Success();
            return true;
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            Health.Failure("delete", ex);
            return existed;
        }
    }

    /// <inheritdoc/>
    public TierStatistics GetStatistics()
    {
        var rows = _index.Entries(Name);
        return new TierStatistics(Name, rows.Count(r => r.Ready), rows.Sum(r => r.Bytes), _options.MaxBytes,
            Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), Interlocked.Read(ref _evictions),
            Interlocked.Read(ref _expirations));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_shutdown.IsCancellationRequested) return;
        _shutdown.Cancel();
        // A listing cut short by the cancellation ends quickly; the client must outlive it.
        BackgroundReconciliation.Wait(TimeSpan.FromSeconds(10));
        _shutdown.Dispose();
        if (_ownsClient)
        {
            Client.Dispose();
        }
    }

    /// <summary>
    /// Starts a background reconciliation when the last one (by any process sharing the index), or the opening of this
    /// tier, is an interval old: a writer's own accounting misses other workers' objects, and only a listing brings the
    /// prefix back under its budget.
    /// </summary>
    private void ReconcileIfDue()
    {
        var interval = _options.ReconcileInterval;
        if (interval <= TimeSpan.Zero || _shutdown.IsCancellationRequested) return;
        var now = _time.GetUtcNow();
        var last = DateTimeOffset.TryParse(_index.GetSetting(ReconciledAtSetting), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? (at > _opened ? at : _opened) : _opened;
        if (now - last < interval || Interlocked.CompareExchange(ref _reconciling, 1, 0) != 0) return;
        BackgroundReconciliation = Task.Run(async () =>
        {
            try
            {
                await ReconcileAsync(_shutdown.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // Background upkeep: whatever goes wrong is logged, never thrown into a caller or Dispose.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _log.LogWarning("Background S3 reconciliation stopped: {Reason}", ex.Message);
            }
            finally
            {
                Volatile.Write(ref _reconciling, 0);
            }
        });
    }

    private static Dictionary<string, string> Metadata(CacheEntry entry)
    {
        var m = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MetaCreated] = entry.Created.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            [MetaCost] = entry.ComputeSeconds.ToString("R", CultureInfo.InvariantCulture),
            [MetaSize] = entry.SizeBytes.ToString(CultureInfo.InvariantCulture),
        };
        if (entry.Expires is { } e)
        {
            m[MetaExpires] = e.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }
        return m;
    }

    /// <summary>Created, expiry and cost from an object's metadata; missing or foreign values read as unknown.</summary>
    private static (DateTimeOffset? Created, DateTimeOffset? Expires, double Cost) ReadMetadata(MetadataCollection metadata)
    {
        static long? Millis(MetadataCollection m, string name) =>
            m[name] is { } s && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        var created = Millis(metadata, MetaCreated) is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : (DateTimeOffset?)null;
        var expires = Millis(metadata, MetaExpires) is { } x ? DateTimeOffset.FromUnixTimeMilliseconds(x) : (DateTimeOffset?)null;
        double cost = metadata[MetaCost] is { } cs && double.TryParse(cs, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d) && d >= 0 ? d : 0;
        return (created, expires, cost);
    }

    /// <summary>
    /// Evicts this machine's accounted objects, in the policy's order, until they take no more than
    /// <see cref="CurrentLimit"/> — for when <see cref="Scope"/> shrinks. Returns how many went.
    /// </summary>
    public async Task<int> TrimToLimitAsync(CancellationToken cancellationToken = default)
    {
        var victims = _index.TrimToBudget(Name, CurrentLimit(), ChooseVictims);
        await DeleteVictimsAsync(victims, cancellationToken).ConfigureAwait(false);
        return victims.Count;
    }

    private async Task DeleteVictimsAsync(IReadOnlyList<IndexEntry> victims, CancellationToken cancellationToken)
    {
        if (victims.Count == 0) return;
        Interlocked.Add(ref _evictions, victims.Count);
        Health.Count("s3.evictions", victims.Count);
        foreach (var chunk in victims.Chunk(16))
        {
            await Task.WhenAll(chunk.Select(v => TryDeleteObjectAsync(ObjectKey(v.Key), cancellationToken))).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes an object; a failure is counted, and a reconciliation finds the object again later.</summary>
    private async Task<bool> TryDeleteObjectAsync(string objectKey, CancellationToken cancellationToken)
    {
        if (!Health.ShouldTry()) return false;
        try
        {
            await Client.DeleteObjectAsync(Bucket, objectKey, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (S3Health.IsFault(ex, cancellationToken))
        {
            Health.Failure("delete", ex);
            return false;
        }
        catch (Exception ex) when (S3Health.IsNotFound(ex))
        {
            return false;
        }
    }

    private IReadOnlyList<IndexEntry> ChooseVictims(IReadOnlyList<IndexEntry> candidates, long needed) =>
        Index.VictimSelector.Choose(candidates, needed, _time.GetUtcNow(), _policyFactory);
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Tiers;

/// <summary>
/// Stands in the tier list for a slower tier (disk) and writes entries demoted into it (RAM evictions) on one
/// background task, so that an eviction never waits for the slower tier's I/O on the thread that caused it.
/// </summary>
/// <remarks>
/// <para>
/// The queue is bounded by entries and by bytes: its entries are no longer counted by the RAM tier but are still held,
/// so the byte bound is how much memory demotion may hold beyond the RAM budget. A single entry larger than the bound
/// is still queued when nothing else is, so that no entry is too large ever to be demoted. When the queue is full the
/// demotion is dropped (and counted) rather than waited for: a demotion only saves a recomputation, and waiting would
/// put the slower tier's latency back on the caller, which is what this class exists to avoid.
/// </para>
/// <para>
/// Until it is written, a queued entry is served from the queue, so a read between eviction and write still finds it.
/// A delete removes it from the queue and waits for a write in progress, so a deleted entry is never written back.
/// Dispose stops accepting demotions and writes what is queued.
/// </para>
/// </remarks>
internal sealed class DemotionQueue : ICacheTier, IAsyncDisposable, IDisposable
{
    private readonly ICacheTier _target;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly long _maxBytes;
    private readonly Channel<CacheEntry> _channel;
    private readonly ConcurrentDictionary<Key, CacheEntry> _pending = new();
    // Held while one demotion is checked and written, and by deletes, so a delete cannot land between the two.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Task _writer;
    private long _queuedBytes;
    private long _dropped;

    /// <summary>Starts the background writer.</summary>
    /// <param name="target">The tier demoted entries are written to.</param>
    /// <param name="maxEntries">How many demotions may wait.</param>
    /// <param name="maxBytes">How many bytes of demotions may wait.</param>
    /// <param name="time">The clock for expiry.</param>
    /// <param name="logger">Where failed writes are reported, or null.</param>
    public DemotionQueue(ICacheTier target, int maxEntries, long maxBytes, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        _target = target;
        _maxBytes = maxBytes;
        _time = time ?? TimeProvider.System;
        _logger = logger;
        _channel = Channel.CreateBounded<CacheEntry>(new BoundedChannelOptions(maxEntries)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteAllAsync);
    }

    /// <inheritdoc/>
    public string Name => _target.Name;

    /// <summary>Bytes of demotions waiting to be written.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Demotions dropped because the queue was full or closed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="entry"/> to be written to the target tier; false when it was dropped.</summary>
    public bool TryEnqueue(CacheEntry entry)
    {
        if (!TryReserve(entry.SizeBytes))
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }
        _pending[entry.Key] = entry;
        if (!_channel.Writer.TryWrite(entry))
        {
            _pending.TryRemove(new KeyValuePair<Key, CacheEntry>(entry.Key, entry));
            Interlocked.Add(ref _queuedBytes, -entry.SizeBytes);
            Interlocked.Increment(ref _dropped);
            return false;
        }
        return true;
    }

    private bool TryReserve(long bytes)
    {
        var queued = Interlocked.Read(ref _queuedBytes);
        while (true)
        {
            if (queued != 0 && queued + bytes > _maxBytes)
            {
                return false;
            }
            var seen = Interlocked.CompareExchange(ref _queuedBytes, queued + bytes, queued);
            if (seen == queued)
            {
                return true;
            }
            queued = seen;
        }
    }

    private async Task WriteAllAsync()
    {
        await foreach (var entry in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await _writeGate.WaitAsync().ConfigureAwait(false);
            try
            {
                // A newer demotion of the key, or a delete, has superseded this one when the queue holds another entry.
                if (_pending.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry)
                    && !entry.IsExpired(_time.GetUtcNow())
                    && !await _target.ContainsAsync(entry.Key).ConfigureAwait(false))
                {
                    await _target.PutAsync(entry).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // The writer must outlive one bad write: the entry is only lost from the slower tier, and is recomputed.
                _logger?.LogWarning(ex, "Demoting {Key} to the {Tier} tier failed", entry.Key, _target.Name);
            }
            finally
            {
                // Removed only once written, so readers find it in the queue until the target has it.
                _pending.TryRemove(new KeyValuePair<Key, CacheEntry>(entry.Key, entry));
                Interlocked.Add(ref _queuedBytes, -entry.SizeBytes);
                _writeGate.Release();
            }
        }
    }

    private CacheEntry? Queued(Key key) =>
        _pending.TryGetValue(key, out var e) && !e.IsExpired(_time.GetUtcNow()) ? e : null;

    /// <inheritdoc/>
    public ValueTask<CacheEntry?> TryGetAsync(Key key, CancellationToken cancellationToken = default) =>
        Queued(key) is { } e ? ValueTask.FromResult<CacheEntry?>(e) : _target.TryGetAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> ContainsAsync(Key key, CancellationToken cancellationToken = default) =>
        Queued(key) is not null ? ValueTask.FromResult(true) : _target.ContainsAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask PutAsync(CacheEntry entry, CancellationToken cancellationToken = default) =>
        _target.PutAsync(entry, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(Key key, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var queued = _pending.TryRemove(key, out _);
            return await _target.DeleteAsync(key, cancellationToken).ConfigureAwait(false) | queued;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc/>
    public TierStatistics GetStatistics() => _target.GetStatistics();

    /// <summary>Stops accepting demotions and waits until every queued one is written.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="DisposeAsync"/>, blocking: for synchronous shutdown paths. The writer never needs the
    /// caller's context, so waiting for it cannot deadlock.
    /// </summary>
    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }
}

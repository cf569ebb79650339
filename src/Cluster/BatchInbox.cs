using System.Collections.Concurrent;
using PodCache.Cache.Keys;
using PodCache.Cluster.Messages;

namespace PodCache.Cluster;

/// <summary>
/// The values other owners push to this member for a batched run (<see cref="Messages.OwnerBatch"/>): by key, since a key
/// names its value whatever run asked for it. A consumer that expects a push waits for it here instead of asking the
/// owner; one that finds nothing asks the owner as before. Bounded: at most <see cref="MaxEntries"/> keys, each kept
/// for <see cref="Lifetime"/> at most.
/// </summary>
internal sealed class BatchInbox
{
    /// <summary>The most keys held; pushes beyond it are dropped (their consumers then ask the owner).</summary>
    public const int MaxEntries = 1_024;

    /// <summary>How long an entry is kept, answered or not (a waiter holds its own task, so removal never strands it).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private readonly TimeProvider _time;

    public BatchInbox(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    public int Count => _entries.Count;

    /// <summary>Announces that a push of <paramref name="key"/> will come (a batch said so); false when the inbox is full.</summary>
    public bool Expect(Key key) => GetOrAdd(key) is not null;

    /// <summary>A push arrived: <see cref="KeyInline"/>, <see cref="KeyReference"/>, <see cref="KeyFailed"/> or <see cref="KeyRetry"/>.</summary>
    public void Complete(Key key, IClusterMessage answer)
    {
        if (GetOrAdd(key) is { } entry)
        {
            entry.Answer.TrySetResult(answer);
        }
    }

    /// <summary>The push of <paramref name="key"/> that was announced or has arrived, if any.</summary>
    public Task<IClusterMessage>? Find(Key key) => _entries.TryGetValue(key, out var e) ? e.Answer.Task : null;

    /// <summary>Drops the entry of <paramref name="key"/> if it is still the one behind <paramref name="answer"/>.</summary>
    public void Forget(Key key, Task<IClusterMessage> answer)
    {
        if (_entries.TryGetValue(key, out var e) && e.Answer.Task == answer)
        {
            _entries.TryRemove(new KeyValuePair<Key, Entry>(key, e));
        }
    }

    /// <summary>Drops entries older than <see cref="Lifetime"/>.</summary>
    public void Sweep()
    {
        long now = _time.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (_time.GetElapsedTime(entry.Created, now) > Lifetime)
            {
                _entries.TryRemove(new KeyValuePair<Key, Entry>(key, entry));
            }
        }
    }

    private Entry? GetOrAdd(Key key)
    {
        if (_entries.TryGetValue(key, out var existing))
        {
            return existing;
        }
        if (_entries.Count >= MaxEntries)
        {
            Sweep();
            if (_entries.Count >= MaxEntries)
            {
                return null;
            }
        }
        return _entries.GetOrAdd(key, _ => new Entry(_time.GetTimestamp()));
    }

    private sealed class Entry(long created)
    {
        public long Created { get; } = created;

        // Continuations run asynchronously: the push is completed on the batch actor's thread, which must not run a
        // consumer's run.
        public TaskCompletionSource<IClusterMessage> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

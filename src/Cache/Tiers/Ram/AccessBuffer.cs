using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PodCache.Cache.Tiers.Ram;

/// <summary>
/// A lossy, striped, bounded buffer of recorded reads: many threads add, one thread at a time (the owner, under its
/// lock) drains. Each stripe is a fixed ring; a thread adds to the stripe its thread id picks, with one compare-and-swap
/// on that stripe's tail. A full stripe refuses the item (the caller drains, or drops the read); a stripe another
/// thread is adding to at the same instant is skipped for the next one, and after a few tries the read is dropped.
/// The shape of BitFaster's <c>StripedMpscBuffer</c> and Caffeine's read buffer.
/// </summary>
/// <remarks>
/// Nothing is lost on one thread: its stripe only refuses when full, and the owner drains it then. Order is kept
/// within a stripe, not across stripes. Items stay referenced until drained, so the buffer holds at most
/// <see cref="Capacity"/> items that may already have left the owner.
/// </remarks>
internal sealed class AccessBuffer<T> where T : class
{
    /// <summary>Items per stripe: a power of two.</summary>
    public const int StripeCapacity = 128;

    private const int StripeMask = StripeCapacity - 1;
    private const int MaxAttempts = 3;

    // A struct around each item: stores into a struct array need no covariance check, not even in shared generic code.
    private struct Cell
    {
        public T? Item;
    }

    private readonly StripeIndices[] _indices;
    private readonly Cell[] _items;
    private readonly int _stripeMask;

    /// <summary>Creates a buffer with <paramref name="stripes"/> stripes (rounded up to a power of two).</summary>
    public AccessBuffer(int stripes)
    {
        Debug.Assert(stripes > 0);
        int n = (int)BitOperations.RoundUpToPowerOf2((uint)stripes);
        _indices = new StripeIndices[n];
        _items = new Cell[n * StripeCapacity];
        _stripeMask = n - 1;
    }

    /// <summary>A buffer with stripes for twice the processors (fewer threads meeting on one stripe), at most 64.</summary>
    public static AccessBuffer<T> ForProcessors() => new(Math.Min(64, 2 * Environment.ProcessorCount));

    /// <summary>How many items the buffer holds at most.</summary>
    public int Capacity => _items.Length;

    /// <summary>Adds <paramref name="item"/>: true, or false when its stripe is full (<paramref name="full"/>) or contended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdd(T item, out bool full)
    {
        // A multiplicative hash of the thread id: consecutive ids (the usual case) land on different stripes.
        uint h = (uint)Environment.CurrentManagedThreadId * 0x9E3779B9u;
        int s = (int)(h >> 16) & _stripeMask;
        ref var ix = ref _indices[s];
        long tail = Volatile.Read(ref ix.Tail);
        if (tail - Volatile.Read(ref ix.Head) < StripeCapacity && Interlocked.CompareExchange(ref ix.Tail, tail + 1, tail) == tail)
        {
            // The slot at tail is ours; the drainer stops at a reserved slot whose item is not written yet.
            Volatile.Write(ref _items[(s * StripeCapacity) + (int)(tail & StripeMask)].Item, item);
            full = false;
            return true;
        }
        return TryAddSlow(item, s, out full);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryAddSlow(T item, int s, out bool full)
    {
        full = false;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            ref var ix = ref _indices[s];
            long tail = Volatile.Read(ref ix.Tail);
            if (tail - Volatile.Read(ref ix.Head) >= StripeCapacity)
            {
                // Full: the owner should drain rather than see the read spread over the other stripes.
                full = true;
                return false;
            }
            if (Interlocked.CompareExchange(ref ix.Tail, tail + 1, tail) == tail)
            {
                Volatile.Write(ref _items[(s * StripeCapacity) + (int)(tail & StripeMask)].Item, item);
                return true;
            }
            s = (s + 1) & _stripeMask;
        }
        return false;
    }

    /// <summary>
    /// Moves the buffered items into <paramref name="into"/> (at least <see cref="Capacity"/> long), stripe by stripe,
    /// and returns how many. One thread at a time.
    /// </summary>
    public int Drain(T?[] into)
    {
        Debug.Assert(into.Length >= _items.Length);
        int count = 0;
        for (int s = 0; s < _indices.Length; s++)
        {
            ref var ix = ref _indices[s];
            long head = ix.Head;
            long tail = Volatile.Read(ref ix.Tail);
            int baseIndex = s * StripeCapacity;
            for (; head < tail; head++)
            {
                ref var cell = ref _items[baseIndex + (int)(head & StripeMask)].Item;
                var item = Volatile.Read(ref cell);
                if (item is null)
                {
                    // Reserved by an adder that has not written yet: the rest of this stripe waits for the next drain.
                    break;
                }
                cell = null;
                into[count++] = item;
            }
            Volatile.Write(ref ix.Head, head);
        }
        return count;
    }

    /// <summary>Items ever added (drained or not): the sum of the stripes' tails.</summary>
    public long Added
    {
        get
        {
            long sum = 0;
            for (int s = 0; s < _indices.Length; s++)
            {
                sum += Volatile.Read(ref _indices[s].Tail);
            }
            return sum;
        }
    }
}

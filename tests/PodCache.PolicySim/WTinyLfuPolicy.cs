using System.Diagnostics;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;

namespace PodCache.PolicySim;

/// <summary>
/// Window TinyLFU (Einziger, Friedman and Manes 2017, as in Caffeine) for a byte budget: new entries enter a
/// window LRU of 1% of the budget; what leaves the window is a candidate for the main space, a segmented LRU
/// (probation, and protected for 80% of it) guarded by a <see cref="CountMinSketch"/> of recent frequencies.
/// </summary>
/// <remarks>
/// <para>
/// Size weighting of admission: to enter the main space a candidate of <c>s</c> bytes needs the least recently
/// used main entries (probation first, then protected) that together free those <c>s</c> bytes; it is admitted
/// only when its estimated frequency exceeds the <em>sum</em> of theirs, so a large candidate must be more popular
/// than all the small entries it would displace together (the "aggregated victims" rule of size-aware TinyLFU
/// studies). With uniform sizes this is exactly W-TinyLFU's candidate-versus-victim duel. Costs are ignored.
/// </para>
/// <para>
/// It has to fit <see cref="IEvictionPolicy"/>, where the tier asks for victims before it stores the newcomer:
/// the admission duel runs inside <see cref="TryPeekVictim"/>, which either names the window's candidate (rejected)
/// or moves it to probation and names the main-space victims it beat. It therefore needs the budget up front, and
/// the sketch is sized for <c>budget / mean object size</c> entries. The window is fixed (no hill climbing). Slots
/// are pooled, so steady-state operation allocates nothing.
/// </para>
/// </remarks>
internal sealed class WTinyLfuPolicy : IEvictionPolicy
{
    private const int Window = 0, Probation = 1, Protected = 2, Heads = 3, Nil = -1;

    private readonly Dictionary<Key, int> _slots = [];
    private readonly CountMinSketch _sketch;
    private readonly long _windowMax, _mainMax, _protectedMax;
    private readonly long[] _segmentBytes = new long[Heads];
    private readonly Stack<int> _free = new();
    private Key[] _keys;
    private ulong[] _hashes;
    private long[] _sizes;
    private int[] _prev, _next;
    private byte[] _segment;
    private int _used = Heads;

    public WTinyLfuPolicy(long budgetBytes, long expectedEntries, double windowFraction = 0.01, double protectedFraction = 0.8)
    {
        _windowMax = (long)(budgetBytes * windowFraction);
        _mainMax = budgetBytes - _windowMax;
        _protectedMax = (long)(_mainMax * protectedFraction);
        _sketch = new CountMinSketch(expectedEntries);
        var capacity = (int)Math.Clamp(expectedEntries + Heads, 16, 1 << 24);
        _keys = new Key[capacity];
        _hashes = new ulong[capacity];
        _sizes = new long[capacity];
        _prev = new int[capacity];
        _next = new int[capacity];
        _segment = new byte[capacity];
        for (var head = 0; head < Heads; head++)
        {
            _prev[head] = _next[head] = head;
        }
    }

    public string Name => "w-tinylfu";

    public int Count => _slots.Count;

    public void OnInsert(Key key, long sizeBytes, double costSeconds, DateTimeOffset now)
    {
        var hash = ObjectKeys.Hash(key);
        _sketch.Increment(hash);
        if (_slots.TryGetValue(key, out var slot))
        {
            _segmentBytes[_segment[slot]] += sizeBytes - _sizes[slot];
            _sizes[slot] = sizeBytes;
            Touch(slot);
            return;
        }
        slot = Allocate();
        _keys[slot] = key;
        _hashes[slot] = hash;
        _sizes[slot] = Math.Max(sizeBytes, 1);
        _slots.Add(key, slot);
        Link(slot, Window);
    }

    public void OnAccess(Key key, DateTimeOffset now)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            _sketch.Increment(_hashes[slot]);
            Touch(slot);
        }
    }

    public void OnRemove(Key key)
    {
        if (_slots.Remove(key, out var slot))
        {
            Unlink(slot);
            _keys[slot] = default;
            _free.Push(slot);
        }
    }

    public bool TryPeekVictim(out Key key)
    {
        while (true)
        {
            var mainBytes = _segmentBytes[Probation] + _segmentBytes[Protected];
            var mainVictim = MainLru();
            if (mainBytes > _mainMax && mainVictim != Nil)
            {
                key = _keys[mainVictim];
                return true;
            }
            var candidate = _next[Window];
            if (candidate == Window)
            {
                key = mainVictim == Nil ? default : _keys[mainVictim];
                return mainVictim != Nil;
            }
            if (_sizes[candidate] > _mainMax)
            {
                key = _keys[candidate];
                return true;
            }
            var excess = mainBytes + _sizes[candidate] - _mainMax;
            if (excess <= 0 || Admit(candidate, excess))
            {
                // Into probation; if it beat victims, the main space is now over its share and the next turn of
                // the loop names them, least recently used first, exactly the ones it was compared with.
                Unlink(candidate);
                Link(candidate, Probation);
                continue;
            }
            key = _keys[candidate];
            return true;
        }
    }

    private bool Admit(int candidate, long excess)
    {
        long freed = 0, victimFrequency = 0;
        for (var segment = Probation; segment <= Protected; segment++)
        {
            for (var v = _next[segment]; v != segment; v = _next[v])
            {
                freed += _sizes[v];
                victimFrequency += _sketch.Estimate(_hashes[v]);
                if (freed >= excess)
                {
                    return _sketch.Estimate(_hashes[candidate]) > victimFrequency;
                }
            }
        }
        Debug.Fail("The main space holds fewer bytes than it is over its share.");
        return true;
    }

    private int MainLru() =>
        _next[Probation] != Probation ? _next[Probation] : _next[Protected] != Protected ? _next[Protected] : Nil;

    private void Touch(int slot)
    {
        var segment = _segment[slot];
        Unlink(slot);
        if (segment == Window)
        {
            Link(slot, Window);
            return;
        }
        Link(slot, Protected);
        while (_segmentBytes[Protected] > _protectedMax && _next[Protected] != slot)
        {
            var demoted = _next[Protected];
            Unlink(demoted);
            Link(demoted, Probation);
        }
    }

    /// <summary>Appends <paramref name="slot"/> at the most recently used end of <paramref name="segment"/>.</summary>
    private void Link(int slot, int segment)
    {
        var last = _prev[segment];
        _prev[slot] = last;
        _next[slot] = segment;
        _next[last] = slot;
        _prev[segment] = slot;
        _segment[slot] = (byte)segment;
        _segmentBytes[segment] += _sizes[slot];
    }

    private void Unlink(int slot)
    {
        _next[_prev[slot]] = _next[slot];
        _prev[_next[slot]] = _prev[slot];
        _segmentBytes[_segment[slot]] -= _sizes[slot];
    }

    private int Allocate()
    {
        if (_free.TryPop(out var slot))
        {
            return slot;
        }
        if (_used == _keys.Length)
        {
            var length = _keys.Length * 2;
            Array.Resize(ref _keys, length);
            Array.Resize(ref _hashes, length);
            Array.Resize(ref _sizes, length);
            Array.Resize(ref _prev, length);
            Array.Resize(ref _next, length);
            Array.Resize(ref _segment, length);
        }
        return _used++;
    }
}

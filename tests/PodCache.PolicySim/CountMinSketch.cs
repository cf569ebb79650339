using System.Numerics;

namespace PodCache.PolicySim;

/// <summary>
/// TinyLFU's frequency sketch: four rows of saturating 4-bit counters (held one per byte, capped at 15), indexed by
/// double hashing. Every <c>10 × expected entries</c> increments all counters are halved, so the estimate is a
/// frequency over a sliding sample, as in Einziger and Friedman's TinyLFU and Caffeine.
/// </summary>
internal sealed class CountMinSketch
{
    private const int Depth = 4;
    private const byte Max = 15;

    private readonly byte[] _table;
    private readonly int _mask;
    private readonly long _sampleSize;
    private long _additions;

    public CountMinSketch(long expectedEntries)
    {
        var width = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expectedEntries, 16, 1 << 26));
        _table = new byte[Depth * width];
        _mask = width - 1;
        _sampleSize = 10 * Math.Max(expectedEntries, 16);
    }

    public int Estimate(ulong hash)
    {
        var (h1, h2) = Split(hash);
        var min = int.MaxValue;
        for (var row = 0; row < Depth; row++)
        {
            min = Math.Min(min, _table[Slot(row, h1, h2)]);
        }
        return min;
    }

    public void Increment(ulong hash)
    {
        var (h1, h2) = Split(hash);
        var added = false;
        for (var row = 0; row < Depth; row++)
        {
            ref var counter = ref _table[Slot(row, h1, h2)];
            if (counter < Max)
            {
                counter++;
                added = true;
            }
        }
        if (added && ++_additions >= _sampleSize)
        {
            Halve();
        }
    }

    private void Halve()
    {
        for (var i = 0; i < _table.Length; i++)
        {
            _table[i] >>= 1;
        }
        _additions /= 2;
    }

    private int Slot(int row, uint h1, uint h2) => (row * (_mask + 1)) + (int)((h1 + ((uint)row * h2)) & (uint)_mask);

    private static (uint, uint) Split(ulong hash)
    {
        var mixed = ObjectKeys.Mix(hash);
        // An odd step visits distinct slots in every row of a power-of-two width.
        return ((uint)mixed, (uint)(mixed >> 32) | 1);
    }
}

using System.Diagnostics;
using System.Numerics;
using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// What <see cref="CostAwarePolicy"/> remembers of entries that left the tier: a count-min sketch of their decayed
/// log-frequencies, so an entry that comes back resumes the frequency it had instead of starting as a newcomer.
/// </summary>
/// <remarks>
/// <para>
/// Four rows of <see cref="float"/> cells indexed by double hashing of the key. <see cref="Record"/> raises each of
/// the key's cells to the value (a maximum, the conservative update of a count-min sketch for values that are
/// already totals), <see cref="Estimate"/> takes the least of them, so a collision can only overstate a frequency,
/// and only when it hits all four rows. Values are in the owning policy's log-space frame, where an old value
/// decays by itself as the clock moves on; <see cref="Shift"/> follows the policy's renormalisation.
/// </para>
/// <para>
/// The width is the next power of two at or above <c>cellsPerEntry × entries held</c> (the most entries held when a
/// removal was recorded). It only grows, by doubling, and a
/// doubled sketch copies each row twice: a key's cell in the wider row holds exactly what its cell in the narrower
/// row held, so no history is lost (only the collision rate stays that of the narrower sketch for old keys). Memory
/// is <c>16 × width</c> bytes.
/// </para>
/// </remarks>
internal sealed class FrequencyHistory
{
    private const int Rows = 4;
    private const int MinWidth = 16;
    private const int MaxWidth = 1 << 26;

    private readonly double _cellsPerEntry;
    private float[] _cells;
    private int _width;

    public FrequencyHistory(double cellsPerEntry)
    {
        Debug.Assert(cellsPerEntry > 0);
        _cellsPerEntry = cellsPerEntry;
        _width = MinWidth;
        _cells = NewCells(_width);
    }

    public int Width => _width;

    /// <summary>Widens the sketch, if needed, for a tier holding <paramref name="entries"/> entries.</summary>
    public void EnsureCapacity(int entries)
    {
        var wanted = _cellsPerEntry * entries;
        if (wanted <= _width || _width >= MaxWidth)
        {
            return;
        }
        var width = (int)Math.Min(MaxWidth, BitOperations.RoundUpToPowerOf2((uint)Math.Min(wanted, MaxWidth)));
        var cells = new float[Rows * width];
        for (var row = 0; row < Rows; row++)
        {
            var from = _cells.AsSpan(row * _width, _width);
            for (var copy = 0; copy < width; copy += _width)
            {
                from.CopyTo(cells.AsSpan((row * width) + copy, _width));
            }
        }
        _cells = cells;
        _width = width;
    }

    /// <summary>Remembers that <paramref name="key"/> had (at least) this log-frequency.</summary>
    public void Record(Key key, double logFrequency)
    {
        var value = (float)logFrequency;
        var (h1, h2) = Split(key);
        for (var row = 0; row < Rows; row++)
        {
            ref var cell = ref _cells[Slot(row, h1, h2)];
            if (value > cell)
            {
                cell = value;
            }
        }
    }

    /// <summary>The log-frequency <paramref name="key"/> had when it left, or more; −∞ when never recorded.</summary>
    public double Estimate(Key key)
    {
        var (h1, h2) = Split(key);
        var min = float.PositiveInfinity;
        for (var row = 0; row < Rows; row++)
        {
            min = Math.Min(min, _cells[Slot(row, h1, h2)]);
        }
        return min;
    }

    /// <summary>Subtracts <paramref name="shift"/> from every value (the policy renormalised its frame).</summary>
    public void Shift(double shift)
    {
        var s = (float)shift;
        for (var i = 0; i < _cells.Length; i++)
        {
            _cells[i] -= s;
        }
    }

    private static float[] NewCells(int width)
    {
        var cells = new float[Rows * width];
        Array.Fill(cells, float.NegativeInfinity);
        return cells;
    }

    private int Slot(int row, uint h1, uint h2) => (row * _width) + (int)((h1 + ((uint)row * h2)) & (uint)(_width - 1));

    private static (uint, uint) Split(Key key)
    {
        // SplitMix64's finaliser spreads the key's 32-bit hash over both halves; an odd step visits distinct cells
        // in every row of a power-of-two width.
        var x = (ulong)(uint)key.GetHashCode() + 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return ((uint)x, (uint)(x >> 32) | 1);
    }
}

using System.Runtime.InteropServices;

namespace PodCache.Cache.Tiers.Ram;

/// <summary>
/// An exact counter for hot paths that costs a plain increment on most threads: a thread whose managed id is
/// below <see cref="OwnedCells"/> owns the cell of that id (ids are unique among live threads), so it adds without a
/// locked instruction; a thread with a higher id adds with <see cref="Interlocked"/> to a cell shared only with other
/// high-id threads. Cells are padded apart so threads on different cores do not fight over a cache line.
/// </summary>
internal sealed class ThreadOwnedCounter
{
    /// <summary>Thread ids below this own a cell.</summary>
    public const int OwnedCells = 64;

    private const int SharedCells = 16;

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(64)]
        public long Value;
    }

    private readonly Cell[] _cells = new Cell[OwnedCells + SharedCells];

    /// <summary>Adds one.</summary>
    public void Increment()
    {
        int id = Environment.CurrentManagedThreadId;
        if ((uint)id < OwnedCells)
        {
            // Only this thread writes this cell while it lives; a later thread given the same id starts after it ended.
            _cells[id].Value++;
        }
        else
        {
            Interlocked.Increment(ref _cells[OwnedCells + (id & (SharedCells - 1))].Value);
        }
    }

    /// <summary>The sum of the cells; increments still in flight on other threads may be missing.</summary>
    public long Value
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _cells.Length; i++)
            {
                sum += Volatile.Read(ref _cells[i].Value);
            }
            return sum;
        }
    }
}

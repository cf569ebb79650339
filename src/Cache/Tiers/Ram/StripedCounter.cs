using System.Runtime.InteropServices;

namespace PodCache.Cache.Tiers.Ram;

/// <summary>A counter spread over padded cells so threads on different cores do not fight over one cache line.</summary>
internal sealed class StripedCounter
{
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(64)]
        public long Value;
    }

    private readonly Cell[] _cells = new Cell[Math.Max(2, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount))];

    public void Increment() => Interlocked.Increment(ref _cells[Environment.CurrentManagedThreadId & (_cells.Length - 1)].Value);

    public long Value
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _cells.Length; i++) sum += Interlocked.Read(ref _cells[i].Value);
            return sum;
        }
    }
}

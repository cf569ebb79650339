using System.Diagnostics;

namespace PodCache.PolicySim;

/// <summary>
/// Belady's MIN, the offline optimum when every object has the same size and cost: the cache holds
/// <c>budget / size</c> objects, and on a miss with the cache full the object whose next request is farthest away
/// leaves, which may be the requested object itself (it is then not stored). Nothing can hit more often.
/// </summary>
internal static class BeladyBound
{
    public const string Name = "belady";

    public static SimResult Run(Trace trace, long budgetBytes)
    {
        Debug.Assert(trace.UniformSize && trace.UniformCost);
        var stopwatch = Stopwatch.StartNew();
        var objects = trace.Objects;
        var next = trace.NextUse;
        var n = objects.Length;
        var size = trace.Sizes[0];
        var cost = trace.Costs[0];
        var capacity = budgetBytes / size;
        // Priority of a stored object: the index of its next request, or n + (this request) when there is none,
        // which keeps priorities unique so a heap entry is current exactly when it equals the object's nextUse.
        var nextUse = new long[trace.ObjectCount];
        var resident = new bool[trace.ObjectCount];
        var heap = new PriorityQueue<int, long>(Comparer<long>.Create(static (a, b) => b.CompareTo(a)));
        heap.EnsureCapacity((int)Math.Min(n, 4 * Math.Max(capacity, 1)));
        long count = 0, hits = 0;
        for (var i = 0; i < n; i++)
        {
            var o = objects[i];
            long upcoming = next[i] >= 0 ? next[i] : n + (long)i;
            if (resident[o])
            {
                hits++;
                nextUse[o] = upcoming;
                heap.Enqueue(o, upcoming);
                continue;
            }
            if (capacity == 0)
            {
                continue;
            }
            if (count == capacity)
            {
                var (farthest, farthestUse) = PeekCurrent(heap, resident, nextUse);
                if (farthestUse <= upcoming)
                {
                    continue;
                }
                heap.Dequeue();
                resident[farthest] = false;
                count--;
            }
            resident[o] = true;
            nextUse[o] = upcoming;
            heap.Enqueue(o, upcoming);
            count++;
            if (heap.Count > 4 * capacity + 1024)
            {
                Compact(heap, resident, nextUse);
            }
        }
        return new SimResult(Name, budgetBytes, hits, n, hits * (double)size, n * (double)size, hits * cost, n * cost, stopwatch.Elapsed);
    }

    /// <summary>Drops stale heap entries at the top (objects since re-requested or evicted) and returns the current top.</summary>
    private static (int Object, long NextUse) PeekCurrent(PriorityQueue<int, long> heap, bool[] resident, long[] nextUse)
    {
        while (true)
        {
            heap.TryPeek(out var o, out var use);
            if (resident[o] && nextUse[o] == use)
            {
                return (o, use);
            }
            heap.Dequeue();
        }
    }

    /// <summary>Rebuilds the heap from current entries only, so it stays O(capacity) on long traces.</summary>
    private static void Compact(PriorityQueue<int, long> heap, bool[] resident, long[] nextUse)
    {
        var current = new List<(int, long)>(heap.Count);
        foreach (var (o, use) in heap.UnorderedItems)
        {
            if (resident[o] && nextUse[o] == use)
            {
                current.Add((o, use));
            }
        }
        heap.Clear();
        heap.EnqueueRange(current);
    }
}

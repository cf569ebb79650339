using PodCache.Cache.Keys;

namespace PodCache.PolicySim;

/// <summary>
/// A request trace held in flat arrays: request <c>i</c> asks for object <c>Objects[i]</c> at <c>Ticks[i]</c>;
/// every object has one size, one recompute cost and an optional time-to-live. Objects are numbered densely in
/// order of first appearance, so per-object state in the simulators is a plain array.
/// </summary>
internal sealed class Trace
{
    public Trace(string name, int[] objects, long[] ticks, long[] sizes, double[] costs, long[]? ttlTicks)
    {
        Name = name;
        Objects = objects;
        Ticks = ticks;
        Sizes = sizes;
        Costs = costs;
        TtlTicks = ttlTicks;
        Keys = new Key[sizes.Length];
        for (var o = 0; o < Keys.Length; o++)
        {
            Keys[o] = ObjectKeys.For(o);
        }
        long workingSet = 0;
        foreach (var s in sizes)
        {
            workingSet += s;
        }
        WorkingSetBytes = workingSet;
        UniformSize = Array.TrueForAll(sizes, s => s == sizes[0]);
        UniformCost = Array.TrueForAll(costs, c => c == costs[0]);
        NextUse = ComputeNextUse(objects, sizes.Length);
    }

    /// <summary>File name or generator description, for reports.</summary>
    public string Name { get; }

    /// <summary>The object of each request.</summary>
    public int[] Objects { get; }

    /// <summary>The time of each request, in <see cref="TimeSpan"/> ticks from the trace's start; non-decreasing.</summary>
    public long[] Ticks { get; }

    /// <summary>Bytes of each object (at least 1).</summary>
    public long[] Sizes { get; }

    /// <summary>Recompute cost of each object, in seconds (or the trace's penalty unit).</summary>
    public double[] Costs { get; }

    /// <summary>Time-to-live of each object in ticks after it is stored (0: none); null when no object has one.</summary>
    public long[]? TtlTicks { get; }

    /// <summary>The policy key of each object (see <see cref="ObjectKeys"/>).</summary>
    public Key[] Keys { get; }

    /// <summary>For each request, the index of the next request for the same object, or -1.</summary>
    public int[] NextUse { get; }

    public int RequestCount => Objects.Length;

    public int ObjectCount => Sizes.Length;

    /// <summary>Bytes of all distinct objects: what a cache holding everything would need.</summary>
    public long WorkingSetBytes { get; }

    public bool UniformSize { get; }

    public bool UniformCost { get; }

    private static int[] ComputeNextUse(int[] objects, int objectCount)
    {
        var next = new int[objects.Length];
        var seen = new int[objectCount];
        Array.Fill(seen, -1);
        for (var i = objects.Length - 1; i >= 0; i--)
        {
            next[i] = seen[objects[i]];
            seen[objects[i]] = i;
        }
        return next;
    }
}

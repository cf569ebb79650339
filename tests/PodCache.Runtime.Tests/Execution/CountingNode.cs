using PodCache.Runtime.Nodes;

namespace PodCache.Runtime.Tests.Execution;

/// <summary>A leaf that counts its evaluations and can be held at a gate, for single-flight tests.</summary>
internal sealed class CountingNode : Node
{
    private readonly Counter _counter;

    public CountingNode(Counter counter) => _counter = counter;

    public sealed class Counter
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);
        public ManualResetEventSlim Gate { get; } = new(true);
        public void Hit() => Interlocked.Increment(ref _count);
    }

    public static NodeRegistry Registry(Counter counter)
    {
        var r = NodeRegistry.CreateDefault();
        r.Register(new NodeType("test.Counting", [], 1, [new AttrSpec("value", AttrType.Number, 1.0)], InputSpec.None, false,
            _ => new CountingNode(counter)));
        return r;
    }

    public override DataArray Evaluate(NodeContext context)
    {
        _counter.Hit();
        _counter.Gate.Wait(TimeSpan.FromSeconds(30), context.CancellationToken);
        return DataArray.Filled(context.Request, 7);
    }
}

using PodCache.Cache.Tiers.Ram;

namespace PodCache.Cache.Tests.Tiers;

public sealed class AccessBufferTests
{
    private sealed class Item(int id)
    {
        public int Id { get; } = id;
    }

    [Fact]
    public void TryAdd_OneThread_FillsItsStripeThenRefusesAsFull()
    {
        var buffer = new AccessBuffer<Item>(4);
        for (int i = 0; i < AccessBuffer<Item>.StripeCapacity; i++)
        {
            Assert.True(buffer.TryAdd(new Item(i), out _));
        }
        Assert.False(buffer.TryAdd(new Item(-1), out bool full));
        Assert.True(full);
        Assert.Equal(AccessBuffer<Item>.StripeCapacity, buffer.Added);
    }

    [Fact]
    public void Drain_OneThread_ReturnsItemsInOrderAndMakesRoom()
    {
        var buffer = new AccessBuffer<Item>(4);
        var into = new Item?[buffer.Capacity];
        int next = 0;
        var drained = new List<int>();
        // Several wraps of the ring.
        for (int round = 0; round < 5; round++)
        {
            while (buffer.TryAdd(new Item(next), out _))
            {
                next++;
            }
            int n = buffer.Drain(into);
            drained.AddRange(into.Take(n).Select(x => x!.Id));
        }
        Assert.Equal(5 * AccessBuffer<Item>.StripeCapacity, next);
        Assert.Equal(Enumerable.Range(0, next), drained);
        Assert.Equal(0, buffer.Drain(into));
    }

    [Fact]
    public void TryAdd_ConcurrentWithDrain_EveryAcceptedItemIsDrainedExactlyOnce()
    {
        const int Threads = 4, PerThread = 200_000;
        var buffer = new AccessBuffer<Item>(2);
        var into = new Item?[buffer.Capacity];
        var seen = new int[Threads * PerThread];
        var accepted = new long[Threads];
        int running = Threads;
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                if (buffer.TryAdd(new Item(t * PerThread + i), out _))
                {
                    accepted[t]++;
                }
            }
            Interlocked.Decrement(ref running);
        })).ToList();
        workers.ForEach(w => w.Start());
        long drained = 0;
        // The single drainer, as the tier's lock makes it.
        while (true)
        {
            bool last = Volatile.Read(ref running) == 0;
            int n = buffer.Drain(into);
            for (int i = 0; i < n; i++)
            {
                seen[into[i]!.Id]++;
            }
            drained += n;
            if (last && n == 0)
            {
                break;
            }
        }
        workers.ForEach(w => w.Join());
        Assert.Equal(accepted.Sum(), drained);
        Assert.Equal(accepted.Sum(), buffer.Added);
        Assert.All(seen, c => Assert.InRange(c, 0, 1));
        Assert.True(drained > 0);
    }
}

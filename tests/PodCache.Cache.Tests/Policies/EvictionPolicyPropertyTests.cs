using CsCheck;
using PodCache.Cache.Keys;
using PodCache.Cache.Policies;
using Xunit.Abstractions;

namespace PodCache.Cache.Tests.Policies;

public sealed class EvictionPolicyPropertyTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Key[] Keys = [.. Enumerable.Range(0, 12).Select(i => Key.Hash($"k{i}"))];
    private static readonly double[] Costs = [0, 1e-9, 1e-3, 0.5, 7, 3600, double.NaN];

    private enum OpKind { Insert, Access, Remove, Evict }

    private readonly record struct Op(OpKind Kind, int Key, long Size, double Cost, int AdvanceSeconds);

    private static readonly Gen<Op[]> Ops =
        Gen.Select(
            Gen.Int[0, 3].Select(i => (OpKind)i),
            Gen.Int[0, Keys.Length - 1],
            Gen.Long[0, 10_000_000],
            Gen.Int[0, Costs.Length - 1].Select(i => Costs[i]),
            Gen.Int[-60, 7200],
            (kind, key, size, cost, dt) => new Op(kind, key, size, cost, dt))
        .Array[0, 400];

    public static TheoryData<string> Policies() =>
        [.. EvictionPolicies.Names, "cachey-overflowing", "cost-aware-renormalising"];

    private static IEvictionPolicy Create(string name) => name switch
    {
        // Overflows to +∞ after ~260 touches, inside one generated sequence.
        "cachey-overflowing" => new CacheyPolicy(halflife: 0.05),
        // 10^4 half-lives per touch: passes the renormalisation threshold after ~105 touches.
        "cost-aware-renormalising" => new CostAwarePolicy(new CostAwarePolicyOptions { HalfLifeTouches = 1e-4 }),
        _ => EvictionPolicies.Create(name),
    };

    /// <summary>For the scored policies: the victim's priority is the least of all live entries'.</summary>
    private static void AssertLowestPriority(IEvictionPolicy policy, Key victim, HashSet<Key> live)
    {
        Func<Key, double>? priority = policy switch
        {
            CostAwarePolicy p => k => p.TryGetPriority(k, out var v) ? v : throw new KeyNotFoundException(),
            LfuPolicy p => k => p.TryGetPriority(k, out var v) ? v : throw new KeyNotFoundException(),
            GdsfPolicy p => k => p.TryGetPriority(k, out var v) ? v : throw new KeyNotFoundException(),
            GdsPolicy p => k => p.TryGetPriority(k, out var v) ? v : throw new KeyNotFoundException(),
            CacheyPolicy p => k => p.TryGetPriority(k, out var v) ? v : throw new KeyNotFoundException(),
            _ => null,
        };
        if (priority is null)
        {
            return;
        }
        var lowest = priority(victim);
        foreach (var key in live)
        {
            // double.CompareTo: the policies' own total order, NaN lowest.
            Assert.True(lowest.CompareTo(priority(key)) <= 0, $"victim priority {lowest} above {priority(key)}");
        }
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void AnyOperationSequence_CountMatchesLiveSetAndVictimIsLive(string name)
    {
        Ops.Sample(ops =>
        {
            var policy = Create(name);
            var live = new HashSet<Key>();
            var now = T0;
            foreach (var op in ops)
            {
                now = now.AddSeconds(op.AdvanceSeconds);
                var key = Keys[op.Key];
                switch (op.Kind)
                {
                    case OpKind.Insert:
                        policy.OnInsert(key, op.Size, op.Cost, now);
                        live.Add(key);
                        break;
                    case OpKind.Access:
                        policy.OnAccess(key, now);
                        break;
                    case OpKind.Remove:
                        policy.OnRemove(key);
                        live.Remove(key);
                        break;
                    case OpKind.Evict:
                        if (policy.TryPeekVictim(out var victim))
                        {
                            policy.OnRemove(victim);
                            Assert.True(live.Remove(victim), "evicted a key that was not live");
                        }
                        break;
                }
                Assert.Equal(live.Count, policy.Count);
                if (policy.TryPeekVictim(out var next))
                {
                    Assert.Contains(next, live);
                    AssertLowestPriority(policy, next, live);
                }
                else
                {
                    Assert.Empty(live);
                }
            }
            var drained = new HashSet<Key>();
            while (policy.TryPeekVictim(out var victim))
            {
                Assert.True(drained.Add(victim), "victim named twice");
                policy.OnRemove(victim);
            }
            Assert.True(live.SetEquals(drained));
        }, iter: 300, writeLine: output.WriteLine);
    }
}

using PodCache.Cache.Keys;
using PodCache.Cache.Policies;

namespace PodCache.Cache.Tests.Policies;

/// <summary>What every <see cref="IEvictionPolicy"/> must do; each policy's test class derives from this.</summary>
public abstract class EvictionPolicyContract
{
    protected static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract IEvictionPolicy CreatePolicy();

    protected static Key K(string name) => Key.Hash(name);

    /// <summary>Evicts everything, as a tier would: peek the victim, then remove it. Returns the names in order.</summary>
    protected static List<string> Drain(IEvictionPolicy policy, params string[] names)
    {
        var byKey = names.ToDictionary(K);
        var order = new List<string>();
        while (policy.TryPeekVictim(out var key))
        {
            order.Add(byKey.TryGetValue(key, out var name) ? name : key.ToString());
            policy.OnRemove(key);
        }
        Assert.Equal(0, policy.Count);
        return order;
    }

    /// <summary>Peeks and removes one victim, returning its name.</summary>
    protected static string EvictOne(IEvictionPolicy policy, IReadOnlyDictionary<Key, string> names)
    {
        Assert.True(policy.TryPeekVictim(out var key));
        policy.OnRemove(key);
        return names[key];
    }

    [Fact]
    public void TryPeekVictim_Empty_ReturnsFalse()
    {
        var policy = CreatePolicy();

        Assert.False(policy.TryPeekVictim(out _));
        Assert.Equal(0, policy.Count);
    }

    [Fact]
    public void OnInsert_SameKeyTwice_CountsOnce()
    {
        var policy = CreatePolicy();

        policy.OnInsert(K("a"), 10, 1, T0);
        policy.OnInsert(K("b"), 10, 1, T0);
        policy.OnInsert(K("a"), 20, 2, T0);

        Assert.Equal(2, policy.Count);
        Assert.Equal(2, Drain(policy, "a", "b").Count);
    }

    [Fact]
    public void OnAccessAndOnRemove_UnknownKey_AreIgnored()
    {
        var policy = CreatePolicy();
        policy.OnInsert(K("a"), 10, 1, T0);

        policy.OnAccess(K("ghost"), T0);
        policy.OnRemove(K("ghost"));

        Assert.Equal(1, policy.Count);
        Assert.True(policy.TryPeekVictim(out var victim));
        Assert.Equal(K("a"), victim);
    }

    [Fact]
    public void TryPeekVictim_CalledTwice_DoesNotRemove()
    {
        var policy = CreatePolicy();
        policy.OnInsert(K("a"), 10, 1, T0);
        policy.OnInsert(K("b"), 10, 1, T0);

        Assert.True(policy.TryPeekVictim(out var first));
        Assert.True(policy.TryPeekVictim(out var second));

        Assert.Equal(first, second);
        Assert.Equal(2, policy.Count);
    }

    [Fact]
    public void Drain_ManyEntries_ReturnsEachExactlyOnce()
    {
        var policy = CreatePolicy();
        var names = Enumerable.Range(0, 200).Select(i => $"k{i}").ToArray();
        for (var i = 0; i < names.Length; i++)
        {
            policy.OnInsert(K(names[i]), 1 + (i * 7919 % 1000), i % 5 * 0.25, T0.AddSeconds(i));
            if (i % 3 == 0)
            {
                policy.OnAccess(K(names[i / 2]), T0.AddSeconds(i));
            }
        }
        for (var i = 0; i < names.Length; i += 4)
        {
            policy.OnRemove(K(names[i]));
        }

        var drained = Drain(policy, names);

        Assert.Equal(150, drained.Count);
        Assert.Equal(names.Where((_, i) => i % 4 != 0).Order(), drained.Order());
    }
}

using System.Numerics;

namespace PodCache.PolicySim;

/// <summary>
/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Used instead of <see cref="Random"/> so a seed
/// names the same synthetic trace on every .NET version.
/// </summary>
internal sealed class Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    public Xoshiro256(long seed)
    {
        var x = (ulong)seed;
        _s0 = ObjectKeys.Mix(x);
        _s1 = ObjectKeys.Mix(x + 1);
        _s2 = ObjectKeys.Mix(x + 2);
        _s3 = ObjectKeys.Mix(x + 3);
    }

    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="bound"/>).</summary>
    public int NextInt(int bound) => (int)(NextDouble() * bound);

    /// <summary>Standard normal, by the Box–Muller transform.</summary>
    public double NextNormal()
    {
        if (_spareNormal is { } spare)
        {
            _spareNormal = null;
            return spare;
        }
        var u1 = 1 - NextDouble();
        var u2 = NextDouble();
        var r = Math.Sqrt(-2 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Exponential with the given mean.</summary>
    public double NextExponential(double mean) => -mean * Math.Log(1 - NextDouble());
}

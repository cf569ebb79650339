using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Cache.Serialization;
using PodCache.Cache.Tiers.Disk;
using PodCache.Runtime.Serialization;
using PodCache.Tests.Fuzz;

namespace PodCache.Runtime.Tests.Fuzz;

/// <summary>
/// Disk entries holding real arrays (<see cref="DataArrayCodec"/>, the codec every PodCache result goes through),
/// mutated: the codec decodes before the checksum is compared, so it sees the corrupt bytes. Only
/// <see cref="CacheCorruptException"/> comes out of <see cref="EntryFormat.Read"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class DataArrayEntryFuzzTests
{
    private static readonly Key EntryKey = Key.Hash("fuzz-array-entry");

    private static IReadOnlyList<byte[]> Seeds()
    {
        var codec = new DataArrayCodec();
        var seeds = new List<byte[]>();
        foreach (var coordsText in FuzzSeeds.Files("coords.json").Take(12))
        {
            var coords = Coordinates.Parse(coordsText);
            if (coords.Size > 4096) continue;
            var values = Enumerable.Range(0, (int)coords.Size).Select(i => i % 5 == 0 ? double.NaN : i * 0.5).ToArray();
            var entry = new CacheEntry(EntryKey, new DataArray(coords, values, new Dictionary<string, string> { ["units"] = "m" }),
                new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero), null, 0.5);
            foreach (bool lz4 in new[] { false, true })
            {
                var ms = new MemoryStream();
                EntryFormat.Write(ms, entry, codec, lz4);
                seeds.Add(ms.ToArray());
            }
        }
        Assert.True(seeds.Count >= 8);
        return seeds;
    }

    [Fact]
    public void Read_MutatedArrayEntries_OnlyCacheCorruptException()
    {
        var codecs = new ValueCodecs().Register(new DataArrayCodec());
        // Beyond the entry's own length fields: the codec's metadata sits right after the header.
        FuzzInputs.Run(FuzzInputs.MutatedBytes(Seeds(), [4, -28, -20]), bytes =>
            FuzzInputs.Expect(() => EntryFormat.Read(new MemoryStream(bytes, writable: false), bytes.Length, codecs, EntryKey),
                typeof(CacheCorruptException)),
            normalIterations: 500, print: Convert.ToHexString);
    }
}

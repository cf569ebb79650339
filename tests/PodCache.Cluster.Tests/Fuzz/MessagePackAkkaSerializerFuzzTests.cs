using System.Runtime.Serialization;
using CsCheck;
using PodCache.Cluster;
using PodCache.Cluster.Messages;
using PodCache.Cache.Keys;
using PodCache.Tests.Fuzz;

namespace PodCache.Cluster.Tests.Fuzz;

/// <summary>
/// The cluster serializer's <c>FromBinary</c> on mutated valid messages, under every manifest (the right one and the
/// others): only <see cref="SerializationException"/> comes out, which Akka turns into a dropped message.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class MessagePackAkkaSerializerFuzzTests
{
    private static readonly Key K = Key.Hash("fuzz-message");
    private const string Owner = "akka.tcp://podcache@127.0.0.1:4053";

    private static readonly string[] Manifests = ["KR", "KA", "KI", "KX", "KF", "KT", "SP", "SO", "ES", "UE", "OB", "", "ZZ"];

    private static object[] Messages() =>
    [
        new KeyRequest(K, 100, [1, 2, 3, 4, 5, 6, 7, 8], Owner, 1),
        new OwnerBatch(Owner, 100, [new BatchItem(K, [1, 2, 3], [Key.Hash("in")], [Owner])]),
        new KeyAccepted(K, Owner, 2),
        new KeyInline(K, new byte[300], Owner, "computed", 1.25, 1),
        new KeyReference(K, 40_000_000, Owner, "http://127.0.0.1:8080/", "hit:disk", 0, 3),
        new KeyReference(K, 1, Owner, null, "hit:s3", 0.5, 1),
        new KeyFailed(K, Owner, new ClusterFailure(ClusterFailureKind.Error, "InvalidDataException: bad pipeline"), 1),
        new KeyRetry(K, Owner, "handed off", 4),
        new ShardPing(99),
        new ShardPong(0, Owner),
        EntityStop.Handoff,
        new UsageEntry(Owner + "#12345", "https://node-1:8443/", 1, 2, 3, 34, 1_764_000_000_000),
        new UsageEntry(Owner + "#1", null, 0, 0, 0, 0, 0),
    ];

    /// <summary>Found by this target: a str32 or bin32 length past 2^31 (ArgumentOutOfRangeException from the reader).</summary>
    [Theory]
    [InlineData("SO", new byte[] { 0x92, 0x00, 0xDB, 0x86, 0x05, 0xC9, 0xD9, 0x61, 0x6B })]
    [InlineData("KI", new byte[] { 0x96, 0xDB, 0xFF, 0xFF, 0xFF, 0xF0, 0x61 })]
    [InlineData("KR", new byte[] { 0x95, 0xD9, 0x01, 0x61, 0x01, 0xC6, 0x90, 0x00, 0x00, 0x00, 0x61 })]
    public void FromBinary_LengthPast2Pow31_SerializationException(string manifest, byte[] bytes)
    {
        var serializer = new MessagePackAkkaSerializer(null!);
        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, manifest));
    }

    [Fact]
    public void FromBinary_MutatedMessages_OnlySerializationException()
    {
        // The serializer reads its payload limit from the actor system's configuration and takes the default without one.
        var serializer = new MessagePackAkkaSerializer(null!);
        var messages = Messages();
        var seeds = messages.Select(serializer.ToBinary).ToArray();
        var manifests = messages.Select(serializer.Manifest).ToArray();
        var gen = Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 3], Gen.Int[0, Manifests.Length - 1])
            .SelectMany(t => FuzzInputs.MutatedBytes([seeds[t.Item1]], [0, 1, 2, 3])
                .Select(bytes => (Bytes: bytes, Manifest: t.Item2 == 0 ? Manifests[t.Item3] : manifests[t.Item1])));
        FuzzInputs.Run(gen, t => FuzzInputs.Expect(() => serializer.FromBinary(t.Bytes, t.Manifest), typeof(SerializationException)),
            normalIterations: 600, print: t => t.Manifest + ":" + Convert.ToHexString(t.Bytes));
    }
}

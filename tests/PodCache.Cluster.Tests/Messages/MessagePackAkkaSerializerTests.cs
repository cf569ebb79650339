using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using MessagePack;
using PodCache.Cluster;
using PodCache.Cluster.Messages;
using PodCache.Cache.Keys;
using PodCache.Runtime.Pipelines;

namespace PodCache.Cluster.Tests.Messages;

[Collection("cluster")]
public sealed class MessagePackAkkaSerializerTests(ClusterFixture fixture)
{
    private static readonly Key K = Key.Hash("serializer");
    private const string Owner = "akka.tcp://podcache@127.0.0.1:4053";

    public static TheoryData<object> Messages() =>
    [
        new KeyRequest(K, 100, [1, 2, 3], Owner, 1),
        new KeyRequest(K, 65_536, [], Owner, 5),
        new KeyAccepted(K, Owner, 2),
        new KeyInline(K, new byte[64 * 1024], Owner, "computed", 1.25, 1),
        new KeyReference(K, 40_000_000, Owner, "http://127.0.0.1:8080/", "hit:disk", 0, 3),
        new KeyReference(K, 1, Owner, null, "hit:s3", 0.5, 1),
        new KeyFailed(K, Owner, new ClusterFailure(ClusterFailureKind.Error, "InvalidDataException: bad pipeline"), 1),
        new KeyFailed(K, Owner, new ClusterFailure(ClusterFailureKind.Pipeline, "2 problems",
            [PipelineError.InPipeline("a", "the request's CRS differs"), new PipelineError("", "and \"quoted\"")]), 2),
        new KeyFailed(K, Owner, new ClusterFailure(ClusterFailureKind.Refused, "shard counts differ"), 1),
        new KeyRetry(K, Owner, "handed off", 4),
        new ShardPing(99),
        new ShardPong(0, Owner),
        EntityStop.Handoff,
        EntityStop.Passivate,
        new UsageEntry(Owner + "#12345", "https://node-1:8443/", 1, 2, 3, 34, 1_764_000_000_000),
        new UsageEntry(Owner + "#1", null, 0, 0, 0, 0, 0),
        new OwnerBatch(Owner, 100, [new BatchItem(K, [1, 2], [Key.Hash("in")], [Owner, Owner + "1"]), new BatchItem(Key.Hash("b"), [], [], [])]),
    ];

    private MessagePackAkkaSerializer Serializer =>
        (MessagePackAkkaSerializer)fixture.Cluster.Members[0].System.Serialization.FindSerializerForType(typeof(KeyRequest));

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Messages))]
    public async Task RoundTrip_EveryMessageType_IsEqualAfterwards(object message)
    {
        var serializer = Serializer;
        byte[] bytes = serializer.ToBinary(message);
        object back = serializer.FromBinary(bytes, serializer.Manifest(message));

        Assert.IsType(message.GetType(), back);
        Assert.Equal(Describe(message), Describe(back));
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task Bindings_EveryClusterMessageType_UsesThisSerializer_WithIdAbove40()
    {
        var system = fixture.Cluster.Members[0].System;
        var types = typeof(IClusterMessage).Assembly.GetTypes()
            .Where(t => typeof(IClusterMessage).IsAssignableFrom(t) && !t.IsInterface).ToList();

        Assert.Equal(11, types.Count);
        Assert.All(types, t => Assert.IsType<MessagePackAkkaSerializer>(system.Serialization.FindSerializerForType(t)));
        Assert.True(MessagePackAkkaSerializer.Id > 40);
        Assert.Equal(MessagePackAkkaSerializer.Id, Serializer.Identifier);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task Bindings_UnregisteredType_FailsInsteadOfFallingBackToJson()
    {
        var system = fixture.Cluster.Members[0].System;

        var error = Record.Exception(() => system.Serialization.FindSerializerFor(new NotAClusterMessage("x")));

        Assert.NotNull(error);
        Assert.Contains("allow-unregistered-types", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task FromBinary_MalformedBytes_AreRejected()
    {
        var serializer = Serializer;
        byte[] good = serializer.ToBinary(new KeyRequest(K, 100, [1, 2, 3], Owner, 1));
        var random = new Random(20261125);

        Assert.Throws<SerializationException>(() => serializer.FromBinary([], MessagePackAkkaSerializer.RequestManifest));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(good[..^3], MessagePackAkkaSerializer.RequestManifest));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. good, 0xc0], MessagePackAkkaSerializer.RequestManifest));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(good, "??"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(good, MessagePackAkkaSerializer.AcceptedManifest));
        for (int i = 0; i < 500; i++)
        {
            byte[] noise = new byte[random.Next(0, 200)];
            random.NextBytes(noise);
            foreach (string manifest in new[] { "KR", "KA", "KI", "KX", "KF", "KT", "SP", "SO", "ES", "UE", "OB" })
            {
                try
                {
                    serializer.FromBinary(noise, manifest);
                }
                catch (SerializationException)
                {
                }
            }
        }
        await Task.CompletedTask;
    }

    [Theory(Timeout = 30_000)]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")] // uppercase
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")] // 63 characters
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555")] // 65 characters
    [InlineData("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")] // not hex
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    public async Task FromBinary_BadKey_IsRejected(string key)
    {
        byte[] bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(3);
            w.Write(key);
            w.Write(Owner);
            w.Write(1);
        });

        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, MessagePackAkkaSerializer.AcceptedManifest));
        Assert.Contains("key", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task FromBinary_OutOfRangeFields_AreRejected()
    {
        var serializer = Serializer;
        byte[] Request(int shards, int payload, string requester, int attempt) => Write((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(K.ToString());
            w.Write(shards);
            w.Write(new byte[payload]);
            w.Write(requester);
            w.Write(attempt);
        });

        Assert.IsType<KeyRequest>(serializer.FromBinary(Request(100, 10, Owner, 1), "KR"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Request(0, 10, Owner, 1), "KR"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Request(100, serializer.MaxPayload + 1, Owner, 1), "KR"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Request(100, 10, "nobody", 1), "KR"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Request(100, 10, Owner + new string('x', 600), 1), "KR"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Request(100, 10, Owner, 0), "KR"));
        byte[] negativeLength = Write((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(7);
            w.Write(K.ToString());
            w.Write(-1L);
            w.Write(Owner);
            w.WriteNil();
            w.Write("computed");
            w.Write(0.0);
            w.Write(1);
        });
        Assert.Throws<SerializationException>(() => serializer.FromBinary(negativeLength, "KX"));
        byte[] badUrl = serializer.ToBinary(new KeyReference(K, 1, Owner, "file:///etc/passwd", "computed", 0, 1));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(badUrl, "KX"));
        byte[] nanSeconds = serializer.ToBinary(new KeyInline(K, [1], Owner, "computed", double.NaN, 1));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(nanSeconds, "KI"));
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task FromBinary_MalformedFailures_AreRejected()
    {
        var serializer = Serializer;
        byte[] Failed(int kind, int errors, int document = (int)ErrorDocument.Pipeline) => Write((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(6);
            w.Write(K.ToString());
            w.Write(Owner);
            w.Write(kind);
            w.Write("failed");
            w.WriteArrayHeader(errors);
            for (int i = 0; i < errors; i++)
            {
                w.WriteArrayHeader(3);
                w.Write("n" + i);
                w.Write("bad");
                w.Write(document);
            }
            w.Write(1);
        });

        var ok = Assert.IsType<KeyFailed>(serializer.FromBinary(Failed((int)ClusterFailureKind.Pipeline, 2), "KF"));
        Assert.Equal(["n0", "n1"], ok.Failure.Errors.Select(e => e.Path).ToArray());
        Assert.All(ok.Failure.Errors, e => Assert.Equal(ErrorDocument.Pipeline, e.Document));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Failed((int)ClusterFailureKind.Pipeline, 1, document: 9), "KF"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Failed(7, 0), "KF"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Failed(-1, 0), "KF"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Failed((int)ClusterFailureKind.Pipeline, 0), "KF"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Failed((int)ClusterFailureKind.Error, 1), "KF"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Failed((int)ClusterFailureKind.Pipeline, ClusterFailure.MaxErrors + 1), "KF"));
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task FromBinary_MalformedOwnerBatches_AreRejected()
    {
        var serializer = Serializer;
        byte[] Batch(int items, bool duplicate = false, int payload = 1, int consumers = 1, string consumer = Owner) => Write((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(3);
            w.Write(Owner);
            w.Write(100);
            w.WriteArrayHeader(items);
            for (int i = 0; i < items; i++)
            {
                w.WriteArrayHeader(4);
                w.Write((duplicate ? K : Key.Hash("item" + i)).ToString());
                w.Write(new byte[payload]);
                w.WriteArrayHeader(0);
                w.WriteArrayHeader(consumers);
                for (int j = 0; j < consumers; j++)
                {
                    w.Write(consumer);
                }
            }
        });

        var ok = Assert.IsType<OwnerBatch>(serializer.FromBinary(Batch(3), "OB"));
        Assert.Equal(3, ok.Items.Count);
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Batch(0), "OB"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Batch(MessagePackAkkaSerializer.MaxBatchItems + 1), "OB"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Batch(2, duplicate: true), "OB"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Batch(3, payload: serializer.MaxPayload / 2), "OB"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Batch(1, consumers: MessagePackAkkaSerializer.MaxBatchLinks + 1), "OB"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(Batch(1, consumer: "nobody"), "OB"));
        Assert.Throws<SerializationException>(() => serializer.ToBinary(new OwnerBatch(Owner, 100, [])));
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task ToBinary_PayloadOverTheFrameBudget_IsRefused()
    {
        var serializer = Serializer;

        Assert.Throws<SerializationException>(() =>
            serializer.ToBinary(new KeyInline(K, new byte[serializer.MaxPayload + 1], Owner, "computed", 0, 1)));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary(new NotAClusterMessage("x")));
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task Serializer_WithoutPodCacheConfig_UsesDefaultLimit()
    {
        using var system = ActorSystem.Create("plain", ConfigurationFactory.ParseString("akka.loglevel = ERROR"));
        var serializer = new MessagePackAkkaSerializer((ExtendedActorSystem)system);

        Assert.Equal(MessagePackAkkaSerializer.DefaultMaxPayload, serializer.MaxPayload);
        var message = new ShardPong(3, Owner);
        Assert.Equal(message, serializer.FromBinary(serializer.ToBinary(message), "SO"));
        await system.Terminate();
    }

    private static byte[] Write(WriteAction write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        write(ref w);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static string Describe(object message) => message switch
    {
        KeyRequest r => $"{r.Key} {r.ShardCount} {Convert.ToHexString(r.Payload)} {r.Requester} {r.Attempt}",
        KeyInline i => $"{i.Key} {Convert.ToHexString(i.Data)} {i.Owner} {i.OwnerStatus} {i.Seconds} {i.Attempt}",
        OwnerBatch b => $"{b.Requester} {b.ShardCount} [{string.Join(" | ", b.Items.Select(i =>
            $"{i.Key} {Convert.ToHexString(i.Payload)} {string.Join(",", i.PushedInputs)} {string.Join(",", i.Consumers)}"))}]",
        KeyFailed f => $"{f.Key} {f.Owner} {f.Failure.Kind} {f.Failure.Message} [{string.Join(" | ", f.Failure.Errors.Select(e => $"{e} ({e.Document})"))}] {f.Attempt}",
        _ => message.ToString()!,
    };

    private sealed record NotAClusterMessage(string Text);

    private delegate void WriteAction(ref MessagePackWriter writer);
}

using System.Buffers;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using MessagePack;
using PodCache.Cache.Keys;

namespace PodCache.Cluster.Messages;

/// <summary>
/// Akka serializer for every <see cref="IClusterMessage"/>: a MessagePack array per message, written and read by hand
/// (no reflection, no type names on the wire), with a short string manifest per type. Everything read is untrusted:
/// keys must be 64 lowercase hex characters, byte arrays and strings have size limits, counts and numbers are range
/// checked, and trailing bytes are refused. Any violation throws <see cref="SerializationException"/>, so Akka drops
/// the message instead of delivering something half-valid.
/// </summary>
internal sealed class MessagePackAkkaSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer identifier (Akka reserves 0–40 for itself).</summary>
    public const int Id = 417;

    /// <summary>HOCON path of the payload limit (bytes) applied when reading.</summary>
    public const string MaxPayloadPath = "podcache.cluster.max-payload-bytes";

    /// <summary>Payload limit used when the configuration has none: under Akka's default 128,000-byte frame.</summary>
    public const int DefaultMaxPayload = 100_000;

    /// <summary>Upper bound of a shard count: shard ids come from the key's first 16 bits.</summary>
    public const int MaxShardCount = 65_536;

    internal const int MaxAddressChars = 512;
    internal const int MaxStatusChars = 64;
    internal const int MaxTextChars = 4_096;
    internal const int MaxAttempts = 1_000;

    /// <summary>The most nodes one <see cref="OwnerBatch"/> carries.</summary>
    internal const int MaxBatchItems = 64;

    /// <summary>The most pushed inputs, and the most consumers, of one batch item.</summary>
    internal const int MaxBatchLinks = 32;

    internal const string RequestManifest = "KR";
    internal const string AcceptedManifest = "KA";
    internal const string InlineManifest = "KI";
    internal const string ReferenceManifest = "KX";
    internal const string FailedManifest = "KF";
    internal const string RetryManifest = "KT";
    internal const string PingManifest = "SP";
    internal const string PongManifest = "SO";
    internal const string StopManifest = "ES";
    internal const string UsageManifest = "UE";
    internal const string BatchManifest = "OB";

    private readonly int _maxPayload;

    /// <summary>Created by Akka from the <c>akka.actor.serializers</c> section.</summary>
    public MessagePackAkkaSerializer(ExtendedActorSystem system) : base(system)
    {
        _maxPayload = system?.Settings.Config.GetInt(MaxPayloadPath, DefaultMaxPayload) ?? DefaultMaxPayload;
    }

    /// <inheritdoc/>
    public override int Identifier => Id;

    /// <summary>The largest payload accepted in either direction, in bytes.</summary>
    public int MaxPayload => _maxPayload;

    /// <inheritdoc/>
    public override string Manifest(object o) => o switch
    {
        KeyRequest => RequestManifest,
        KeyAccepted => AcceptedManifest,
        KeyInline => InlineManifest,
        KeyReference => ReferenceManifest,
        KeyFailed => FailedManifest,
        KeyRetry => RetryManifest,
        ShardPing => PingManifest,
        ShardPong => PongManifest,
        EntityStop => StopManifest,
        UsageEntry => UsageManifest,
        OwnerBatch => BatchManifest,
        _ => throw new ArgumentException($"{o?.GetType().FullName ?? "null"} is not a PodCache cluster message.", nameof(o)),
    };

    /// <inheritdoc/>
    public override byte[] ToBinary(object obj)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var w = new MessagePackWriter(buffer);
        switch (obj)
        {
            case KeyRequest m:
                CheckPayload(m.Payload.Length);
                w.WriteArrayHeader(5);
                WriteKey(ref w, m.Key);
                w.Write(m.ShardCount);
                w.Write(m.Payload);
                w.Write(m.Requester);
                w.Write(m.Attempt);
                break;
            case KeyAccepted m:
                w.WriteArrayHeader(3);
                WriteKey(ref w, m.Key);
                w.Write(m.Owner);
                w.Write(m.Attempt);
                break;
            case KeyInline m:
                // Bigger values travel by reference; only a requester in the owner's own process gets them inline.
                CheckPayload(m.Data.Length);
                w.WriteArrayHeader(6);
                WriteKey(ref w, m.Key);
                w.Write(m.Data);
                w.Write(m.Owner);
                w.Write(m.OwnerStatus);
                w.Write(m.Seconds);
                w.Write(m.Attempt);
                break;
            case KeyReference m:
                w.WriteArrayHeader(7);
                WriteKey(ref w, m.Key);
                w.Write(m.Length);
                w.Write(m.Owner);
                w.Write(m.OwnerHttpUrl);
                w.Write(m.OwnerStatus);
                w.Write(m.Seconds);
                w.Write(m.Attempt);
                break;
            case KeyFailed m:
                w.WriteArrayHeader(6);
                WriteKey(ref w, m.Key);
                w.Write(m.Owner);
                w.Write((int)m.Failure.Kind);
                w.Write(m.Failure.Message);
                w.WriteArrayHeader(m.Failure.Errors.Count);
                foreach (var e in m.Failure.Errors)
                {
                    w.WriteArrayHeader(3);
                    w.Write(e.Path);
                    w.Write(e.Message);
                    w.Write((int)e.Document);
                }
                w.Write(m.Attempt);
                break;
            case KeyRetry m:
                w.WriteArrayHeader(4);
                WriteKey(ref w, m.Key);
                w.Write(m.Owner);
                w.Write(Clip(m.Reason, MaxTextChars));
                w.Write(m.Attempt);
                break;
            case ShardPing m:
                w.WriteArrayHeader(1);
                w.Write(m.Shard);
                break;
            case ShardPong m:
                w.WriteArrayHeader(2);
                w.Write(m.Shard);
                w.Write(m.Owner);
                break;
            case EntityStop m:
                w.WriteArrayHeader(1);
                w.Write(m.IsHandoff);
                break;
            case UsageEntry m:
                w.WriteArrayHeader(7);
                w.Write(m.Member);
                w.Write(m.HttpUrl);
                w.Write(m.RamBytes);
                w.Write(m.DiskBytes);
                w.Write(m.S3Bytes);
                w.Write(m.OwnedShards);
                w.Write(m.UpdatedUnixMs);
                break;
            case OwnerBatch m:
                WriteBatch(ref w, m);
                break;
            default:
                throw new ArgumentException($"{obj?.GetType().FullName ?? "null"} is not a PodCache cluster message.", nameof(obj));
        }
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            var r = new MessagePackReader(bytes);
            object message = manifest switch
            {
                RequestManifest => ReadRequest(ref r),
                AcceptedManifest => ReadAccepted(ref r),
                InlineManifest => ReadInline(ref r),
                ReferenceManifest => ReadReference(ref r),
                FailedManifest => ReadFailed(ref r),
                RetryManifest => ReadRetry(ref r),
                PingManifest => ReadPing(ref r),
                PongManifest => ReadPong(ref r),
                StopManifest => ReadStop(ref r),
                UsageManifest => ReadUsage(ref r),
                BatchManifest => ReadBatch(ref r),
                _ => throw Bad($"unknown manifest '{Clip(manifest, 16)}'"),
            };
            if (!r.End)
            {
                throw Bad("trailing bytes after the message");
            }
            return message;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException
            or InvalidOperationException or DecoderFallbackException or ArgumentOutOfRangeException)
        {
            // ArgumentOutOfRangeException: MessagePackReader slices a str32/bin32 whose length is past 2^31 without checking.
            throw new SerializationException($"Malformed PodCache cluster message ({Clip(manifest, 16)}): {ex.Message}", ex);
        }
    }

    private KeyRequest ReadRequest(ref MessagePackReader r)
    {
        Header(ref r, 5);
        var key = ReadKey(ref r);
        int shards = ReadInt(ref r, 1, MaxShardCount, "shard count");
        var payload = ReadBytes(ref r, _maxPayload, "payload");
        string requester = ReadAddress(ref r);
        int attempt = ReadInt(ref r, 1, MaxAttempts, "attempt");
        return new KeyRequest(key, shards, payload, requester, attempt);
    }

    private static KeyAccepted ReadAccepted(ref MessagePackReader r)
    {
        Header(ref r, 3);
        return new KeyAccepted(ReadKey(ref r), ReadAddress(ref r), ReadInt(ref r, 1, MaxAttempts, "attempt"));
    }

    private KeyInline ReadInline(ref MessagePackReader r)
    {
        Header(ref r, 6);
        var key = ReadKey(ref r);
        var data = ReadBytes(ref r, _maxPayload, "data");
        string owner = ReadAddress(ref r);
        string status = ReadText(ref r, MaxStatusChars, "status");
        double seconds = ReadSeconds(ref r);
        int attempt = ReadInt(ref r, 1, MaxAttempts, "attempt");
        return new KeyInline(key, data, owner, status, seconds, attempt);
    }

    private static KeyReference ReadReference(ref MessagePackReader r)
    {
        Header(ref r, 7);
        var key = ReadKey(ref r);
        long length = ReadLong(ref r, "length");
        string owner = ReadAddress(ref r);
        string? url = ReadUrl(ref r);
        string status = ReadText(ref r, MaxStatusChars, "status");
        double seconds = ReadSeconds(ref r);
        int attempt = ReadInt(ref r, 1, MaxAttempts, "attempt");
        return new KeyReference(key, length, owner, url, status, seconds, attempt);
    }

    private static KeyFailed ReadFailed(ref MessagePackReader r)
    {
        Header(ref r, 6);
        var key = ReadKey(ref r);
        string owner = ReadAddress(ref r);
        var kind = (ClusterFailureKind)ReadInt(ref r, 0, (int)ClusterFailureKind.Refused, "failure kind");
        string message = ReadText(ref r, ClusterFailure.MaxChars + 3, "failure message");
        int count = r.ReadArrayHeader();
        if (count > ClusterFailure.MaxErrors || (kind == ClusterFailureKind.Pipeline) != (count > 0))
        {
            throw Bad($"a {kind} failure with {count} pipeline errors");
        }
        var errors = new PodCache.Runtime.Pipelines.PipelineError[count];
        for (int i = 0; i < count; i++)
        {
            Header(ref r, 3);
            errors[i] = new PodCache.Runtime.Pipelines.PipelineError(
                ReadText(ref r, ClusterFailure.MaxChars + 3, "error path"), ReadText(ref r, ClusterFailure.MaxChars + 3, "error message"),
                (PodCache.Runtime.Pipelines.ErrorDocument)ReadInt(ref r, 0, (int)PodCache.Runtime.Pipelines.ErrorDocument.Pipeline, "error document"));
        }
        return new KeyFailed(key, owner, new ClusterFailure(kind, message, errors), ReadInt(ref r, 1, MaxAttempts, "attempt"));
    }

    private static KeyRetry ReadRetry(ref MessagePackReader r)
    {
        Header(ref r, 4);
        return new KeyRetry(ReadKey(ref r), ReadAddress(ref r), ReadText(ref r, MaxTextChars, "reason"),
            ReadInt(ref r, 1, MaxAttempts, "attempt"));
    }

    private static ShardPing ReadPing(ref MessagePackReader r)
    {
        Header(ref r, 1);
        return new ShardPing(ReadInt(ref r, 0, MaxShardCount - 1, "shard"));
    }

    private static ShardPong ReadPong(ref MessagePackReader r)
    {
        Header(ref r, 2);
        return new ShardPong(ReadInt(ref r, 0, MaxShardCount - 1, "shard"), ReadAddress(ref r));
    }

    private static EntityStop ReadStop(ref MessagePackReader r)
    {
        Header(ref r, 1);
        return r.ReadBoolean() ? EntityStop.Handoff : EntityStop.Passivate;
    }

    private static UsageEntry ReadUsage(ref MessagePackReader r)
    {
        Header(ref r, 7);
        string member = ReadAddress(ref r);
        string? url = ReadUrl(ref r);
        long ram = ReadLong(ref r, "RAM bytes");
        long disk = ReadLong(ref r, "disk bytes");
        long s3 = ReadLong(ref r, "S3 bytes");
        int owned = ReadInt(ref r, 0, MaxShardCount, "owned shards");
        long updated = ReadLong(ref r, "update time");
        return new UsageEntry(member, url, ram, disk, s3, owned, updated);
    }

    private void WriteBatch(ref MessagePackWriter w, OwnerBatch m)
    {
        if (m.Items.Count is 0 or > MaxBatchItems)
        {
            throw new SerializationException($"An owner batch carries 1 to {MaxBatchItems} nodes, not {m.Items.Count}.");
        }
        CheckPayload(m.Items.Sum(i => i.Payload.Length));
        w.WriteArrayHeader(3);
        w.Write(m.Requester);
        w.Write(m.ShardCount);
        w.WriteArrayHeader(m.Items.Count);
        foreach (var item in m.Items)
        {
            if (item.PushedInputs.Count > MaxBatchLinks || item.Consumers.Count > MaxBatchLinks)
            {
                throw new SerializationException($"A batch item names at most {MaxBatchLinks} pushed inputs and {MaxBatchLinks} consumers.");
            }
            w.WriteArrayHeader(4);
            WriteKey(ref w, item.Key);
            w.Write(item.Payload);
            w.WriteArrayHeader(item.PushedInputs.Count);
            foreach (var k in item.PushedInputs)
            {
                WriteKey(ref w, k);
            }
            w.WriteArrayHeader(item.Consumers.Count);
            foreach (var c in item.Consumers)
            {
                w.Write(c);
            }
        }
    }

    private OwnerBatch ReadBatch(ref MessagePackReader r)
    {
        Header(ref r, 3);
        string requester = ReadAddress(ref r);
        int shards = ReadInt(ref r, 1, MaxShardCount, "shard count");
        int count = r.ReadArrayHeader();
        if (count is 0 or > MaxBatchItems)
        {
            throw Bad($"an owner batch with {count} nodes (1 to {MaxBatchItems})");
        }
        var items = new BatchItem[count];
        var seen = new HashSet<Key>();
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            Header(ref r, 4);
            var key = ReadKey(ref r);
            if (!seen.Add(key))
            {
                throw Bad("an owner batch names a key twice");
            }
            var payload = ReadBytes(ref r, _maxPayload, "payload");
            total += payload.Length;
            if (total > _maxPayload)
            {
                throw Bad($"the owner batch's payloads exceed the {_maxPayload}-byte limit");
            }
            var inputs = new Key[ReadCount(ref r, "pushed inputs")];
            for (int j = 0; j < inputs.Length; j++)
            {
                inputs[j] = ReadKey(ref r);
            }
            var consumers = new string[ReadCount(ref r, "consumers")];
            for (int j = 0; j < consumers.Length; j++)
            {
                consumers[j] = ReadAddress(ref r);
            }
            items[i] = new BatchItem(key, payload, inputs, consumers);
        }
        return new OwnerBatch(requester, shards, items);
    }

    private static int ReadCount(ref MessagePackReader r, string what)
    {
        int count = r.ReadArrayHeader();
        if (count > MaxBatchLinks)
        {
            throw Bad($"a batch item with {count} {what} (at most {MaxBatchLinks})");
        }
        return count;
    }

    private void CheckPayload(int length)
    {
        if (length > _maxPayload)
        {
            throw new SerializationException(
                $"A {length}-byte payload exceeds the {_maxPayload}-byte limit of a cluster message; large values travel by reference.");
        }
    }

    private static void WriteKey(ref MessagePackWriter w, Key key) => w.Write(key.ToString());

    private static void Header(ref MessagePackReader r, int expected)
    {
        int count = r.ReadArrayHeader();
        if (count != expected)
        {
            throw Bad($"expected {expected} fields, found {count}");
        }
    }

    private static Key ReadKey(ref MessagePackReader r)
    {
        string? text = ReadString(ref r, 64, "key");
        if (!Key.TryParse(text, out var key))
        {
            throw Bad("the key is not 64 lowercase hex characters");
        }
        return key;
    }

    private static string ReadAddress(ref MessagePackReader r)
    {
        string? text = ReadString(ref r, MaxAddressChars, "address");
        if (string.IsNullOrEmpty(text) || !text.Contains("://", StringComparison.Ordinal) || text.Any(char.IsControl))
        {
            throw Bad("the member address is missing or malformed");
        }
        return text;
    }

    private static string? ReadUrl(ref MessagePackReader r)
    {
        string? text = ReadString(ref r, MaxAddressChars, "URL");
        if (text is null)
        {
            return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Bad("the HTTP URL is not an absolute http(s) URL");
        }
        return text;
    }

    private static string ReadText(ref MessagePackReader r, int maxChars, string what) =>
        ReadString(ref r, maxChars, what) ?? throw Bad($"the {what} is missing");

    private static string? ReadString(ref MessagePackReader r, int maxChars, string what)
    {
        if (r.TryReadNil())
        {
            return null;
        }
        var seq = r.ReadStringSequence() ?? throw Bad($"the {what} is missing");
        // UTF-8 needs at most 4 bytes per char: refuse anything longer before decoding it.
        if (seq.Length > (long)maxChars * 4)
        {
            throw Bad($"the {what} is too long");
        }
        string text = Strict.GetString(seq);
        if (text.Length > maxChars)
        {
            throw Bad($"the {what} is too long");
        }
        return text;
    }

    private static byte[] ReadBytes(ref MessagePackReader r, int maxBytes, string what)
    {
        var seq = r.ReadBytes() ?? throw Bad($"the {what} is missing");
        if (seq.Length > maxBytes)
        {
            throw Bad($"the {what} has {seq.Length} bytes, over the {maxBytes}-byte limit");
        }
        return seq.ToArray();
    }

    private static int ReadInt(ref MessagePackReader r, int min, int max, string what)
    {
        int value = r.ReadInt32();
        if (value < min || value > max)
        {
            throw Bad($"the {what} {value} is outside [{min}, {max}]");
        }
        return value;
    }

    private static long ReadLong(ref MessagePackReader r, string what)
    {
        long value = r.ReadInt64();
        if (value < 0)
        {
            throw Bad($"the {what} is negative");
        }
        return value;
    }

    private static double ReadSeconds(ref MessagePackReader r)
    {
        double value = r.ReadDouble();
        if (!double.IsFinite(value) || value < 0)
        {
            throw Bad("the compute seconds are not a finite non-negative number");
        }
        return value;
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Clip(string? text, int max) =>
        text is null ? "" : text.Length <= max ? text : text[..max];

    private static SerializationException Bad(string what) => new($"Malformed PodCache cluster message: {what}.");
}

using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Cache.Keys;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>
/// The parts of a node's canonical key object that do not change between runs, as UTF-8, in RFC 8785 member order
/// (attrs, inputs, node, schema, source, version). A key is these parts with the inputs' NodeKeys (and the run's source token)
/// spliced in, hashed without building a string or a JSON tree.
/// </summary>
internal sealed class NodeKeyTemplate
{
    private const int StackLimit = 1024;

    private static readonly byte[] SourceMember = ",\"source\":"u8.ToArray();

    private readonly byte[] _head;
    private readonly Input[] _inputs;
    private readonly byte[] _node;
    private readonly byte[] _version;

    private readonly record struct Input(byte[] Name, bool IsList, IReadOnlyList<string> Refs);

    private NodeKeyTemplate(PipelineNode node)
    {
        _head = Encoding.UTF8.GetBytes("{\"attrs\":" + node.CanonicalAttrs + ",\"inputs\":{");
        _inputs = node.Inputs.OrderBy(i => i.Name, StringComparer.Ordinal)
            .Select((input, i) => new Input(
                Encoding.UTF8.GetBytes((i > 0 ? "," : "") + CanonicalJson.Serialize(JsonValue.Create(input.Name)) + ":"),
                input.IsList, input.Refs))
            .ToArray();
        _node = Encoding.UTF8.GetBytes("},\"node\":" + CanonicalJson.Serialize(JsonValue.Create(node.Type.Name)) + ",\"schema\":" + KeySchema.Version);
        _version = Encoding.UTF8.GetBytes(",\"version\":" + CanonicalJson.FormatNumber(node.Type.Version) + "}");
        InputRefs = _inputs.SelectMany(i => i.Refs).ToArray();
    }

    /// <summary>The refs whose NodeKeys the key needs, in the order they are written.</summary>
    public string[] InputRefs { get; }

    /// <summary>The template of <paramref name="node"/>, built on first use and kept with the (immutable) node.</summary>
    public static NodeKeyTemplate For(PipelineNode node) => node.KeyTemplate ??= new NodeKeyTemplate(node);

    /// <summary>
    /// SHA-256 of the canonical key object, given the NodeKeys of <see cref="InputRefs"/> (in that order) and the
    /// source version token.
    /// </summary>
    public Key Hash(ReadOnlySpan<Key> inputKeys, string? sourceToken)
    {
        byte[]? source = sourceToken is null ? null : Encoding.UTF8.GetBytes(CanonicalJson.Serialize(JsonValue.Create(sourceToken)));
        int length = _head.Length + _node.Length + _version.Length + (source is null ? 0 : SourceMember.Length + source.Length);
        foreach (var input in _inputs)
        {
            // "key" per ref, commas between list items, brackets around a list.
            length += input.Name.Length + input.Refs.Count * (Key.HexLength + 2) + (input.IsList ? input.Refs.Count + 2 : 0);
        }
        byte[]? rented = null;
        Span<byte> buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            int pos = Append(buffer, 0, _head);
            int k = 0;
            foreach (var input in _inputs)
            {
                pos = Append(buffer, pos, input.Name);
                if (input.IsList)
                {
                    buffer[pos++] = (byte)'[';
                }
                for (int i = 0; i < input.Refs.Count; i++)
                {
                    if (i > 0)
                    {
                        buffer[pos++] = (byte)',';
                    }
                    buffer[pos++] = (byte)'"';
                    inputKeys[k++].TryFormat(buffer[pos..], out int written);
                    pos += written;
                    buffer[pos++] = (byte)'"';
                }
                if (input.IsList)
                {
                    buffer[pos++] = (byte)']';
                }
            }
            pos = Append(buffer, pos, _node);
            if (source is not null)
            {
                pos = Append(buffer, pos, SourceMember);
                pos = Append(buffer, pos, source);
            }
            pos = Append(buffer, pos, _version);
            return Key.Hash(buffer[..pos]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int Append(Span<byte> buffer, int pos, byte[] bytes)
    {
        bytes.CopyTo(buffer[pos..]);
        return pos + bytes.Length;
    }
}

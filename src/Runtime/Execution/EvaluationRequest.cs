using System.Text;
using System.Text.Json.Nodes;
using PodCache.Cache.Keys;
using PodCache.Runtime.Json;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;
using PodCache.Runtime.Sources;

namespace PodCache.Runtime.Execution;

/// <summary>
/// What a cluster member sends a key's owner so the owner can compute the key: the node's ref, its subgraph's
/// pipeline JSON and the coordinates (<see cref="Coordinates.ToExactJson"/>), as UTF-8 JSON
/// <c>{"node": REF, "pipeline": {...}, "coordinates": {"axes": [...], "crs": ...}, "sources": {REF: TOKEN}}</c>, the
/// last the source version tokens the requester keyed with (remote sources are revalidated on a schedule, so the
/// owner checks the key with the requester's tokens instead of asking the sources again).
/// The owner treats the bytes as untrusted: <see cref="Parse"/> validates the pipeline and coordinates like any
/// request, and checks that they produce the very key that was asked for.
/// </summary>
public sealed class EvaluationRequest
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private EvaluationRequest(Pipeline pipeline, Coordinates coordinates, string nodeRef, IReadOnlyDictionary<string, string?>? sourceTokens)
    {
        SourceTokens = sourceTokens;
        Pipeline = pipeline;
        Coordinates = coordinates;
        NodeRef = nodeRef;
    }

    /// <summary>The subgraph pipeline.</summary>
    public Pipeline Pipeline { get; }

    /// <summary>The coordinates the node is evaluated at.</summary>
    public Coordinates Coordinates { get; }

    /// <summary>The node.</summary>
    public string NodeRef { get; }

    /// <summary>The requester's remote source version tokens, by node ref (pass them to the runner), or null.</summary>
    public IReadOnlyDictionary<string, string?>? SourceTokens { get; }

    /// <summary>The request for <paramref name="nodeRef"/> of <paramref name="keys"/>' pipeline at <paramref name="coordinates"/>.</summary>
    public static byte[] Create(string nodeRef, Coordinates coordinates, NodeKeys keys)
    {
        ArgumentNullException.ThrowIfNull(nodeRef);
        ArgumentNullException.ThrowIfNull(coordinates);
        ArgumentNullException.ThrowIfNull(keys);
        var o = new JsonObject
        {
            ["node"] = nodeRef,
            ["pipeline"] = keys.Pipeline.Subgraph(nodeRef),
            // Exact, not PODPAC's form: reading that normalises again, which can move a stop by an ulp and change the key.
            ["coordinates"] = coordinates.ToExactJson(),
        };
        var subgraph = (JsonObject)o["pipeline"]!;
        var tokens = new JsonObject();
        foreach (var (r, token) in keys.ResolvedSources())
        {
            if (token is not null && subgraph.ContainsKey(r))
            {
                tokens[r] = token;
            }
        }
        if (tokens.Count > 0)
        {
            o["sources"] = tokens;
        }
        return Encoding.UTF8.GetBytes(o.ToJsonString(JsonNumbers.WriteOptions));
    }

    /// <summary>
    /// Reads and validates request bytes for <paramref name="expectedKey"/>.
    /// </summary>
    /// <param name="bytes">The bytes as received.</param>
    /// <param name="expectedKey">The ResultKey the request must produce.</param>
    /// <param name="registry">Node types; the built-in registry when null.</param>
    /// <param name="sources">What this member lets pipelines read; everything when null.</param>
    /// <exception cref="InvalidDataException">The bytes are not a valid request, or they describe another key (the
    /// message says which part is wrong).</exception>
    /// <exception cref="PipelineException">A node reads a source <paramref name="sources"/> refuses (checked before
    /// anything is read, so neither the answer nor its timing depends on that source).</exception>
    public static EvaluationRequest Parse(ReadOnlySpan<byte> bytes, Key expectedKey, NodeRegistry? registry = null,
        ISourceAccessPolicy? sources = null)
    {
        JsonObject root;
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException("evaluation request: not UTF-8", ex);
        }
        try
        {
            // Lenient like every pipeline reader: NaN and Infinity attrs travel as PODPAC writes them.
            root = LenientJson.Parse(text, out var duplicates, RuntimeLimits.MaxJsonDepthCeiling) as JsonObject
                ?? throw new InvalidDataException("evaluation request: must be a JSON object");
            if (duplicates.Count > 0)
            {
                throw new InvalidDataException($"evaluation request: {duplicates[0].Path}: {duplicates[0].Message}");
            }
        }
        catch (LenientJson.SyntaxException ex)
        {
            throw new InvalidDataException($"evaluation request: malformed JSON: {ex.Message}", ex);
        }
        if (root["node"] is not JsonValue nv || !nv.TryGetValue<string>(out var nodeRef) || nodeRef.Length == 0)
        {
            throw new InvalidDataException("evaluation request: node: must be a node ref");
        }
        if (root["pipeline"] is not JsonObject pipelineJson)
        {
            throw new InvalidDataException("evaluation request: pipeline: must be an object");
        }
        Pipeline pipeline;
        Coordinates coordinates;
        try
        {
            pipeline = Pipeline.FromJson((JsonObject)pipelineJson.DeepClone(), registry);
        }
        catch (PipelineException ex)
        {
            throw new InvalidDataException($"evaluation request: pipeline: {ex.Message}", ex);
        }
        try
        {
            coordinates = Coordinates.FromExactJson(root["coordinates"]);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"evaluation request: coordinates.{ex.Message}", ex);
        }
        if (!pipeline.Contains(nodeRef))
        {
            throw new InvalidDataException($"evaluation request: node: the pipeline has no node '{nodeRef}'");
        }
        // This member's own policy, before the key (which resolves source versions, touching the files).
        SourceAccessCheck.Check(pipeline, sources);
        Dictionary<string, string?>? tokens = null;
        if (root["sources"] is { } sourcesJson)
        {
            if (sourcesJson is not JsonObject so)
            {
                throw new InvalidDataException("evaluation request: sources: must be an object of node ref to version token");
            }
            tokens = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (r, value) in so)
            {
                if (!pipeline.Contains(r) || pipeline[r].Sources.Count == 0 || value is not JsonValue tv || !tv.TryGetValue<string>(out var token)
                    || token.Length is 0 or > 1024)
                {
                    throw new InvalidDataException($"evaluation request: sources.{r}: must be the version token of a source node of the pipeline");
                }
                if (pipeline[r].Sources.Any(src => Sources.IO.SourceUri.SchemeOf(src.Location) is not null and not "file"))
                {
                    tokens[r] = token;
                }
            }
        }
        // A file source resolves its own token here (a stat: a copy that differs between members changes the key and is
        // caught below); a remote one keys with the requester's token.
        var keys = new NodeKeys(pipeline, tokens);
        var key = NodeKeys.ResultKey(keys.NodeKey(nodeRef), coordinates.Key);
        if (key != expectedKey)
        {
            // Also what a member sees when its copy of a source file differs from the requester's (another version token).
            throw new InvalidDataException(
                $"evaluation request: node '{nodeRef}' at these coordinates has ResultKey {key} here, not the {expectedKey} asked for " +
                "(a source file that differs between members changes its version token, and with it the key)");
        }
        return new EvaluationRequest(pipeline, coordinates, nodeRef, tokens);
    }
}

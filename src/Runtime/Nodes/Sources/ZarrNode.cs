using System.Text.Json.Nodes;
using PodCache.Runtime.Sources.IO;
using PodCache.Runtime.Zarr;

namespace PodCache.Runtime.Nodes.Sources;

/// <summary>
/// <c>data.Zarr</c> (PODPAC <c>core.data.zarr_source.Zarr</c>): one array of a Zarr v2 store — a local folder, or
/// objects below an http(s):// or s3:// URL read whole through the block cache (<see cref="SourceZarrStore"/>) — (consolidated
/// <c>.zmetadata</c> used when present), reading only the chunks of the request's window; a missing chunk reads as the
/// array's <c>fill_value</c>. See <see cref="KeyedFileSource"/> for the coordinates and selection. The version token
/// digests every file's path, length and modification time, so a rewritten chunk gives new keys downstream.
/// </summary>
internal sealed class ZarrNode : KeyedFileSource
{
    private readonly bool _anonymous;

    private ZarrNode(SourceUri uri, bool anonymous, string dataKey, Dictionary<string, string> keyOfDim, double[] nanVals, double nanVal)
        : base(uri, dataKey, keyOfDim, nanVals, nanVal)
    {
        _anonymous = anonymous;
    }

    public static NodeType Type { get; } = new(
        "data.Zarr",
        ["core.data.zarr_source.Zarr", "data.zarr_source.Zarr"],
        // 2: the output carries the whole file's bounds, uneven dims and index type, so Interpolate selects as PODPAC does.
        2,
        [.. CommonAttrs("data", "lat", "lon", "time", "alt"), new AttrSpec("anon", AttrType.Bool, JsonValue.Create(false))],
        InputSpec.None,
        extentDependent: true,
        Build);

    private static ZarrNode? Build(NodeBuildContext ctx) =>
        BuildCommon(ctx) is { } c
            ? new ZarrNode(c.Uri, ctx.GetBool("anon"), c.DataKey, c.KeyOfDim, ctx.GetDoubles("nan_vals"), ctx.GetDouble("nan_val")) { SourceCrs = ctx.GetString("crs") ?? CrsNames.Default }
            : null;

    public override async ValueTask<string?> ResolveSourceVersionAsync(SourceServices? sources, CancellationToken cancellationToken)
    {
        if (!Uri.IsRemote)
        {
            return ResolveSourceVersion();
        }
        var services = sources ?? throw new NodeEvaluationException($"'{Uri.Display}' is remote, and this runner has no source services");
        return await SourceZarrStore.VersionTokenAsync(services, Uri, _anonymous, DataKey, cancellationToken).ConfigureAwait(false);
    }

    public override string? ResolveSourceVersion()
    {
        if (Uri.IsRemote)
        {
            return "unresolved"; // resolved asynchronously before keys are computed (ResolveSourceVersionAsync)
        }
        try
        {
            return DirectoryZarrStore.VersionToken(Uri.FilePath!);
        }
        catch (DirectoryNotFoundException)
        {
            return "missing";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    protected override IKeyedArrays Open(NodeContext context)
    {
        if (Uri.IsRemote)
        {
            var services = context.Sources ?? throw new NodeEvaluationException($"'{Uri.Display}' is remote, and this runner has no source services");
            return new ZarrArrays(new SourceZarrStore(services, Uri, _anonymous, context.SourceVersion ?? "unresolved", context.Activity));
        }
        string root = Uri.FilePath!;
        if (!Directory.Exists(root))
        {
            throw new NodeEvaluationException(File.Exists(root) ? $"'{root}' is a file, not a Zarr store (a folder)" : $"no Zarr store (a folder) at '{root}'");
        }
        return new ZarrArrays(new DirectoryZarrStore(root));
    }

    /// <summary>The arrays of one store, opened once each; consolidated metadata read once.</summary>
    private sealed class ZarrArrays(IZarrStore store) : IKeyedArrays
    {
        private readonly Dictionary<string, ZarrArray?> _arrays = new(StringComparer.Ordinal);
        private JsonObject? _consolidated;
        private bool _consolidatedRead;

        private async Task<ZarrArray?> ArrayAsync(string key, CancellationToken ct)
        {
            string path = key.Trim('/');
            if (_arrays.TryGetValue(path, out var known))
            {
                return known;
            }
            if (!_consolidatedRead)
            {
                _consolidatedRead = true;
                if (await store.GetAsync(".zmetadata", ct).ConfigureAwait(false) is { } zmetadata)
                {
                    _consolidated = ZarrArray.ParseConsolidated(zmetadata);
                }
            }
            bool exists = _consolidated is not null
                ? _consolidated.ContainsKey(path + "/.zarray")
                : await store.GetAsync(path + "/.zarray", ct).ConfigureAwait(false) is not null;
            var array = exists ? await ZarrArray.OpenAsync(store, path, ct, _consolidated).ConfigureAwait(false) : null;
            _arrays[path] = array;
            return array;
        }

        public async Task<int[]?> ShapeAsync(string key, CancellationToken ct) => (await ArrayAsync(key, ct).ConfigureAwait(false))?.Shape;

        public async Task<IReadOnlyList<string>?> DimensionNamesAsync(string key, CancellationToken ct) =>
            (await ArrayAsync(key, ct).ConfigureAwait(false))?.Dimensions;

        public async Task<double[]> ReadAsync(string key, int[] start, int[] count, CancellationToken ct)
        {
            var array = await ArrayAsync(key, ct).ConfigureAwait(false) ?? throw new InvalidDataException($"no array '{key}'");
            return await array.ReadAsync(start, count, ct).ConfigureAwait(false);
        }

        public void Dispose()
        {
        }
    }
}

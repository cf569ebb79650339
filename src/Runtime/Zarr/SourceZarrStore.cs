using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Zarr;

/// <summary>
/// A Zarr v2 store over HTTP(S) or S3: each key is an object below the store's URL, read whole through the block cache
/// under the store's version token (so a chunk is fetched once per machine, or per cluster sharing an S3 tier, for as
/// long as the store's metadata keeps its version), a missing key remembered as absent.
/// </summary>
internal sealed class SourceZarrStore : IZarrStore
{
    /// <summary>The largest store object read (a chunk or a metadata file).</summary>
    public const long MaxObjectBytes = 1L << 30;

    private readonly SourceServices _services;
    private readonly SourceUri _root;
    private readonly bool _anonymous;
    private readonly string _storeToken;
    private readonly SourceActivity? _activity;

    public SourceZarrStore(SourceServices services, SourceUri root, bool anonymous, string storeToken, SourceActivity? activity)
    {
        _services = services;
        _root = root;
        _anonymous = anonymous;
        _storeToken = storeToken;
        _activity = activity;
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        SourceUri child;
        try
        {
            child = _root.Child(key);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
        var source = _services.IO.Open(child, _anonymous);
        if (_services.Blocks is { } blocks)
        {
            return await blocks.ReadObjectAsync(source, _storeToken, _activity, MaxObjectBytes, ct).ConfigureAwait(false);
        }
        return await BlockCache.FetchObjectAsync(source, _activity?.For(child), MaxObjectBytes, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The store's version token: <c>zarr:</c> and the version of its <c>.zmetadata</c>, else of the data array's
    /// <c>.zarray</c>, revalidated like any remote source. A store rewritten with its metadata gets new keys downstream;
    /// chunks replaced under unchanged metadata are not noticed.
    /// </summary>
    public static async Task<string> VersionTokenAsync(SourceServices services, SourceUri root, bool anonymous, string dataKey, CancellationToken ct)
    {
        foreach (var key in new[] { ".zmetadata", dataKey.Trim('/') + "/.zarray" })
        {
            try
            {
                var version = await services.Versions.ResolveAsync(root.Child(key), anonymous, ct).ConfigureAwait(false);
                return "zarr:" + key + ":" + version.Token;
            }
            catch (SourceException ex) when (ex.Failure == SourceFailure.NotFound)
            {
                // the next candidate
            }
        }
        throw new SourceException(SourceFailure.NotFound, root.Display,
            $"{root.Display}: no Zarr store here (neither .zmetadata nor {dataKey.Trim('/')}/.zarray exists)", 404);
    }
}

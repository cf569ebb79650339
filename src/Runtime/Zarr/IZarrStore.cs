namespace PodCache.Runtime.Zarr;

/// <summary>
/// A Zarr v2 key/value store: a folder, an HTTP prefix, an S3 prefix, a zip file... Keys are relative to the store's
/// root and use <c>/</c> between path parts, e.g. <c>.zarray</c>, <c>data/.zarray</c>, <c>data/0.1</c>.
/// </summary>
public interface IZarrStore
{
    /// <summary>The bytes of <paramref name="key"/> (e.g. ".zarray", "data/.zarray", "data/0.1"), or null when the store has no such key.</summary>
    /// <param name="key">The key, relative to the store's root.</param>
    /// <param name="ct">Cancels the read.</param>
    Task<byte[]?> GetAsync(string key, CancellationToken ct);
}

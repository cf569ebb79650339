using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodCache.Runtime.Zarr;

/// <summary>
/// One Zarr v2 array of a <see cref="IZarrStore"/>: its metadata (<c>.zarray</c>, <c>.zattrs</c>) and windowed reads as
/// doubles. The metadata is untrusted: every problem with it, or with a chunk, is an <see cref="InvalidDataException"/>
/// or <see cref="NotSupportedException"/> whose message names the key. The store's own exceptions pass through.
/// </summary>
public sealed class ZarrArray
{
    /// <summary>The largest window <see cref="ReadAsync"/> returns, in elements (2^28, i.e. 2 GiB of doubles).</summary>
    public const long MaxWindowElements = 1L << 28;

    /// <summary>The most chunks one window may touch (a window of tiny chunks is refused rather than listed).</summary>
    public const long MaxChunksPerWindow = 1L << 20;

    /// <summary>How many chunks one <see cref="ReadAsync"/> fetches and decodes at once.</summary>
    public const int MaxConcurrentChunks = 8;

    private readonly IZarrStore _store;
    private readonly ZarrMetadata _meta;
    private readonly string _prefix;

    private ZarrArray(IZarrStore store, string path, ZarrMetadata meta, JsonObject attributes, IReadOnlyList<string>? dimensions)
    {
        _store = store;
        _meta = meta;
        Path = path;
        _prefix = path.Length == 0 ? "" : path + "/";
        Attributes = attributes;
        Dimensions = dimensions;
    }

    /// <summary>The array's path in the store ("" for the root array).</summary>
    public string Path { get; }

    /// <summary>The array's shape.</summary>
    public int[] Shape => (int[])_meta.Shape.Clone();

    /// <summary>The chunk shape.</summary>
    public int[] Chunks => (int[])_meta.Chunks.Clone();

    /// <summary>The dimension names (xarray's <c>_ARRAY_DIMENSIONS</c> in <c>.zattrs</c>), or null.</summary>
    public IReadOnlyList<string>? Dimensions { get; }

    /// <summary>The array's <c>.zattrs</c>, or an empty object.</summary>
    public JsonObject Attributes { get; }

    /// <summary>The fill value as a double (NaN/Infinity strings handled), or null when <c>fill_value</c> is null.</summary>
    public double? FillValue => _meta.FillValue;

    /// <summary>The numpy dtype string, e.g. <c>&lt;f4</c>.</summary>
    public string DType => _meta.DType.Text;

    /// <summary>The compressor's id, or null for none.</summary>
    public string? CompressorId => _meta.Compressor?["id"]?.GetValue<string>();

    /// <summary>
    /// Opens the array at <paramref name="path"/> ("" for the root array, "data" for a child). With
    /// <paramref name="consolidated"/> (the parsed <c>.zmetadata</c>'s <c>"metadata"</c> object), <c>.zarray</c> and
    /// <c>.zattrs</c> are taken from it and the store is not asked for them.
    /// </summary>
    /// <exception cref="InvalidDataException">No array at <paramref name="path"/>, or its metadata is malformed.</exception>
    /// <exception cref="NotSupportedException">A dtype, compressor, filter or format this reader does not implement.</exception>
    public static async Task<ZarrArray> OpenAsync(IZarrStore store, string path, CancellationToken ct, JsonObject? consolidated = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        path = path.Trim('/');
        string prefix = path.Length == 0 ? "" : path + "/";
        string zarrayKey = prefix + ".zarray";
        string zattrsKey = prefix + ".zattrs";

        ZarrMetadata meta;
        JsonObject attributes;
        if (consolidated is not null)
        {
            meta = consolidated[zarrayKey] switch
            {
                JsonObject o => ZarrMetadata.Parse(o, zarrayKey),
                null => throw new InvalidDataException($"no array at '{path}': the consolidated metadata has no '{zarrayKey}'"),
                _ => throw new InvalidDataException($"'{zarrayKey}' in the consolidated metadata is not a JSON object"),
            };
            attributes = consolidated[zattrsKey] switch
            {
                JsonObject o => (JsonObject)o.DeepClone(),
                null => [],
                _ => throw new InvalidDataException($"'{zattrsKey}' in the consolidated metadata is not a JSON object"),
            };
        }
        else
        {
            var zarrayTask = store.GetAsync(zarrayKey, ct);
            var zattrsTask = store.GetAsync(zattrsKey, ct);
            byte[] zarray = await zarrayTask.ConfigureAwait(false)
                ?? throw new InvalidDataException($"no array at '{path}': the store has no '{zarrayKey}'");
            meta = ZarrMetadata.Parse(zarray, zarrayKey);
            byte[]? zattrs = await zattrsTask.ConfigureAwait(false);
            attributes = zattrs is null ? [] : ParseObject(zattrs, zattrsKey);
        }

        ZarrCodecs.Check(meta.Compressor, zarrayKey);
        return new ZarrArray(store, path, meta, attributes, Dims(attributes, meta.Shape.Length, zattrsKey));
    }

    /// <summary>Parses a <c>.zmetadata</c> document and returns its <c>"metadata"</c> object, for <see cref="OpenAsync"/>.</summary>
    /// <exception cref="InvalidDataException">Not JSON, or no <c>"metadata"</c> object.</exception>
    public static JsonObject ParseConsolidated(byte[] zmetadata, string key = ".zmetadata")
    {
        ArgumentNullException.ThrowIfNull(zmetadata);
        var root = ParseObject(zmetadata, key);
        return root["metadata"] as JsonObject ?? throw new InvalidDataException($"'{key}' has no \"metadata\" object");
    }

    private static JsonObject ParseObject(byte[] bytes, string key)
    {
        try
        {
            return JsonNode.Parse(bytes, documentOptions: ZarrMetadata.JsonOptions) as JsonObject ?? throw new InvalidDataException($"'{key}' is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{key}' is not valid JSON: {e.Message}", e);
        }
    }

    private static string[]? Dims(JsonObject attributes, int rank, string key)
    {
        if (attributes["_ARRAY_DIMENSIONS"] is not { } node)
        {
            return null;
        }

        if (node is JsonArray a && a.Count == rank
            && a.All(d => d is JsonValue v && v.GetValueKind() == JsonValueKind.String))
        {
            return a.Select(d => d!.GetValue<string>()).ToArray();
        }

        throw new InvalidDataException(
            $"'{key}': \"_ARRAY_DIMENSIONS\" {ZarrMetadata.Truncate(node.ToJsonString())} is not a list of {rank} names");
    }

    /// <summary>The chunk grid indices a window touches, in C order (last dimension fastest).</summary>
    /// <exception cref="ArgumentException">The window is not inside the array.</exception>
    /// <exception cref="NotSupportedException">The window touches more than <see cref="MaxChunksPerWindow"/> chunks.</exception>
    public IReadOnlyList<int[]> ChunksTouching(int[] start, int[] count)
    {
        CheckWindow(start, count);
        int rank = _meta.Shape.Length;
        var first = new int[rank];
        var last = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            if (count[d] == 0)
            {
                return [];
            }

            first[d] = start[d] / _meta.Chunks[d];
            last[d] = (int)(((long)start[d] + count[d] - 1) / _meta.Chunks[d]);
        }

        long touched = 1;
        for (int d = 0; d < rank; d++)
        {
            touched *= last[d] - first[d] + 1;
            if (touched > MaxChunksPerWindow)
            {
                throw new NotSupportedException(
                    $"'{Path}': the window touches more than {MaxChunksPerWindow} chunks of [{string.Join(", ", _meta.Chunks)}]; read smaller windows");
            }
        }

        var result = new List<int[]>();
        var index = (int[])first.Clone();
        while (true)
        {
            result.Add((int[])index.Clone());
            int d = rank - 1;
            while (d >= 0)
            {
                if (++index[d] <= last[d])
                {
                    break;
                }

                index[d] = first[d];
                d--;
            }

            if (d < 0)
            {
                return result;
            }
        }
    }

    /// <summary>The store key of a chunk, e.g. <c>data/0.1</c> (or <c>data/0/1</c> with dimension_separator "/"); "0" for a 0-d array.</summary>
    public string ChunkKey(int[] chunkIndex)
    {
        ArgumentNullException.ThrowIfNull(chunkIndex);
        if (chunkIndex.Length != _meta.Shape.Length)
        {
            throw new ArgumentException($"a chunk index of {Path} has {_meta.Shape.Length} dimensions, not {chunkIndex.Length}", nameof(chunkIndex));
        }

        if (chunkIndex.Any(i => i < 0))
        {
            throw new ArgumentException($"a chunk index of {Path} cannot be negative: [{string.Join(", ", chunkIndex)}]", nameof(chunkIndex));
        }

        if (chunkIndex.Length == 0)
        {
            return _prefix + "0";
        }

        var sb = new StringBuilder(_prefix);
        for (int d = 0; d < chunkIndex.Length; d++)
        {
            if (d > 0)
            {
                sb.Append(_meta.Separator);
            }

            sb.Append(chunkIndex[d].ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>
    /// Reads the window <paramref name="start"/>..<paramref name="start"/>+<paramref name="count"/> as doubles in C order.
    /// A chunk the store does not have is the fill value (NaN when it is null). Chunks are fetched and decoded
    /// concurrently, at most <see cref="MaxConcurrentChunks"/> at a time.
    /// </summary>
    /// <exception cref="ArgumentException">The window is not inside the array, or is larger than <see cref="MaxWindowElements"/>.</exception>
    /// <exception cref="InvalidDataException">A chunk does not decode to exactly a chunk's bytes.</exception>
    /// <exception cref="NotSupportedException">A chunk uses a codec this reader does not implement (e.g. blosc's snappy), or the window touches more than <see cref="MaxChunksPerWindow"/> chunks.</exception>
    public async Task<double[]> ReadAsync(int[] start, int[] count, CancellationToken ct)
    {
        var chunks = ChunksTouching(start, count);
        long total = 1;
        foreach (int c in count)
        {
            total *= c;
        }

        var output = new double[total];
        if (total == 0)
        {
            return output;
        }

        using var gate = new SemaphoreSlim(MaxConcurrentChunks);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tasks = new List<Task>(chunks.Count);
        try
        {
            foreach (var chunk in chunks)
            {
                await gate.WaitAsync(cts.Token).ConfigureAwait(false);
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        await ReadChunkAsync(chunk, start, count, output, cts.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        // The first failure stops the rest of the window.
                        await cts.CancelAsync().ConfigureAwait(false);
                        throw;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Either the caller cancelled or a chunk failed; the tasks below say which.
        }

        // Every started task is awaited (they use the semaphore); a faulted one's exception wins over cancellations.
        await Task.WhenAll(tasks).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return output;
    }

    private async Task ReadChunkAsync(int[] chunk, int[] start, int[] count, double[] output, CancellationToken ct)
    {
        string key = ChunkKey(chunk);
        byte[]? raw = await _store.GetAsync(key, ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        byte[]? data = raw is null ? null
            : ZarrCodecs.Decode(_meta.Compressor, raw, _meta.CompressedChunkBytes, key);
        if (data is not null)
        {
            for (int i = _meta.Filters.Count - 1; i >= 0; i--)
            {
                data = _meta.Filters[i].Decode(data, _meta.ChunkElements);
            }
        }

        Copy(chunk, data, start, count, output);
    }

    // Copies the part of one chunk inside the window into the output; data null = the fill value.
    private void Copy(int[] chunk, byte[]? data, int[] start, int[] count, double[] output)
    {
        int rank = _meta.Shape.Length;
        int[] chunks = _meta.Chunks;
        double fill = _meta.FillValue ?? double.NaN;
        if (rank == 0)
        {
            output[0] = data is null ? fill : ZarrConvert.Read(_meta.DType, data);
            return;
        }

        // The intersection, in array coordinates: lo[d] .. hi[d] (exclusive).
        var lo = new int[rank];
        var hi = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            long chunkStart = (long)chunk[d] * chunks[d];
            lo[d] = (int)Math.Max(start[d], chunkStart);
            hi[d] = (int)Math.Min((long)start[d] + count[d], chunkStart + chunks[d]);
        }

        // Element strides within the chunk (C or F order) and within the output (C order).
        var chunkStride = new long[rank];
        var outStride = new long[rank];
        long cs = 1;
        long os = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            outStride[d] = os;
            os *= count[d];
        }

        if (_meta.FortranOrder)
        {
            for (int d = 0; d < rank; d++)
            {
                chunkStride[d] = cs;
                cs *= chunks[d];
            }
        }
        else
        {
            for (int d = rank - 1; d >= 0; d--)
            {
                chunkStride[d] = cs;
                cs *= chunks[d];
            }
        }

        int last = rank - 1;
        int run = hi[last] - lo[last];
        var pos = (int[])lo.Clone();
        while (true)
        {
            long chunkOffset = 0;
            long outOffset = 0;
            for (int d = 0; d < rank; d++)
            {
                chunkOffset += (pos[d] - ((long)chunk[d] * chunks[d])) * chunkStride[d];
                outOffset += (long)(pos[d] - start[d]) * outStride[d];
            }

            var dst = output.AsSpan((int)outOffset, run);
            if (data is null)
            {
                dst.Fill(fill);
            }
            else
            {
                ZarrConvert.Run(_meta.DType, data, chunkOffset, chunkStride[last], run, dst);
            }

            int k = last - 1;
            while (k >= 0)
            {
                if (++pos[k] < hi[k])
                {
                    break;
                }

                pos[k] = lo[k];
                k--;
            }

            if (k < 0)
            {
                return;
            }
        }
    }

    private void CheckWindow(int[] start, int[] count)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(count);
        int rank = _meta.Shape.Length;
        if (start.Length != rank || count.Length != rank)
        {
            throw new ArgumentException($"'{Path}' has {rank} dimensions; the window has {start.Length} starts and {count.Length} counts");
        }

        long total = 1;
        for (int d = 0; d < rank; d++)
        {
            if (start[d] < 0 || count[d] < 0 || (long)start[d] + count[d] > _meta.Shape[d])
            {
                throw new ArgumentException(
                    $"'{Path}': the window's dimension {d} ({start[d]} + {count[d]}) is outside the array's {_meta.Shape[d]}");
            }

            total *= count[d];
            if (total > MaxWindowElements)
            {
                throw new ArgumentException($"'{Path}': the window has more than {MaxWindowElements} elements");
            }
        }
    }
}

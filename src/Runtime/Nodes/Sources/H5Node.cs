using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Nodes.Sources;

/// <summary>
/// <c>data.H5PY</c> (PODPAC <c>core.data.h5py_source.H5PY</c>): one dataset of an HDF5 file, keys being HDF5 paths
/// (<c>/grp/data</c>), read with PureHDF: only the window's hyperslab of the data, any numeric type (integers and floats,
/// either byte order), the filters PureHDF decodes (deflate, shuffle, Fletcher-32). See <see cref="KeyedFileSource"/>
/// for the coordinates and selection. The version token is a local file's length and modification time; an http(s) or
/// S3 file is versioned as every remote source and fetched whole through the block cache (<see cref="OpenRemoteAsync"/>).
/// </summary>
internal sealed class H5Node : KeyedFileSource
{
    private H5Node(SourceUri uri, string dataKey, Dictionary<string, string> keyOfDim, double[] nanVals, double nanVal)
        : base(uri, dataKey, keyOfDim, nanVals, nanVal)
    {
    }

    public static NodeType Type { get; } = new(
        "data.H5PY",
        ["core.data.h5py_source.H5PY", "data.h5py_source.H5PY"],
        // 2: the output carries the whole file's bounds, uneven dims and index type, so Interpolate selects as PODPAC does.
        2,
        CommonAttrs("data", "lat", "lon", "time", "alt"),
        InputSpec.None,
        extentDependent: true,
        Build);

    private static H5Node? Build(NodeBuildContext ctx) =>
        BuildCommon(ctx) is { } c ? new H5Node(c.Uri, c.DataKey, c.KeyOfDim, ctx.GetDoubles("nan_vals"), ctx.GetDouble("nan_val")) { SourceCrs = ctx.GetString("crs") ?? CrsNames.Default } : null;

    public override string? ResolveSourceVersion() => LocalVersion(Uri);

    public override ValueTask<string?> ResolveSourceVersionAsync(SourceServices? sources, CancellationToken cancellationToken) =>
        RemoteVersionAsync(Uri, anonymous: false, sources, cancellationToken);

    protected override IKeyedArrays Open(NodeContext context) => OpenFile(Uri.FilePath!);

    protected override Task<IKeyedArrays> OpenAsync(NodeContext context) =>
        Uri.IsRemote ? OpenRemoteAsync(context, Uri, anonymous: false) : Task.FromResult(Open(context));

    /// <summary>The largest remote HDF5/NetCDF file read (it is fetched whole).</summary>
    public const long MaxRemoteBytes = 1L << 30;

    /// <summary>A local file's version token; <c>unresolved</c> for a URL (resolved by <see cref="RemoteVersionAsync"/>).</summary>
    internal static string LocalVersion(SourceUri uri)
    {
        if (uri.IsRemote)
        {
            return "unresolved";
        }
        var file = new FileInfo(uri.FilePath!);
        return file.Exists ? $"mtime:{file.Length}:{file.LastWriteTimeUtc.Ticks}" : "missing";
    }

    /// <summary>The version of a remote file (ETag, Last-Modified, S3 version), as for every remote source.</summary>
    internal static async ValueTask<string?> RemoteVersionAsync(SourceUri uri, bool anonymous, SourceServices? sources, CancellationToken ct)
    {
        if (!uri.IsRemote)
        {
            return LocalVersion(uri);
        }
        var services = sources ?? throw new NodeEvaluationException($"'{uri.Display}' is remote, and this runner has no source services");
        return (await services.Versions.ResolveAsync(uri, anonymous, ct).ConfigureAwait(false)).Token;
    }

    /// <summary>
    /// A remote HDF5 (or NetCDF4) file, fetched whole through the block cache under its version (once per machine, or
    /// per cluster sharing an S3 tier) and opened from memory.
    /// </summary>
    internal static async Task<IKeyedArrays> OpenRemoteAsync(NodeContext context, SourceUri uri, bool anonymous)
    {
        var services = context.Sources ?? throw new NodeEvaluationException($"'{uri.Display}' is remote, and this runner has no source services");
        var source = services.IO.Open(uri, anonymous);
        var bytes = services.Blocks is { } blocks
            ? await blocks.ReadObjectAsync(source, context.SourceVersion ?? "unresolved", context.Activity, MaxRemoteBytes, context.CancellationToken).ConfigureAwait(false)
            : await BlockCache.FetchObjectAsync(source, context.Activity?.For(uri), MaxRemoteBytes, context.CancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            throw new NodeEvaluationException($"no HDF5 file at '{uri.Display}'");
        }
        try
        {
            return new H5Arrays(H5File.Open(new MemoryStream(bytes, writable: false), leaveOpen: false));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            throw new NodeEvaluationException($"cannot open HDF5 file '{uri.Display}': {ex.Message}");
        }
    }

    /// <summary>Opens an HDF5 (or NetCDF4) file.</summary>
    internal static IKeyedArrays OpenFile(string path)
    {
        try
        {
            Pipelines.InputFile.EnsureRegular(path, "HDF5");
            return new H5Arrays(H5File.OpenRead(path));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NodeEvaluationException($"HDF5 file not found: '{path}'");
        }
        catch (InvalidDataException ex)
        {
            throw new NodeEvaluationException(ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            throw new NodeEvaluationException($"cannot open HDF5 file '{path}': {ex.Message}");
        }
    }
}

/// <summary>PureHDF over one open file. Its errors (plain exceptions for bad files) become <see cref="InvalidDataException"/>.</summary>
internal sealed class H5Arrays(NativeFile file) : IKeyedArrays
{
    private const int ChunkSlots = 4096;
    private const ulong ChunkCacheBytes = 256UL << 20;

    public Task<int[]?> ShapeAsync(string key, CancellationToken ct)
    {
        var ds = Dataset(key);
        return Task.FromResult(ds is null ? null : Guard(key, () => ds.Space.Dimensions.Select(d => checked((int)d)).ToArray()));
    }

    public Task<IReadOnlyList<string>?> DimensionNamesAsync(string key, CancellationToken ct)
    {
        var ds = Dataset(key);
        if (ds is null)
        {
            return Task.FromResult<IReadOnlyList<string>?>(null);
        }
        if (Guard(key, () => ds.AttributeExists("_ARRAY_DIMENSIONS")))
        {
            return Task.FromResult<IReadOnlyList<string>?>(Guard(key, () => ds.Attribute("_ARRAY_DIMENSIONS").Read<string[]>()));
        }
        if (Guard(key, () => ds.AttributeExists("_Netcdf4Coordinates")))
        {
            // NetCDF4: the variable's dimension ids, each the _Netcdf4Dimid of a dimension scale at the root.
            var ids = Guard(key, () => ds.Attribute("_Netcdf4Coordinates").Read<int[]>());
            var nameOfId = new Dictionary<int, string>();
            foreach (var child in Guard(key, () => file.Children().OfType<IH5Dataset>().ToArray()))
            {
                // Dimension variables are HDF5 dimension scales (CLASS = DIMENSION_SCALE); data variables carry a
                // _Netcdf4Dimid of their own too.
                if (Guard(key, () => child.AttributeExists("_Netcdf4Dimid") && child.AttributeExists("CLASS")))
                {
                    nameOfId.TryAdd(Guard(key, () => child.Attribute("_Netcdf4Dimid").Read<int>()), child.Name);
                }
            }
            if (ids.All(nameOfId.ContainsKey))
            {
                return Task.FromResult<IReadOnlyList<string>?>(ids.Select(i => nameOfId[i]).ToArray());
            }
        }
        return Task.FromResult<IReadOnlyList<string>?>(null);
    }

    public Task<string?> TextAttributeAsync(string key, string name, CancellationToken ct)
    {
        var ds = Dataset(key);
        if (ds is null || !Guard(key, () => ds.AttributeExists(name)))
        {
            return Task.FromResult<string?>(null);
        }
        return Task.FromResult<string?>(Guard(key, () => ds.Attribute(name).Read<string>()));
    }

    public Task<double[]> ReadAsync(string key, int[] start, int[] count, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var ds = Dataset(key) ?? throw new InvalidDataException($"no dataset '{key}'");
        return Task.FromResult(Guard(key, () =>
        {
            var selection = new HyperslabSelection(start.Length, start.Select(s => (ulong)s).ToArray(), count.Select(c => (ulong)c).ToArray());
            var type = ds.Type;
            bool signed = type.Class == H5DataTypeClass.FixedPoint && type.FixedPoint.IsSigned;
            if (type.Class is not (H5DataTypeClass.FloatingPoint or H5DataTypeClass.FixedPoint) || type.Size is not (1 or 2 or 4 or 8)
                || (type.Class == H5DataTypeClass.FloatingPoint && type.Size is not (4 or 8)))
            {
                throw new NotSupportedException($"'{key}' holds {type.Class} values of {type.Size} bytes; only numbers are read");
            }
            // The raw elements, converted here: PureHDF converts no byte order, so big-endian data is swapped by hand.
            // PureHDF's default chunk cache (1 MiB) is smaller than one row of typical chunks, so a read that walks the
            // selection row by row inflates every chunk again for each of its rows (minutes for a 64 MiB array): a cache
            // of this read's own, big enough for the chunks across the window, bounded.
            var access = new H5DatasetAccess { ChunkCache = new SimpleReadingChunkCache(ChunkSlots, ChunkCacheBytes) };
            byte[] raw = ((NativeDataset)ds).Read<byte[]>(access, fileSelection: selection);
            int size = (int)type.Size;
            long n = count.Aggregate(1L, (a, c) => a * c);
            if (raw.Length != n * size)
            {
                throw new InvalidDataException($"'{key}': read {raw.Length} bytes for {n} values of {size} bytes");
            }
            if (IsBigEndian(ds, type.Class, size))
            {
                for (int i = 0; i < raw.Length; i += size)
                {
                    raw.AsSpan(i, size).Reverse();
                }
            }
            return (type.Class, size, signed) switch
            {
                (H5DataTypeClass.FloatingPoint, 4, _) => Widen<float>(raw),
                (H5DataTypeClass.FloatingPoint, _, _) => Widen<double>(raw),
                (_, 1, true) => Widen<sbyte>(raw),
                (_, 2, true) => Widen<short>(raw),
                (_, 4, true) => Widen<int>(raw),
                (_, 8, true) => Widen<long>(raw),
                (_, 1, false) => Widen<byte>(raw),
                (_, 2, false) => Widen<ushort>(raw),
                (_, 4, false) => Widen<uint>(raw),
                _ => Widen<ulong>(raw),
            };
        }));
    }

    /// <summary>
    /// Whether the dataset's elements are big-endian. PureHDF exposes no byte order, but refuses a typed read it would
    /// have to swap: a one-element typed read tells.
    /// </summary>
    private static bool IsBigEndian(IH5Dataset ds, H5DataTypeClass cls, int size)
    {
        if (size == 1)
        {
            return false;
        }
        var one = new HyperslabSelection(ds.Space.Dimensions.Length, new ulong[ds.Space.Dimensions.Length],
            Enumerable.Repeat(1UL, ds.Space.Dimensions.Length).ToArray());
        try
        {
            _ = (cls, size) switch
            {
                (H5DataTypeClass.FloatingPoint, 4) => (object)ds.Read<float[]>(fileSelection: one),
                (H5DataTypeClass.FloatingPoint, _) => ds.Read<double[]>(fileSelection: one),
                (_, 2) => ds.Read<ushort[]>(fileSelection: one),
                (_, 4) => ds.Read<uint[]>(fileSelection: one),
                _ => ds.Read<ulong[]>(fileSelection: one),
            };
            return false;
        }
        catch (Exception ex) when (ex.Message.Contains("Byte order", StringComparison.OrdinalIgnoreCase))
        {
            return BitConverter.IsLittleEndian; // the file's order is the other one
        }
    }

    private IH5Dataset? Dataset(string key)
    {
        string path = key.StartsWith('/') ? key : "/" + key;
        return Guard(key, () => file.LinkExists(path) ? file.Dataset(path) : null);
    }

    private static double[] Widen<T>(byte[] raw) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(raw);
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = double.CreateTruncating(values[i]);
        }
        return result;
    }

    private static T Guard<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is not NotSupportedException and not InvalidDataException and not OutOfMemoryException
                                   and not OperationCanceledException)
        {
            throw new InvalidDataException($"'{key}': {ex.Message}", ex);
        }
    }

    public void Dispose() => file.Dispose();
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Nodes.Sources;

/// <summary>
/// <c>data.Dataset</c> (PODPAC <c>core.data.dataset_source.Dataset</c>, which opens files with xarray): one variable of
/// a NetCDF4 file (HDF5 underneath, read with PureHDF). The variable's dims are its NetCDF dimensions, mapped through
/// <c>lat_key</c> / <c>lon_key</c> / <c>time_key</c> / <c>alt_key</c>. As xarray does by default, a time coordinate with CF
/// <c>units</c> (<c>days|hours|minutes|seconds since DATE</c>, standard / Gregorian / proleptic Gregorian calendar) is
/// decoded to datetimes (to the second). Local files, and http(s)/S3 files fetched whole (<see cref="H5Node.OpenRemoteAsync"/>).
/// See <see cref="KeyedFileSource"/> for the selection.
/// </summary>
internal sealed partial class DatasetNode : KeyedFileSource
{
    private readonly bool _anonymous;

    private DatasetNode(SourceUri uri, bool anonymous, string dataKey, Dictionary<string, string> keyOfDim, double[] nanVals, double nanVal)
        : base(uri, dataKey, keyOfDim, nanVals, nanVal)
    {
        _anonymous = anonymous;
    }

    /// <inheritdoc/>
    protected override string? IndexType => null;

    public static NodeType Type { get; } = new(
        "data.Dataset",
        ["core.data.dataset_source.Dataset", "data.dataset_source.Dataset"],
        // 2: the output carries the whole file's bounds, uneven dims and index type, so Interpolate selects as PODPAC does.
        2,
        [
            .. CommonAttrs("data", "lat", "lon", "time", "alt"),
            new AttrSpec("anon", AttrType.Bool, JsonValue.Create(false)),
            new AttrSpec("infer_podpac_coords", AttrType.Bool, JsonValue.Create(false)),
            new AttrSpec("selection", AttrType.Any),
        ],
        InputSpec.None,
        extentDependent: true,
        Build);

    private static DatasetNode? Build(NodeBuildContext ctx)
    {
        if (!ctx.HasErrors && ctx.Attrs["selection"] is not null)
        {
            ctx.Error("selection", "must be null: pre-selecting the dataset is not supported yet");
        }
        if (!ctx.HasErrors && ctx.GetBool("infer_podpac_coords"))
        {
            ctx.Error("infer_podpac_coords", "must be false: coordinates are read from lat_key / lon_key / time_key / alt_key");
        }
        return BuildCommon(ctx) is { } c
            ? new DatasetNode(c.Uri, ctx.GetBool("anon"), c.DataKey, c.KeyOfDim, ctx.GetDoubles("nan_vals"), ctx.GetDouble("nan_val")) { SourceCrs = ctx.GetString("crs") ?? CrsNames.Default }
            : null;
    }

    public override string? ResolveSourceVersion() => H5Node.LocalVersion(Uri);

    public override ValueTask<string?> ResolveSourceVersionAsync(SourceServices? sources, CancellationToken cancellationToken) =>
        H5Node.RemoteVersionAsync(Uri, _anonymous, sources, cancellationToken);

    protected override IKeyedArrays Open(NodeContext context) => H5Node.OpenFile(Uri.FilePath!);

    protected override Task<IKeyedArrays> OpenAsync(NodeContext context) =>
        Uri.IsRemote ? H5Node.OpenRemoteAsync(context, Uri, _anonymous) : Task.FromResult(Open(context));

    protected override async Task<Coordinates1D> AxisAsync(IKeyedArrays file, string dim, string key, double[] values, CancellationToken ct)
    {
        if (dim != "time" || await file.TextAttributeAsync(key, "units", ct).ConfigureAwait(false) is not { } units)
        {
            return new ArrayCoordinates1D(dim, values);
        }
        var m = CfUnits().Match(units.Trim());
        if (!m.Success)
        {
            // Not a CF time ("K", say): xarray leaves it as numbers too.
            return new ArrayCoordinates1D(dim, values);
        }
        string? calendar = await file.TextAttributeAsync(key, "calendar", ct).ConfigureAwait(false);
        if (calendar is not null && calendar.Trim().ToLowerInvariant() is not ("standard" or "gregorian" or "proleptic_gregorian"))
        {
            throw new NotSupportedException($"'{key}' uses the CF calendar '{calendar}'; only standard, gregorian and proleptic_gregorian are decoded");
        }
        string[] formats = ["yyyy-M-d H:m:s", "yyyy-M-d H:m", "yyyy-M-d", "yyyy-M-d'T'H:m:s", "yyyy-M-d H:m:s.FFFFFFF", "yyyy-M-d'T'H:m:s.FFFFFFF"];
        if (!DateTime.TryParseExact(m.Groups["since"].Value.TrimEnd('Z').Trim(), formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var origin))
        {
            throw new NotSupportedException($"'{key}': cannot read the CF reference date in units '{units}'");
        }
        double seconds = m.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "day" or "days" or "d" => 86400,
            "hour" or "hours" or "hr" or "h" => 3600,
            "minute" or "minutes" or "min" => 60,
            _ => 1,
        };
        var counts = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var t = origin.AddSeconds(values[i] * seconds);
            counts[i] = TimeUnits.ToCount(t, TimeUnit.Second);
        }
        return new ArrayCoordinates1D(dim, counts, TimeUnit.Second);
    }

    [GeneratedRegex(@"^(?<unit>days?|d|hours?|hr|h|minutes?|min|seconds?|secs?|s)\s+since\s+(?<since>.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex CfUnits();
}

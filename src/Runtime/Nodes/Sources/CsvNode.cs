using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using nietras.SeparatedValues;
using PodCache.Runtime.Nodes.Interpolation;
using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Nodes.Sources;

/// <summary>
/// <c>data.CSV</c> (PODPAC <c>core.data.csv_source.CSV</c>, which reads with pandas <c>read_csv(header=0)</c>; here Sep): a CSV file
/// of points, one per row. The columns named (or numbered, from 0) by <c>lat_key</c> / <c>lon_key</c> / <c>time_key</c> /
/// <c>alt_key</c> that the file has are the coordinates; together, in column order, they form one stacked dim (e.g.
/// <c>lat_lon</c>, SEMANTICS §16), a single one a plain dim. <c>data_key</c> names the value column (default: the only
/// other column). Like every PODPAC source without interpolation, the node returns its own points around the request
/// (each coordinate selected outward, PODPAC's rule for unsorted values); wrap it in <c>Interpolate</c> (nearest) to
/// get the request's grid (case 035). Local files and http(s)/S3 objects (read whole through the block cache).
/// </summary>
internal sealed class CsvNode : Node
{
    /// <summary>The largest CSV file read.</summary>
    public const long MaxBytes = 1L << 30;

    private static readonly string[] DimNames = ["lat", "lon", "time", "alt"];

    private readonly SourceUri _uri;
    private readonly bool _anonymous;
    private readonly int? _header;
    private readonly JsonNode? _dataKey;
    private readonly Dictionary<string, JsonNode> _keyOfDim;
    private readonly double[] _nanVals;
    private readonly double _nanVal;
    private readonly string _crs;

    private CsvNode(SourceUri uri, bool anonymous, int? header, JsonNode? dataKey, Dictionary<string, JsonNode> keyOfDim,
        double[] nanVals, double nanVal, string crs)
    {
        _uri = uri;
        _anonymous = anonymous;
        _header = header;
        _dataKey = dataKey;
        _keyOfDim = keyOfDim;
        _nanVals = nanVals;
        _nanVal = nanVal;
        _crs = crs;
    }

    public static NodeType Type { get; } = new(
        "data.CSV",
        ["core.data.csv_source.CSV", "data.csv_source.CSV"],
        1,
        [
            new AttrSpec("source", AttrType.String, required: true),
            new AttrSpec("header", AttrType.Any, JsonValue.Create(0)),
            new AttrSpec("data_key", AttrType.Any),
            new AttrSpec("lat_key", AttrType.Any, JsonValue.Create("lat")),
            new AttrSpec("lon_key", AttrType.Any, JsonValue.Create("lon")),
            new AttrSpec("time_key", AttrType.Any, JsonValue.Create("time")),
            new AttrSpec("alt_key", AttrType.Any, JsonValue.Create("alt")),
            .. KeyedFileSource.FileAttrs,
            new AttrSpec("coordinate_index_type", AttrType.Choice, "numpy", choices: ["numpy", "slice", "xarray"]),
            new AttrSpec("anon", AttrType.Bool, JsonValue.Create(false)),
        ],
        InputSpec.None,
        // The points returned are those around the request's bounds.
        extentDependent: true,
        Build);

    private static CsvNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        var uri = KeyedFileSource.ParseSource(ctx);
        int? header = null;
        switch (ctx.Attrs["header"])
        {
            case null:
                break;
            case JsonValue v when Json.JsonNumbers.TryGetDouble(v, out var h) && h >= 0 && h == Math.Floor(h) && h < 1_000_000:
                header = (int)h;
                break;
            default:
                ctx.Error("header", "must be null (no header row) or the 0-based number of the row holding the column names");
                break;
        }
        var keyOfDim = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var dim in DimNames)
        {
            if (CheckKey(ctx, dim + "_key", allowNull: false) is { } key)
            {
                keyOfDim[dim] = key;
            }
        }
        if (ctx.Attrs["data_key"] is JsonArray)
        {
            ctx.Error("data_key", "must be one column: several data columns (PODPAC's multiple outputs) are not supported yet");
        }
        var dataKey = CheckKey(ctx, "data_key", allowNull: true);
        KeyedFileSource.CheckFileAttrs(ctx);
        if (ctx.HasErrors)
        {
            return null;
        }
        ctx.DeclareSource("source", uri!.IsRemote ? ctx.GetString("source")! : uri.FilePath!);
        return new CsvNode(uri, ctx.GetBool("anon"), header, dataKey, keyOfDim, ctx.GetDoubles("nan_vals"), ctx.GetDouble("nan_val"),
            ctx.GetString("crs") ?? CrsNames.Default);
    }

    /// <summary>A column key: a name, or a 0-based column number (PODPAC's <c>Union([Unicode(), Int()])</c>).</summary>
    private static JsonNode? CheckKey(NodeBuildContext ctx, string attr, bool allowNull)
    {
        var value = ctx.Attrs[attr];
        if (value is null && allowNull)
        {
            return null;
        }
        if (value is JsonValue v && (Json.JsonNumbers.TryGetString(v, out _)
            || (Json.JsonNumbers.TryGetDouble(v, out var n) && n >= 0 && n == Math.Floor(n) && n < int.MaxValue)))
        {
            return v;
        }
        ctx.Error(attr, allowNull
            ? "must be a column name, a 0-based column number or null (the only non-coordinate column)"
            : "must be a column name or a 0-based column number");
        return null;
    }

    public override string? ResolveSourceVersion()
    {
        if (_uri.IsRemote)
        {
            return "unresolved"; // resolved asynchronously before keys are computed (ResolveSourceVersionAsync)
        }
        var file = new FileInfo(_uri.FilePath!);
        return file.Exists ? $"mtime:{file.Length}:{file.LastWriteTimeUtc.Ticks}" : "missing";
    }

    public override async ValueTask<string?> ResolveSourceVersionAsync(SourceServices? sources, CancellationToken cancellationToken)
    {
        if (!_uri.IsRemote)
        {
            return ResolveSourceVersion();
        }
        var services = sources ?? throw new NodeEvaluationException($"'{_uri.Display}' is remote, and this runner has no source services");
        return (await services.Versions.ResolveAsync(_uri, _anonymous, cancellationToken).ConfigureAwait(false)).Token;
    }

    public override DataArray Evaluate(NodeContext context) => EvaluateAsync(context).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<DataArray> EvaluateAsync(NodeContext context)
    {
        var bytes = await ReadBytesAsync(context).ConfigureAwait(false);
        var table = Parse(bytes);
        return Select(table, context.Request);
    }

    private async Task<byte[]> ReadBytesAsync(NodeContext context)
    {
        if (!_uri.IsRemote)
        {
            string path = _uri.FilePath!;
            if (!File.Exists(path))
            {
                throw new NodeEvaluationException($"no CSV file at '{path}'");
            }
            var info = new FileInfo(path);
            if (info.Length > MaxBytes)
            {
                throw new NodeEvaluationException($"'{path}' has {info.Length:N0} bytes; CSV files of more than {MaxBytes:N0} are not read");
            }
            return await File.ReadAllBytesAsync(path, context.CancellationToken).ConfigureAwait(false);
        }
        var services = context.Sources ?? throw new NodeEvaluationException($"'{_uri.Display}' is remote, and this runner has no source services");
        var source = services.IO.Open(_uri, _anonymous);
        var bytes = services.Blocks is { } blocks
            ? await blocks.ReadObjectAsync(source, context.SourceVersion ?? "unresolved", context.Activity, MaxBytes, context.CancellationToken).ConfigureAwait(false)
            : await BlockCache.FetchObjectAsync(source, context.Activity?.For(_uri), MaxBytes, context.CancellationToken).ConfigureAwait(false);
        return bytes ?? throw new NodeEvaluationException($"no CSV file at '{_uri.Display}'");
    }

    /// <summary>The file's columns: names (or numbers as text without a header) and cells, rows of equal length.</summary>
    internal sealed record Table(string[] Columns, List<string[]> Rows);

    /// <summary>Reads the CSV text (UTF-8, a BOM skipped; quoted fields unescaped) with Sep; a ragged row is an error naming its line.</summary>
    internal Table Parse(byte[] bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new NodeEvaluationException($"'{_uri.Display}' is not UTF-8 text");
        }
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }
        string[]? columns = null;
        var rows = new List<string[]>();
        int row = 0;
        try
        {
            using var reader = Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true })
                .FromText(text);
            foreach (var r in reader)
            {
                var record = new string[r.ColCount];
                for (int i = 0; i < record.Length; i++) record[i] = r[i].ToString();
                int line = r.LineNumberFrom;
                if (_header is { } h && row < h)
                {
                    row++;
                    continue; // pandas: rows above the header row are skipped
                }
                row++;
                if (record.Length == 1 && record[0].Length == 0)
                {
                    continue; // a blank line, which pandas skips
                }
                if (columns is null && _header is not null)
                {
                    columns = record;
                    continue;
                }
                columns ??= Enumerable.Range(0, record.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
                if (record.Length != columns.Length)
                {
                    throw new NodeEvaluationException(
                        $"'{_uri.Display}' line {line}: {record.Length} fields, but the file has {columns.Length} columns");
                }
                rows.Add(record);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or ArgumentException)
        {
            throw new NodeEvaluationException($"'{_uri.Display}' is not valid CSV: {ex.Message.Split('\n')[0]}");
        }
        if (columns is null)
        {
            throw new NodeEvaluationException($"'{_uri.Display}' is empty{(_header is { } hr ? $" (no header row {hr})" : "")}");
        }
        return new Table(columns, rows);
    }

    /// <summary>The index of the column a key names.</summary>
    private int? Column(Table table, JsonNode key, bool required, string attr)
    {
        if (Json.JsonNumbers.TryGetString(key, out var name))
        {
            int i = Array.IndexOf(table.Columns, name);
            if (i >= 0 || !required) return i >= 0 ? i : null;
            throw new NodeEvaluationException($"'{_uri.Display}' has no column '{name}' ({attr}; columns: {string.Join(", ", table.Columns)})");
        }
        int n = Json.JsonNumbers.TryGetDouble(key, out var number) ? (int)number : -1;
        if (n < table.Columns.Length) return n;
        if (!required) return null;
        throw new NodeEvaluationException($"'{_uri.Display}' has {table.Columns.Length} columns; {attr} {n} is not one of them");
    }

    private DataArray Select(Table table, Coordinates request)
    {
        // The coordinate columns present, in column order (PODPAC's dims property).
        var dimOfColumn = new SortedDictionary<int, string>();
        foreach (var (dim, key) in _keyOfDim)
        {
            if (Column(table, key, required: false, dim + "_key") is { } c && !dimOfColumn.ContainsKey(c))
            {
                dimOfColumn[c] = dim;
            }
        }
        if (dimOfColumn.Count == 0)
        {
            throw new NodeEvaluationException($"'{_uri.Display}' has none of the coordinate columns lat_key, lon_key, time_key, alt_key name (columns: {string.Join(", ", table.Columns)})");
        }
        int dataColumn;
        if (_dataKey is null)
        {
            var others = Enumerable.Range(0, table.Columns.Length).Where(c => !dimOfColumn.ContainsKey(c)).ToArray();
            if (others.Length != 1)
            {
                throw new NodeEvaluationException(others.Length == 0
                    ? $"'{_uri.Display}' has no data column besides its coordinates"
                    : $"'{_uri.Display}' has several data columns ({string.Join(", ", others.Select(c => table.Columns[c]))}); name one with data_key");
            }
            dataColumn = others[0];
        }
        else
        {
            dataColumn = Column(table, _dataKey, required: true, "data_key")!.Value;
        }
        var parts = new List<ArrayCoordinates1D>();
        foreach (var (column, dim) in dimOfColumn)
        {
            parts.Add(ReadAxis(table, column, dim));
        }
        foreach (var p in parts)
        {
            if (!request.Contains(p.Name))
            {
                throw new NodeEvaluationException(
                    $"the request has no '{p.Name}' dim, which '{_uri.Display}' has (request dims: {string.Join(", ", request.Dims)})");
            }
        }
        var values = new double[table.Rows.Count];
        for (int r = 0; r < values.Length; r++)
        {
            values[r] = Number(table, r, dataColumn);
            if (!double.IsNaN(values[r]) && Array.IndexOf(_nanVals, values[r]) >= 0)
            {
                values[r] = _nanVal;
            }
        }
        // As PODPAC's DataSource.eval: the request (its dims the file has) in the file's CRS, then each coordinate
        // selected outward and the rows kept that every coordinate selects.
        var local = SourceRequest.For(request.Select(request.Dims.Where(d => parts.Any(p => p.Name == d))), _crs).Request;
        var keep = new bool[values.Length];
        Array.Fill(keep, true);
        foreach (var p in parts)
        {
            var axis = local[p.Name];
            OuterUnsorted(AxisValues.Comparable(p), AxisValues.Comparable(axis).Min(), AxisValues.Comparable(axis).Max(), keep);
        }
        // Interpolate's nearest selector (PODPAC passes it to the source's eval) takes, in the file's CRS, the point
        // nearest to each request cell, inside the bounds or not; those rows are returned too and named in an attr.
        HashSet<int>? nearest = null;
        if (parts.Count > 1)
        {
            var t = SourceRequest.For(request.Select(request.Dims.Where(d => parts.Any(p => p.Name == d))), _crs);
            nearest = StackedNearest.SelectNearest(new StackedCoordinates1D(parts), t.Request, t.Stacked);
            foreach (var i in nearest) keep[i] = true;
        }
        var rows = Enumerable.Range(0, values.Length).Where(i => keep[i]).ToArray();
        // PODPAC's DataSource output carries the whole file's bounds (attrs["bounds"]), which nearest's respect_bounds uses.
        // (Only in the file's own CRS: transformed, they would no longer be a box.)
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
        // The whole file's bounds, in the request's CRS as PODPAC's get_bounds(crs) gives them.
        attrs[StackedNearest.BoundsAttr] = parts.Count > 1
            ? StackedNearest.FormatBounds(((StackedCoordinates1D)BackStacked(new StackedCoordinates1D(parts), request.Crs).Axes[0]).Parts)
            : StackedNearest.FormatBounds(parts);
        if (nearest is not null)
        {
            attrs[StackedNearest.SelectorAttr] = string.Join(",", rows.Select((r, i) => (r, i)).Where(x => nearest.Contains(x.r)).Select(x => x.i));
        }
        Coordinates1D selected = parts.Count == 1 ? parts[0].Select(rows) : new StackedCoordinates1D(parts).Select(rows);
        var data = rows.Select(i => values[i]).ToArray();
        var coords = new Coordinates([selected], _crs);
        if (parts.Count == 1)
        {
            return new DataArray(SourceRequest.Back(coords, request.Crs), data);
        }
        return new DataArray(BackStacked((StackedCoordinates1D)selected, request.Crs), data, attrs);
    }

    /// <summary>
    /// PODPAC's outer selection of unsorted values (<c>_get_index_outer_nonmonotonic</c>): from the largest value at or
    /// below <paramref name="lo"/> to the smallest at or above <paramref name="hi"/>, unbounded where there is none.
    /// </summary>
    private static void OuterUnsorted(double[] values, double lo, double hi, bool[] keep)
    {
        double a = double.NegativeInfinity, b = double.PositiveInfinity;
        bool anyBelow = false, anyAbove = false;
        foreach (var v in values)
        {
            if (v <= lo && (!anyBelow || v > a)) { a = v; anyBelow = true; }
            if (v >= hi && (!anyAbove || v < b)) { b = v; anyAbove = true; }
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= (anyBelow ? a : double.NegativeInfinity) && values[i] <= (anyAbove ? b : double.PositiveInfinity)))
            {
                keep[i] = false;
            }
        }
    }

    /// <summary>The stacked points carried into the request's CRS, each (lat, lon) pair transformed together.</summary>
    private Coordinates BackStacked(StackedCoordinates1D stacked, string requestCrs)
    {
        if (!CoordinateTransform.Needed(_crs, requestCrs) || stacked.Part("lat") is not { } lat || stacked.Part("lon") is not { } lon)
        {
            return new Coordinates([stacked], requestCrs);
        }
        var x = lon.Points.ToArray();
        var y = lat.Points.ToArray();
        SpatialReference.Parse(_crs).TransformTo(SpatialReference.Parse(requestCrs), x, y);
        var parts = stacked.Parts.Select(p => p.Name switch
        {
            "lat" => new ArrayCoordinates1D("lat", y),
            "lon" => new ArrayCoordinates1D("lon", x),
            _ => p,
        }).ToArray();
        return new Coordinates([new StackedCoordinates1D(parts)], requestCrs);
    }

    private ArrayCoordinates1D ReadAxis(Table table, int column, string dim)
    {
        var values = new double[table.Rows.Count];
        if (dim != "time")
        {
            for (int r = 0; r < values.Length; r++)
            {
                values[r] = Number(table, r, column);
                if (!double.IsFinite(values[r]))
                {
                    throw new NodeEvaluationException($"'{_uri.Display}' row {r + 1}: the {dim} coordinate '{table.Rows[r][column]}' is not a finite number");
                }
            }
            return new ArrayCoordinates1D(dim, values);
        }
        var times = new DateTime[values.Length];
        TimeUnit unit = TimeUnit.Year;
        for (int r = 0; r < values.Length; r++)
        {
            if (!TimeUnits.TryParseIso(table.Rows[r][column], out times[r], out var u))
            {
                throw new NodeEvaluationException($"'{_uri.Display}' row {r + 1}: the time '{table.Rows[r][column]}' is not an ISO 8601 date or time");
            }
            unit = TimeUnits.Finer(unit, u);
        }
        for (int r = 0; r < values.Length; r++)
        {
            values[r] = TimeUnits.ToCount(times[r], unit);
        }
        return new ArrayCoordinates1D(dim, values, unit);
    }

    /// <summary>A cell as a number: empty, NaN and pandas' other missing markers are NaN; anything else not a number is an error.</summary>
    private double Number(Table table, int row, int column)
    {
        string text = table.Rows[row][column];
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }
        if (text.Length == 0 || text is "NaN" or "nan" or "NA" or "N/A" or "NULL" or "null" or "n/a" or "<NA>" or "-nan" or "-NaN")
        {
            return double.NaN;
        }
        if (text is "inf" or "Inf" or "Infinity") return double.PositiveInfinity;
        if (text is "-inf" or "-Inf" or "-Infinity") return double.NegativeInfinity;
        throw new NodeEvaluationException($"'{_uri.Display}' row {row + 1}, column '{table.Columns[column]}': '{text}' is not a number");
    }
}

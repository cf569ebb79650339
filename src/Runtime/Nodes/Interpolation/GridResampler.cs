namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// PODPAC 4's <c>InterpolationManager</c> for a gridded source (SEMANTICS §10): resamples a source output onto a
/// request grid by an <see cref="InterpolationDefinition"/>, in PODPAC's three steps:
/// <list type="number">
/// <item>Selection: for each entry, the first listed interpolator that can select its dims cuts the source along
/// them (<see cref="Selector"/>); every later step sees only the selected points.</item>
/// <item>The interpolator queue: for each entry, the first listed interpolator that supports the method and can
/// interpolate all of the entry's dims; none is an error.</item>
/// <item>One pass per entry, in definition order with the default last; each replaces its dims' points with the
/// request's and leaves the other dims as they are.</item>
/// </list>
/// Each pass is separable into 1-D passes where the method is (<see cref="LinePass"/>).
/// </summary>
internal sealed class GridResampler
{
    private static readonly string[] LatLon = ["lat", "lon"];

    /// <summary>
    /// The output attr in which a source names (comma-separated) its dims whose whole axis is not evenly spaced, so
    /// the selection treats them as PODPAC does even where the returned points look evenly spaced.
    /// </summary>
    public const string UnevenAttr = "uneven_dims";

    /// <summary>The dims of a source's whole <paramref name="axes"/> that are not evenly spaced, for <see cref="UnevenAttr"/>.</summary>
    public static string[] UnevenDims(IEnumerable<Coordinates1D> axes) =>
        axes.Where(a => a is not UniformCoordinates1D && !AxisScale.TryEvenlySpaced(AxisValues.Comparable(a), out _, out _, out _))
            .Select(a => a.Name)
            .ToArray();

    /// <summary>
    /// The output attr in which a file source says how PODPAC indexes it (its <c>coordinate_index_type</c>): with
    /// <see cref="SliceIndex"/> the points PODPAC's selector picks become one slice, the picks themselves when they
    /// are evenly spaced and otherwise every point from the first pick to the last, and nearest then rounds on that
    /// run as on a uniform axis. <c>data.Array</c> (numpy indexing) has no such attr.
    /// </summary>
    public const string IndexTypeAttr = "coordinate_index_type";

    /// <summary>The <see cref="IndexTypeAttr"/> value of Rasterio, Zarr and H5PY sources.</summary>
    public const string SliceIndex = "slice";

    private readonly bool _sliceIndex;

    private readonly Axis[] _axes;
    private double[] _data;
    private readonly int[] _shape;

    private GridResampler(DataArray aligned, Coordinates target)
    {
        _data = aligned.Data;
        _shape = aligned.Shape;
        _axes = new Axis[aligned.Rank];
        var uneven = aligned.Attrs.TryGetValue(UnevenAttr, out var list) ? list.Split(',') : [];
        _sliceIndex = aligned.Attrs.TryGetValue(IndexTypeAttr, out var indexType) && indexType == SliceIndex;
        for (int k = 0; k < _axes.Length; k++)
        {
            var a = new Axis(aligned.Coordinates.Axes[k], target.Axes[k]) { Uneven = uneven.Contains(aligned.Dims[k]) };
            if (StackedNearest.Bound(aligned, a.Source.Name) is { } b && a.Source.Size > 0)
            {
                a.Lo = Math.Min(a.Lo, a.Scale.Value(a.Source, b.Lo));
                a.Hi = Math.Max(a.Hi, a.Scale.Value(a.Source, b.Hi));
            }
            _axes[k] = a;
        }
    }

    /// <summary>
    /// <paramref name="aligned"/> (dims in request order) resampled to <paramref name="target"/> (the request in the
    /// source's CRS, same dims and order) by <paramref name="definition"/>, labelled with <paramref name="outCoords"/>
    /// (the request's own axes) except that dims left to <c>none</c> keep their selected source points.
    /// </summary>
    /// <exception cref="NodeEvaluationException">No listed interpolator can handle a dim, or a method cannot run on these points.</exception>
    public static DataArray Resample(DataArray aligned, Coordinates target, Coordinates outCoords, InterpolationDefinition definition)
    {
        var r = new GridResampler(aligned, target);
        var keys = r.Keys(definition);
        foreach (var (dims, entry) in keys)
        {
            r.Select(dims, entry);
        }
        var queue = keys.Select(k => (k.Dims, k.Entry, Kind: aligned.Length == 0 ? NoneOr(k.Entry) : r.Interpolator(k.Dims, k.Entry))).ToArray();
        var none = new bool[r._axes.Length];
        foreach (var (dims, _, kind) in queue)
        {
            if (kind == InterpolatorKind.None)
            {
                foreach (var d in dims) none[r.IndexOf(d)] = true;
            }
        }
        var labels = new Coordinates(outCoords.Axes.Select((a, k) => none[k] ? r._axes[k].Source.Select(r._axes[k].Picked) : a), outCoords.Crs);
        // PODPAC's size-0 shortcut: NaN on the output coordinates, which for 'none' dims are the selected points.
        if (aligned.Length == 0 || r._data.Length == 0)
        {
            return DataArray.Filled(labels, double.NaN);
        }
        // PODPAC's shortcut: one source value and one output point give that value, wherever the point lies.
        if (r._data.Length == 1 && labels.Size == 1)
        {
            return new DataArray(labels, [r._data[0]]);
        }
        foreach (var (dims, entry, kind) in queue)
        {
            r.Pass(dims, entry, kind);
        }
        return new DataArray(labels, r._data);
    }

    /// <summary>For an empty source only the 'none' dims matter (their labels); the rest is never run.</summary>
    private static InterpolatorKind NoneOr(InterpolationEntry entry) =>
        entry.Method == "none" ? InterpolatorKind.None : InterpolatorKind.NearestNeighbor;

    private int IndexOf(string dim) => Array.FindIndex(_axes, a => a.Source.Name == dim);

    /// <summary>PODPAC's config keys over the source's dims: each entry's dims (sorted), then the default's rest.</summary>
    private List<(string[] Dims, InterpolationEntry Entry)> Keys(InterpolationDefinition definition) =>
        Keys(definition, _axes.Select(a => a.Source.Name).ToArray());

    /// <summary>PODPAC's config keys over <paramref name="present"/> (the source's dims).</summary>
    internal static List<(string[] Dims, InterpolationEntry Entry)> Keys(InterpolationDefinition definition, IReadOnlyList<string> present)
    {
        var keys = new List<(string[], InterpolationEntry)>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in definition.Entries)
        {
            if (e.Dims is null)
            {
                var rest = present.Where(d => !named.Contains(d)).OrderBy(d => d, StringComparer.Ordinal).ToArray();
                if (rest.Length > 0) keys.Add((rest, e));
                continue;
            }
            named.UnionWith(e.Dims);
            var dims = e.Dims.Where(present.Contains).ToArray();
            if (dims.Length > 0) keys.Add((dims, e));
        }
        return keys;
    }

    /// <summary>
    /// The interpolator that selects for a key (<c>_select_interpolator_queue(..., "can_select")</c>): the first
    /// listed one that supports the method and can select all of <paramref name="dims"/>; null when none can, and
    /// then PODPAC reads the whole source along them.
    /// </summary>
    internal static InterpolatorKind? SelectorFor(string[] dims, InterpolationEntry entry)
    {
        bool spatial = dims.All(LatLon.Contains);
        bool selects = Interpolators.Selects(entry.Method);
        foreach (var kind in entry.Interpolators)
        {
            if (!Interpolators.MethodsSupported(kind).Contains(entry.Method)) continue;
            bool can = kind switch
            {
                InterpolatorKind.None => entry.Method == "none",
                InterpolatorKind.NearestPreview => true,
                InterpolatorKind.NearestNeighbor => selects && entry.Params.UseSelector,
                InterpolatorKind.Xarray => selects,
                _ => selects && spatial,
            };
            if (can) return kind;
        }
        return null;
    }

    /// <summary>
    /// The source indices <paramref name="kind"/> selects along one dim, and for NearestPreview the points it puts
    /// them on. <paramref name="lo"/>/<paramref name="hi"/> bound the whole source.
    /// </summary>
    internal static (int[] Indices, double[]? Points, double? Step) Selection(InterpolatorKind kind, string method, AxisScale scale,
        Coordinates1D source, double[] s, Coordinates1D target, double[] r, double lo, double hi, bool uneven = false) => kind switch
    {
        InterpolatorKind.NearestPreview => Selector.Preview(scale, source, s, target, r, lo, hi),
        InterpolatorKind.None => (Selector.Inner(source, s, r), null, null),
        _ => (Selector.Select(scale, source, s, target, r, Selector.Offsets(method), uneven: uneven), null, null),
    };

    private void Select(string[] dims, InterpolationEntry entry)
    {
        if (SelectorFor(dims, entry) is not { } k)
        {
            return;
        }
        foreach (var d in dims)
        {
            var a = _axes[IndexOf(d)];
            var (idx, points, step) = Selection(k, entry.Method, a.Scale, a.Source.Select(a.Picked), a.Points, a.Target, a.Request, a.Lo, a.Hi, a.Uneven);
            if (_sliceIndex && points is null)
            {
                idx = AsSlice(idx);
            }
            Take(IndexOf(d), idx);
            if (points is not null)
            {
                a.Points = points;
                a.UniformStep = step;
            }
        }
    }

    /// <summary>PODPAC's <c>_index2slice</c>: sorted distinct picks as one slice (evenly spaced ones keep their stride).</summary>
    internal static int[] AsSlice(int[] idx)
    {
        if (idx.Length < 3)
        {
            // One difference is always even: two picks are a slice with their own stride.
            return idx;
        }
        int stride = idx[1] - idx[0];
        for (int i = 2; i < idx.Length; i++)
        {
            if (idx[i] - idx[i - 1] != stride)
            {
                return [.. Enumerable.Range(idx[0], idx[^1] - idx[0] + 1)];
            }
        }
        return idx;
    }

    private void Take(int k, int[] idx)
    {
        _data = LinePass.Along(_data, _shape, k, idx.Length, LinePass.Gather(idx));
        var a = _axes[k];
        a.Points = idx.Select(i => a.Points[i]).ToArray();
        a.Picked = idx.Select(i => a.Picked[i]).ToArray();
    }

    private InterpolatorKind Interpolator(string[] dims, InterpolationEntry entry)
    {
        string? why = null;
        foreach (var kind in entry.Interpolators)
        {
            if (!Interpolators.MethodsSupported(kind).Contains(entry.Method)) continue;
            bool latlon = dims.Contains("lat") && dims.Contains("lon");
            bool can = kind switch
            {
                InterpolatorKind.Rasterio => latlon && LatLon.All(d => _axes[IndexOf(d)].Uniform),
                InterpolatorKind.ScipyGrid => latlon && dims.Length == 2,
                InterpolatorKind.ScipyPoint => false,
                _ => true,
            };
            if (!can)
            {
                why ??= kind switch
                {
                    InterpolatorKind.Rasterio => "RasterioInterpolator needs lat and lon in one entry, evenly spaced in both the source points and the request",
                    InterpolatorKind.ScipyGrid => "ScipyGrid handles exactly lat and lon together",
                    _ => "ScipyPoint needs stacked (scattered) source points",
                };
                continue;
            }
            if (!Interpolators.Implemented(kind, entry.Method))
            {
                throw new NodeEvaluationException($"{Interpolators.Name(kind)} with method '{entry.Method}' is not supported by PodCache");
            }
            return kind;
        }
        throw new NodeEvaluationException(
            $"dims [{string.Join(", ", dims)}] can't be handled by interpolation '{entry.Method}' with "
            + $"[{string.Join(", ", entry.Interpolators.Select(Interpolators.Name))}]" + (why is null ? "" : $" ({why})"));
    }

    private void Pass(string[] dims, InterpolationEntry entry, InterpolatorKind kind)
    {
        switch (kind)
        {
            case InterpolatorKind.None:
                return;
            case InterpolatorKind.NearestNeighbor or InterpolatorKind.NearestPreview:
                foreach (var d in dims) Nearest(IndexOf(d), entry.Params, kind == InterpolatorKind.NearestPreview);
                return;
            case InterpolatorKind.Xarray:
                foreach (var d in dims) Xarray(IndexOf(d), entry.Method);
                return;
            case InterpolatorKind.ScipyGrid:
                foreach (var d in LatLon) Grid(IndexOf(d), entry.Method);
                return;
            default:
                foreach (var d in dims.Where(d => !LatLon.Contains(d))) Exact(IndexOf(d));
                Raster(IndexOf("lat"), IndexOf("lon"), entry.Method);
                return;
        }
    }

    private void Replace(int k, LinePass.Kernel kernel)
    {
        var a = _axes[k];
        _data = LinePass.Along(_data, _shape, k, a.Request.Length, kernel);
        a.Points = a.Request;
    }

    /// <summary>NearestNeighbor / NearestPreview along one dim, with the entry's params.</summary>
    private void Nearest(int k, NearestParams p, bool preview)
    {
        var a = _axes[k];
        double tol = a.Source.Name switch
        {
            // NearestPreview's spatial_tolerance is a read-only None, which PODPAC skips.
            "lat" or "lon" => preview ? double.PositiveInfinity : p.SpatialTolerance,
            "alt" => p.AltTolerance,
            "time" => p.TimeTolerance is { } t ? a.Scale.Delta(t) ?? double.PositiveInfinity : double.PositiveInfinity,
            _ => double.PositiveInfinity,
        };
        var idx = new int[a.Request.Length];
        NearestNeighbor.OnSelected(a.Points, a.Request, a.Lo, a.Hi, idx, tol, p.RespectBounds, p.Rounding, a.UniformStep);
        Replace(k, LinePass.Gather(idx));
    }

    /// <summary>XarrayInterpolator along one dim: scipy <c>interp1d</c> over the points sorted ascending.</summary>
    private void Xarray(int k, string method)
    {
        var a = _axes[k];
        int n = a.Points.Length;
        var r = a.Request;
        if (n == 1)
        {
            // xarray selects a single-point dim by nearest: that point everywhere, no bounds check.
            Replace(k, LinePass.Gather(new int[r.Length]));
            return;
        }
        var order = Enumerable.Range(0, n).OrderBy(i => a.Points[i]).ToArray();
        var x = order.Select(i => a.Points[i]).ToArray();
        switch (method)
        {
            case "nearest":
            {
                var idx = new int[r.Length];
                for (int q = 0; q < r.Length; q++)
                {
                    if (!(r[q] >= x[0] && r[q] <= x[^1]))
                    {
                        idx[q] = -1;
                        continue;
                    }
                    // The midpoints between neighbours, searched from the left: a midpoint goes to the lower point.
                    int lo = 0, hi = n - 1;
                    while (lo < hi)
                    {
                        int mid = (lo + hi) >>> 1;
                        if (x[mid] + (x[mid + 1] - x[mid]) / 2 < r[q]) lo = mid + 1;
                        else hi = mid;
                    }
                    idx[q] = order[lo];
                }
                Replace(k, LinePass.Gather(idx));
                return;
            }
            case "linear" or "bilinear":
            {
                var lo = new int[r.Length];
                var hi = new int[r.Length];
                for (int q = 0; q < r.Length; q++)
                {
                    if (!(r[q] >= x[0] && r[q] <= x[^1]))
                    {
                        lo[q] = -1;
                        continue;
                    }
                    // searchsorted (left) clipped to [1, n-1]: an on-grid point uses the interval below it.
                    int i = Math.Clamp(LowerBound(x, r[q]), 1, n - 1);
                    lo[q] = i - 1;
                    hi[q] = i;
                }
                Replace(k, (line, res) =>
                {
                    for (int q = 0; q < res.Length; q++)
                    {
                        int l = lo[q];
                        if (l < 0)
                        {
                            res[q] = double.NaN;
                            continue;
                        }
                        int h = hi[q];
                        double yl = line[order[l]], yh = line[order[h]];
                        res[q] = (yh - yl) / (x[h] - x[l]) * (r[q] - x[l]) + yl;
                    }
                });
                return;
            }
            default:
            {
                var spline = new NotAKnotSpline(x);
                var cells = spline.Cells(r);
                // QUIRK (SEMANTICS §10.4): one NaN among the values entering the pass makes all of its output NaN.
                if (Array.Exists(_data, double.IsNaN))
                {
                    Replace(k, (_, res) => res.Fill(double.NaN));
                    return;
                }
                var y = new double[n];
                var m = new double[n];
                Replace(k, (line, res) =>
                {
                    for (int j = 0; j < n; j++) y[j] = line[order[j]];
                    spline.Evaluate(y, r, cells, res, m);
                });
                return;
            }
        }
    }

    /// <summary>ScipyGrid (scipy's RegularGridInterpolator) along lat or lon.</summary>
    private void Grid(int k, string method)
    {
        var a = _axes[k];
        int n = a.Points.Length;
        if (n < 2)
        {
            // A one-point grid: only that point itself is inside it.
            var one = new int[a.Request.Length];
            for (int q = 0; q < one.Length; q++) one[q] = n == 1 && a.Request[q] == a.Points[0] ? 0 : -1;
            Replace(k, LinePass.Gather(one));
            return;
        }
        // Descending axes are flipped ascending first.
        bool descending = a.Points[1] < a.Points[0];
        var x = descending ? a.Points.Reverse().ToArray() : a.Points;
        var r = a.Request;
        var lo = new int[r.Length];
        var w = new double[r.Length];
        for (int q = 0; q < r.Length; q++)
        {
            if (!(r[q] >= x[0] && r[q] <= x[^1]))
            {
                lo[q] = -1;
                continue;
            }
            // The interval whose left end is the last point ≤ r: an on-grid point uses the interval above it
            // (the last point the one below).
            int i = Math.Clamp(UpperBound(x, r[q]) - 1, 0, n - 2);
            lo[q] = i;
            w[q] = (r[q] - x[i]) / (x[i + 1] - x[i]);
        }
        int At(int i) => descending ? n - 1 - i : i;
        if (method == "nearest")
        {
            var idx = new int[r.Length];
            for (int q = 0; q < r.Length; q++)
            {
                idx[q] = lo[q] < 0 ? -1 : At(w[q] <= 0.5 ? lo[q] : lo[q] + 1);
            }
            Replace(k, LinePass.Gather(idx));
            return;
        }
        Replace(k, (line, res) =>
        {
            for (int q = 0; q < res.Length; q++)
            {
                int i = lo[q];
                res[q] = i < 0 ? double.NaN : line[At(i)] * (1 - w[q]) + line[At(i + 1)] * w[q];
            }
        });
    }

    /// <summary>
    /// RasterioInterpolator's loop over its other dims (<c>_loop_helper</c>): each request value must be a source
    /// value, as PODPAC indexes by label and raises otherwise.
    /// </summary>
    private void Exact(int k)
    {
        var a = _axes[k];
        var idx = new int[a.Request.Length];
        for (int q = 0; q < idx.Length; q++)
        {
            idx[q] = Array.IndexOf(a.Points, a.Request[q]);
            if (idx[q] < 0)
            {
                throw new NodeEvaluationException(
                    $"RasterioInterpolator interpolates lat/lon only and loops over '{a.Source.Name}', whose request point {a.Target.FormatPoint(a.Target[q])} is not a source point (PODPAC: 'Unexpected interpolation error')");
            }
        }
        Replace(k, LinePass.Gather(idx));
    }

    /// <summary>
    /// RasterioInterpolator (GDAL warp) over lat and lon. The selected points are a raster whose pixel edges lie
    /// half a step either side of each point; a request point maps to a fractional pixel position f, and is NaN
    /// outside [0, n) (half-open in storage order). <c>nearest</c> takes pixel ⌊f⌋; <c>bilinear</c> weighs the two
    /// pixels around f − ½ per axis, leaves out pixels beyond the raster and NaN (nodata) pixels, and divides by the
    /// weight that is left, so within half a pixel outside the outer centres the edge pixels are used alone.
    /// </summary>
    private void Raster(int klat, int klon, string method)
    {
        if (method == "bilinear")
        {
            foreach (var k in new[] { klat, klon })
            {
                var a = _axes[k];
                double src = Math.Abs((a.Points[^1] - a.Points[0]) / (a.Points.Length - 1));
                double dst = a.Request.Length > 1 ? Math.Abs((a.Request[^1] - a.Request[0]) / (a.Request.Length - 1)) : 0;
                // GDAL leaves its 4-pixel bilinear for a kernel widened by the scale once the output is coarser.
                if (dst > src * (1 + 1e-9))
                {
                    throw new NodeEvaluationException(
                        $"RasterioInterpolator bilinear onto a request coarser than the selected source along '{a.Source.Name}' (step {dst:G6} over {src:G6}; GDAL's widened kernel) is not supported by PodCache; use XarrayInterpolator's bilinear");
                }
            }
        }
        var (latLo, latW, latIn) = _axes[klat].Pixels();
        var (lonLo, lonW, lonIn) = _axes[klon].Pixels();
        if (method == "nearest")
        {
            Replace(klat, LinePass.Gather(Floor(latLo, latW, latIn)));
            Replace(klon, LinePass.Gather(Floor(lonLo, lonW, lonIn)));
            return;
        }
        // GDAL refuses a pixel whose own (containing) source pixel is nodata before it resamples.
        var own = (double[])_data.Clone();
        var valid = new double[_data.Length];
        var values = new double[_data.Length];
        for (int i = 0; i < _data.Length; i++)
        {
            bool ok = !double.IsNaN(_data[i]);
            valid[i] = ok ? 1 : 0;
            values[i] = ok ? _data[i] : 0;
        }
        var shape = (int[])_shape.Clone();
        own = LinePass.Along(own, shape, klat, latLo.Length, LinePass.Gather(Floor(latLo, latW, latIn)));
        own = LinePass.Along(own, shape, klon, lonLo.Length, LinePass.Gather(Floor(lonLo, lonW, lonIn)));
        var sums = new[] { values, valid };
        for (int s = 0; s < 2; s++)
        {
            var sh = (int[])_shape.Clone();
            var v = LinePass.Along(sums[s], sh, klat, latLo.Length, Weighted(latLo, latW, latIn, _axes[klat].Points.Length));
            sums[s] = LinePass.Along(v, sh, klon, lonLo.Length, Weighted(lonLo, lonW, lonIn, _axes[klon].Points.Length));
        }
        var result = new double[own.Length];
        for (int i = 0; i < result.Length; i++)
        {
            double weight = sums[1][i];
            result[i] = double.IsNaN(own[i]) || weight < 1e-5 ? double.NaN : weight == 1 ? sums[0][i] : sums[0][i] / weight;
        }
        _data = result;
        _shape[klat] = latLo.Length;
        _shape[klon] = lonLo.Length;
        _axes[klat].Points = _axes[klat].Request;
        _axes[klon].Points = _axes[klon].Request;
    }

    private static int[] Floor(int[] lo, double[] w, bool[] inside)
    {
        // lo/w describe f − ½; the containing pixel is ⌊f⌋ = lo + 1 when w ≥ ½.
        var idx = new int[lo.Length];
        for (int q = 0; q < idx.Length; q++) idx[q] = inside[q] ? (w[q] >= 0.5 ? lo[q] + 1 : lo[q]) : -1;
        return idx;
    }

    private static LinePass.Kernel Weighted(int[] lo, double[] w, bool[] inside, int n) => (line, res) =>
    {
        for (int q = 0; q < res.Length; q++)
        {
            if (!inside[q])
            {
                res[q] = 0;
                continue;
            }
            int i = lo[q];
            double sum = 0;
            if (i >= 0) sum += line[i] * (1 - w[q]);
            if (i + 1 < n) sum += line[i + 1] * w[q];
            res[q] = sum;
        }
    };

    private static int LowerBound(double[] a, double x)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(double[] a, double x)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>One dim's state: the source axis, the request axis, and the points the data currently lies on.</summary>
    private sealed class Axis
    {
        public Axis(Coordinates1D source, Coordinates1D target)
        {
            Source = source;
            Target = target;
            Scale = AxisScale.For(source, target);
            Points = Scale.Points(source);
            Request = Scale.Points(target);
            Picked = Enumerable.Range(0, source.Size).ToArray();
            Lo = double.PositiveInfinity;
            Hi = double.NegativeInfinity;
            foreach (var v in Points)
            {
                if (v < Lo) Lo = v;
                if (v > Hi) Hi = v;
            }
        }

        public Coordinates1D Source { get; }

        public Coordinates1D Target { get; }

        public AxisScale Scale { get; }

        /// <summary>The request's points on <see cref="Scale"/>.</summary>
        public double[] Request { get; }

        /// <summary>The points the data lies on now, on <see cref="Scale"/>.</summary>
        public double[] Points { get; set; }

        /// <summary>True when the source's whole axis is uneven (<see cref="UnevenAttr"/>).</summary>
        public bool Uneven { get; init; }

        /// <summary>NearestPreview's rebuilt uniform step for <see cref="Points"/>; null when they are the source's own.</summary>
        public double? UniformStep { get; set; }

        /// <summary>The source indices of <see cref="Points"/> while they are source points.</summary>
        public int[] Picked { get; set; }

        /// <summary>
        /// The bounds of the whole source: a data source's <see cref="StackedNearest.BoundsAttr"/> (PODPAC's
        /// <c>bounds</c> attr), else the source as evaluated.
        /// </summary>
        public double Lo { get; set; }

        /// <inheritdoc cref="Lo"/>
        public double Hi { get; set; }

        /// <summary>PODPAC's <c>is_uniform</c> for both the current points and the request.</summary>
        public bool Uniform =>
            AxisScale.TryEvenlySpaced(Points, out _, out _, out _)
            && (Target is UniformCoordinates1D || AxisScale.TryEvenlySpaced(Request, out _, out _, out _));

        /// <summary>
        /// Per request point, for the raster view of <see cref="Points"/>: the pixel ⌊f − ½⌋, the weight of the
        /// next pixel, and whether f lies in [0, n).
        /// </summary>
        public (int[] Lo, double[] W, bool[] Inside) Pixels()
        {
            int n = Points.Length;
            double step = (Points[^1] - Points[0]) / (n - 1), edge = Points[0] - step / 2;
            var lo = new int[Request.Length];
            var w = new double[Request.Length];
            var inside = new bool[Request.Length];
            for (int q = 0; q < lo.Length; q++)
            {
                double f = (Request[q] - edge) / step;
                inside[q] = f >= 0 && f < n;
                double g = f - 0.5, fl = Math.Floor(g);
                lo[q] = inside[q] ? (int)fl : 0;
                w[q] = g - fl;
            }
            return (lo, w, inside);
        }
    }
}

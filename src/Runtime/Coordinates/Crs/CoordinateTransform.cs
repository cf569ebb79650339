namespace PodCache.Runtime;

/// <summary>
/// Transforms request coordinates between coordinate reference systems as PODPAC's <c>Coordinates.transform</c> does
/// for a lat/lon grid (SEMANTICS §15): a 5×5 sample over the lat and lon bounds is transformed; when it is
/// separable the grid stays a grid, each axis uniform when both the original axis and the transformed sample are,
/// otherwise its points transformed along a diagonal across the other axis's bounds.
/// </summary>
public static class CoordinateTransform
{
    private const double Rtol = 1e-5;
    private const double Atol = 1e-8;

    /// <summary>Transforms <paramref name="coords"/> into <paramref name="toCrs"/>.</summary>
    /// <exception cref="CrsTransformException">A CRS PodCache cannot transform, or a grid it cannot keep as a grid.</exception>
    public static Coordinates Transform(Coordinates coords, string toCrs)
    {
        ArgumentNullException.ThrowIfNull(coords);
        ArgumentNullException.ThrowIfNull(toCrs);
        var from = Parse(coords.Crs);
        var to = Parse(toCrs);
        if (from.Equals(to))
        {
            return new Coordinates(coords.Axes, toCrs);
        }
        int ilat = coords.IndexOf("lat");
        int ilon = coords.IndexOf("lon");
        if (coords.Contains("alt") && !to.HasVerticalUnits)
        {
            throw new CrsTransformException(
                $"the coordinates have an 'alt' dim, but the CRS '{toCrs}' gives no vertical units (PODPAC needs e.g. +vunits=m to transform alt)");
        }
        if ((ilat < 0) != (ilon < 0))
        {
            throw new CrsTransformException($"cannot transform {(ilat >= 0 ? "lat" : "lon")} coordinates without {(ilat >= 0 ? "lon" : "lat")} coordinates");
        }
        if (ilat < 0)
        {
            return new Coordinates(coords.Axes, toCrs);
        }
        if (Math.Abs(ilat - ilon) != 1)
        {
            throw new CrsTransformException("cannot transform coordinates whose lat and lon dims are not adjacent; transpose them first");
        }
        var lat = coords.Axes[ilat];
        var lon = coords.Axes[ilon];
        if (lat.Size == 0 || lon.Size == 0)
        {
            throw new CrsTransformException("cannot transform empty lat/lon coordinates");
        }

        // 1. The sample: 5 x 5 points over the bounds, meshgrid with lat along the first axis.
        var latSample = Linspace(lat.Min, lat.Max, 5);
        var lonSample = Linspace(lon.Min, lon.Max, 5);
        var sx = new double[25];
        var sy = new double[25];
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                sx[i * 5 + j] = lonSample[j];
                sy[i * 5 + j] = latSample[i];
            }
        }
        from.TransformTo(to, sx, sy);
        CheckFinite(sx, sy, coords.Crs, toCrs);

        // 2. Separable: every column of the transformed lat equals the first, every row of the transformed lon the first.
        for (int i = 0; i < 5; i++)
        {
            for (int j = 1; j < 5; j++)
            {
                if (!Close(sy[i * 5 + j], sy[i * 5]) || !Close(sx[j * 5 + i], sx[i]))
                {
                    throw new CrsTransformException(
                        $"the lat/lon grid is not a grid in {toCrs} (the transformed lat and lon are not separable); PODPAC makes 2-D stacked coordinates of it, which PodCache keeps only inside Interpolate and raster selection",
                        notSeparable: true);
                }
            }
        }
        var tLatSample = new double[5];
        var tLonSample = new double[5];
        for (int i = 0; i < 5; i++)
        {
            tLatSample[i] = sy[i * 5];
            tLonSample[i] = sx[i];
        }

        // 3. Each axis on its own.
        var axes = coords.Axes.ToArray();
        axes[ilat] = TransformAxis(lat, lon, tLatSample, isLat: true, from, to, coords.Crs, toCrs);
        axes[ilon] = TransformAxis(lon, lat, tLonSample, isLat: false, from, to, coords.Crs, toCrs);
        return new Coordinates(axes, toCrs);
    }

    /// <summary>True when a transform from <paramref name="fromCrs"/> to <paramref name="toCrs"/> changes anything.</summary>
    public static bool Needed(string fromCrs, string toCrs) => !CrsNames.AreEquivalent(fromCrs, toCrs);

    private static Coordinates1D TransformAxis(Coordinates1D self, Coordinates1D other, double[] sample, bool isLat,
        SpatialReference from, SpatialReference to, string fromCrs, string toCrs)
    {
        var simplified = Simplify(sample);
        if (simplified is { } s && self.IsUniform)
        {
            // The sample's uniform axis is anchored at its start, as PODPAC's UniformCoordinates1d is.
            double start = s.Start, stop = s.Start + s.Step * (sample.Length - 1);
            if (self.Size > 1 && self[1] < self[0])
            {
                (start, stop) = (stop, start);
            }
            return Linspace(self.Name, start, stop, self.Size, self.Unit);
        }
        int n = self.Size;
        var mine = self.Points.ToArray();
        double[] others;
        if (n > 1 && other.Size > 1)
        {
            others = Linspace(other.Min, other.Max, n);
        }
        else if (n == other.Size)
        {
            others = other.Points.ToArray();
        }
        else
        {
            double mean = 0;
            foreach (var v in other.Points) mean += v;
            mean /= other.Size;
            others = Enumerable.Repeat(mean, n).ToArray();
        }
        var x = isLat ? others : mine;
        var y = isLat ? mine : others;
        from.TransformTo(to, x, y);
        CheckFinite(x, y, fromCrs, toCrs);
        var values = isLat ? y : x;
        return Simplify(values) is { } u
            ? UniformCoordinates1D.FromStep(self.Name, u.Start, u.Stop, u.Step, self.Unit)
            : new ArrayCoordinates1D(self.Name, values, self.Unit);
    }

    /// <summary>PODPAC's <c>ArrayCoordinates1d.simplify</c>: uniform when monotonic and every delta is close to the first.</summary>
    private static (double Start, double Stop, double Step)? Simplify(double[] values)
    {
        if (values.Length < 2)
        {
            return null;
        }
        double sign = Math.Sign(values[1] - values[0]);
        double d0 = (values[1] - values[0]) * sign;
        for (int i = 1; i < values.Length; i++)
        {
            double d = (values[i] - values[i - 1]) * sign;
            if (!(d > 0) || !Close(d, d0))
            {
                return null;
            }
        }
        double first = values[0], last = values[^1];
        return (first, last, (last - first) / (values.Length - 1));
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= Atol + Rtol * Math.Abs(b);

    /// <summary>numpy's <c>linspace</c>: <c>start + i·step</c> with the last point exactly <c>stop</c>.</summary>
    private static double[] Linspace(double start, double stop, int n)
    {
        var v = new double[n];
        if (n == 1)
        {
            v[0] = start;
            return v;
        }
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        v[^1] = stop;
        return v;
    }

    /// <summary>PODPAC's <c>clinspace(start, stop, size)</c>: a uniform axis anchored at start.</summary>
    private static Coordinates1D Linspace(string name, double start, double stop, int size, TimeUnit? unit)
    {
        if (size == 1 || start == stop)
        {
            return new ArrayCoordinates1D(name, Enumerable.Repeat(start, size).ToArray(), unit);
        }
        double step = (stop - start) / (size - 1);
        double newStop = start + (size - 1) * step;
        double newStep = (newStop - start) / (size - 1);
        return UniformCoordinates1D.FromParts(name, start, newStop, newStep, size, unit);
    }

    private static SpatialReference Parse(string crs) =>
        SpatialReference.TryParse(crs, out var r, out var error) ? r : throw new CrsTransformException(error!);

    private static void CheckFinite(double[] x, double[] y, string fromCrs, string toCrs)
    {
        for (int i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
            {
                throw new CrsTransformException($"the coordinates fall outside where {fromCrs} can be transformed to {toCrs}");
            }
        }
    }
}

/// <summary>A coordinate transform PodCache cannot do; the message says why.</summary>
public sealed class CrsTransformException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CrsTransformException(string message, bool notSeparable = false) : base(message)
    {
        NotSeparable = notSeparable;
    }

    /// <summary>True when the CRSs are fine but the transformed lat/lon grid is no longer a grid.</summary>
    public bool NotSeparable { get; }
}

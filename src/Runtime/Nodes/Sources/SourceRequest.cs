namespace PodCache.Runtime.Nodes.Sources;

/// <summary>
/// A request as a data source in another CRS sees it (SEMANTICS §15): its lat/lon transformed into the source's CRS.
/// When the transformed grid is still a grid, <see cref="Request"/> is that grid. When it is not (a lat/lon grid in
/// a UTM zone is rotated by the meridian convergence), PODPAC makes 2-D stacked coordinates; here
/// <see cref="Stacked"/> is true and <see cref="Request"/>'s lat and lon axes each hold every transformed point,
/// flattened in the request's dim order (the first of lat and lon outermost). Selection by bounds works on both.
/// </summary>
internal sealed class SourceRequest
{
    private SourceRequest(Coordinates request, bool stacked)
    {
        Request = request;
        Stacked = stacked;
    }

    /// <summary>The request's dims in the source's CRS (see the class remarks for the stacked form).</summary>
    public Coordinates Request { get; }

    /// <summary>True when lat and lon are paired point lists rather than a grid.</summary>
    public bool Stacked { get; }

    /// <summary>Transforms <paramref name="request"/> into <paramref name="sourceCrs"/>.</summary>
    /// <exception cref="NodeEvaluationException">A CRS PodCache cannot transform; the message names both.</exception>
    public static SourceRequest For(Coordinates request, string sourceCrs)
    {
        if (!CoordinateTransform.Needed(request.Crs, sourceCrs))
        {
            return new SourceRequest(request, false);
        }
        try
        {
            return new SourceRequest(CoordinateTransform.Transform(request, sourceCrs), false);
        }
        catch (CrsTransformException ex) when (ex.NotSeparable)
        {
            return new SourceRequest(Points(request, sourceCrs), true);
        }
        catch (CrsTransformException ex)
        {
            throw new NodeEvaluationException($"cannot transform the request from {request.Crs} to the source's {sourceCrs}: {ex.Message}");
        }
    }

    /// <summary>
    /// Transforms a source's output coordinates back to the request's CRS, as PODPAC's DataSource does after
    /// selecting.
    /// </summary>
    /// <exception cref="NodeEvaluationException">The output cannot be transformed back to a grid.</exception>
    public static Coordinates Back(Coordinates output, string requestCrs)
    {
        if (!CoordinateTransform.Needed(output.Crs, requestCrs) || output.Size == 0)
        {
            return new Coordinates(output.Axes, requestCrs);
        }
        try
        {
            return CoordinateTransform.Transform(output, requestCrs);
        }
        catch (CrsTransformException ex)
        {
            throw new NodeEvaluationException($"cannot transform the source's points from {output.Crs} back to the request's {requestCrs}: {ex.Message}");
        }
    }

    /// <summary>The request's lat/lon meshgrid transformed point by point; other dims as they are.</summary>
    private static Coordinates Points(Coordinates request, string crs)
    {
        int ilat = request.IndexOf("lat"), ilon = request.IndexOf("lon");
        var lat = request.Axes[ilat];
        var lon = request.Axes[ilon];
        bool latOuter = ilat < ilon;
        int n = checked(lat.Size * lon.Size);
        var x = new double[n];
        var y = new double[n];
        int k = 0;
        int outer = latOuter ? lat.Size : lon.Size, inner = latOuter ? lon.Size : lat.Size;
        for (int i = 0; i < outer; i++)
        {
            for (int j = 0; j < inner; j++, k++)
            {
                y[k] = latOuter ? lat[i] : lat[j];
                x[k] = latOuter ? lon[j] : lon[i];
            }
        }
        var from = SpatialReference.Parse(request.Crs);
        var to = SpatialReference.Parse(crs);
        from.TransformTo(to, x, y);
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
            {
                throw new NodeEvaluationException($"the request's points fall outside where {request.Crs} can be transformed to {crs}");
            }
        }
        var axes = request.Axes.ToArray();
        axes[ilat] = new ArrayCoordinates1D("lat", y, lat.Unit);
        axes[ilon] = new ArrayCoordinates1D("lon", x, lon.Unit);
        return new Coordinates(axes, crs);
    }

    /// <summary>
    /// The index into a source's flattened lat/lon points of a request cell at lat index <paramref name="iLat"/> and
    /// lon index <paramref name="iLon"/>, for <see cref="Stacked"/> requests.
    /// </summary>
    public static int PointIndex(Coordinates request, int iLat, int iLon) =>
        request.IndexOf("lat") < request.IndexOf("lon")
            ? iLat * request["lon"].Size + iLon
            : iLon * request["lat"].Size + iLat;

    /// <summary>The <c>crs</c> attr of a data source: null, or a CRS PodCache can transform.</summary>
    internal static void CheckAttr(NodeBuildContext ctx)
    {
        if (ctx.GetString("crs") is { } crs && !SpatialReference.TryParse(crs, out _, out var error))
        {
            ctx.Error("crs", error!);
        }
    }
}

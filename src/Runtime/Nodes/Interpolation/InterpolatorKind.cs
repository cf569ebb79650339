namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>PODPAC 4's interpolator classes, in the order PODPAC tries them when a definition names none.</summary>
internal enum InterpolatorKind
{
    /// <summary><c>NoneInterpolator</c>: the source points inside the request, unresampled.</summary>
    None,

    /// <summary><c>NearestNeighbor</c>.</summary>
    NearestNeighbor,

    /// <summary><c>XarrayInterpolator</c>: xarray's <c>interp</c>, one scipy <c>interp1d</c> pass per dim.</summary>
    Xarray,

    /// <summary><c>RasterioInterpolator</c>: GDAL's warp over the lat/lon raster.</summary>
    Rasterio,

    /// <summary><c>ScipyPoint</c>: stacked (scattered) lat/lon sources only.</summary>
    ScipyPoint,

    /// <summary><c>ScipyGrid</c>: scipy's <c>RegularGridInterpolator</c> over lat/lon.</summary>
    ScipyGrid,

    /// <summary><c>NearestPreview</c>: nearest on a source strided to about the request's step.</summary>
    NearestPreview,
}

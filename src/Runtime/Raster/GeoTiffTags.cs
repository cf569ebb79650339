using BitMiracle.LibTiff.Classic;

namespace PodCache.Runtime.Raster;

/// <summary>The GeoTIFF and GDAL tags and GeoKeys PodCache reads and writes.</summary>
internal static class GeoTiffTags
{
    /// <summary>ModelPixelScaleTag (33550): pixel size in model units (X, Y, Z).</summary>
    public const TiffTag ModelPixelScale = TiffTag.GEOTIFF_MODELPIXELSCALETAG;

    /// <summary>ModelTiepointTag (33922): raster point (I, J, K) tied to model point (X, Y, Z).</summary>
    public const TiffTag ModelTiepoint = TiffTag.GEOTIFF_MODELTIEPOINTTAG;

    /// <summary>ModelTransformationTag (34264): a 4x4 raster-to-model matrix, row-major.</summary>
    public const TiffTag ModelTransformation = TiffTag.GEOTIFF_MODELTRANSFORMATIONTAG;

    /// <summary>GeoKeyDirectoryTag (34735).</summary>
    public const TiffTag GeoKeyDirectory = TiffTag.GEOTIFF_GEOKEYDIRECTORYTAG;

    /// <summary>GDAL_NODATA (42113): the nodata value as ASCII text.</summary>
    public const TiffTag GdalNoData = (TiffTag)42113;

    /// <summary>GTModelTypeGeoKey: 1 projected, 2 geographic, 3 geocentric.</summary>
    public const int GTModelTypeGeoKey = 1024;

    /// <summary>GTRasterTypeGeoKey: 1 PixelIsArea (default), 2 PixelIsPoint.</summary>
    public const int GTRasterTypeGeoKey = 1025;

    /// <summary>GeographicTypeGeoKey (GeodeticCRSGeoKey in GeoTIFF 1.1): the EPSG code of a geographic CRS.</summary>
    public const int GeographicTypeGeoKey = 2048;

    /// <summary>ProjectedCSTypeGeoKey (ProjectedCRSGeoKey in GeoTIFF 1.1): the EPSG code of a projected CRS.</summary>
    public const int ProjectedCSTypeGeoKey = 3072;

    /// <summary>GeoKey value meaning "user-defined" (no EPSG code).</summary>
    public const int UserDefined = 32767;

    /// <summary>
    /// Field descriptions for the tags LibTiff does not know, merged into a writer instance with
    /// <see cref="Tiff.MergeFieldInfo"/> (per instance, so no global tag extender is needed).
    /// </summary>
    public static TiffFieldInfo[] WriterFields() =>
    [
        new(ModelPixelScale, -1, -1, TiffType.DOUBLE, FieldBit.Custom, true, true, "ModelPixelScaleTag"),
        new(ModelTiepoint, -1, -1, TiffType.DOUBLE, FieldBit.Custom, true, true, "ModelTiepointTag"),
        new(ModelTransformation, -1, -1, TiffType.DOUBLE, FieldBit.Custom, true, true, "ModelTransformationTag"),
        new(GeoKeyDirectory, -1, -1, TiffType.SHORT, FieldBit.Custom, true, true, "GeoKeyDirectoryTag"),
        new(GdalNoData, -1, -1, TiffType.ASCII, FieldBit.Custom, true, false, "GDAL_NODATA"),
    ];
}

namespace PodCache.Runtime.Nodes;

/// <summary>
/// PODPAC's node types that PodCache knows but does not run, each with the reason a pipeline naming it is told
/// (docs/datalib.md has the whole catalogue, supported nodes included). Datalib nodes are listed under every name a
/// pipeline may use: <c>datalib.MODULE.CLASS</c> (what PODPAC 3 writes), <c>datalib.CLASS</c> for the classes
/// <c>podpac.datalib</c> exports, and the <c>podpacdatalib</c> package's names that PODPAC 4 writes as
/// <c>"plugin": "podpacdatalib.MODULE"</c>.
/// </summary>
internal static class UnsupportedNodes
{
    private const string Earthdata = "it needs a NASA Earthdata login (urs.earthdata.nasa.gov)";
    private const string NoPython = "PodCache runs no Python code";

    public static IEnumerable<UnsupportedNodeType> All =>
    [
        // Core data sources.
        Core("pydap_source", "PyDAP", "an OPeNDAP (DAP2) dataset read with pydap",
            "PodCache speaks no OPeNDAP; read the dataset's NetCDF file over http(s) with data.Dataset instead"),
        Core("ogr", "OGR", "vector features rasterized with GDAL/OGR", "PodCache reads no vector formats"),
        Core("zarr_memory_source", "ZarrMemory", "a Zarr store held in a Python process's memory",
            "its store is a Python object that pipeline JSON cannot carry; write it to a Zarr folder or URL and read it with data.Zarr"),
        Core("datasource", "DataSource", "the base class of every PODPAC data source",
            "it reads nothing itself; name a concrete source such as data.Zarr or data.Raster"),
        Core("reprojection", "ReprojectedSource", "a source evaluated on other coordinates and interpolated back",
            "PODPAC 4 deprecates it for algorithm.Reproject (core.algorithm.reprojection.Reproject), which PodCache runs: "
            + "give its coordinates as the Reproject node's coordinates attr and source_interpolation as interpolation"),

        // Core algorithms and the rest of PODPAC 4's classes; every other spelling PODPAC loads is found through PodpacNames.
        Class("core.algorithm.generic.Generic", "Python code in its 'code' attr, run on its inputs",
            NoPython + "; if the code is an expression, algorithm.Arithmetic evaluates numexpr's syntax"),
        Class("core.algorithm.generic.GenericInputs", "the base of nodes whose inputs are named freely", "it computes nothing itself; name a concrete node"),
        Class("core.algorithm.generic.Combine", "its inputs stacked along an 'output' dim (a multi-output node)",
            "PodCache's arrays have no 'output' dim; evaluate each input as a node of its own"),
        Class("core.algorithm.stats.DayOfYearWindow", "a statistic over a moving day-of-year window",
            "its function is Python code that a subclass supplies; " + NoPython),
        Class("alglib.climatology.BetaFitDayOfYear", "a beta distribution fitted to each day-of-year window (scipy.stats.beta.fit)",
            "not yet: PodCache has no distribution fitting"),
        .. new[]
        {
            "core.algorithm.algorithm.Algorithm", "core.algorithm.algorithm.BaseAlgorithm", "core.algorithm.algorithm.UnaryAlgorithm",
            "core.algorithm.coord_select.ModifyCoordinates", "core.algorithm.stats.Reduce", "core.algorithm.stats.ReduceOrthogonal",
            "core.compositor.compositor.BaseCompositor", "core.data.file_source.BaseFileSource", "core.node.Node",
        }.Select(c => Class(c, "an abstract base class", "it computes nothing itself; name a concrete node")),
        .. new[] { "core.cache.cache_interface.CacheNode", "core.cache.hash_cache.HashCache", "core.cache.zarr_cache.ZarrCache" }
            .Select(c => Class(c, "PODPAC's explicit cache around a source",
                "PodCache caches every node's output itself: put the wrapped source in its place (per-node settings go in the node's \"cache\" key)")),
        .. new[]
        {
            ("core.managers.aws.Lambda", "evaluation on AWS Lambda"), ("core.managers.multi_process.Process", "evaluation in a subprocess"),
            ("core.managers.parallel.Parallel", "evaluation in threads over chunks"), ("core.managers.parallel.ParallelAsync", "asynchronous evaluation over chunks"),
            ("core.managers.parallel.ParallelOutputZarr", "evaluation over chunks written to a Zarr store"),
            ("core.managers.parallel.ParallelAsyncOutputZarr", "asynchronous evaluation over chunks written to a Zarr store"),
        }.Select(m => Class(m.Item1, $"an execution manager ({m.Item2})",
            "PodCache schedules, parallelises and caches evaluation itself: put the wrapped source in its place (podcache serve and its cluster spread the work)")),

        // podpac.datalib (PODPAC 3; podpacdatalib in PODPAC 4).
        .. Datalib("cosmos_stations", ["COSMOSStations"], ["COSMOSStationsRaw", "COSMOSStation"],
            "soil moisture of the COSMOS cosmic-ray probe network",
            "it scrapes the COSMOS web site's station pages (http://cosmos.hwr.arizona.edu/Probes/) with BeautifulSoup; PodCache does not call that service"),
        .. Datalib("egi", ["EGI"], [], "a granule subset ordered from NASA's EGI service (https://n5eil01u.ecs.nsidc.org/egi/request)",
            Earthdata + " and NSIDC's EGI ordering service, which PodCache does not call"),
        .. Datalib("smap_egi", ["SMAP"], [], "SMAP soil moisture ordered from NASA's EGI service",
            Earthdata + " and NSIDC's EGI ordering service (https://n5eil01u.ecs.nsidc.org/egi/request), which PodCache does not call"),
        .. Datalib("gfs", ["GFS", "GFSLatest"], ["GFSSourceRaw"], "NOAA GFS forecasts from the S3 bucket noaa-gfs-pds",
            "it lists the noaa-gfs-pds bucket with s3fs and expects GeoTIFFs under parameter/level/date/hour keys; PodCache has no GFS catalogue "
            + "(read a forecast GeoTIFF with data.Raster)"),
        .. Datalib("intake_catalog", ["IntakeCatalog"], [], "a source from a Python intake catalog",
            "it runs intake's Python drivers; " + NoPython),
        .. Datalib("modis_pds", ["MODIS"], ["MODISComposite", "MODISSource"], "MODIS tiles from the modis-pds S3 bucket",
            "it needs the modis-pds bucket's tile catalogue and MODIS's sinusoidal grid; PodCache has no such catalogue and does not reproject sources"),
        .. Datalib("satutils", ["Landsat8", "Sentinel2"], ["SatUtils", "SatUtilsSource"],
            "Landsat 8 / Sentinel-2 scenes found through a STAC API with sat-search",
            "it searches a STAC API with the Python sat-search client (and Sentinel-2's bucket is requester-pays: it needs an AWS account); "
            + "PodCache has no STAC search (read a scene's COG with data.Raster)"),
        .. Datalib("soilgrids", [], ["SoilGridsBase", "SoilGridsWRB", "SoilGridsBDOD", "SoilGridsCEC", "SoilGridsCFVO", "SoilGridsClay",
                "SoilGridsNitrogen", "SoilGridsPHH2O", "SoilGridsSand", "SoilGridsSilt", "SoilGridsSOC", "SoilGridsOCS", "SoilGridsOCD"],
            "a SoilGrids layer from ISRIC's WCS service (https://maps.isric.org)",
            "PodCache has no built-in SoilGrids catalogue; use data.WCS with the layer's map URL, e.g. https://maps.isric.org/mapserv?map=/map/clay.map"),
        .. Datalib("soilscape", ["SoilSCAPE20min"], ["SoilSCAPE20minRaw", "SoilSCAPENode"],
            "SoilSCAPE soil moisture stations from ORNL DAAC's THREDDS server",
            Earthdata + " for https://thredds.daac.ornl.gov and composites scattered stations, which PodCache does not do"),
        .. Datalib("terraintiles", [], ["TerrainTilesSourceRaw"], "one elevation tile of the bucket elevation-tiles-prod",
            "PODPAC builds it inside TerrainTiles for each tile; name datalib.terraintiles.TerrainTiles, or read one tile with data.Rasterio "
            + "(source s3://elevation-tiles-prod/geotiff/Z/X/Y.tif, anon true, crs EPSG:3857)"),
        .. Datalib("weathercitizen", ["WeatherCitizen"], [], "crowd-sourced observations from the WeatherCitizen API (https://api.weathercitizen.org)",
            "it queries the WeatherCitizen web API and decodes its protobuf bursts with a downloaded Python module; PodCache does not call that service"),

        // Datalib modules PODPAC removed before 3.0, still named by older pipelines.
        .. Datalib("smap", [], ["SMAPSourceRaw", "SMAPProperties", "SMAPPorosity", "SMAPWilt", "SMAPDateFolder", "SMAPRaw", "SMAPBestAvailable",
                "SMAPCompositor"], "SMAP soil moisture through NSIDC's OPeNDAP server (removed in PODPAC 3)",
            Earthdata + " and NSIDC's OPeNDAP server; PodCache speaks no OPeNDAP"),
        new UnsupportedNodeType("datalib.smap.SMAP", ["podpac.datalib.smap.SMAP"], "SMAP soil moisture through NSIDC's OPeNDAP server (removed in PODPAC 3)",
            Earthdata + " and NSIDC's OPeNDAP server; PodCache speaks no OPeNDAP"),
        .. Datalib("airmoss", [], ["AirMOSS", "AirMOSS_Source", "AirMOSS_Site"], "AirMOSS root-zone soil moisture through ORNL DAAC's OPeNDAP server (removed in PODPAC 2)",
            Earthdata + " and ORNL DAAC's OPeNDAP server; PodCache speaks no OPeNDAP"),
    ];

    /// <summary>A PODPAC class under its own module path; its other spellings are PodpacNames'.</summary>
    private static UnsupportedNodeType Class(string path, string description, string reason) => new(path, [], description, reason);

    private static UnsupportedNodeType Core(string module, string cls, string description, string reason) =>
        new($"data.{cls}", [$"core.data.{module}.{cls}", $"data.{module}.{cls}"], description, reason);

    /// <summary>
    /// The entries of one datalib module: <paramref name="exported"/> classes also under <c>datalib.CLASS</c>, the
    /// <paramref name="others"/> only under their module.
    /// </summary>
    private static IEnumerable<UnsupportedNodeType> Datalib(string module, string[] exported, string[] others, string description, string reason)
    {
        foreach (var cls in exported.Concat(others))
        {
            var aliases = new List<string> { $"podpac.datalib.{module}.{cls}", $"podpacdatalib.{module}.{cls}" };
            if (exported.Contains(cls))
            {
                aliases.AddRange([$"datalib.{cls}", $"podpac.datalib.{cls}", $"podpacdatalib.{cls}"]);
            }
            yield return new UnsupportedNodeType($"datalib.{module}.{cls}", aliases, description, reason);
        }
    }
}

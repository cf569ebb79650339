using PodCache.Runtime.Nodes.Sources;

namespace PodCache.Runtime.Nodes.Datalib;

/// <summary>
/// <c>datalib.drought_monitor.DroughtMonitorCategory</c>: PODPAC's drought-monitor parameters, a <c>data.Zarr</c>
/// subclass that only adds a display style (<c>clim [0, 0.6]</c>, <c>gist_earth_r</c>), so it takes data.Zarr's attrs and
/// defaults and reads as data.Zarr does. Its store holds one array per category threshold, <c>d0</c> … <c>d4</c>
/// (<c>data_key</c>), over lat / lon (and, in PODPAC's own store, day-of-2018 time) coordinates. A type of its own so
/// that its keys are not data.Zarr's.
/// </summary>
internal static class DroughtMonitorCategory
{
    public static NodeType Type { get; } = new(
        "datalib.drought_monitor.DroughtMonitorCategory",
        DatalibNames.Aliases("drought_monitor", "DroughtMonitorCategory"),
        // 2 with data.Zarr 2: its output carries what Interpolate selects by.
        2,
        [.. ZarrNode.Type.Attrs.Where(a => !NodeType.CommonAttrs.Contains(a))],
        InputSpec.None,
        extentDependent: ZarrNode.Type.ExtentDependent,
        ZarrNode.Type.Factory);
}

using PodCache.Runtime.Nodes.Algorithms;
using PodCache.Runtime.Nodes.Sources;

namespace PodCache.Runtime.Nodes;

/// <summary>The node types PodCache ships.</summary>
internal static class BuiltInNodes
{
    public static IEnumerable<NodeType> All =>
    [
        ArrayNode.Type,
        ArangeNode.Type,
        SinCoordsNode.Type,
        CoordDataNode.Type,
        RasterNode.Type,
        H5Node.Type,
        ZarrNode.Type,
        DatasetNode.Type,
        CsvNode.Type,
        WcsNode.Type,
        .. Algorithms.Stats.ReduceNode.Types,
        Algorithms.Stats.GroupReduceNode.GroupReduceType,
        Algorithms.Stats.GroupReduceNode.DayOfYearType,
        Algorithms.Stats.ResampleReduceNode.Type,
        Compositors.OrderedCompositorNode.Type,
        Compositors.TileCompositorNode.Type,
        Interpolation.InterpolateNode.Type,
        Interpolation.ReprojectNode.Type,
        ArithmeticNode.Type,
        ConvolutionNode.Type,
        MaskNode.Type,
        Algorithms.CoordSelect.ExpandCoordinatesNode.Type,
        Algorithms.CoordSelect.SelectCoordinatesNode.Type,
        Algorithms.CoordSelect.YearSubstituteCoordinatesNode.Type,
        Algorithms.CoordSelect.TransformTimeUnitsNode.Type,
        Datalib.DroughtMonitorCategory.Type,
        Datalib.DroughtCategoryNode.Type,
        Datalib.TerrainTilesNode.Type,
        Datalib.TerrainTilesNode.CompositeType,
    ];
}

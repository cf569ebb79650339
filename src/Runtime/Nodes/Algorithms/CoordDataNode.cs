namespace PodCache.Runtime.Nodes.Algorithms;

/// <summary>
/// <c>algorithm.CoordData</c>: the request's coordinate values along one dim, as a 1-D output over that dim
/// (time as the integer count of the axis' own unit since 1970).
/// </summary>
internal sealed class CoordDataNode : Node
{
    private readonly string _dim;

    private CoordDataNode(string dim) => _dim = dim;

    public static NodeType Type { get; } = new(
        "algorithm.CoordData",
        ["core.algorithm.utility.CoordData", "algorithm.utility.CoordData"],
        1,
        [new AttrSpec("coord_name", AttrType.Choice, required: true, choices: ["time", "lat", "lon", "alt"])],
        InputSpec.None, extentDependent: false,
        ctx => ctx.HasErrors ? null : new CoordDataNode(ctx.GetString("coord_name")!));

    public override DataArray Evaluate(NodeContext context)
    {
        var request = context.Request;
        if (!request.Contains(_dim))
        {
            throw new NodeEvaluationException($"coord_name '{_dim}' is not a dim of the request (dims: {string.Join(", ", request.Dims)})");
        }
        var axis = request[_dim];
        return new DataArray(new Coordinates([axis], request.Crs), axis.Points.ToArray());
    }
}

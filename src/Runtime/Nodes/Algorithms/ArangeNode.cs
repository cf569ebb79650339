namespace PodCache.Runtime.Nodes.Algorithms;

/// <summary><c>algorithm.Arange</c>: each cell holds its row-major index in the request grid.</summary>
internal sealed class ArangeNode : Node
{
    public static NodeType Type { get; } = new(
        "algorithm.Arange",
        ["core.algorithm.utility.Arange", "algorithm.utility.Arange"],
        1, [], InputSpec.None, extentDependent: true, _ => new ArangeNode());

    public override DataArray Evaluate(NodeContext context)
    {
        var request = context.Request;
        var v = GC.AllocateUninitializedArray<double>(checked((int)request.Size));
        for (int i = 0; i < v.Length; i++) v[i] = i;
        return new DataArray(request, v);
    }
}

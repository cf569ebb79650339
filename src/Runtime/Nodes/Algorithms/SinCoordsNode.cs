namespace PodCache.Runtime.Nodes.Algorithms;

/// <summary>
/// <c>algorithm.SinCoords</c>: the product over all request dims of <c>sin(π·c/90)</c>; for time, c is whole hours
/// since 1970.
/// </summary>
internal sealed class SinCoordsNode : Node
{
    public static NodeType Type { get; } = new(
        "algorithm.SinCoords",
        ["core.algorithm.utility.SinCoords", "algorithm.utility.SinCoords"],
        1, [], InputSpec.None, extentDependent: false, _ => new SinCoordsNode());

    public override DataArray Evaluate(NodeContext context)
    {
        var request = context.Request;
        var result = GC.AllocateUninitializedArray<double>(checked((int)request.Size));
        result.AsSpan().Fill(1.0);
        if (result.Length == 0)
        {
            return new DataArray(request, result);
        }
        var shape = request.Shape;
        var strides = DataArray.StridesOf(shape);
        for (int d = 0; d < request.Rank; d++)
        {
            var axis = request.Axes[d];
            var factors = new double[axis.Size];
            for (int i = 0; i < factors.Length; i++)
            {
                double c = axis.Unit is { } u ? TimeUnits.ToWholeHours(axis[i], u) : axis[i];
                factors[i] = Math.Sin(Math.PI * c / 90.0);
            }
            // Multiply every cell by the factor of its index along dim d.
            long stride = strides[d];
            int size = shape[d];
            for (long block = 0; block < result.Length; block += stride * size)
            {
                for (int i = 0; i < size; i++)
                {
                    var span = result.AsSpan((int)(block + i * stride), (int)stride);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(span, factors[i], span);
                }
            }
        }
        return new DataArray(request, result);
    }
}

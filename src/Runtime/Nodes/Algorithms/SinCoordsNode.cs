namespace PodCache.Runtime.Nodes.Algorithms;

/// <summary>
/// <c>algorithm.SinCoords</c>: the product over all request dims of <c>sin(π·c/90)</c>. For time, c is what PODPAC's
/// <c>astype("datetime64[h]").astype(float)</c> gives on xarray's coordinate: the time floored to the hour, but still
/// in xarray's nanoseconds since 1970 (xarray keeps datetime64[ns] whatever unit it is cast to), so c is a multiple of
/// 3.6e12 and the sine of a huge argument — PODPAC's value, kept (conformance case 152).
/// </summary>
internal sealed class SinCoordsNode : Node
{
    public static NodeType Type { get; } = new(
        "algorithm.SinCoords",
        ["core.algorithm.utility.SinCoords", "algorithm.utility.SinCoords"],
        1, [], InputSpec.None, extentDependent: false, _ => new SinCoordsNode());

    private const long NanosecondsPerHour = 3_600_000_000_000L;

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
                double c = axis.Unit is { } u ? (double)(TimeUnits.ToWholeHours(axis[i], u) * NanosecondsPerHour) : axis[i];
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

using PodCache.Runtime.Nodes.Algorithms;
using PodCache.Runtime.Nodes.Algorithms.Expressions;

namespace PodCache.Runtime.Nodes.Datalib;

/// <summary>
/// <c>datalib.drought_monitor.DroughtCategory</c>: the drought category (0 = exceptional … 5 = none, 6 = wet) of a soil
/// moisture from the five category thresholds <c>d0</c> … <c>d4</c> (inputs, usually DroughtMonitorCategory nodes), as
/// PODPAC computes it: piecewise linear between the thresholds. PODPAC's formula is kept exactly, quirks included — the
/// last segment divides by <c>0.75 - d1</c> (not <c>0.75 - d0</c>), a moisture below 0 is 0, and numpy's arithmetic
/// gives NaN where a segment's bounds coincide (0 × ∞) or a value is NaN. The inputs are aligned like Arithmetic's.
/// </summary>
internal sealed class DroughtCategoryNode : Node
{
    /// <summary>PODPAC's <c>DroughtCategory.algorithm</c>, term for term and in its order.</summary>
    internal const string Formula =
        "(soil_moisture >= 0) * (soil_moisture < d4) * ((soil_moisture - 0) / (d4 - 0) + 0)"
        + " + (soil_moisture >= d4) * (soil_moisture < d3) * ((soil_moisture - d4) / (d3 - d4) + 1)"
        + " + (soil_moisture >= d3) * (soil_moisture < d2) * ((soil_moisture - d3) / (d2 - d3) + 2)"
        + " + (soil_moisture >= d2) * (soil_moisture < d1) * ((soil_moisture - d2) / (d1 - d2) + 3)"
        + " + (soil_moisture >= d1) * (soil_moisture < d0) * ((soil_moisture - d1) / (d0 - d1) + 4)"
        + " + (soil_moisture >= d0) * (soil_moisture < 0.75) * ((soil_moisture - d0) / (0.75 - d1) + 5)"
        + " + (soil_moisture >= 0.75) * 6";

    private static readonly string[] Slots = ["soil_moisture", "d0", "d1", "d2", "d3", "d4"];

    private static readonly ArithmeticExpression Expression = ArithmeticExpression.Parse(Formula, Slots);

    public static NodeType Type { get; } = new(
        "datalib.drought_monitor.DroughtCategory",
        DatalibNames.Aliases("drought_monitor", "DroughtCategory"),
        1,
        [],
        InputSpec.Named(Slots),
        extentDependent: false,
        _ => new DroughtCategoryNode());

    public override DataArray Evaluate(NodeContext context)
    {
        var inputs = Slots.Select(context.Input).ToArray();
        var output = Alignment.OutputCoordinates(inputs, context.Request);
        var aligned = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int i = 0; i < inputs.Length; i++)
        {
            aligned[Slots[i]] = Alignment.Broadcast(inputs[i], output);
        }
        var result = GC.AllocateUninitializedArray<double>(checked((int)output.Size));
        Expression.Evaluate(aligned, result);
        return new DataArray(output, result).TransposeToRequest(context.Request);
    }
}

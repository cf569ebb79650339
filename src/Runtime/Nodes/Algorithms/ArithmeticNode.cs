using System.Text.Json.Nodes;
using PodCache.Runtime.Nodes.Algorithms.Expressions;

namespace PodCache.Runtime.Nodes.Algorithms;

/// <summary>
/// <c>algorithm.Arithmetic</c>: an expression over named inputs, aligned by label (outer join). The expression is
/// parsed by PodCache's own grammar (numexpr's operators and functions) and evaluated vectorised; never a scripting
/// engine.
/// </summary>
internal sealed class ArithmeticNode : Node
{
    private static readonly string[] Reserved =
        ["eqn", "params", "inputs", "output", "outputs", "units", "style", "cache_ctrl", "cache_output", "force_eval", "dtype"];

    private readonly ArithmeticExpression _expression;

    private ArithmeticNode(ArithmeticExpression expression) => _expression = expression;

    public static NodeType Type { get; } = new(
        "algorithm.Arithmetic",
        ["core.algorithm.generic.Arithmetic", "algorithm.generic.Arithmetic"],
        1,
        [
            new AttrSpec("eqn", AttrType.String, required: true),
            new AttrSpec("params", AttrType.Object, new JsonObject()),
        ],
        InputSpec.Free(Reserved),
        extentDependent: false,
        Build);

    private static ArithmeticNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        string eqn = ctx.GetString("eqn")!;
        if (string.IsNullOrWhiteSpace(eqn))
        {
            ctx.Error("eqn", "is empty");
            return null;
        }
        var parameters = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (ctx.Attrs["params"] is JsonObject p)
        {
            foreach (var kv in p) parameters[kv.Key] = kv.Value;
        }
        try
        {
            string text = PythonFormat.Substitute(eqn, parameters);
            return new ArithmeticNode(ArithmeticExpression.Parse(text, ctx.Slots.ToArray()));
        }
        catch (ExpressionException ex)
        {
            ctx.Error("eqn", ex.Message);
            return null;
        }
    }

    public override DataArray Evaluate(NodeContext context)
    {
        var slots = context.Slots;
        var inputs = new DataArray[slots.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = context.Input(slots[i]);
        }
        var output = inputs.Length == 0 ? context.Request : Alignment.OutputCoordinates(inputs, context.Request);
        var aligned = new Dictionary<string, double[]>(inputs.Length, StringComparer.Ordinal);
        for (int i = 0; i < inputs.Length; i++)
        {
            aligned[context.Slots[i]] = Alignment.Broadcast(inputs[i], output);
        }
        var result = GC.AllocateUninitializedArray<double>(checked((int)output.Size));
        _expression.Evaluate(aligned, result);
        return new DataArray(output, result).TransposeToRequest(context.Request);
    }
}

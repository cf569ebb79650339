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
    // The slots the node was built with, and for each of the expression's variables its index among them.
    private readonly string[] _slots;
    private readonly int[] _variableSlots;

    private ArithmeticNode(ArithmeticExpression expression, string[] slots)
    {
        _expression = expression;
        _slots = slots;
        _variableSlots = expression.Variables.Select(v => Array.IndexOf(slots, v)).ToArray();
    }

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
            var slots = ctx.Slots.ToArray();
            return new ArithmeticNode(ArithmeticExpression.Parse(text, slots), slots);
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
        var aligned = new double[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            aligned[i] = Alignment.Broadcast(inputs[i], output);
        }
        var result = GC.AllocateUninitializedArray<double>(checked((int)output.Size));
        if (HasBuildSlots(slots))
        {
            _expression.Evaluate(aligned, _variableSlots, result);
        }
        else
        {
            var bySlot = new Dictionary<string, double[]>(inputs.Length, StringComparer.Ordinal);
            for (int i = 0; i < inputs.Length; i++)
            {
                bySlot[slots[i]] = aligned[i];
            }
            _expression.Evaluate(bySlot, result);
        }
        return new DataArray(output, result).TransposeToRequest(context.Request);
    }

    /// <summary>True when the context's slots are the ones the node was built with (always, from a pipeline).</summary>
    private bool HasBuildSlots(IReadOnlyList<string> slots)
    {
        if (slots.Count != _slots.Length)
        {
            return false;
        }
        for (int i = 0; i < _variableSlots.Length; i++)
        {
            int s = _variableSlots[i];
            if (s < 0 || !string.Equals(slots[s], _slots[s], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}

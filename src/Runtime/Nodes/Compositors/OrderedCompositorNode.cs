using System.Numerics;
using System.Text.Json.Nodes;

namespace PodCache.Runtime.Nodes.Compositors;

/// <summary>
/// <c>compositor.OrderedCompositor</c> (SEMANTICS §8): starts from NaN on the request grid and copies, source by
/// source in priority order, every finite cell into cells still unfilled. The copy is positional, not by label, and
/// ±inf counts as missing. Sources are evaluated one at a time and the rest are skipped once every cell is filled.
/// </summary>
internal sealed class OrderedCompositorNode : CompositorNode
{
    private OrderedCompositorNode(CompositorAttrs attrs)
        : base(attrs)
    {
    }

    public static NodeType Type { get; } = new(
        "compositor.OrderedCompositor",
        ["core.compositor.ordered_compositor.OrderedCompositor", "compositor.ordered_compositor.OrderedCompositor"],
        1,
        CompositorAttrSpecs,
        InputSpec.Sources,
        // Each output cell is the first finite source value at that cell; which sources happen to be evaluated
        // (early stop) never changes a value, so the result at a point does not depend on the request's extent.
        extentDependent: false,
        Build);

    private static OrderedCompositorNode? Build(NodeBuildContext ctx) => ReadAttrs(ctx) is { } attrs ? new OrderedCompositorNode(attrs) : null;

    /// <inheritdoc/>
    /// <remarks>With <c>source_coordinates</c>, which sources run depends on the request, so all are asked for through <see cref="NextInput"/>.</remarks>
    public override IReadOnlyList<string> InitialInputs(IReadOnlyList<string> slots) => slots.Count == 0 || Select is not null ? [] : [slots[0]];

    /// <inheritdoc/>
    public override string? NextInput(NodeContext context)
    {
        var request = Effective(context.Request);
        var selected = Selected(context);
        var computed = Computed(context, request, selected);
        if (computed.Count == selected.Count || (computed.Count > 0 && AllFilled(computed, checked((int)request.Size))))
        {
            return null;
        }
        return selected[computed.Count];
    }

    /// <inheritdoc/>
    public override DataArray Evaluate(NodeContext context)
    {
        var request = Effective(context.Request);
        var result = GC.AllocateUninitializedArray<double>(checked((int)request.Size));
        result.AsSpan().Fill(double.NaN);
        foreach (var source in Computed(context, request, Selected(context)))
        {
            FillFrom(result, source);
        }
        return new DataArray(request, result);
    }

    /// <summary>The computed sources, in priority order, each checked and in the request's dims order.</summary>
    private static List<double[]> Computed(NodeContext context, Coordinates request, IReadOnlyList<string> selected)
    {
        var list = new List<double[]>(selected.Count);
        foreach (var slot in selected)
        {
            // The executor computes sources strictly in order, so the computed ones are a prefix.
            if (!context.Has(slot))
            {
                break;
            }
            list.Add(Checked(slot, context.Input(slot), request));
        }
        return list;
    }

    private static double[] Checked(string slot, DataArray data, Coordinates request)
    {
        if (data.Rank != request.Rank || request.Dims.Any(d => !data.Coordinates.Contains(d)))
        {
            throw new NodeEvaluationException(
                $"cannot composite {slot} with dims [{string.Join(", ", data.Dims)}] on the requested dims " +
                $"[{string.Join(", ", request.Dims)}]; set the compositor's 'dims' attr to ignore extra requested dims");
        }
        var aligned = data.TransposeToRequest(request);
        var shape = aligned.Shape;
        var expected = request.Shape;
        if (!shape.AsSpan().SequenceEqual(expected))
        {
            throw new NodeEvaluationException(
                $"{slot} has shape [{string.Join(", ", shape)}] but the request has shape [{string.Join(", ", expected)}]; " +
                "OrderedCompositor copies cells by position, so every source must match the request's shape");
        }
        return aligned.Data;
    }

    /// <summary>Copies finite source cells into result cells that are still NaN (unfilled: only finite values are copied).</summary>
    private static void FillFrom(double[] result, double[] source)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<double>.Count;
            for (; i <= result.Length - w; i += w)
            {
                var r = new Vector<double>(result, i);
                var s = new Vector<double>(source, i);
                var take = ~Vector.Equals(r, r) & Vector.Equals(s - s, Vector<double>.Zero);
                Vector.ConditionalSelect(take, s, r).CopyTo(result, i);
            }
        }
        for (; i < result.Length; i++)
        {
            if (double.IsNaN(result[i]) && double.IsFinite(source[i]))
            {
                result[i] = source[i];
            }
        }
    }

    /// <summary>True when every cell is finite in at least one of <paramref name="sources"/>.</summary>
    private static bool AllFilled(List<double[]> sources, int size)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<double>.Count;
            for (; i <= size - w; i += w)
            {
                var any = Vector<long>.Zero;
                foreach (var s in sources)
                {
                    var v = new Vector<double>(s, i);
                    any |= Vector.Equals(v - v, Vector<double>.Zero);
                }
                if (!Vector.EqualsAll(any, Vector<long>.AllBitsSet))
                {
                    return false;
                }
            }
        }
        for (; i < size; i++)
        {
            bool filled = false;
            foreach (var s in sources)
            {
                if (double.IsFinite(s[i]))
                {
                    filled = true;
                    break;
                }
            }
            if (!filled)
            {
                return false;
            }
        }
        return true;
    }
}

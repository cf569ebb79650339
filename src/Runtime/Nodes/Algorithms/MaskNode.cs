using System.Numerics;
using System.Text.Json.Nodes;

namespace PodCache.Runtime.Nodes.Algorithms;

/// <summary>
/// <c>algorithm.Mask</c> (SEMANTICS §5): a copy of <c>source</c> in which every cell where
/// <c>mask bool_op bool_val</c> holds becomes <c>masked_val</c> (NaN by default). The mask applies by position,
/// not by label: the source's dims are taken in the mask's order, followed by the source's other dims, and a mask
/// with fewer dims applies to every slice of those. QUIRK: a mask with a dim the source lacks masks nothing.
/// </summary>
internal sealed class MaskNode : Node
{
    private readonly MaskOp _op;
    private readonly double _boolVal;
    private readonly double _maskedVal;

    private MaskNode(MaskOp op, double boolVal, double maskedVal)
    {
        _op = op;
        _boolVal = boolVal;
        _maskedVal = maskedVal;
    }

    private enum MaskOp
    {
        Equal,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
    }

    public static NodeType Type { get; } = new(
        "algorithm.Mask",
        ["core.algorithm.generic.Mask", "algorithm.generic.Mask"],
        1,
        [
            new AttrSpec("bool_op", AttrType.Choice, "==", choices: ["==", "<", "<=", ">", ">="]),
            new AttrSpec("bool_val", AttrType.Number, JsonValue.Create(1.0)),
            new AttrSpec("masked_val", AttrType.NullableNumber),
            // Every evaluation makes a fresh array, so in_place has no visible effect (as in PODPAC).
            new AttrSpec("in_place", AttrType.Bool, false),
        ],
        InputSpec.Named("source", "mask"),
        extentDependent: false,
        Build);

    private static MaskNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        var op = ctx.GetString("bool_op") switch
        {
            "<" => MaskOp.Less,
            "<=" => MaskOp.LessOrEqual,
            ">" => MaskOp.Greater,
            ">=" => MaskOp.GreaterOrEqual,
            _ => MaskOp.Equal,
        };
        return new MaskNode(op, ctx.GetDouble("bool_val"), ctx.GetNullableDouble("masked_val") ?? double.NaN);
    }

    public override DataArray Evaluate(NodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var source = context.Input("source");
        var mask = context.Input("mask");
        var sourceDims = source.Dims;
        var maskDims = mask.Dims;
        if (maskDims.Any(d => !sourceDims.Contains(d)))
        {
            // PODPAC's UnitsDataArray.set returns without touching anything when the mask has a dim the source lacks.
            return source;
        }
        var sourceShape = source.Shape;
        var maskShape = mask.Shape;
        for (int i = 0; i < maskDims.Count; i++)
        {
            int size = sourceShape[source.Coordinates.IndexOf(maskDims[i])];
            if (size != maskShape[i])
            {
                throw new NodeEvaluationException(
                    $"the mask's '{maskDims[i]}' has {maskShape[i]} points but the source's has {size}; Mask applies the mask " +
                    "by position, so every dim they share must have the same size");
            }
        }
        var result = GC.AllocateUninitializedArray<double>(source.Length);
        if (result.Length > 0)
        {
            bool leading = true;
            for (int i = 0; i < maskDims.Count && leading; i++)
            {
                leading = sourceDims[i] == maskDims[i];
            }
            if (leading)
            {
                ApplyLeading(source.Data, mask.Data, result);
            }
            else
            {
                ApplyStrided(source, mask, result);
            }
        }
        return new DataArray(source.Coordinates, result, source.Attrs);
    }

    /// <summary>The mask's dims are the source's first dims in the same order: each mask cell covers one contiguous block.</summary>
    private void ApplyLeading(double[] source, double[] mask, double[] result)
    {
        int block = source.Length / mask.Length;
        if (block == 1)
        {
            Select(source, mask, result);
            return;
        }
        for (int m = 0; m < mask.Length; m++)
        {
            var target = result.AsSpan(m * block, block);
            if (Holds(mask[m]))
            {
                target.Fill(_maskedVal);
            }
            else
            {
                source.AsSpan(m * block, block).CopyTo(target);
            }
        }
    }

    /// <summary>Cell by cell: <c>result = (mask op bool_val) ? masked_val : source</c>, vectorised.</summary>
    private void Select(ReadOnlySpan<double> source, ReadOnlySpan<double> mask, Span<double> result)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<double>.Count)
        {
            var bv = new Vector<double>(_boolVal);
            var fill = new Vector<double>(_maskedVal);
            for (; i <= source.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var m = new Vector<double>(mask[i..]);
                var hit = _op switch
                {
                    MaskOp.Less => Vector.LessThan(m, bv),
                    MaskOp.LessOrEqual => Vector.LessThanOrEqual(m, bv),
                    MaskOp.Greater => Vector.GreaterThan(m, bv),
                    MaskOp.GreaterOrEqual => Vector.GreaterThanOrEqual(m, bv),
                    _ => Vector.Equals(m, bv),
                };
                Vector.ConditionalSelect(hit, fill, new Vector<double>(source[i..])).CopyTo(result[i..]);
            }
        }
        for (; i < source.Length; i++)
        {
            result[i] = Holds(mask[i]) ? _maskedVal : source[i];
        }
    }

    /// <summary>General case: walk the source in its own order, tracking the matching mask cell through per-dim strides.</summary>
    private void ApplyStrided(DataArray source, DataArray mask, double[] result)
    {
        var shape = source.Shape;
        int rank = shape.Length;
        var maskStrides = DataArray.StridesOf(mask.Shape);
        var strideOf = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            int m = mask.Coordinates.IndexOf(source.Dims[d]);
            strideOf[d] = m >= 0 ? maskStrides[m] : 0;
        }
        var hits = new bool[mask.Length];
        var maskData = mask.Data;
        for (int m = 0; m < hits.Length; m++) hits[m] = Holds(maskData[m]);
        var src = source.Data;
        var idx = new int[rank];
        int last = rank - 1;
        int inner = shape[last];
        long innerStride = strideOf[last];
        long pos = 0;
        while (true)
        {
            long maskOffset = 0;
            for (int d = 0; d < last; d++) maskOffset += idx[d] * strideOf[d];
            for (int j = 0; j < inner; j++, pos++)
            {
                result[pos] = hits[maskOffset + j * innerStride] ? _maskedVal : src[pos];
            }
            int k = last - 1;
            while (k >= 0)
            {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
                k--;
            }
            if (k < 0) break;
        }
    }

    /// <summary>The comparison; false whenever the mask cell (or bool_val) is NaN.</summary>
    private bool Holds(double m) => _op switch
    {
        MaskOp.Less => m < _boolVal,
        MaskOp.LessOrEqual => m <= _boolVal,
        MaskOp.Greater => m > _boolVal,
        MaskOp.GreaterOrEqual => m >= _boolVal,
        _ => m == _boolVal,
    };
}

using System.Text.Json.Nodes;
using PodCache.Runtime.Json;
using PodCache.Runtime.Nodes.Algorithms.Kernels;

namespace PodCache.Runtime.Nodes.Algorithms;

/// <summary>
/// <c>algorithm.Convolution</c> (SEMANTICS §6): grows the request by the kernel's margins, evaluates the source
/// there, convolves (true convolution, zero outside the grown array, NaN anywhere in a window gives NaN) and crops
/// back to the request. Reproduces PODPAC 4's growth rules, its dims-order rule and its crop quirks.
/// </summary>
internal sealed class ConvolutionNode : Node
{
    private readonly ConvolutionKernel _kernel;

    private ConvolutionNode(ConvolutionKernel kernel)
    {
        _kernel = kernel;
    }

    public static NodeType Type { get; } = new(
        "algorithm.Convolution",
        ["core.algorithm.signal.Convolution", "algorithm.signal.Convolution"],
        1,
        [
            // Either one may be absent, so both are read here rather than by the generic attr types.
            new AttrSpec("kernel", AttrType.Any),
            new AttrSpec("kernel_type", AttrType.Any),
            new AttrSpec("kernel_dims", AttrType.StringList, required: true),
        ],
        InputSpec.Named("source"),
        extentDependent: false,
        Build);

    private static ConvolutionNode? Build(NodeBuildContext ctx)
    {
        if (ctx.HasErrors)
        {
            return null;
        }
        var dims = ctx.GetStrings("kernel_dims")!.ToArray();
        for (int i = 0; i < dims.Length; i++)
        {
            if (!Coordinates.KnownDims.Contains(dims[i]))
            {
                ctx.Error("kernel_dims", $"unknown dim '{dims[i]}'; dims are lat, lon, time and alt");
            }
            else if (Array.IndexOf(dims, dims[i]) < i)
            {
                ctx.Error("kernel_dims", $"dim '{dims[i]}' appears twice; give one dim per kernel axis");
            }
        }
        var kernelNode = ctx.Attrs["kernel"];
        var typeNode = ctx.Attrs["kernel_type"];
        if (kernelNode is not null && typeNode is not null)
        {
            ctx.Error("kernel_type", "expected 'kernel' or 'kernel_type', not both" +
                (typeNode is JsonArray { Count: 0 } ? " (PODPAC writes an empty kernel_type next to the kernel it emits; remove it)" : ""));
            return null;
        }
        if (kernelNode is null && typeNode is null)
        {
            ctx.Error("kernel", "Convolution needs a 'kernel' array or a 'kernel_type' string such as \"mean,3\" or \"gaussian,5,1\"");
            return null;
        }
        var kernel = kernelNode is not null ? ReadKernel(ctx, kernelNode, dims) : ReadKernelType(ctx, typeNode!, dims);
        return kernel is null || ctx.HasErrors ? null : new ConvolutionNode(kernel);
    }

    private static ConvolutionKernel? ReadKernel(NodeBuildContext ctx, JsonNode kernelNode, string[] dims)
    {
        if (!TryReadArray(kernelNode, ctx.Limits.MaxKernelCells, out var values, out var shape, out var path, out var problem))
        {
            ctx.ErrorAt("attrs." + path, problem);
            return null;
        }
        if (Array.IndexOf(shape, 0) >= 0)
        {
            ctx.Error("kernel", $"has an empty axis (shape [{string.Join(", ", shape)}]); every kernel axis needs at least one tap");
            return null;
        }
        if (shape.Length != dims.Length)
        {
            ctx.Error("kernel_dims", $"lists {dims.Length} dim(s) but the kernel has {shape.Length} axes " +
                $"(shape [{string.Join(", ", shape)}]); give one dim per kernel axis");
            return null;
        }
        // The key holds the values and the shape, like every other numeric array attr.
        var keyValues = new JsonArray();
        foreach (var v in values) keyValues.Add((JsonNode)JsonValue.Create(v));
        ctx.Attrs["kernel"] = new JsonObject
        {
            ["shape"] = new JsonArray(shape.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["values"] = keyValues,
        };
        return ConvolutionKernel.FromArray(dims, shape, values);
    }

    private static ConvolutionKernel? ReadKernelType(NodeBuildContext ctx, JsonNode typeNode, string[] dims)
    {
        if (!JsonNumbers.TryGetString(typeNode, out var text))
        {
            ctx.Error("kernel_type", $"must be a string such as \"mean,3\" or \"gaussian,5,1\", not {JsonNumbers.Describe(typeNode)}");
            return null;
        }
        if (!KernelWindows.TryParse(text, dims.Length, ctx.Limits.MaxKernelCells, out var name, out var window, out var problem))
        {
            ctx.Error("kernel_type", problem);
            return null;
        }
        if (dims.Length == 0 && name != "mean")
        {
            // PODPAC builds a 1-D window here, which then fails its own kernel_dims length check.
            ctx.Error("kernel_dims", $"lists 0 dims but a '{name}' kernel has 1 axis; give one dim per kernel axis");
            return null;
        }
        return ConvolutionKernel.FromWindow(dims, window);
    }

    /// <summary>Reads a (nested) list of numbers, null cells as NaN; the path and message of the first problem otherwise.</summary>
    private static bool TryReadArray(JsonNode node, long maxCells, out double[] values, out int[] shape, out string path, out string problem)
    {
        values = [];
        path = "kernel";
        problem = "";
        var dims = new List<int>();
        JsonNode? probe = node;
        while (probe is JsonArray a)
        {
            dims.Add(a.Count);
            if (a.Count == 0) break;
            probe = a[0];
        }
        shape = dims.ToArray();
        if (dims.Count == 0 && !JsonNumbers.IsNumber(node))
        {
            problem = $"must be a (nested) list of numbers, not {JsonNumbers.Describe(node)}";
            return false;
        }
        long total = Execution.RuntimeLimits.SaturatingProduct(dims.Select(s => (long)s));
        if (total > Math.Min(1 << 24, maxCells))
        {
            problem = $"the kernel has {Execution.RuntimeLimits.DescribeCells(total).Replace(" points", " taps", StringComparison.Ordinal)}; at most {Math.Min(1 << 24, maxCells):N0} are allowed (limits.maxKernelCells)";
            return false;
        }
        var flat = new double[total];
        int pos = 0;
        var stack = new Stack<(JsonNode? Node, int Depth, string Path)>();
        stack.Push((node, 0, "kernel"));
        // Depth-first, children pushed in reverse so cells are read in row-major order.
        while (stack.Count > 0)
        {
            var (n, depth, p) = stack.Pop();
            if (depth == dims.Count)
            {
                if (n is null)
                {
                    flat[pos++] = double.NaN;
                }
                else if (JsonNumbers.TryGetDouble(n, out var x))
                {
                    flat[pos++] = x;
                }
                else
                {
                    path = p;
                    problem = $"must be a number, not {JsonNumbers.Describe(n)}";
                    return false;
                }
                continue;
            }
            if (n is not JsonArray arr || arr.Count != dims[depth])
            {
                path = p;
                problem = $"the kernel is ragged (expected a list of {dims[depth]})";
                return false;
            }
            for (int i = arr.Count - 1; i >= 0; i--)
            {
                stack.Push((arr[i], depth + 1, $"{p}[{i}]"));
            }
        }
        values = flat;
        return true;
    }

    /// <summary>The source is asked for the request grown along every kernel dim, non-kernel dims after those.</summary>
    public override IReadOnlyDictionary<string, Coordinates> PlanInputs(Coordinates request, IReadOnlyList<string> slots)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(slots);
        var expanded = Grow(request).Expanded;
        var d = new Dictionary<string, Coordinates>(slots.Count);
        foreach (var s in slots)
        {
            d[s] = expanded;
        }
        return d;
    }

    /// <summary>
    /// PODPAC's expansion: each request dim in the kernel's dims, in request order, grows by the kernel's length along
    /// it; the other request dims follow unchanged, in request order.
    /// </summary>
    private (Coordinates Expanded, List<string> GrownDims, List<AxisGrowth> Growths) Grow(Coordinates request)
    {
        var axes = new List<Coordinates1D>(request.Rank);
        var grownDims = new List<string>();
        var growths = new List<AxisGrowth>();
        foreach (var axis in request.Axes)
        {
            int a = KernelAxis(axis.Name);
            if (a < 0)
            {
                continue;
            }
            var g = ConvolutionGrowth.Grow(axis, _kernel.Shape[a]);
            axes.Add(g.Axis);
            grownDims.Add(axis.Name);
            growths.Add(g);
        }
        foreach (var axis in request.Axes)
        {
            if (KernelAxis(axis.Name) < 0)
            {
                axes.Add(axis);
            }
        }
        return (new Coordinates(axes, request.Crs), grownDims, growths);
    }

    private int KernelAxis(string dim)
    {
        for (int i = 0; i < _kernel.Rank; i++)
        {
            if (_kernel.Dims[i] == dim) return i;
        }
        return -1;
    }

    public override DataArray Evaluate(NodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var (_, grownDims, growths) = Grow(request);
        var source = context.Input("source");
        var sourceDims = source.Dims;
        foreach (var d in sourceDims)
        {
            if (!request.Contains(d))
            {
                throw new NodeEvaluationException($"the source returned dim '{d}', which the request lacks; Convolution cannot place it");
            }
        }

        // PODPAC's crop list has one slice per grown dim the source kept, in request order. When the source also has
        // non-kernel dims, PODPAC looks those slices up by the position of each dim in kernel_dims (attr order), not
        // in the request: reproduced, because a mismatch changes the output size (and so fails as in PODPAC).
        var kept = new List<AxisGrowth>();
        for (int i = 0; i < grownDims.Count; i++)
        {
            if (sourceDims.Contains(grownDims[i])) kept.Add(growths[i]);
        }
        var keptKernelDims = _kernel.Dims.Where(sourceDims.Contains).ToList();
        bool otherDims = sourceDims.Any(d => !keptKernelDims.Contains(d));
        var shape = source.Shape;
        int rank = shape.Length;
        var cropStart = new int[rank];
        var cropSize = new int[rank];
        for (int j = 0; j < rank; j++)
        {
            AxisGrowth? g = !otherDims ? kept[j]
                : keptKernelDims.IndexOf(sourceDims[j]) is int k and >= 0 ? kept[k]
                : null;
            (cropStart[j], cropSize[j]) = g?.CropOn(shape[j]) ?? (0, shape[j]);
        }

        var output = request.Drop(request.Dims.Where(d => !sourceDims.Contains(d)));
        if (!cropSize.AsSpan().SequenceEqual(output.Shape))
        {
            for (int i = 0; i < grownDims.Count; i++)
            {
                if (growths[i] is { Axis: ArrayCoordinates1D { IsTime: true }, Cropped: true, After: 0 } && sourceDims.Contains(grownDims[i]))
                {
                    throw new NodeEvaluationException(
                        $"Convolution over the explicit '{grownDims[i]}' axis: PODPAC grows a list of times by {growths[i].Before} value(s) before but "
                        + "none after (numpy's datetime arange drops the end), so its crop keeps no time and it fails (conflicting sizes); "
                        + "give time as start/stop/step, or reduce it away in the source");
                }
            }
            throw new NodeEvaluationException(SizeConflict(request, sourceDims, output, shape, cropSize));
        }
        // The convolved values are in the source's dims order (kernel dims first). PODPAC labels them with the
        // request's order positionally; when the orders differ the sizes only agree by coincidence, and then PODPAC
        // silently mislabels the axes. That is what it returns, so it is what we return.
        var fitted = _kernel.Fit(sourceDims);
        var data = fitted.Factors is { } factors
            ? Convolver.Separable(source.Data, shape, factors, cropStart, cropSize, context.CancellationToken)
            : Convolver.Direct(source.Data, shape, fitted.Dense, fitted.Shape.ToArray(), cropStart, cropSize, context.CancellationToken);
        return new DataArray(output, data);
    }

    private string SizeConflict(Coordinates request, IReadOnlyList<string> sourceDims, Coordinates output, int[] sourceShape, int[] cropSize)
    {
        string Shape(IEnumerable<int> s) => "[" + string.Join(", ", s) + "]";
        var outputDims = output.Dims;
        if (!sourceDims.SequenceEqual(outputDims))
        {
            var lastKernel = request.Dims.Last(d => KernelAxis(d) >= 0);
            var early = request.Dims.TakeWhile(d => d != lastKernel).Where(d => KernelAxis(d) < 0);
            return $"the request's dims [{string.Join(", ", request.Dims)}] put non-kernel dim(s) {string.Join(", ", early.Select(d => "'" + d + "'"))} " +
                $"before kernel dim '{lastKernel}'. PODPAC evaluates Convolution's source with the kernel dims first " +
                $"([{string.Join(", ", sourceDims)}]) and cannot label the result with the request's order (conflicting sizes " +
                $"{Shape(cropSize)} vs {Shape(output.Shape)}); put every kernel dim before the other dims in the request";
        }
        return $"conflicting sizes: the source returned shape {Shape(sourceShape)} on the grown request, which crops to " +
            $"{Shape(cropSize)}, but the request has shape {Shape(output.Shape)} over [{string.Join(", ", outputDims)}] " +
            "(PODPAC fails the same way; a data.Array adds a neighbour for every grown bound that is not one of its own points)";
    }
}

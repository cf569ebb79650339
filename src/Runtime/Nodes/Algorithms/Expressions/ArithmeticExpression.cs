using System.Buffers;
using System.Diagnostics;

namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>
/// A parsed PODPAC Arithmetic equation, evaluated like numexpr: Python expression syntax and precedence,
/// IEEE double arithmetic (true division, C pow, numexpr's floored modulo, C fmod), comparisons giving
/// 1.0/0.0, <c>&amp; | ~</c> on comparison results and <c>where</c>. Evaluation is vectorised: the tree is
/// evaluated operation by operation over chunks of <see cref="ChunkSize"/> elements, in scratch buffers
/// rented from <see cref="ArrayPool{T}.Shared"/>. Instances are immutable and thread-safe.
/// </summary>
internal sealed class ArithmeticExpression
{
    /// <summary>Elements per evaluation chunk (a few 32 KiB buffers stay in cache).</summary>
    internal const int ChunkSize = 4096;

    private readonly ExprNode _root;
    private readonly string[] _variables;
    private readonly int _registers;

    private ArithmeticExpression(string equation, ExprNode root, string[] variables)
    {
        Equation = equation;
        _root = root;
        _variables = variables;
        UsedVariables = new HashSet<string>(variables, StringComparer.Ordinal);
        _registers = ComputeNeed(root);
    }

    /// <summary>The equation as given to <see cref="Parse"/>.</summary>
    public string Equation { get; }

    /// <summary>Names of the inputs the (folded) expression reads.</summary>
    public IReadOnlySet<string> UsedVariables { get; }

    /// <summary>The used variables in input-slot order (ordinal sort).</summary>
    public IReadOnlyList<string> Variables => _variables;

    /// <summary>True when the whole expression folded to a constant.</summary>
    public bool IsConstant => _root.IsConst;

    /// <summary>The constant value when <see cref="IsConstant"/> (bools as 1.0/0.0), else NaN.</summary>
    public double ConstantValue => _root.IsConst ? _root.Value : double.NaN;

    /// <summary>True when the result is a comparison / logical result (values 1.0 and 0.0 only).</summary>
    public bool IsBoolean => _root.Kind == ExprKind.Bool;

    /// <summary>Number of scratch buffers an evaluation rents.</summary>
    internal int RegisterCount => _registers;

    /// <summary>Parses <paramref name="eqn"/> (already through <see cref="PythonFormat.Substitute"/>).</summary>
    /// <param name="eqn">The equation.</param>
    /// <param name="variables">Names that may appear as variables (the node's input names).</param>
    /// <exception cref="ExpressionException">The equation is invalid, or PODPAC would fail on it.</exception>
    public static ArithmeticExpression Parse(string eqn, IReadOnlyCollection<string> variables)
    {
        var root = Fuse(ExprParser.Parse(eqn, variables));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        CollectVariables(root, names);
        var slots = names.ToArray();
        AssignSlots(root, slots);
        return new ArithmeticExpression(eqn, root, slots);
    }

    /// <summary>
    /// Evaluates the expression element-wise into <paramref name="output"/>. Every used variable must be in
    /// <paramref name="inputs"/> with exactly <c>output.Length</c> elements (already aligned and broadcast);
    /// the output must not overlap any of them (intermediate results are written into it).
    /// </summary>
    /// <exception cref="ArgumentException">A used variable is missing, has the wrong length or overlaps the output.</exception>
    public void Evaluate(IReadOnlyDictionary<string, double[]> inputs, Span<double> output)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var arrays = new double[_variables.Length][];
        for (var i = 0; i < _variables.Length; i++)
        {
            inputs.TryGetValue(_variables[i], out var array);
            arrays[i] = Checked(i, array, output);
        }

        EvaluateCore(arrays, output);
    }

    /// <summary>
    /// As <see cref="Evaluate(IReadOnlyDictionary{string, double[]}, Span{double})"/>, with the inputs given in slot
    /// order: variable <c>i</c> (of <see cref="Variables"/>) is <c>bySlot[variableSlots[i]]</c>. No table per evaluation.
    /// </summary>
    internal void Evaluate(ReadOnlySpan<double[]> bySlot, ReadOnlySpan<int> variableSlots, Span<double> output)
    {
        Debug.Assert(variableSlots.Length == _variables.Length);
        var arrays = new double[_variables.Length][];
        for (var i = 0; i < _variables.Length; i++)
        {
            arrays[i] = Checked(i, bySlot[variableSlots[i]], output);
        }

        EvaluateCore(arrays, output);
    }

    private double[] Checked(int variable, double[]? array, Span<double> output)
    {
        if (array is null)
        {
            throw new ArgumentException($"no input array for variable '{_variables[variable]}'", "inputs");
        }

        if (array.Length != output.Length)
        {
            throw new ArgumentException(
                $"input '{_variables[variable]}' has {array.Length} elements but the output has {output.Length}", "inputs");
        }

        if (output.Overlaps(array))
        {
            throw new ArgumentException($"the output overlaps input '{_variables[variable]}'", nameof(output));
        }

        return array;
    }

    private void EvaluateCore(double[][] arrays, Span<double> output)
    {
        if (output.IsEmpty)
        {
            return;
        }

        if (_root.IsConst)
        {
            output.Fill(_root.Value);
            return;
        }

        var chunk = Math.Min(ChunkSize, output.Length);
        var registers = new double[_registers][];
        var pool = ArrayPool<double>.Shared;
        try
        {
            for (var i = 0; i < registers.Length; i++)
            {
                registers[i] = pool.Rent(chunk);
            }

            var state = new EvalState(arrays, registers);
            for (var start = 0; start < output.Length; start += chunk)
            {
                state.Start = start;
                state.Length = Math.Min(chunk, output.Length - start);
                state.Top = 0;
                EvalInto(_root, output.Slice(start, state.Length), state);
            }
        }
        finally
        {
            foreach (var r in registers)
            {
                if (r is not null)
                {
                    pool.Return(r);
                }
            }
        }
    }

    /// <summary>Fully parenthesised form of the folded tree, e.g. <c>(-(A ** 2) + 1.5)</c>.</summary>
    public override string ToString() => _root.ToString();

    /// <summary>Evaluates a node whose children are all constants, with the same kernels as arrays.</summary>
    internal static double FoldConstant(ExprNode node)
    {
        Debug.Assert(node.Children.All(c => c.IsConst), "only constant children can be folded");
        Span<double> result = [0.0];
        var state = new EvalState([], []) { Length = 1 };
        EvalInto(node, result, state);
        return result[0];
    }

    // ------------------------------------------------------------------ compile-time passes

    /// <summary>Turns <c>x*y + z</c> (and <c>x*y - c</c>) into one multiply-add pass (same roundings).</summary>
    private static ExprNode Fuse(ExprNode node)
    {
        if (node.IsLeaf)
        {
            return node;
        }

        var children = node.Children;
        ExprNode[]? fused = null;
        for (var i = 0; i < children.Length; i++)
        {
            var f = Fuse(children[i]);
            if (!ReferenceEquals(f, children[i]))
            {
                fused ??= (ExprNode[])children.Clone();
                fused[i] = f;
            }
        }

        if (fused is not null)
        {
            node = node.WithChildren(fused);
            children = fused;
        }

        if (node.Op == ExprOp.Add)
        {
            var (l, r) = (children[0], children[1]);
            if (l.Op == ExprOp.Mul && CanFuse(l, r))
            {
                return new ExprNode(ExprOp.MulAdd, node.Kind, node.Position, l.Children[0], l.Children[1], r);
            }

            if (r.Op == ExprOp.Mul && CanFuse(r, l))
            {
                // a + x*y == x*y + a exactly (IEEE addition is commutative).
                return new ExprNode(ExprOp.MulAdd, node.Kind, node.Position, r.Children[0], r.Children[1], l);
            }
        }
        else if (node.Op == ExprOp.Sub)
        {
            var (l, r) = (children[0], children[1]);
            if (l.Op == ExprOp.Mul && r.IsConst && CanFuse(l, r))
            {
                // x*y - c == x*y + (-c) exactly (IEEE subtraction is addition of the negation).
                var negated = ExprNode.NodeConstant(-r.Value, r.Kind, null, r.Position);
                return new ExprNode(ExprOp.MulAdd, node.Kind, node.Position, l.Children[0], l.Children[1], negated);
            }
        }

        return node;
    }

    /// <summary>TensorPrimitives.MultiplyAdd needs the product or the addend to be a span.</summary>
    private static bool CanFuse(ExprNode mul, ExprNode addend) =>
        !((mul.Children[0].IsConst || mul.Children[1].IsConst) && addend.IsConst);

    private static void CollectVariables(ExprNode node, SortedSet<string> names)
    {
        if (node.Op == ExprOp.Var)
        {
            names.Add(node.Name!);
            return;
        }

        foreach (var c in node.Children)
        {
            CollectVariables(c, names);
        }
    }

    private static void AssignSlots(ExprNode node, string[] slots)
    {
        if (node.Op == ExprOp.Var)
        {
            node.Slot = Array.IndexOf(slots, node.Name);
            return;
        }

        foreach (var c in node.Children)
        {
            AssignSlots(c, slots);
        }
    }

    /// <summary>
    /// Scratch buffers needed to evaluate <paramref name="node"/> into a destination: the first non-leaf
    /// child (the one needing most) is evaluated into the destination itself, each further one into a
    /// buffer that stays held until the node's own operation has run.
    /// </summary>
    private static int ComputeNeed(ExprNode node)
    {
        foreach (var c in node.Children)
        {
            ComputeNeed(c);
        }

        int need;
        if (node.IsLeaf)
        {
            need = 0;
        }
        else if (node.Op == ExprOp.IntPow)
        {
            var a = node.Children[0];
            if (node.PowerN == 0 && !node.PowerHalf)
            {
                need = 0;
            }
            else if (IsSimplePower(node))
            {
                need = a.IsLeaf ? 0 : a.Need;
            }
            else
            {
                need = a.IsLeaf ? 1 : Math.Max(1 + a.Need, 2);
            }
        }
        else
        {
            Span<int> order = stackalloc int[node.Children.Length];
            var m = OrderNonLeaves(node.Children, order);
            need = 0;
            for (var j = 0; j < m; j++)
            {
                need = Math.Max(need, j + node.Children[order[j]].Need);
            }
        }

        node.Need = need;
        return need;
    }

    private static bool IsSimplePower(ExprNode node) =>
        (!node.PowerHalf && node.PowerN <= 2) || (node.PowerHalf && node.PowerN == 0);

    /// <summary>Indices of the non-leaf children, most demanding first (stable).</summary>
    private static int OrderNonLeaves(ExprNode[] children, Span<int> order)
    {
        var m = 0;
        for (var i = 0; i < children.Length; i++)
        {
            if (children[i].IsLeaf)
            {
                continue;
            }

            var j = m++;
            while (j > 0 && children[order[j - 1]].Need < children[i].Need)
            {
                order[j] = order[j - 1];
                j--;
            }

            order[j] = i;
        }

        return m;
    }

    // ------------------------------------------------------------------ evaluation

    private static void EvalInto(ExprNode node, Span<double> dest, EvalState state)
    {
        switch (node.Op)
        {
            case ExprOp.Const:
                dest.Fill(node.Value);
                return;
            case ExprOp.Var:
                state.Input(node.Slot).CopyTo(dest);
                return;
            case ExprOp.IntPow:
                EvalIntPow(node, dest, state);
                return;
        }

        var children = node.Children;
        var mark = state.Top;
        Span<int> location = stackalloc int[children.Length];
        Span<int> order = stackalloc int[children.Length];
        location.Fill(Leaf);
        var m = OrderNonLeaves(children, order);
        for (var j = 0; j < m; j++)
        {
            var i = order[j];
            if (j == 0)
            {
                EvalInto(children[i], dest, state);
                location[i] = InDestination;
            }
            else
            {
                var k = state.Top++;
                EvalInto(children[i], state.Register(k), state);
                location[i] = k;
            }
        }

        switch (children.Length)
        {
            case 1:
                ExprKernels.Unary(node.Op, Operand(children[0], location[0], dest, state), dest);
                break;
            case 2:
                ExprKernels.Binary(
                    node.Op,
                    Operand(children[0], location[0], dest, state),
                    Operand(children[1], location[1], dest, state),
                    dest);
                break;
            default:
                var x = Operand(children[0], location[0], dest, state);
                var y = Operand(children[1], location[1], dest, state);
                var z = Operand(children[2], location[2], dest, state);
                if (node.Op == ExprOp.Where)
                {
                    ExprKernels.Where(x, y, z, dest);
                }
                else
                {
                    ExprKernels.MultiplyAdd(x, y, z, dest);
                }

                break;
        }

        state.Top = mark;
    }

    private const int Leaf = -2;
    private const int InDestination = -1;

    private static ExprOperand Operand(ExprNode child, int location, Span<double> dest, EvalState state) => location switch
    {
        Leaf => child.Op == ExprOp.Const ? new ExprOperand(child.Value) : new ExprOperand(state.Input(child.Slot)),
        InDestination => new ExprOperand(dest),
        _ => new ExprOperand(state.Register(location)),
    };

    /// <summary>
    /// numexpr's expansion of <c>a ** c</c> (|c| &lt;= 50, 2c integral): binary exponentiation by repeated
    /// squaring (<c>r = r * p; p = p * p</c>), times <c>sqrt(a)</c> for a .5 part, <c>1 / r</c> for a negative
    /// exponent, and ones for c = 0.
    /// </summary>
    private static void EvalIntPow(ExprNode node, Span<double> dest, EvalState state)
    {
        var a = node.Children[0];
        var n = node.PowerN;
        if (n == 0 && !node.PowerHalf)
        {
            dest.Fill(1.0);
            return;
        }

        if (IsSimplePower(node))
        {
            ReadOnlySpan<double> x;
            if (a.IsLeaf)
            {
                x = state.Input(a.Slot);
            }
            else
            {
                EvalInto(a, dest, state);
                x = dest;
            }

            if (node.PowerHalf)
            {
                ExprKernels.Unary(ExprOp.Sqrt, new ExprOperand(x), dest);
            }
            else if (n == 2)
            {
                ExprKernels.Binary(ExprOp.Mul, new ExprOperand(x), new ExprOperand(x), dest);
            }
            else if (a.IsLeaf)
            {
                x.CopyTo(dest);
            }
        }
        else
        {
            var mark = state.Top;
            ReadOnlySpan<double> x;
            if (a.IsLeaf)
            {
                x = state.Input(a.Slot);
            }
            else
            {
                var rx = state.Top++;
                EvalInto(a, state.Register(rx), state);
                x = state.Register(rx);
            }

            var squares = state.Register(state.Top++);
            ReadOnlySpan<double> p = x;
            var started = false;
            for (var mask = 1; ; mask <<= 1)
            {
                if ((n & mask) != 0)
                {
                    if (started)
                    {
                        ExprKernels.Binary(ExprOp.Mul, new ExprOperand(dest), new ExprOperand(p), dest);
                    }
                    else
                    {
                        p.CopyTo(dest);
                        started = true;
                    }
                }

                if (mask << 1 > n)
                {
                    break;
                }

                ExprKernels.Binary(ExprOp.Mul, new ExprOperand(p), new ExprOperand(p), squares);
                p = squares;
            }

            if (node.PowerHalf)
            {
                ExprKernels.Unary(ExprOp.Sqrt, new ExprOperand(x), squares);
                ExprKernels.Binary(ExprOp.Mul, new ExprOperand(dest), new ExprOperand(squares), dest);
            }

            state.Top = mark;
        }

        if (node.PowerNegative)
        {
            ExprKernels.Binary(ExprOp.Div, new ExprOperand(1.0), new ExprOperand(dest), dest);
        }
    }

    /// <summary>Per-evaluation state: input arrays by slot, scratch buffers and the current chunk.</summary>
    private sealed class EvalState(double[][] inputs, double[][] registers)
    {
        public int Start { get; set; }

        public int Length { get; set; }

        public int Top { get; set; }

        public Span<double> Input(int slot) => inputs[slot].AsSpan(Start, Length);

        public Span<double> Register(int k) => registers[k].AsSpan(0, Length);
    }
}

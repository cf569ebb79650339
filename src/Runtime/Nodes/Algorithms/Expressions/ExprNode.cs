using System.Text;

namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>
/// A node of the compiled expression tree. Constants carry both their double value and, when the value is
/// a Python object (a literal or the result of Python arithmetic on literals), that object: numexpr lets
/// Python fold operators between plain literals but evaluates everything involving an array, or a
/// numexpr constant node, itself.
/// </summary>
internal sealed class ExprNode
{
    /// <summary>Creates a node.</summary>
    public ExprNode(ExprOp op, ExprKind kind, int position, params ExprNode[] children)
    {
        Op = op;
        Kind = kind;
        Position = position;
        Children = children;
        var depth = 0;
        foreach (var c in children)
        {
            depth = Math.Max(depth, c.Depth);
        }

        Depth = depth + 1;
    }

    /// <summary>The operation.</summary>
    public ExprOp Op { get; }

    /// <summary>numexpr kind of the result.</summary>
    public ExprKind Kind { get; }

    /// <summary>0-based offset in the equation (operator, name or literal).</summary>
    public int Position { get; }

    /// <summary>Height of the tree below and including this node (a leaf has depth 1).</summary>
    public int Depth { get; }

    /// <summary>Operands, in source order.</summary>
    public ExprNode[] Children { get; }

    /// <summary>Value of a constant (for an int too large for a double: ±Infinity and <see cref="ValueOverflows"/>).</summary>
    public double Value { get; init; }

    /// <summary>The Python object of a constant, or null when the value is a NumPy scalar (a function result).</summary>
    public PyValue? Python { get; init; }

    /// <summary>
    /// True when the constant has been wrapped into a numexpr constant node, so that operators on it follow
    /// numexpr/NumPy rules; false for a plain Python literal that Python itself still operates on.
    /// </summary>
    public bool IsNodeConstant { get; init; }

    /// <summary>True when <see cref="Python"/> is an int too large to convert to a double.</summary>
    public bool ValueOverflows { get; init; }

    /// <summary>Variable name (for <see cref="ExprOp.Var"/>).</summary>
    public string? Name { get; init; }

    /// <summary>Input slot of a variable (index into <see cref="ArithmeticExpression.Variables"/>).</summary>
    public int Slot { get; set; }

    /// <summary>|exponent| truncated to an integer (for <see cref="ExprOp.IntPow"/>).</summary>
    public int PowerN { get; init; }

    /// <summary>True when the exponent has a .5 part (for <see cref="ExprOp.IntPow"/>).</summary>
    public bool PowerHalf { get; init; }

    /// <summary>True when the exponent is negative (for <see cref="ExprOp.IntPow"/>).</summary>
    public bool PowerNegative { get; init; }

    /// <summary>Original exponent as written/folded (for <see cref="ExprOp.IntPow"/>; display only).</summary>
    public string? ExponentText { get; init; }

    /// <summary>Scratch registers needed to evaluate this node into a destination buffer.</summary>
    public int Need { get; set; }

    /// <summary>True for constants and variables.</summary>
    public bool IsLeaf => Op is ExprOp.Const or ExprOp.Var;

    /// <summary>True for a constant.</summary>
    public bool IsConst => Op == ExprOp.Const;

    /// <summary>True for a constant that Python still handles as a plain object (not yet a numexpr node).</summary>
    public bool IsPythonLiteral => Op == ExprOp.Const && !IsNodeConstant && Python is not null;

    /// <summary>Python / NumPy truthiness of a constant (NaN is true).</summary>
    public bool IsTruthy => Python is { } p ? p.IsTruthy : Value != 0;

    /// <summary>A constant holding a Python object (a literal, not yet a numexpr node).</summary>
    public static ExprNode PythonConstant(PyValue value, int position)
    {
        var ok = value.TryToDouble(out var d);
        return new ExprNode(ExprOp.Const, value.Kind, position)
        {
            Value = ok ? d : (value.Integer.Sign < 0 ? double.NegativeInfinity : double.PositiveInfinity),
            Python = value,
            ValueOverflows = !ok,
        };
    }

    /// <summary>A numexpr constant node.</summary>
    public static ExprNode NodeConstant(double value, ExprKind kind, PyValue? python, int position) =>
        new(ExprOp.Const, kind, position) { Value = value, Python = python, IsNodeConstant = true };

    /// <summary>A copy of this node with other children (all other properties kept).</summary>
    public ExprNode WithChildren(params ExprNode[] children) => new(Op, Kind, Position, children)
    {
        Value = Value,
        Python = Python,
        IsNodeConstant = IsNodeConstant,
        ValueOverflows = ValueOverflows,
        Name = Name,
        Slot = Slot,
        PowerN = PowerN,
        PowerHalf = PowerHalf,
        PowerNegative = PowerNegative,
        ExponentText = ExponentText,
    };

    /// <summary>Canonical, fully parenthesised form (for diagnostics and tests).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb);
        return sb.ToString();
    }

    private void Append(StringBuilder sb)
    {
        switch (Op)
        {
            case ExprOp.Const:
                sb.Append(Python is { } p ? p.ToString() : PythonFormat.FormatFloat(Value));
                return;
            case ExprOp.Var:
                sb.Append(Name);
                return;
            case ExprOp.Neg:
            case ExprOp.Not:
                sb.Append('(').Append(Op == ExprOp.Neg ? "-" : "~");
                Children[0].Append(sb);
                sb.Append(')');
                return;
            case ExprOp.IntPow:
                sb.Append('(');
                Children[0].Append(sb);
                sb.Append(" ** ").Append(ExponentText).Append(')');
                return;
            case ExprOp.MulAdd:
                sb.Append("((");
                Children[0].Append(sb);
                sb.Append(" * ");
                Children[1].Append(sb);
                sb.Append(") + ");
                Children[2].Append(sb);
                sb.Append(')');
                return;
        }

        var symbol = BinarySymbol(Op);
        if (symbol is not null)
        {
            sb.Append('(');
            Children[0].Append(sb);
            sb.Append(' ').Append(symbol).Append(' ');
            Children[1].Append(sb);
            sb.Append(')');
            return;
        }

        sb.Append(FunctionName(Op)).Append('(');
        for (var i = 0; i < Children.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            Children[i].Append(sb);
        }

        sb.Append(')');
    }

    /// <summary>Source symbol of a binary operator, or null.</summary>
    public static string? BinarySymbol(ExprOp op) => op switch
    {
        ExprOp.Add => "+",
        ExprOp.Sub => "-",
        ExprOp.Mul => "*",
        ExprOp.Div => "/",
        ExprOp.Mod => "%",
        ExprOp.Pow => "**",
        ExprOp.Lt => "<",
        ExprOp.Le => "<=",
        ExprOp.Gt => ">",
        ExprOp.Ge => ">=",
        ExprOp.Eq => "==",
        ExprOp.Ne => "!=",
        ExprOp.And => "&",
        ExprOp.Or => "|",
        _ => null,
    };

    /// <summary>Source name of a function.</summary>
    public static string FunctionName(ExprOp op) => op switch
    {
        ExprOp.Where => "where",
        ExprOp.Arcsin => "arcsin",
        ExprOp.Arccos => "arccos",
        ExprOp.Arctan => "arctan",
        ExprOp.Arctan2 => "arctan2",
        ExprOp.Arcsinh => "arcsinh",
        ExprOp.Arccosh => "arccosh",
        ExprOp.Arctanh => "arctanh",
        _ => op.ToString().ToLowerInvariant(),
    };
}

namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>
/// Recursive-descent parser for the numexpr subset of Python expressions, with Python's precedence
/// (lowest first): comparisons (chained ones only between constants), <c>|</c>, <c>&amp;</c>, <c>+ -</c>,
/// <c>* / %</c>, unary <c>- + ~</c>, <c>**</c> (right-associative; binds tighter than a unary operator on its
/// left but accepts one on its right). It builds the tree the way numexpr does while Python evaluates the
/// equation: operators between plain literals are folded with Python semantics, constant sub-trees are folded,
/// <c>a / c</c> becomes <c>a * (1/c)</c> for a float constant and <c>a ** c</c> is expanded into
/// multiplications for small integral and half-integral constants (numexpr's default "aggressive" optimisation).
/// </summary>
internal sealed class ExprParser
{
    private static readonly Dictionary<string, (ExprOp Op, int Arity)> Functions = new(StringComparer.Ordinal)
    {
        ["where"] = (ExprOp.Where, 3),
        ["sin"] = (ExprOp.Sin, 1),
        ["cos"] = (ExprOp.Cos, 1),
        ["tan"] = (ExprOp.Tan, 1),
        ["arcsin"] = (ExprOp.Arcsin, 1),
        ["arccos"] = (ExprOp.Arccos, 1),
        ["arctan"] = (ExprOp.Arctan, 1),
        ["arctan2"] = (ExprOp.Arctan2, 2),
        ["sinh"] = (ExprOp.Sinh, 1),
        ["cosh"] = (ExprOp.Cosh, 1),
        ["tanh"] = (ExprOp.Tanh, 1),
        ["arcsinh"] = (ExprOp.Arcsinh, 1),
        ["arccosh"] = (ExprOp.Arccosh, 1),
        ["arctanh"] = (ExprOp.Arctanh, 1),
        ["exp"] = (ExprOp.Exp, 1),
        ["expm1"] = (ExprOp.Expm1, 1),
        ["log"] = (ExprOp.Log, 1),
        ["log1p"] = (ExprOp.Log1p, 1),
        ["log10"] = (ExprOp.Log10, 1),
        ["sqrt"] = (ExprOp.Sqrt, 1),
        ["abs"] = (ExprOp.Abs, 1),
        ["floor"] = (ExprOp.Floor, 1),
        ["ceil"] = (ExprOp.Ceil, 1),
        ["fmod"] = (ExprOp.Fmod, 2),
    };

    /// <summary>Deepest nesting of parentheses, calls and unary operators (CPython stops at 200 parentheses).</summary>
    private const int MaxNesting = 200;

    /// <summary>Deepest expression tree accepted (keeps the recursive passes far from a stack overflow).</summary>
    private const int MaxDepth = 1000;

    private readonly List<ExprToken> _tokens;
    private readonly HashSet<string> _variables;
    private int _next;
    private int _nesting;

    private ExprParser(List<ExprToken> tokens, IEnumerable<string> variables)
    {
        _tokens = tokens;
        _variables = new HashSet<string>(variables, StringComparer.Ordinal);
    }

    /// <summary>Parses and folds <paramref name="eqn"/>.</summary>
    /// <exception cref="ExpressionException">Any syntax, name or constant-evaluation error.</exception>
    public static ExprNode Parse(string eqn, IReadOnlyCollection<string> variables)
    {
        ArgumentNullException.ThrowIfNull(eqn);
        ArgumentNullException.ThrowIfNull(variables);
        if (string.IsNullOrWhiteSpace(eqn))
        {
            throw new ExpressionException("eqn is empty", 0);
        }

        var parser = new ExprParser(ExprTokenizer.Tokenize(eqn), variables);
        var root = parser.ParseExpression();
        var t = parser.Peek();
        if (t.Kind != ExprTokenKind.End)
        {
            throw Unexpected(t);
        }

        if (root.Depth > MaxDepth)
        {
            throw new ExpressionException($"expression is too complex (more than {MaxDepth} nested operations)");
        }

        return AsNode(root);
    }

    private ExprToken Peek(int ahead = 0) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

    private ExprToken Next()
    {
        var t = _tokens[_next];
        if (_next < _tokens.Count - 1)
        {
            _next++;
        }

        return t;
    }

    // ---------------------------------------------------------------- grammar

    private ExprNode ParseExpression()
    {
        var node = ParseComparison();
        var t = Peek();
        if (t.Kind == ExprTokenKind.Name && IsKeyword(t.Text))
        {
            throw KeywordError(t);
        }

        return node;
    }

    private ExprNode ParseComparison()
    {
        var first = ParseBitOr();
        if (!IsComparison(Peek()))
        {
            CheckStrayOperator(Peek());
            return first;
        }

        var operands = new List<ExprNode> { first };
        var ops = new List<ExprToken>();
        while (IsComparison(Peek()))
        {
            ops.Add(Next());
            operands.Add(ParseBitOr());
        }

        CheckStrayOperator(Peek());

        // Python evaluates a < b < c as (a < b) and (b < c): that only works when the left results are
        // constants (Python then tests their truth); on an array numexpr refuses to give a truth value.
        for (var k = 0; ; k++)
        {
            var c = Compare(ComparisonOp(ops[k].Text), operands[k], operands[k + 1], ops[k].Position);
            if (k == ops.Count - 1)
            {
                return c;
            }

            if (!c.IsConst)
            {
                throw new ExpressionException("chained comparisons are not supported", ops[k + 1].Position);
            }

            if (!c.IsTruthy)
            {
                return c;
            }
        }
    }

    private ExprNode ParseBitOr()
    {
        var left = ParseBitXor();
        while (Peek().IsOperator("|"))
        {
            var t = Next();
            left = Logical(ExprOp.Or, left, ParseBitXor(), t.Position);
        }

        return left;
    }

    private ExprNode ParseBitXor()
    {
        var left = ParseBitAnd();
        var t = Peek();
        if (t.IsOperator("^"))
        {
            throw new ExpressionException($"'^' is not supported (at position {t.Position})", t.Position);
        }

        return left;
    }

    private ExprNode ParseBitAnd()
    {
        var left = ParseShift();
        while (Peek().IsOperator("&"))
        {
            var t = Next();
            left = Logical(ExprOp.And, left, ParseShift(), t.Position);
        }

        return left;
    }

    private ExprNode ParseShift()
    {
        var left = ParseArith();
        var t = Peek();
        if (t.IsOperator("<<") || t.IsOperator(">>"))
        {
            throw new ExpressionException($"'{t.Text}' is not supported (at position {t.Position})", t.Position);
        }

        return left;
    }

    private ExprNode ParseArith()
    {
        var left = ParseTerm();
        while (Peek().IsOperator("+") || Peek().IsOperator("-"))
        {
            var t = Next();
            var right = ParseTerm();
            left = Arithmetic(t.Text == "+" ? ExprOp.Add : ExprOp.Sub, left, right, t.Position);
        }

        return left;
    }

    private ExprNode ParseTerm()
    {
        var left = ParseFactor();
        while (true)
        {
            var t = Peek();
            if (t.IsOperator("*") || t.IsOperator("%"))
            {
                Next();
                left = Arithmetic(t.Text == "*" ? ExprOp.Mul : ExprOp.Mod, left, ParseFactor(), t.Position);
            }
            else if (t.IsOperator("/"))
            {
                Next();
                left = Divide(left, ParseFactor(), t.Position);
            }
            else if (t.IsOperator("//"))
            {
                Next();
                var right = ParseFactor();

                // Python itself computes 7 // 2; numexpr has no floor division for arrays.
                if (!left.IsPythonLiteral || !right.IsPythonLiteral)
                {
                    throw new ExpressionException("'//' is not supported", t.Position);
                }

                left = ExprNode.PythonConstant(PyValue.FloorDivide(left.Python!.Value, right.Python!.Value, t.Position), t.Position);
            }
            else if (t.IsOperator("@"))
            {
                throw new ExpressionException($"'@' is not supported (at position {t.Position})", t.Position);
            }
            else
            {
                return left;
            }
        }
    }

    private ExprNode ParseFactor()
    {
        if (++_nesting > MaxNesting)
        {
            throw new ExpressionException(
                $"expression is nested too deeply (more than {MaxNesting} levels) at position {Peek().Position}", Peek().Position);
        }

        try
        {
            return ParseFactorCore();
        }
        finally
        {
            _nesting--;
        }
    }

    private ExprNode ParseFactorCore()
    {
        var t = Peek();
        if (t.IsOperator("-"))
        {
            Next();
            return Negate(ParseFactor(), t.Position);
        }

        if (t.IsOperator("+"))
        {
            Next();
            var operand = ParseFactor();
            return operand.IsPythonLiteral
                ? ExprNode.PythonConstant(PyValue.Plus(operand.Python!.Value), t.Position)
                : operand;
        }

        if (t.IsOperator("~"))
        {
            Next();
            return Invert(ParseFactor(), t.Position);
        }

        return ParsePower();
    }

    private ExprNode ParsePower()
    {
        var b = ParseAtom();
        var t = Peek();
        if (t.IsOperator("**"))
        {
            Next();
            return Power(b, ParseFactor(), t.Position);
        }

        return b;
    }

    private ExprNode ParseAtom()
    {
        var t = Peek();
        switch (t.Kind)
        {
            case ExprTokenKind.Number:
                Next();
                return ExprNode.PythonConstant(t.Number, t.Position);

            case ExprTokenKind.LeftParen:
            {
                Next();
                if (Peek().Kind == ExprTokenKind.RightParen)
                {
                    throw new ExpressionException($"empty parentheses at position {t.Position}", t.Position);
                }

                var inner = ParseExpression();
                var close = Peek();
                if (close.Kind == ExprTokenKind.Comma)
                {
                    throw new ExpressionException($"tuples are not supported (',' at position {close.Position})", close.Position);
                }

                if (close.Kind != ExprTokenKind.RightParen)
                {
                    throw close.Kind == ExprTokenKind.End
                        ? new ExpressionException($"missing ')' for the '(' at position {t.Position}", t.Position)
                        : Unexpected(close);
                }

                Next();
                return inner;
            }

            case ExprTokenKind.Name:
                if (IsKeyword(t.Text))
                {
                    throw KeywordError(t);
                }

                Next();
                if (Peek().Kind == ExprTokenKind.LeftParen)
                {
                    return ParseCall(t);
                }

                if (Functions.ContainsKey(t.Text))
                {
                    throw _variables.Contains(t.Text)
                        ? new ExpressionException(
                            $"'{t.Text}' is a function name and cannot be used as a variable (at position {t.Position})", t.Position)
                        : new ExpressionException(
                            $"unknown variable '{t.Text}' at position {t.Position} ('{t.Text}' is a function: call it as {t.Text}(...))",
                            t.Position);
                }

                if (!_variables.Contains(t.Text))
                {
                    throw new ExpressionException($"unknown variable '{t.Text}' at position {t.Position}", t.Position);
                }

                return new ExprNode(ExprOp.Var, ExprKind.Double, t.Position) { Name = t.Text };

            default:
                throw Unexpected(t);
        }
    }

    private ExprNode ParseCall(ExprToken name)
    {
        if (!Functions.TryGetValue(name.Text, out var function))
        {
            throw new ExpressionException($"unknown function '{name.Text}'", name.Position);
        }

        var open = Next();
        var args = new List<ExprNode>();
        if (Peek().Kind != ExprTokenKind.RightParen)
        {
            while (true)
            {
                if (Peek().Kind == ExprTokenKind.Name && Peek(1).IsOperator("="))
                {
                    throw new ExpressionException(
                        $"keyword arguments are not supported (at position {Peek().Position})", Peek().Position);
                }

                args.Add(ParseExpression());
                if (Peek().Kind != ExprTokenKind.Comma)
                {
                    break;
                }

                Next();
                if (Peek().Kind == ExprTokenKind.RightParen)
                {
                    break;
                }
            }
        }

        var close = Peek();
        if (close.Kind != ExprTokenKind.RightParen)
        {
            throw close.Kind == ExprTokenKind.End
                ? new ExpressionException($"missing ')' for the '(' at position {open.Position}", open.Position)
                : Unexpected(close);
        }

        Next();
        if (args.Count != function.Arity)
        {
            throw new ExpressionException(
                $"function '{name.Text}' takes {function.Arity} argument{(function.Arity == 1 ? string.Empty : "s")}",
                name.Position);
        }

        return Function(function.Op, args, name.Position);
    }

    private static bool IsComparison(ExprToken t) => t.Kind == ExprTokenKind.Operator
        && t.Text is "<" or "<=" or ">" or ">=" or "==" or "!=";

    private static ExprOp ComparisonOp(string text) => text switch
    {
        "<" => ExprOp.Lt,
        "<=" => ExprOp.Le,
        ">" => ExprOp.Gt,
        ">=" => ExprOp.Ge,
        "==" => ExprOp.Eq,
        _ => ExprOp.Ne,
    };

    private static void CheckStrayOperator(ExprToken t)
    {
        if (t.IsOperator("="))
        {
            throw new ExpressionException($"'=' is not supported; use '==' (at position {t.Position})", t.Position);
        }

        if (t.Kind == ExprTokenKind.Name && IsKeyword(t.Text))
        {
            throw KeywordError(t);
        }
    }

    private static bool IsKeyword(string name) => name is "and" or "or" or "not" or "if" or "else" or "in" or "is"
        or "lambda" or "for" or "await" or "yield";

    private static ExpressionException KeywordError(ExprToken t) => t.Text switch
    {
        "and" => new ExpressionException("'and' is not supported; use '&'", t.Position),
        "or" => new ExpressionException("'or' is not supported; use '|'", t.Position),
        "not" => new ExpressionException("'not' is not supported; use '~'", t.Position),
        "if" or "else" => new ExpressionException(
            $"conditional expressions ('{t.Text}' at position {t.Position}) are not supported; use where(c, a, b)", t.Position),
        _ => new ExpressionException($"'{t.Text}' is not supported (at position {t.Position})", t.Position),
    };

    private static ExpressionException Unexpected(ExprToken t)
    {
        if (t.Kind == ExprTokenKind.Name && IsKeyword(t.Text))
        {
            return KeywordError(t);
        }

        if (t.IsOperator("//"))
        {
            return new ExpressionException("'//' is not supported", t.Position);
        }

        if (t.IsOperator("="))
        {
            return new ExpressionException($"'=' is not supported; use '==' (at position {t.Position})", t.Position);
        }

        return t.Kind == ExprTokenKind.End
            ? new ExpressionException($"unexpected end of expression at position {t.Position}", t.Position)
            : new ExpressionException($"unexpected token {t.Describe()} at position {t.Position}", t.Position);
    }

    // ---------------------------------------------------------------- building (numexpr semantics)

    /// <summary>numexpr's <c>ophelper</c>: a Python literal becomes a numexpr constant node.</summary>
    private static ExprNode AsNode(ExprNode n)
    {
        if (!n.IsPythonLiteral)
        {
            return n;
        }

        if (n.ValueOverflows)
        {
            throw new ExpressionException($"integer constant too large to convert to float at position {n.Position}", n.Position);
        }

        return ExprNode.NodeConstant(n.Value, n.Kind, n.Python, n.Position);
    }

    private static ExprNode FromPython(PyValue value, int position) => AsNode(ExprNode.PythonConstant(value, position));

    private static ExprKind Max(ExprKind a, ExprKind b) => a > b ? a : b;

    /// <summary>Arithmetic never yields a boolean (numexpr has no boolean add, neg, ...; we compute 0/1 numerically).</summary>
    private static ExprKind Numeric(ExprKind kind) => Max(kind, ExprKind.Int);

    private static ExprNode Fold(ExprOp op, ExprKind kind, int position, params ExprNode[] constants) =>
        ExprNode.NodeConstant(ArithmeticExpression.FoldConstant(new ExprNode(op, kind, position, constants)), kind, null, position);

    private static ExprNode Arithmetic(ExprOp op, ExprNode l, ExprNode r, int position)
    {
        if (l.IsPythonLiteral && r.IsPythonLiteral)
        {
            return ExprNode.PythonConstant(PythonArithmetic(op, l.Python!.Value, r.Python!.Value, position), position);
        }

        l = AsNode(l);
        r = AsNode(r);
        var kind = Numeric(Max(l.Kind, r.Kind));
        if (l.IsConst && r.IsConst)
        {
            // numexpr folds an operator between two constant nodes by applying the Python operator to the
            // stored values: Python semantics for Python objects, NumPy semantics for NumPy scalars.
            return l.Python is { } pl && r.Python is { } pr
                ? FromPython(PythonArithmetic(op, pl, pr, position), position)
                : Fold(op, kind, position, l, r);
        }

        return new ExprNode(op, kind, position, l, r);
    }

    private static PyValue PythonArithmetic(ExprOp op, PyValue a, PyValue b, int position) => op switch
    {
        ExprOp.Add => PyValue.Add(a, b, position),
        ExprOp.Sub => PyValue.Subtract(a, b, position),
        ExprOp.Mul => PyValue.Multiply(a, b, position),
        ExprOp.Mod => PyValue.Modulo(a, b, position),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static ExprNode Divide(ExprNode l, ExprNode r, int position)
    {
        if (l.IsPythonLiteral && r.IsPythonLiteral)
        {
            return ExprNode.PythonConstant(PyValue.TrueDivide(l.Python!.Value, r.Python!.Value, position), position);
        }

        l = AsNode(l);
        r = AsNode(r);
        if (r.IsConst && r.Kind == ExprKind.Double && l.Kind == ExprKind.Double)
        {
            // numexpr's default ("aggressive") optimisation: a / c -> a * (1. / c), with 1. / c computed by
            // Python (ZeroDivisionError for a Python float 0.0) or NumPy (inf for a NumPy zero).
            PyValue? python = null;
            double reciprocal;
            if (r.Python is { Type: PyType.Float } pr)
            {
                if (pr.Float == 0)
                {
                    throw new ExpressionException($"float division by zero at position {position}", position);
                }

                reciprocal = 1.0 / pr.Float;
                python = PyValue.FromFloat(reciprocal);
            }
            else
            {
                reciprocal = 1.0 / r.Value;
            }

            var c = ExprNode.NodeConstant(reciprocal, ExprKind.Double, python, r.Position);
            return l.IsConst
                ? Fold(ExprOp.Mul, ExprKind.Double, position, l, c)
                : new ExprNode(ExprOp.Mul, ExprKind.Double, position, l, c);
        }

        var kind = ExprKind.Double;
        return l.IsConst && r.IsConst
            ? Fold(ExprOp.Div, kind, position, l, r)
            : new ExprNode(ExprOp.Div, kind, position, l, r);
    }

    private static ExprNode Power(ExprNode l, ExprNode r, int position)
    {
        if (l.IsPythonLiteral && r.IsPythonLiteral)
        {
            return ExprNode.PythonConstant(PyValue.Power(l.Python!.Value, r.Python!.Value, position), position);
        }

        l = AsNode(l);
        r = AsNode(r);
        if (l.Kind == ExprKind.Int && r.Kind == ExprKind.Int && r.IsConst && r.Value < 0)
        {
            throw new ExpressionException($"integers to negative integer powers are not allowed (at position {position})", position);
        }

        if (l.IsConst && r.IsConst)
        {
            return l.Python is { } pl && r.Python is { } pr
                ? FromPython(PyValue.Power(pl, pr, position), position)
                : ExprNode.NodeConstant(Math.Pow(l.Value, r.Value), Numeric(Max(l.Kind, r.Kind)), null, position);
        }

        if (r.IsConst)
        {
            var x = r.Value;
            if (double.IsFinite(x) && Math.Abs(x) <= 50 && Math.Truncate(2 * x) == 2 * x)
            {
                // numexpr's "aggressive" pow optimisation: x**2 = x*x, x**-1 = 1/x, x**0.5 = sqrt(x), x**0 = 1, ...
                var half = ((long)Math.Abs(2 * x)) % 2 == 1;
                var kind = half ? ExprKind.Double : Numeric(l.Kind);
                return new ExprNode(ExprOp.IntPow, kind, position, l)
                {
                    PowerN = (int)Math.Abs(x),
                    PowerHalf = half,
                    PowerNegative = x < 0,
                    ExponentText = r.ToString(),
                };
            }
        }

        return new ExprNode(ExprOp.Pow, Numeric(Max(l.Kind, r.Kind)), position, l, r);
    }

    private static ExprNode Compare(ExprOp op, ExprNode l, ExprNode r, int position)
    {
        if (l.IsPythonLiteral && r.IsPythonLiteral)
        {
            return ExprNode.PythonConstant(PyValue.Compare(op, l.Python!.Value, r.Python!.Value), position);
        }

        l = AsNode(l);
        r = AsNode(r);
        if (l.IsConst && r.IsConst)
        {
            return l.Python is { } pl && r.Python is { } pr
                ? FromPython(PyValue.Compare(op, pl, pr), position)
                : Fold(op, ExprKind.Bool, position, l, r);
        }

        return new ExprNode(op, ExprKind.Bool, position, l, r);
    }

    private static ExprNode Logical(ExprOp op, ExprNode l, ExprNode r, int position)
    {
        var symbol = op == ExprOp.And ? "&" : "|";
        if (l.IsPythonLiteral && r.IsPythonLiteral)
        {
            var a = l.Python!.Value;
            var b = r.Python!.Value;
            return ExprNode.PythonConstant(op == ExprOp.And ? PyValue.BitAnd(a, b, position) : PyValue.BitOr(a, b, position), position);
        }

        l = AsNode(l);
        r = AsNode(r);
        if (l.IsConst && r.IsConst)
        {
            if (l.Python is { } pl && r.Python is { } pr)
            {
                return FromPython(op == ExprOp.And ? PyValue.BitAnd(pl, pr, position) : PyValue.BitOr(pl, pr, position), position);
            }

            if (l.Kind == ExprKind.Bool && r.Kind == ExprKind.Bool)
            {
                return Fold(op, ExprKind.Bool, position, l, r);
            }

            if (l.Kind == ExprKind.Int && r.Kind == ExprKind.Int)
            {
                var a = (long)l.Value;
                var b = (long)r.Value;
                return ExprNode.NodeConstant(op == ExprOp.And ? a & b : a | b, ExprKind.Int, null, position);
            }
        }

        if (l.Kind != ExprKind.Bool || r.Kind != ExprKind.Bool)
        {
            throw new ExpressionException(
                $"'{symbol}' needs boolean operands (comparison results) at position {position}; "
                + $"'{symbol}' binds tighter than comparisons, so write e.g. (A > 0) {symbol} (B < 1)",
                position);
        }

        return new ExprNode(op, ExprKind.Bool, position, l, r);
    }

    private static ExprNode Negate(ExprNode x, int position)
    {
        if (x.IsPythonLiteral)
        {
            return ExprNode.PythonConstant(PyValue.Negate(x.Python!.Value), position);
        }

        if (x.IsConst)
        {
            return x.Python is { } p
                ? FromPython(PyValue.Negate(p), position)
                : ExprNode.NodeConstant(-x.Value, Numeric(x.Kind), null, position);
        }

        return new ExprNode(ExprOp.Neg, Numeric(x.Kind), position, x);
    }

    private static ExprNode Invert(ExprNode x, int position)
    {
        if (x.IsPythonLiteral)
        {
            return ExprNode.PythonConstant(PyValue.Invert(x.Python!.Value, position), position);
        }

        if (x.IsConst)
        {
            if (x.Python is { } p)
            {
                return FromPython(PyValue.Invert(p, position), position);
            }

            return x.Kind switch
            {
                ExprKind.Bool => ExprNode.NodeConstant(x.IsTruthy ? 0 : 1, ExprKind.Bool, null, position),
                ExprKind.Int => ExprNode.NodeConstant(~(long)x.Value, ExprKind.Int, null, position),
                _ => throw new ExpressionException($"bad operand type for unary ~: 'float' at position {position}", position),
            };
        }

        if (x.Kind != ExprKind.Bool)
        {
            throw new ExpressionException(
                $"'~' needs a boolean operand (a comparison result) at position {position}; "
                + "'~' binds tighter than comparisons, so write e.g. ~(A > 0)",
                position);
        }

        return new ExprNode(ExprOp.Not, ExprKind.Bool, position, x);
    }

    private static ExprNode Function(ExprOp op, List<ExprNode> args, int position)
    {
        var nodes = new ExprNode[args.Count];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = AsNode(args[i]);
        }

        if (op == ExprOp.Where)
        {
            var c = nodes[0];
            if (c.IsConst)
            {
                // numexpr: `b if cond else c` for a constant condition (Python truthiness: NaN is true).
                return c.IsTruthy ? nodes[1] : nodes[2];
            }

            return new ExprNode(ExprOp.Where, Max(Max(c.Kind, nodes[1].Kind), nodes[2].Kind), position, nodes);
        }

        if (nodes.All(n => n.IsConst))
        {
            // NumPy applies the function to the constants: abs and fmod keep ints, the others give floats.
            var integral = nodes.All(n => n.Kind != ExprKind.Double);
            var kind = integral && op is ExprOp.Abs or ExprOp.Fmod ? ExprKind.Int : ExprKind.Double;
            if (op == ExprOp.Fmod && integral && nodes[1].Value == 0)
            {
                return ExprNode.NodeConstant(0, ExprKind.Int, null, position);
            }

            return Fold(op, kind, position, nodes);
        }

        return new ExprNode(op, ExprKind.Double, position, nodes);
    }
}

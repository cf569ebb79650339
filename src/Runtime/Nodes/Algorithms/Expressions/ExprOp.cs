namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>Operations of the compiled expression tree.</summary>
internal enum ExprOp
{
    /// <summary>A constant (literal or folded).</summary>
    Const,

    /// <summary>An input variable.</summary>
    Var,

    /// <summary>Unary minus.</summary>
    Neg,

    /// <summary>Logical not (<c>~</c> on a boolean).</summary>
    Not,

    /// <summary><c>a + b</c>.</summary>
    Add,

    /// <summary><c>a - b</c>.</summary>
    Sub,

    /// <summary><c>a * b</c>.</summary>
    Mul,

    /// <summary><c>a / b</c> (true division).</summary>
    Div,

    /// <summary><c>a % b</c> (numexpr: <c>a - floor(a/b)*b</c>).</summary>
    Mod,

    /// <summary><c>a ** b</c> (C pow).</summary>
    Pow,

    /// <summary><c>a ** c</c> for an integral or half-integral constant |c| &lt;= 50, expanded like numexpr's "aggressive" optimisation.</summary>
    IntPow,

    /// <summary><c>a &lt; b</c>.</summary>
    Lt,

    /// <summary><c>a &lt;= b</c>.</summary>
    Le,

    /// <summary><c>a &gt; b</c>.</summary>
    Gt,

    /// <summary><c>a &gt;= b</c>.</summary>
    Ge,

    /// <summary><c>a == b</c>.</summary>
    Eq,

    /// <summary><c>a != b</c>.</summary>
    Ne,

    /// <summary><c>a &amp; b</c> on booleans.</summary>
    And,

    /// <summary><c>a | b</c> on booleans.</summary>
    Or,

    /// <summary><c>where(c, a, b)</c>.</summary>
    Where,

    /// <summary><c>x * y + z</c> with separate roundings (fused evaluation of an Add over a Mul).</summary>
    MulAdd,

    /// <summary><c>sin</c>.</summary>
    Sin,

    /// <summary><c>cos</c>.</summary>
    Cos,

    /// <summary><c>tan</c>.</summary>
    Tan,

    /// <summary><c>arcsin</c>.</summary>
    Arcsin,

    /// <summary><c>arccos</c>.</summary>
    Arccos,

    /// <summary><c>arctan</c>.</summary>
    Arctan,

    /// <summary><c>arctan2(y, x)</c>.</summary>
    Arctan2,

    /// <summary><c>sinh</c>.</summary>
    Sinh,

    /// <summary><c>cosh</c>.</summary>
    Cosh,

    /// <summary><c>tanh</c>.</summary>
    Tanh,

    /// <summary><c>arcsinh</c>.</summary>
    Arcsinh,

    /// <summary><c>arccosh</c>.</summary>
    Arccosh,

    /// <summary><c>arctanh</c>.</summary>
    Arctanh,

    /// <summary><c>exp</c>.</summary>
    Exp,

    /// <summary><c>expm1</c>.</summary>
    Expm1,

    /// <summary><c>log</c> (natural).</summary>
    Log,

    /// <summary><c>log1p</c>.</summary>
    Log1p,

    /// <summary><c>log10</c>.</summary>
    Log10,

    /// <summary><c>sqrt</c>.</summary>
    Sqrt,

    /// <summary><c>abs</c>.</summary>
    Abs,

    /// <summary><c>floor</c>.</summary>
    Floor,

    /// <summary><c>ceil</c>.</summary>
    Ceil,

    /// <summary><c>fmod(a, b)</c> (C fmod).</summary>
    Fmod,
}

namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>An operand of a kernel: either a span of values (one per output element) or a scalar.</summary>
internal readonly ref struct ExprOperand
{
    /// <summary>A span operand.</summary>
    public ExprOperand(ReadOnlySpan<double> span)
    {
        Span = span;
        Scalar = 0;
        IsScalar = false;
    }

    /// <summary>A scalar operand.</summary>
    public ExprOperand(double scalar)
    {
        Span = default;
        Scalar = scalar;
        IsScalar = true;
    }

    /// <summary>The values (when not <see cref="IsScalar"/>).</summary>
    public ReadOnlySpan<double> Span { get; }

    /// <summary>The scalar (when <see cref="IsScalar"/>).</summary>
    public double Scalar { get; }

    /// <summary>True for a scalar operand.</summary>
    public bool IsScalar { get; }
}

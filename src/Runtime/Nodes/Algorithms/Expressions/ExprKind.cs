namespace PodCache.Runtime.Nodes.Algorithms.Expressions;

/// <summary>
/// numexpr's "kind" of a sub-expression, ordered by rank (numexpr's <c>commonKind</c> takes the maximum).
/// All evaluation happens in doubles; the kind only drives numexpr's type-dependent rewrites and checks.
/// </summary>
internal enum ExprKind
{
    /// <summary>Boolean (comparison results, <c>&amp;</c>, <c>|</c>, <c>~</c>).</summary>
    Bool = 0,

    /// <summary>Integer (Python int constants; numexpr's int and long).</summary>
    Int = 1,

    /// <summary>Double (inputs, Python float constants, most function results).</summary>
    Double = 2,
}

namespace PodCache.Runtime.Sources;

/// <summary>External data a node reads: the attr that names it and the location as written (a path or URL).</summary>
/// <param name="Attr">The attr, e.g. <c>source</c>.</param>
/// <param name="Location">The file path or URL.</param>
public sealed record SourceReference(string Attr, string Location);

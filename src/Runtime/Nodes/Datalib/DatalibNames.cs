namespace PodCache.Runtime.Nodes.Datalib;

/// <summary>The names pipelines use for a class that <c>podpac.datalib</c> exports (PODPAC 3) or <c>podpacdatalib</c> does (PODPAC 4).</summary>
internal static class DatalibNames
{
    /// <summary>
    /// Every name but the canonical <c>datalib.MODULE.CLASS</c>: <c>datalib.CLASS</c>, the <c>podpac.</c>-prefixed import
    /// paths, and the <c>podpacdatalib</c> names (PODPAC 4 writes <c>"plugin": "podpacdatalib.MODULE"</c>).
    /// </summary>
    public static string[] Aliases(string module, string cls) =>
    [
        $"datalib.{cls}",
        $"podpac.datalib.{module}.{cls}",
        $"podpac.datalib.{cls}",
        $"podpacdatalib.{module}.{cls}",
        $"podpacdatalib.{cls}",
    ];
}

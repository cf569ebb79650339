namespace PodCache.Runtime.Sources;

/// <summary>
/// Decides which files and URLs a pipeline may read. Asked for every source a node declares
/// (<see cref="Nodes.NodeBuildContext.DeclareSource"/>) before the run touches it: before its version token is resolved,
/// its key computed or the file opened. <c>podcache serve</c> restricts sources to its data roots; the CLI allows
/// everything unless <c>sources.allow</c> is configured.
/// </summary>
public interface ISourceAccessPolicy
{
    /// <summary>
    /// Null when <paramref name="location"/> (a file path, relative to the working directory, or a URL) may be read;
    /// otherwise why not. The reason for a refused file is the same whether or not the file exists, so an answer
    /// never tells a client what lies outside the roots.
    /// </summary>
    string? Refuse(string location);
}

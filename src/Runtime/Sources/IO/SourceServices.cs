namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// What format nodes read through: the I/O service, the version resolver and the block cache. One per runner (a
/// server shares it between runs); <see cref="Nodes.NodeContext.Sources"/> hands it to nodes.
/// </summary>
public sealed class SourceServices
{
    /// <summary>Creates the services.</summary>
    public SourceServices(SourceIO io, SourceVersions versions, BlockCache? blocks)
    {
        IO = io ?? throw new ArgumentNullException(nameof(io));
        Versions = versions ?? throw new ArgumentNullException(nameof(versions));
        Blocks = blocks;
    }

    /// <summary>Opens byte sources.</summary>
    public SourceIO IO { get; }

    /// <summary>Resolves version tokens.</summary>
    public SourceVersions Versions { get; }

    /// <summary>The shared cache of fetched blocks; null reads remote sources without caching blocks.</summary>
    public BlockCache? Blocks { get; }
}

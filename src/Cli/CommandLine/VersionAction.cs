using System.CommandLine;
using System.CommandLine.Invocation;

namespace PodCache.Cli.CommandLine;

/// <summary>
/// <c>podcache --version</c>: <see cref="PodCache.Cache.PodCacheVersion.Full"/>, the version provenance records, rather
/// than what System.CommandLine's own action reads from the entry assembly.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(PodCache.Cache.PodCacheVersion.Full);
        return ExitCodes.Ok;
    }
}

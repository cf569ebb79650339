using System.Reflection;
using System.Text.RegularExpressions;

namespace PodCache.Cli.Tests;

/// <summary>One version source: git tags through MinVer, shown by <c>podcache --version</c> and recorded in provenance.</summary>
public sealed partial class VersionTests
{
    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?(\+[0-9A-Za-z.]+)?$")]
    private static partial Regex SemVer();

    [Fact]
    public async Task Version_IsTheSemVerEveryAssemblyWasBuiltAs()
    {
        var r = await CliHarness.RunAsync("--version");
        Assert.Equal(0, r.ExitCode);
        string shown = r.Stdout.Trim();
        Assert.Matches(SemVer(), shown);
        // MinVer gives every project the same version; the assembly version alone would say 0.0.0.0.
        Assert.Equal(PodCache.Cache.PodCacheVersion.Full, shown);
        Assert.Equal(PodCache.Cache.PodCacheVersion.Current, PodCache.Runtime.Execution.ProvenanceRecord.PodCacheVersion);
        Assert.Equal(PodCache.Cache.PodCacheVersion.Current,
            PodCache.Cache.PodCacheVersion.Of(typeof(PodCache.Runtime.Pipelines.Pipeline).Assembly));
        Assert.DoesNotContain("+", PodCache.Cache.PodCacheVersion.Current, StringComparison.Ordinal);
        Assert.NotEqual("0.0.0", PodCache.Cache.PodCacheVersion.Current);
        Assert.NotNull(typeof(PodCache.Cache.TieredCache).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>());
    }
}

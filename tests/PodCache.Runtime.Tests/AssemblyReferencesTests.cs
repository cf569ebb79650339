using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests;

/// <summary>The layout's rule for the runtime: the cluster layer (Akka) and the HTTP server (ASP.NET Core) depend on it, never the reverse.</summary>
public sealed class AssemblyReferencesTests
{
    [Fact]
    public void RuntimeAssembly_ReferencesNoAkkaAndNoAspNetCore()
    {
        var names = typeof(Pipeline).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.Contains("PodCache.Cache", names);
        Assert.DoesNotContain(names, n => n == "Akka" || n.StartsWith("Akka.", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n is "PodCache.Cluster" or "PodCache.Server");
    }
}

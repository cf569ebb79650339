using PodCache.Cache.Keys;

namespace PodCache.Cache.Tests;

/// <summary>The layout's rule for the core: PodCache.Cache knows nothing of Akka (PodCache.Cluster) or ASP.NET Core (PodCache.Server).</summary>
public sealed class AssemblyReferencesTests
{
    [Fact]
    public void CacheAssembly_ReferencesNoAkkaAndNoAspNetCore()
    {
        var names = typeof(Key).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.Contains("MessagePack", names);
        Assert.DoesNotContain(names, n => n == "Akka" || n.StartsWith("Akka.", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}

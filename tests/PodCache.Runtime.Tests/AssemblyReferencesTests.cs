namespace PodCache.Runtime.Tests;

/// <summary>
/// The layout's rule for the core assemblies: the cluster layer (Akka, PodCache.Cluster) and the HTTP server
/// (ASP.NET Core, PodCache.Server) depend on them, never the reverse.
/// </summary>
public sealed class AssemblyReferencesTests
{
    public static TheoryData<string> CoreAssemblies() => ["PodCache.Cache", "PodCache.Runtime"];

    [Theory]
    [MemberData(nameof(CoreAssemblies))]
    public void CoreAssembly_ReferencesNoAkkaNoAspNetCoreAndNothingAboveIt(string assembly)
    {
        var loaded = assembly == "PodCache.Cache" ? typeof(PodCache.Cache.Keys.Key).Assembly : typeof(PodCache.Runtime.Pipelines.Pipeline).Assembly;
        Assert.Equal(assembly, loaded.GetName().Name);

        string[] names = [.. loaded.GetReferencedAssemblies().Select(a => a.Name!)];

        Assert.NotEmpty(names);
        Assert.DoesNotContain(names, n => n == "Akka" || n.StartsWith("Akka.", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n is "PodCache.Cluster" or "PodCache.Server" or "podcache");
    }
}

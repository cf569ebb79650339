using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace PodCache.Packaging.Tests;

/// <summary>
/// The repository packed to a local feed as a release would be (<c>dotnet pack PodCache.sln -c Release --no-build</c>
/// over the suite's own build), at a version unique to this run so NuGet's global cache never serves a stale copy;
/// the test versions are removed from that cache afterwards.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public static readonly string[] Libraries = ["PodCache.Cache", "PodCache.Runtime", "PodCache.Cluster", "PodCache.Server", "PodCache.Notebooks"];
    public const string Tool = "podcache";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "podcache-pack-" + Guid.NewGuid().ToString("N"));
    public string Feed => Path.Combine(Root, "feed");
    public string Version { get; } = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public PackageFeed()
    {
        Directory.CreateDirectory(Root);
        var r = Pack(Feed, Version);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed ({r.ExitCode}):\n{r.Output}");
        }
    }

    public static string RepoRoot
    {
        get
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d is not null && !File.Exists(Path.Combine(d.FullName, "PodCache.sln"))) d = d.Parent;
            return d?.FullName ?? throw new InvalidOperationException("PodCache.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Packs the built solution into <paramref name="feed"/> at <paramref name="version"/> (MinVer's override).</summary>
    public static (int ExitCode, string Output) Pack(string feed, string version)
    {
        string cli = Path.Combine(RepoRoot, "src", "Cli", "bin", "Release", "net10.0", "podcache.dll");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"{cli} is missing: build the solution first (dotnet build PodCache.sln -c Release), as scripts/test.sh does");
        }
        return Run("dotnet", ["pack", Path.Combine(RepoRoot, "PodCache.sln"), "-c", "Release", "--no-build", "-nologo", "-o", feed,
            "-p:MinVerVersionOverride=" + version], RepoRoot, TimeSpan.FromMinutes(5));
    }

    /// <summary>Runs a process to completion within <paramref name="timeout"/>, stdout and stderr together.</summary>
    public static (int ExitCode, string Output) Run(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish within {timeout}:\n{output}");
        }
        p.WaitForExit();
        lock (output) return (p.ExitCode, output.ToString());
    }

    /// <summary>The path of package <paramref name="id"/> in <paramref name="feed"/> at <paramref name="version"/>.</summary>
    public static string Package(string feed, string id, string version, string ext = "nupkg") => Path.Combine(feed, $"{id}.{version}.{ext}");

    /// <summary>The nuspec of a package and the names of its files.</summary>
    public static (XElement Metadata, XNamespace Ns, string[] Files) Read(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var s = nuspec.Open();
        var doc = XDocument.Load(s);
        var ns = doc.Root!.Name.Namespace;
        return (doc.Root.Element(ns + "metadata")!, ns, zip.Entries.Select(e => e.FullName).ToArray());
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        // The test versions restored into NuGet's global cache.
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in Libraries.Append(Tool))
        {
            try { Directory.Delete(Path.Combine(cache, id.ToLowerInvariant(), Version), recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "package feed";
}

using System.Text.RegularExpressions;

namespace PodCache.Packaging.Tests;

/// <summary>The packages as a user gets them: metadata, contents, the tool installed from the feed, the README's C# against the packages alone.</summary>
[Collection(FeedCollection.Name)]
public sealed partial class PackageTests(PackageFeed feed)
{
    [Fact]
    public void EveryPackage_HasLicenceReadmeRepositoryAndSymbols_AndOneVersion()
    {
        foreach (var id in PackageFeed.Libraries.Append(PackageFeed.Tool))
        {
            string nupkg = PackageFeed.Package(feed.Feed, id, feed.Version);
            Assert.True(File.Exists(nupkg), $"{nupkg} missing; the feed has {string.Join(", ", Directory.GetFiles(feed.Feed).Select(Path.GetFileName))}");
            Assert.True(File.Exists(PackageFeed.Package(feed.Feed, id, feed.Version, "snupkg")), $"{id}: no symbol package");
            var (m, ns, files) = PackageFeed.Read(nupkg);
            Assert.Equal("MIT", m.Element(ns + "license")?.Value);
            Assert.Equal("expression", m.Element(ns + "license")?.Attribute("type")?.Value);
            Assert.Equal("README.md", m.Element(ns + "readme")?.Value);
            Assert.Contains("README.md", files);
            Assert.Contains("LICENSE", files);
            var repo = m.Element(ns + "repository");
            Assert.NotNull(repo);
            Assert.False(string.IsNullOrEmpty(repo.Attribute("url")?.Value), $"{id}: no repository url");
            Assert.False(string.IsNullOrEmpty(m.Element(ns + "description")?.Value), $"{id}: no description");
            // Packages of this repository depend on each other at exactly this version.
            foreach (var dep in m.Descendants(ns + "dependency").Where(d => d.Attribute("id")!.Value.StartsWith("PodCache.", StringComparison.Ordinal)))
            {
                Assert.Equal(feed.Version, dep.Attribute("version")!.Value);
            }
        }
    }

    [Fact]
    public void Layers_DependOneWay_AndTheCacheCarriesNeitherAkkaNorAspNet()
    {
        string[] Deps(string id)
        {
            var (m, ns, _) = PackageFeed.Read(PackageFeed.Package(feed.Feed, id, feed.Version));
            return m.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToArray();
        }
        var cache = Deps("PodCache.Cache");
        Assert.DoesNotContain(cache, d => d.StartsWith("Akka", StringComparison.Ordinal) || d.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || d.StartsWith("PodCache.", StringComparison.Ordinal));
        Assert.Contains("PodCache.Cache", Deps("PodCache.Runtime"));
        Assert.DoesNotContain(Deps("PodCache.Runtime"), d => d.StartsWith("Akka", StringComparison.Ordinal));
        Assert.Contains("PodCache.Runtime", Deps("PodCache.Cluster"));
        Assert.Contains("Akka.Cluster.Sharding", Deps("PodCache.Cluster"));
        Assert.Contains("PodCache.Cluster", Deps("PodCache.Server"));
        Assert.Contains("PodCache.Runtime", Deps("PodCache.Notebooks"));
        Assert.DoesNotContain("PodCache.Cluster", Deps("PodCache.Notebooks"));
    }

    [Fact]
    public void TheToolIsADotnetTool_AndTheNotebookPackageCarriesItsKernelExtension()
    {
        var (tool, ns, toolFiles) = PackageFeed.Read(PackageFeed.Package(feed.Feed, PackageFeed.Tool, feed.Version));
        Assert.Contains(tool.Descendants(ns + "packageType"), t => t.Attribute("name")?.Value == "DotnetTool");
        Assert.Contains(toolFiles, f => f.EndsWith("/podcache.dll", StringComparison.Ordinal) && f.StartsWith("tools/", StringComparison.Ordinal));
        var (_, _, nbFiles) = PackageFeed.Read(PackageFeed.Package(feed.Feed, "PodCache.Notebooks", feed.Version));
        Assert.Contains("interactive-extensions/dotnet/PodCache.Notebooks.dll", nbFiles);
        Assert.Contains("lib/net10.0/PodCache.Notebooks.dll", nbFiles);
    }

    [Fact]
    public void OnAReleaseVersion_PackagesWithPrereleaseDependencies_StayPrerelease()
    {
        string stable = Path.Combine(feed.Root, "stable");
        var r = PackageFeed.Pack(stable, "9.9.9");
        Assert.True(r.ExitCode == 0, r.Output);
        foreach (var id in new[] { "PodCache.Cache", "PodCache.Runtime", "PodCache.Cluster" })
        {
            Assert.True(File.Exists(PackageFeed.Package(stable, id, "9.9.9")), $"{id} 9.9.9 missing");
        }
        // The OpenTelemetry Prometheus exporter and .NET Interactive are published as betas only.
        foreach (var id in new[] { "PodCache.Server", "PodCache.Notebooks", PackageFeed.Tool })
        {
            Assert.True(File.Exists(PackageFeed.Package(stable, id, "9.9.9-preview")), $"{id} 9.9.9-preview missing");
        }
    }

    [Fact]
    public void TheTool_InstalledFromTheFeed_RunsAnExample_AndAnswersTheSecondRunFromDisk()
    {
        string tools = Path.Combine(feed.Root, "tools");
        var install = PackageFeed.Run("dotnet", ["tool", "install", PackageFeed.Tool, "--tool-path", tools, "--add-source", feed.Feed, "--version", feed.Version],
            feed.Root, TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.Output);
        string podcache = Path.Combine(tools, OperatingSystem.IsWindows() ? "podcache.exe" : "podcache");
        string example = Path.Combine(PackageFeed.RepoRoot, "examples", "pipelines", "sin-anomaly");
        string work = Directory.CreateDirectory(Path.Combine(feed.Root, "tool-run")).FullName;
        string[] args = ["run", Path.Combine(example, "pipeline.json"), "--coords", Path.Combine(example, "coords.json"), "--format", "summary", "--no-progress"];

        var first = PackageFeed.Run(podcache, args, work, TimeSpan.FromMinutes(2));
        var second = PackageFeed.Run(podcache, args, work, TimeSpan.FromMinutes(2));
        var version = PackageFeed.Run(podcache, ["--version"], work, TimeSpan.FromMinutes(1));

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Matches(@"out\s+computed", first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Matches(@"out\s+hit:disk", second.Output);
        Assert.True(Directory.Exists(Path.Combine(work, ".podcache")), "the default cache directory was not made in the working directory");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output.Trim());
    }

    /// <summary>
    /// A project in its own folder whose Program.cs is the README's C# block that <paramref name="block"/> finds, and
    /// whose only reference is <paramref name="package"/> from the feed.
    /// </summary>
    private string ReadmeApp(Regex block, string heading, string name, string sdk, string package)
    {
        var m = block.Match(File.ReadAllText(Path.Combine(PackageFeed.RepoRoot, "README.md")).ReplaceLineEndings("\n"));
        Assert.True(m.Success, $"README.md has no ```csharp block under '{heading}'");
        string app = Directory.CreateDirectory(Path.Combine(feed.Root, name)).FullName;
        File.WriteAllText(Path.Combine(app, "Program.cs"), m.Groups["code"].Value);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <AssemblyName>App</AssemblyName>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RestoreAdditionalProjectSources>{feed.Feed}</RestoreAdditionalProjectSources>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{package}" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        return app;
    }

    [GeneratedRegex(@"## From C#\s+```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FromCSharp();

    [Fact]
    public void TheReadmesFromCSharpCode_CompilesAndRunsAgainstThePackagesAlone()
    {
        string app = ReadmeApp(FromCSharp(), "## From C#", "readme-app", "Microsoft.NET.Sdk", "PodCache.Runtime");
        string example = Path.Combine(PackageFeed.RepoRoot, "examples", "pipelines", "sin-anomaly");
        File.Copy(Path.Combine(example, "pipeline.json"), Path.Combine(app, "pipeline.json"));
        File.Copy(Path.Combine(example, "coords.json"), Path.Combine(app, "coords.json"));

        var run = PackageFeed.Run("dotnet", ["run", "-c", "Release"], app, TimeSpan.FromMinutes(8));

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("DataArray", run.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"### Embed the HTTP API.*?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex EmbedSnippet();

    [Fact]
    public async Task TheReadmesAspNetApp_BuiltAgainstThePackages_AnswersARunOnLoopback()
    {
        string app = ReadmeApp(EmbedSnippet(), "### Embed the HTTP API", "web-app", "Microsoft.NET.Sdk.Web", "PodCache.Server");
        var build = PackageFeed.Run("dotnet", ["build", "-c", "Release", "-nologo", "-v", "quiet", "-o", Path.Combine(app, "out")], app, TimeSpan.FromMinutes(8));
        Assert.True(build.ExitCode == 0, build.Output);

        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = app, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(app, "out", "App.dll"));
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        using var server = System.Diagnostics.Process.Start(psi)!;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (true)
            {
                try
                {
                    using var ready = await http.GetAsync("healthz/ready");
                    if (ready.IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }
                Assert.False(server.HasExited, "the web app exited");
                Assert.True(DateTime.UtcNow < deadline, "the web app did not become ready within a minute");
                await Task.Delay(200);
            }
            const string body = """
                {"pipeline": {"SinCoords": {"node": "algorithm.SinCoords"}},
                 "coordinates": {"coords": [{"name": "lat", "start": 0, "stop": 40, "step": 10}, {"name": "lon", "start": 0, "stop": 50, "step": 10}]}}
                """;
            using var first = await http.PostAsync("v1/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            using var second = await http.PostAsync("v1/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

            Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
            Assert.Contains("\"computed\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True(second.IsSuccessStatusCode);
            Assert.Contains("\"hit:ram\"", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }
}

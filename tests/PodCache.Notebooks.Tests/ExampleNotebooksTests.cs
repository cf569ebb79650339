using System.Diagnostics;
using PodCache.Runtime.Execution;
using Xunit.Abstractions;

namespace PodCache.Notebooks.Tests;

/// <summary>
/// Every notebook under examples/notebooks, executed headlessly in a real C# kernel against a cache directory in which
/// a separate <c>podcache run</c> process has just saved a run.
/// </summary>
public class ExampleNotebooksTests(ITestOutputHelper output)
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestPaths.Notebooks).Where(f => f.EndsWith(".ipynb", StringComparison.Ordinal) || f.EndsWith(".dib", StringComparison.Ordinal)).Order())
        {
            data.Add(Path.GetFileName(f));
        }
        return data;
    }

    [Fact]
    public void Notebooks_TheExamplesFolder_HasBothFormats()
    {
        var names = ((IEnumerable<object[]>)Notebooks()).Select(row => (string)row[0]).ToList();
        Assert.Contains("pipelines.ipynb", names);
        Assert.Contains("cache.dib", names);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_RunHeadlessly_EveryCellSucceedsAndShowsGraphsAndImages(string name)
    {
        using var cache = new TempDir();
        string cliRunId = await SaveRunWithCliAsync(cache.Path);

        string? oldDir = Environment.GetEnvironmentVariable("PODCACHE_CACHE_DIR");
        string oldCwd = Directory.GetCurrentDirectory();
        NotebookRunner.Result result;
        try
        {
            Environment.SetEnvironmentVariable("PODCACHE_CACHE_DIR", cache.Path);
            // A notebook kernel runs in the notebook's folder; its relative paths are written for that.
            Directory.SetCurrentDirectory(TestPaths.Notebooks);
            result = await NotebookRunner.RunAsync(Path.Combine(TestPaths.Notebooks, name), TimeSpan.FromMinutes(2));
        }
        finally
        {
            Directory.SetCurrentDirectory(oldCwd);
            Environment.SetEnvironmentVariable("PODCACHE_CACHE_DIR", oldDir);
        }
        output.WriteLine($"{name}: {result.Cells} cells in {result.Elapsed.TotalSeconds:F2} s ({string.Join(", ", result.CellTimes.Select(t => $"cell {t.Cell} {t.Elapsed.TotalSeconds:F2} s"))})");

        var html = result.Outputs.Where(o => o.MimeType == "text/html").Select(o => o.Value).ToList();
        Assert.Contains(html, h => h.Contains("<svg", StringComparison.Ordinal) && h.Contains("class=\"node\"", StringComparison.Ordinal));
        Assert.Contains(html, h => h.Contains("<img src=\"data:image/png;base64,", StringComparison.Ordinal));
        var pngs = result.Outputs.Where(o => o.MimeType == "image/png").ToList();
        Assert.NotEmpty(pngs);
        Assert.All(pngs, p => Assert.Equal("iVBORw0KGgo", p.Value[..11]));   // base64 of the PNG signature
        Assert.Contains(html, h => h.Contains("class=\"podcache-stats\"", StringComparison.Ordinal));
        // The run reopened from the manifest the CLI process saved.
        Assert.Contains(html, h => h.Contains(cliRunId, StringComparison.Ordinal));
    }

    private static async Task<string> SaveRunWithCliAsync(string cacheDir)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestPaths.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "podcache.dll"), "run",
            Path.Combine(TestPaths.SinAnomaly, "pipeline.json"), "--coords", Path.Combine(TestPaths.SinAnomaly, "coords.json"),
            "--cache-dir", cacheDir, "--format", "summary", "--no-progress",
        })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, $"podcache run failed ({p.ExitCode}): {await stdout}\n{await stderr}");
        var runs = new RunStore(cacheDir).List();
        return Assert.Single(runs).RunId;
    }
}

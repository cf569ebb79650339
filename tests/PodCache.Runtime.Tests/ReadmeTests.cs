namespace PodCache.Runtime.Tests;

/// <summary>
/// README.md is what a new user reads first: its sections and its two commands (the main job and the whole suite) must
/// stay. A merge once dropped the sections from "The command line" to "Run a cluster" without any test noticing.
/// </summary>
public class ReadmeTests
{
    [Fact]
    public void Readme_KeepsItsSectionsAndItsTwoCommands()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        string[] sections =
        [
            "## Quick start", "## Install", "### Embed the HTTP API", "## The command line", "## Pipelines", "## Coordinates",
            "## Configuration", "## Remote data", "## S3 tier", "## Run a server", "## Run a cluster", "## From C#", "## Notebooks",
            "## Architecture",
        ];
        int at = 0;
        foreach (var s in sections)
        {
            int i = readme.IndexOf("\n" + s + "\n", StringComparison.Ordinal);
            Assert.True(i >= 0, $"README.md lacks the section '{s}'");
            Assert.True(i > at, $"README.md has '{s}' out of order");
            at = i;
        }
        Assert.Contains("dotnet run --project src/Cli -c Release -- run examples/", readme, StringComparison.Ordinal);
        Assert.Contains("\n./scripts/test.sh\n", readme, StringComparison.Ordinal);
        Assert.Contains("exec ./scripts/test.sh", File.ReadAllText(Path.Combine(TestPaths.RepoRoot, ".ci", "run")), StringComparison.Ordinal);
    }
}

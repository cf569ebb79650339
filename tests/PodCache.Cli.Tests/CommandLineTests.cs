using System.Text.Json.Nodes;
using PodCache.Cli.CommandLine;

namespace PodCache.Cli.Tests;

/// <summary>The command tree on System.CommandLine: help with examples, parse errors as exit 2, completions, the plan table.</summary>
public class CommandLineTests
{
    public static TheoryData<string> Commands() =>
        ["", "run", "plan", "runs", "get", "cache", "cache stats", "cache ls", "cache evict", "cache clear", "cache gc", "inspect", "nodes",
         "serve", "loadtest"];

    private static string[] Words(string command) => command.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_Exit0WithUsageAndExample(string command)
    {
        foreach (string flag in new[] { "--help", "-h" })
        {
            var r = await CliHarness.RunAsync([.. Words(command), flag]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("Usage:", r.Stdout);
            int usage = r.Stdout.IndexOf("Usage:", StringComparison.Ordinal);
            Assert.StartsWith(("  podcache " + command).TrimEnd() + " ", r.Stdout[(usage + "Usage:".Length)..].TrimStart('\r', '\n'));
            int examples = r.Stdout.IndexOf("Examples:", StringComparison.Ordinal);
            Assert.True(examples > 0, r.Stdout);
            Assert.Contains("  podcache " + command, r.Stdout[examples..]);
            Assert.Equal("", r.Stderr);
        }
    }

    [Fact]
    public async Task Help_WordAndBareCommand_PrintUsage_BareExits2()
    {
        var help = await CliHarness.RunAsync("help", "run");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("podcache run <PIPELINE> [options]", help.Stdout);
        var bare = await CliHarness.RunAsync();
        Assert.Equal(2, bare.ExitCode);
        Assert.Contains("Commands:", bare.Stdout);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task UnknownOption_EveryCommand_Exit2NamingIt(string command)
    {
        var r = await CliHarness.RunAsync([.. Words(command), "--frobnicate"]);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: unknown option --frobnicate; options here: ", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public Task UnknownOption_BeforeTheArgument_IsNotTakenForIt() =>
        Exit2(["run", "--colour", "--coords", "c.json"], "error: unknown option --colour; options here: --cache-dir, --config, --coords, --format");

    /// <summary>Runs the command line and asserts it exits 2 with <paramref name="stderr"/> in its error output.</summary>
    private static async Task Exit2(string[] args, string stderr)
    {
        var r = await CliHarness.RunAsync(args);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains(stderr, r.Stderr);
    }

    [Fact]
    public async Task MissingRequiredOptionOrArgument_Exit2NamingIt()
    {
        await Exit2(["run", "p.json"], "error: Option '--coords' is required.");
        await Exit2(["plan", "--coords", "c.json"], "error: missing PIPELINE: the pipeline JSON file");
        await Exit2(["run", "p.json", "--coords"], "--coords");
        await Exit2(["cache", "evict"], "error: missing KEY");
    }

    [Fact]
    public async Task UnknownCommandOrSubcommand_Exit2ListingThem()
    {
        await Exit2(["frob"], "error: unknown command 'frob'; use run, plan, runs, get, cache, inspect, nodes, config, serve, loadtest (see podcache --help)");
        await Exit2(["cache", "frob"], "unknown cache subcommand 'frob'; use stats, ls, evict, clear, gc");
        await Exit2(["cache"], "missing subcommand");
    }

    [Theory]
    [InlineData("run p.json --format ", new[] { "geotiff", "json", "png", "summary" })]
    [InlineData("plan p.json --format ", new[] { "json", "summary", "table" })]
    [InlineData("nodes --format ", new[] { "json", "text" })]
    [InlineData("runs --format ", new[] { "json", "text" })]
    [InlineData("cache ls --format j", new[] { "json" })]
    public void Completion_Format_OffersItsChoices(string line, string[] expected)
    {
        var completions = CommandTree.Build().Parse(line).GetCompletions().Select(c => c.Label).Order(StringComparer.Ordinal);
        Assert.Equal(expected, completions);
    }

    [Fact]
    public async Task SuggestDirective_InProcess_CompletesFormatValuesAndCommands()
    {
        var values = await CliHarness.RunAsync("[suggest:21]", "get latest --format ");
        Assert.Equal(0, values.ExitCode);
        Assert.Equal(["geotiff", "json", "png", "summary"], values.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var commands = await CliHarness.RunAsync("[suggest:3]", "loa");
        Assert.Equal("loadtest", commands.Stdout.Trim());
    }

    [Fact]
    public Task Format_BadValue_Exit2NamingTheChoices() => Exit2(["nodes", "--format", "xml"], "--format 'xml' is not supported; use text or json");

    [Fact]
    public async Task Plan_TableForPeople_JsonWhenRedirected()
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases", "008-convolution-mean-sincoords");
        string[] files = [Path.Combine(dir, "pipeline.json"), "--coords", Path.Combine(dir, "coords.json"), "--cache-dir", tmp.Path];
        var before = await CliHarness.RunAsync(["plan", .. files, "--format", "table"]);
        Assert.True(before.ExitCode == 0, before.Stderr);
        var lines = before.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Matches(@"^node +status +tier +bytes +est\. seconds$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Convolution +computed +- +\? +\?$"));
        Assert.Equal("2 of 2 nodes to compute for 'Convolution'", lines[^1]);

        Assert.Equal(0, (await CliHarness.RunAsync(["run", .. files])).ExitCode);
        var after = await CliHarness.RunAsync(["plan", .. files, "--format", "table"]);
        // A hit shows the tier and what the entry recorded: its size and the seconds it took to compute.
        Assert.Contains(after.Stdout.Split('\n'), l => System.Text.RegularExpressions.Regex.IsMatch(l.TrimEnd(), @"^Convolution +hit +disk +[\d,]+ +\d+\.\d{3}$"));
        Assert.Contains("0 of 2 nodes to compute", after.Stdout);

        // A StringWriter is not a terminal: without --format, JSON, as scripts and the other tests expect.
        var redirected = await CliHarness.RunAsync(["plan", .. files]);
        Assert.Equal("hit:disk", JsonNode.Parse(redirected.Stdout)!["nodes"]!["Convolution"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Runs_FormatJsonAndJsonFlag_SameOutput()
    {
        using var tmp = new TempDir();
        var json = await CliHarness.RunAsync("runs", "--format", "json", "--cache-dir", tmp.Path);
        var flag = await CliHarness.RunAsync("runs", "--json", "--cache-dir", tmp.Path);
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(json.Stdout, flag.Stdout);
        Assert.IsType<JsonArray>(JsonNode.Parse(json.Stdout));
        var text = await CliHarness.RunAsync("runs", "--cache-dir", tmp.Path);
        Assert.Contains("0 run(s)", text.Stdout);
    }
}

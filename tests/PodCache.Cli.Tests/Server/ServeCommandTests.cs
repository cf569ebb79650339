using PodCache.Cli.Commands;
using PodCache.Cache.Configuration;
using PodCache.Server;

namespace PodCache.Cli.Tests.Server;

public class ServeCommandTests
{
    private static CommandArgs Args(params string[] args) => new(CommandLine.CommandTree.Build().Parse(["serve", .. args]));

    [Fact]
    public void ParseOptions_ServerSection_SetsTheBudgets_AndTheFlagWins()
    {
        const string file = """{"server": {"maxInFlightBytes": "2GiB", "recentRunsMaxBytes": 1000000}}""";
        ConfigurationDocument Document(CommandArgs a) => ConfigurationDocument.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .Add(new PodCacheJsonFileSource("podcache.json", file)).AddPodCacheOverrides(CliConfiguration.Overrides(a)).Build());

        var fromConfig = ServeCommand.ParseOptions(Args(), Document(Args()));
        var fromFlag = ServeCommand.ParseOptions(Args("--max-inflight-bytes", "512MiB"), Document(Args("--max-inflight-bytes", "512MiB")));
        var defaults = ServeCommand.ParseOptions(Args(), ConfigurationDocument.Empty);

        Assert.Equal(2L << 30, fromConfig.MaxInFlightBytes);
        Assert.Equal(1_000_000, fromConfig.RecentRunsMaxBytes);
        Assert.Equal(512L << 20, fromFlag.MaxInFlightBytes);
        Assert.Equal(InFlightBudget.DefaultMaxBytes(), defaults.MaxInFlightBytes);
        Assert.InRange(defaults.MaxInFlightBytes, 64L << 20, 4L << 30);
        Assert.Equal(RecentRuns.DefaultMaxBytes, defaults.RecentRunsMaxBytes);
    }

    [Theory]
    [InlineData("lots", "--max-inflight-bytes: server.maxInFlightBytes: 'lots' is not a size")]
    [InlineData("0", "must be positive")]
    public async Task Serve_BadMaxInflightBytesFlag_Exit2NamingIt(string value, string expected)
    {
        using var tmp = new TempDir();
        var r = await CliHarness.RunAsync("serve", "--http-port", "0", "--cache-dir", tmp.Path, "--max-inflight-bytes", value);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
    }

    [Fact]
    public async Task Serve_BadServerSectionInConfig_Exit2NamingTheFileAndPath()
    {
        using var tmp = new TempDir();
        string config = tmp.File("podcache.json", """{"server": {"maxInFlightBytes": "plenty"}}""");
        var r = await CliHarness.RunAsync("serve", "--http-port", "0", "--cache-dir", tmp.Path, "--config", config);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(config + ": server.maxInFlightBytes", r.Stderr);
        Assert.Contains("'plenty' is not a size", r.Stderr);
    }

    [Fact]
    public async Task Serve_LogFormatJson_WarningsAreJsonLinesOnStderr()
    {
        using var tmp = new TempDir();
        string cache = Directory.CreateDirectory(Path.Combine(tmp.Path, "cache")).FullName;
        File.WriteAllText(Path.Combine(cache, "index.db"), "not a database");
        using var p = CliHarness.Start(tmp.Path, ["serve", "--http-port", "0", "--cache-dir", cache, "--no-save-runs", "--set", "server.logFormat=json"]);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string line = await p.StandardError.ReadLineAsync(cts.Token) ?? "";
            var json = System.Text.Json.Nodes.JsonNode.Parse(line)!;

            Assert.Equal("warning", (string?)json["level"]);
            Assert.Contains("cannot be used", (string?)json["message"]);
            Assert.Contains("index.db", (string?)json["message"]);
            Assert.True(DateTimeOffset.TryParse((string?)json["timestamp"], out _), line);
            string? listening = await p.StandardOutput.ReadLineAsync(cts.Token);
            Assert.StartsWith("podcache serve: listening on http://127.0.0.1:", listening);
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    [Fact]
    public void ParseOptions_LogFormat_TextByDefault_JsonWhenSet_ElseNamedError()
    {
        var errors = new List<string>();
        Assert.Equal("text", ServerOptions.Read(null, null, errors).LogFormat);
        Assert.Equal("json", ServerOptions.Read(new System.Text.Json.Nodes.JsonObject { ["logFormat"] = "json" }, null, errors).LogFormat);
        Assert.Empty(errors);

        ServerOptions.Read(new System.Text.Json.Nodes.JsonObject { ["logFormat"] = "xml" }, null, errors);

        Assert.Equal("server.logFormat: \"text\" or \"json\"", Assert.Single(errors));
    }
}

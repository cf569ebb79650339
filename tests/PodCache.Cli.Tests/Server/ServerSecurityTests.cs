using System.Net;
using System.Net.Http.Headers;
using PodCache.Server;

namespace PodCache.Cli.Tests.Server;

public class ServerSecurityTests
{
    [Fact]
    public async Task Token_Configured_401WithoutOrWrong_200WithIt()
    {
        await using var s = await TestServer.StartAsync(apiToken: "s3cret-token", clientSendsToken: false);
        foreach (var path in new[] { "healthz", "metrics", "v1/stats" })
        {
            using var none = await s.Client.GetAsync(path);
            await TestServer.AssertProblemAsync(none, 401);
            Assert.Contains(none.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "healthz"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-tokeN");
            using var r = await s.Client.SendAsync(wrong);
            await TestServer.AssertProblemAsync(r, 401);
        }
        using (var basic = new HttpRequestMessage(HttpMethod.Get, "healthz"))
        {
            basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", "s3cret-token");
            using var r = await s.Client.SendAsync(basic);
            await TestServer.AssertProblemAsync(r, 401);
        }
        using (var right = new HttpRequestMessage(HttpMethod.Get, "healthz"))
        {
            right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
            using var r = await s.Client.SendAsync(right);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    [Fact]
    public async Task Token_Configured_RunsWorkWithIt()
    {
        await using var s = await TestServer.StartAsync(apiToken: "tok");
        var manifest = await s.PostRunOkAsync(TestServer.CaseBody("003-sincoords-descending"));
        Assert.NotNull(manifest["runId"]);
    }

    [Fact]
    public void Options_NonLoopbackWithoutToken_Refused()
    {
        var ex = Assert.Throws<PodCache.Cache.Configuration.ConfigurationException>(() => new ServerOptions { BindAddress = IPAddress.Any, Port = 0 }.Validate());
        Assert.Contains("API token", ex.Message);
        Assert.False(new ServerOptions { BindAddress = IPAddress.Any, Port = 0, ApiToken = "t" }.Validate().IsLoopback);
        Assert.True(new ServerOptions { BindAddress = IPAddress.IPv6Loopback }.Validate().IsLoopback);
    }

    [Fact]
    public async Task Serve_NonLoopbackBindWithoutToken_Exit2BeforeListening()
    {
        using var tmp = new TempDir();
        var r = await CliHarness.RunAsync("serve", "--bind", "0.0.0.0", "--http-port", "0", "--cache-dir", tmp.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("API token", r.Stderr);
        Assert.DoesNotContain("listening", r.Stdout);
    }

    [Theory]
    [InlineData("--seed needs --cluster-port", "--seed", "127.0.0.1:4053")]
    [InlineData("--stable-after needs --cluster-port", "--stable-after", "5s")]
    [InlineData("--cluster-port: a port is a number from 0 to 65535", "--cluster-port", "70000")]
    [InlineData("--seed 'nohost': a seed is HOST:PORT", "--cluster-port", "0", "--seed", "nohost")]
    [InlineData("--seed '127.0.0.1:0': a port is a number from 1 to 65535", "--cluster-port", "0", "--seed", "127.0.0.1:0")]
    [InlineData("--stable-after: 'soon' is not a duration (use seconds", "--cluster-port", "0", "--stable-after", "soon")]
    [InlineData("--stable-after:", "--cluster-port", "0", "--stable-after", "100ms")]
    [InlineData("--min-members 'x': must be a whole number", "--cluster-port", "0", "--min-members", "x")]
    [InlineData("--cluster-host:", "--cluster-port", "0", "--cluster-host", "localhost")]
    [InlineData("--advertise-url 'ftp://x/': must be an absolute http:// or https:// URL", "--cluster-port", "0", "--advertise-url", "ftp://x/")]
    public async Task Serve_InvalidClusterFlags_Exit2WithClearMessageBeforeListening(string message, params string[] flags)
    {
        using var tmp = new TempDir();
        var r = await CliHarness.RunAsync(["serve", "--http-port", "0", "--cache-dir", tmp.Path, .. flags]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("listening", r.Stdout);
    }

    [Theory]
    [InlineData("""{"cluster": {"stableAfter": "x"}}""", "cluster.stableAfter: 'x' is not a duration (use seconds, a number with ms, s, m, h or d")]
    [InlineData("""{"cluster": {"budgets": {"ram": "lots"}}}""", "cluster.budgets.ram: 'lots' is not a size")]
    [InlineData("""{"cluster": {"budgets": {"gpu": "1GB"}}}""", "cluster.budgets.gpu: unknown key; cluster.budgets has disk, ram and s3")]
    [InlineData("""{"cluster": {"shards": 10}}""", "cluster.shards: unknown key")]
    [InlineData("""{"cluster": {"seeds": ["127.0.0.1"]}}""", "cluster.seeds[0] '127.0.0.1': a seed is HOST:PORT")]
    [InlineData("""{"cluster": {"shardCount": 0}}""", "cluster.shardCount:")]
    [InlineData("""{"cluster": 3}""", "cluster: must be an object")]
    public async Task Serve_InvalidClusterConfig_Exit2NamingThePath(string config, string message)
    {
        using var tmp = new TempDir();
        string file = tmp.File("config.json", config);
        var r = await CliHarness.RunAsync("serve", "--http-port", "0", "--cluster-port", "0", "--config", file, "--cache-dir", tmp.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("listening", r.Stdout);
    }

    [Theory]
    [InlineData("--http-port", "70000")]
    [InlineData("--http-port", "x")]
    [InlineData("--bind", "example.org")]
    [InlineData("--max-body-bytes", "0")]
    [InlineData("--max-body-bytes", "lots")]
    public async Task Serve_BadOptions_Exit2(string flag, string value)
    {
        var r = await CliHarness.RunAsync("serve", flag, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(flag, r.Stderr);
    }
}

using System.Net;
using System.Net.Http.Headers;
using PodCache.Cli.Server;

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
        var ex = Assert.Throws<UsageException>(() => new ServerOptions { BindAddress = IPAddress.Any, Port = 0 }.Validate());
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
    [InlineData("--cluster-port", "0")]
    [InlineData("--seed", "127.0.0.1:4053")]
    public async Task Serve_ClusterFlags_Exit2WithClearMessage(string flag, string value)
    {
        using var tmp = new TempDir();
        var r = await CliHarness.RunAsync("serve", "--http-port", "0", flag, value, "--cache-dir", tmp.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(flag == "--seed" ? "--seed needs --cluster-port" : "cluster mode is not available in this build", r.Stderr);
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

using PodCache.Tests.Cluster;

namespace PodCache.Cluster.Tests;

/// <summary>The harness itself, on stand-in processes (Python's HTTP server) until `podcache serve` clusters exist.</summary>
[Collection("cluster")]
public sealed class ClusterProcessHarnessTests
{
    [Fact(Timeout = 60_000)]
    public async Task Harness_StartsMembersOnFreePorts_KillsOneWithSigkill_TimesRecovery()
    {
        await using var harness = new ClusterProcessHarness("python3",
            p => ["-m", "http.server", p.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1"],
            Path.GetTempPath());

        await harness.StartAsync(2, "/", TimeSpan.FromSeconds(30));
        Assert.Equal(2, harness.Running.Count());
        Assert.NotEqual(harness.Members[0].Ports.HttpPort, harness.Members[1].Ports.HttpPort);
        Assert.Equal(harness.Members[0].Ports.Seed, harness.Members[1].Ports.Seed);

        await harness.Members[1].KillAsync();

        Assert.True(harness.Members[1].Process.HasExited);
        Assert.Equal(137, harness.Members[1].Process.ExitCode);
        var elapsed = await ClusterProcessHarness.TimeUntilAsync(async () =>
        {
            using var response = await harness.Members[0].GetAsync("/");
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(10));
        Assert.True(elapsed < TimeSpan.FromSeconds(10));
        await harness.Members[0].TerminateAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(harness.Running);
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace PodCache.Cache.Tests;

/// <summary>
/// Runs the policy simulator (tests/PodCache.PolicySim, an executable) as a process: its self-test against the
/// published scarab-recs numbers, the synthetic generator's determinism, and the offline bound dominating every
/// policy. The solution build produces the simulator; if it is missing (this project built alone) it is built.
/// </summary>
public sealed class PolicySimTests
{
    private static readonly Lazy<string> SimDll = new(LocateOrBuild);

    // Of the 16 standard cells, how many reach 90% of the offline bound's saved cost (docs/policy-simulator.md). 7 while
    // the simulator told the policy of every hit at once; driven as the RAM tier now drives it (reads told when the
    // entry comes up as victim), scarab at 20% reaches 89.9% instead of 90.0% and the count is 6.
    private const int MinCellsNearBound = 6;

    [Fact]
    public async Task SelfTest_BundledScarabTrace_MatchesPublishedLruAndBeladyHitRatios()
    {
        var result = await RunAsync("--self-test");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("scarab-recs lru at 100,000 entries: 75.91%", result.Stdout);
        Assert.Contains("scarab-recs belady at 100,000 entries: 79.25%", result.Stdout);
        Assert.Contains("self-test passed", result.Stdout);
    }

    [Fact]
    public async Task PrintSynthetic_SameSeed_SameTrace()
    {
        var first = await RunAsync("--print-synthetic", "3000", "--seed", "42", "--objects", "2000");
        var again = await RunAsync("--print-synthetic", "3000", "--seed", "42", "--objects", "2000");
        var other = await RunAsync("--print-synthetic", "3000", "--seed", "43", "--objects", "2000");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Stdout, again.Stdout);
        Assert.NotEqual(first.Stdout, other.Stdout);
        var requests = first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(3000, requests.Count);
        Assert.All(requests, line => Assert.Equal(5, line.Split(' ').Length));
    }

    [Theory]
    [InlineData("--trace adapt_size_request.trace.xz --format adaptsize", "fluid-bound")]
    [InlineData("--trace address_penalties_gcc.trace.xz --format gcc", "fluid-bound")]
    [InlineData("--format synthetic --requests 60000 --objects 6000 --seed 5", "fluid-bound")]
    public async Task Json_EveryPolicyAndBudget_BoundSavesAtLeastAsMuchAsEveryPolicy(string trace, string bound)
    {
        var result = await RunAsync([.. trace.Split(' '), "--budget-percent", "0.1,1,5,20", "--json"]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(4 * 8, rows.Count);
        foreach (var budget in rows.GroupBy(r => r.GetProperty("budgetBytes").GetInt64()))
        {
            var byPolicy = budget.ToDictionary(r => r.GetProperty("policy").GetString()!, r => r.GetProperty("costSavedRatio").GetDouble());
            Assert.Contains("cost-aware", byPolicy.Keys);
            Assert.All(byPolicy.Values, v => Assert.InRange(v, 0, 1));
            Assert.All(byPolicy, p => Assert.True(p.Value <= byPolicy[bound] + 1e-12, $"{p.Key} beat the bound at {budget.Key} bytes"));
        }
    }

    [Fact]
    public async Task Summary_StandardCells_DefaultPolicyMeetsItsTargets()
    {
        // The whole standard table (4 traces × 4 budgets × 8 rows): about 40 s of CPU, ~20 s on two idle cores.
        var result = await RunAsync(TimeSpan.FromSeconds(600), "--summary", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var cells = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(16, cells.Count);
        var nearBound = 0;
        foreach (var cell in cells)
        {
            var name = $"{cell.GetProperty("trace").GetString()} at {cell.GetProperty("budgetPercent").GetDouble()}%";
            var saved = cell.GetProperty("costSavedRatio").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            var bound = cell.GetProperty("bound").GetString()!;
            Assert.Equal(8, saved.Count);
            foreach (var (policy, value) in saved)
            {
                Assert.True(policy == bound || saved["cost-aware"] >= value, $"{name}: cost-aware {saved["cost-aware"]:P3} < {policy} {value:P3}");
            }
            if (cell.GetProperty("shareOfBound").GetDouble() >= 0.9)
            {
                nearBound++;
            }
        }
        Assert.True(nearBound >= MinCellsNearBound, $"cost-aware reaches 90% of the bound in {nearBound} cells");
    }

    [Fact]
    public async Task Lru_DrivenAsTheRamTierDrivesIt_IsClockLike_WhileEagerReadsGiveExactLru()
    {
        // Exact LRU (every hit told at once) has the published 75.91%; told lazily, an entry read since it last came up
        // as victim goes back to the front once (CLOCK), which keeps slightly more of scarab's hot set.
        string[] args = ["--trace", "scarab-recs.trace.xz", "--format", "scarab", "--budget", "100000", "--policies", "lru", "--json"];
        var lazy = await RunAsync(args);
        var eager = await RunAsync([.. args, "--eager-reads"]);

        Assert.True(lazy.ExitCode == 0 && eager.ExitCode == 0, lazy.Stderr + eager.Stderr);
        static double Hits(Result r) => JsonDocument.Parse(r.Stdout).RootElement[0].GetProperty("objectHitRatio").GetDouble();
        Assert.Equal(0.7591, Hits(eager), 4);
        Assert.NotEqual(Hits(eager), Hits(lazy));
        Assert.InRange(Hits(lazy), Hits(eager) - 0.005, Hits(eager) + 0.005);
    }

    [Fact]
    public async Task UnknownFormat_ExitsWithUsageError()
    {
        var result = await RunAsync("--trace", "x", "--format", "nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown --format", result.Stderr);
    }

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static Task<Result> RunAsync(params string[] args) => RunAsync(TimeSpan.FromSeconds(120), args);

    private static async Task<Result> RunAsync(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(SimDll.Value);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"PodCache.PolicySim {string.Join(' ', args)} did not finish in {timeout.TotalSeconds} s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string LocateOrBuild()
    {
        // The test binaries live in tests/PodCache.Cache.Tests/bin/<Configuration>/<tfm>/.
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PodCache.sln")))
        {
            root = root.Parent;
        }
        Assert.NotNull(root);
        var project = Path.Combine(root.FullName, "tests", "PodCache.PolicySim");
        var dll = Path.Combine(project, "bin", configuration, tfm, "PodCache.PolicySim.dll");
        if (!File.Exists(dll))
        {
            var psi = new ProcessStartInfo("dotnet", ["build", project, "-c", configuration, "-nologo", "-v", "quiet"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var build = Process.Start(psi)!;
            var output = build.StandardOutput.ReadToEndAsync();
            var errors = build.StandardError.ReadToEnd();
            build.WaitForExit();
            Assert.True(build.ExitCode == 0 && File.Exists(dll), $"Building {project} failed: {output.Result}{errors}");
        }
        return dll;
    }
}

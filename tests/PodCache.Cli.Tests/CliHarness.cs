using System.Diagnostics;

namespace PodCache.Cli.Tests;

/// <summary>Runs the CLI in-process (fast) or as a real OS process (for multi-process tests).</summary>
internal static class CliHarness
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PodCache.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    /// <summary>The built podcache.dll next to the test binaries.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "podcache.dll");

    /// <summary>Starts <c>dotnet podcache.dll ARGS</c> in <paramref name="workDir"/>.</summary>
    public static Process Start(string workDir, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null)
        {
            foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        }
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>Runs a CLI process to completion within <paramref name="timeout"/>.</summary>
    public static async Task<Result> RunProcessAsync(string workDir, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        using var p = Start(workDir, args);
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"podcache {string.Join(' ', args)} did not finish in time");
        }
        return new Result(p.ExitCode, await outTask, await errTask);
    }
}

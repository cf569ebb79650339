using System.Diagnostics;
using PodCache.Cli.Commands;

namespace PodCache.Cli;

/// <summary>
/// A <c>podcache serve</c> process on a free loopback port with a fresh cache directory (the load test's server).
/// Disposing stops it with SIGTERM (killed if it has not exited within ten seconds) and removes the directory.
/// </summary>
internal sealed class ChildServer : IAsyncDisposable
{
    private const string ListeningPrefix = "podcache serve: listening on ";

    private readonly Process _process;
    private readonly string _cacheDir;

    private ChildServer(Process process, Uri baseAddress, string cacheDir)
    {
        _process = process;
        BaseAddress = baseAddress;
        _cacheDir = cacheDir;
    }

    /// <summary>Where the server listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>CPU time the server process has used so far (user and system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts the server and waits until it listens.</summary>
    /// <param name="extraArgs">More <c>podcache serve</c> options.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="InvalidOperationException">The server did not start.</exception>
    public static async Task<ChildServer> StartAsync(IEnumerable<string> extraArgs, CancellationToken cancellationToken)
    {
        string cacheDir = Path.Combine(Path.GetTempPath(), "podcache-loadtest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(cacheDir);
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The same podcache this process runs: the apphost, or 'dotnet podcache.dll'.
        string self = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            psi.FileName = self;
            psi.ArgumentList.Add(typeof(ChildServer).Assembly.Location);
        }
        else
        {
            psi.FileName = self;
        }
        foreach (var arg in new[] { "serve", "--http-port", "0", "--bind", "127.0.0.1", "--cache-dir", cacheDir }.Concat(extraArgs))
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment.Remove(ServeCommand.TokenVariable);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start podcache serve");
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(startup.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
                {
                    string url = line[ListeningPrefix.Length..].Split(' ')[0];
                    // Keep draining stdout so the server never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new ChildServer(process, new Uri(url + "/"), cacheDir);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        string err = await stderr.ConfigureAwait(false);
        process.Dispose();
        TryDelete(cacheDir);
        throw new InvalidOperationException("podcache serve did not start: " + err.Trim());
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Terminate(_process);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        _process.Dispose();
        TryDelete(_cacheDir);
    }

    /// <summary>Asks <paramref name="process"/> to stop as a service manager would: SIGTERM (a kill elsewhere).</summary>
    public static void Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
            return;
        }
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        });
        kill?.WaitForExit();
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

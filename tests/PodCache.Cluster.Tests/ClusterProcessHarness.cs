using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

// Shared by PodCache.Cluster.Tests and, linked, by the multi-process cluster tests of `podcache serve`
// (<Compile Include="../PodCache.Cluster.Tests/ClusterProcessHarness.cs" Link="Cluster/ClusterProcessHarness.cs" />).
// Depends on nothing of PodCache.
namespace PodCache.Tests.Cluster;

/// <summary>
/// Real OS processes forming a cluster on 127.0.0.1: each member gets a free cluster port and a free HTTP port, the
/// first is every member's seed. Members can be killed with SIGKILL (no chance to leave) or stopped with SIGTERM
/// (graceful leave), and the harness measures how long until a probe succeeds again. Disposal kills what is left,
/// one process at a time. Every wait is bounded.
/// </summary>
public sealed class ClusterProcessHarness : IAsyncDisposable
{
    private readonly Func<MemberPorts, IReadOnlyList<string>> _arguments;
    private readonly string _fileName;
    private readonly string? _workingDirectory;
    private readonly List<MemberProcess> _members = [];

    /// <param name="fileName">The executable (e.g. <c>dotnet</c>).</param>
    /// <param name="arguments">The command line of a member from its ports and seed, e.g.
    /// <c>[podcacheDll, "serve", "--port", $"{p.HttpPort}", "--cluster-port", $"{p.ClusterPort}", "--cluster-seeds", p.Seed]</c>.</param>
    /// <param name="workingDirectory">The processes' working directory.</param>
    public ClusterProcessHarness(string fileName, Func<MemberPorts, IReadOnlyList<string>> arguments, string? workingDirectory = null)
    {
        _fileName = fileName;
        _arguments = arguments;
        _workingDirectory = workingDirectory;
    }

    /// <summary>Ports and seed of one member. <see cref="Seed"/> is <c>127.0.0.1:PORT</c> of the first member (its own for the first).</summary>
    public sealed record MemberPorts(int Index, int ClusterPort, int HttpPort, string Seed)
    {
        /// <summary>The member's HTTP base URL.</summary>
        public Uri HttpBase => new($"http://127.0.0.1:{HttpPort}/");
    }

    /// <summary>Every member started, including exited ones.</summary>
    public IReadOnlyList<MemberProcess> Members => _members;

    /// <summary>Members whose process still runs.</summary>
    public IEnumerable<MemberProcess> Running => _members.Where(m => !m.Process.HasExited);

    /// <summary>Starts one more member (the first one seeds the cluster).</summary>
    public MemberProcess Start(IDictionary<string, string>? environment = null)
    {
        int clusterPort = FreePort();
        int httpPort = FreePort();
        string seed = _members.Count == 0 ? $"127.0.0.1:{clusterPort}" : _members[0].Ports.Seed;
        var ports = new MemberPorts(_members.Count, clusterPort, httpPort, seed);
        var info = new ProcessStartInfo(_fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in _arguments(ports))
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        var member = new MemberProcess(ports, Process.Start(info) ?? throw new InvalidOperationException($"could not start {_fileName}"));
        _members.Add(member);
        return member;
    }

    /// <summary>Starts <paramref name="count"/> members and waits until each answers <paramref name="readyPath"/> with 2xx.</summary>
    public async Task StartAsync(int count, string readyPath, TimeSpan timeout)
    {
        for (int i = 0; i < count; i++)
        {
            Start();
        }
        await Task.WhenAll(_members.Select(m => m.WaitHttpOkAsync(readyPath, timeout)));
    }

    /// <summary>
    /// Repeats <paramref name="probe"/> (e.g. an HTTP request through a surviving member) until it returns true, and
    /// returns how long that took. Exceptions from the probe count as "not yet".
    /// </summary>
    public static async Task<TimeSpan> TimeUntilAsync(Func<Task<bool>> probe, TimeSpan timeout, TimeSpan? interval = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            try
            {
                if (await probe())
                {
                    return watch.Elapsed;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
            }
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(250));
        }
        throw new TimeoutException($"The probe did not succeed within {timeout.TotalSeconds:0} s.");
    }

    /// <summary>A loopback TCP port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the members still running, last started first.</summary>
    public async ValueTask DisposeAsync()
    {
        for (int i = _members.Count - 1; i >= 0; i--)
        {
            await _members[i].DisposeAsync();
        }
    }
}

/// <summary>One member process, with its output captured.</summary>
public sealed class MemberProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly StringBuilder _output = new();

    internal MemberProcess(ClusterProcessHarness.MemberPorts ports, Process process)
    {
        Ports = ports;
        Process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Its ports and seed.</summary>
    public ClusterProcessHarness.MemberPorts Ports { get; }

    /// <summary>The OS process.</summary>
    public Process Process { get; }

    /// <summary>Everything it wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>GET <paramref name="path"/> on this member.</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(new Uri(Ports.HttpBase, path));

    /// <summary>Waits until GET <paramref name="path"/> answers 2xx.</summary>
    public async Task WaitHttpOkAsync(string path, TimeSpan timeout)
    {
        try
        {
            await ClusterProcessHarness.TimeUntilAsync(async () =>
            {
                if (Process.HasExited)
                {
                    throw new InvalidOperationException($"member {Ports.Index} exited with {Process.ExitCode}:\n{Output}");
                }
                using var response = await GetAsync(path);
                return response.IsSuccessStatusCode;
            }, timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"member {Ports.Index} not ready at {path}:\n{Output}", ex);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to leave the cluster.</summary>
    public async Task KillAsync()
    {
        Process.Kill(entireProcessTree: false);
        await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGTERM (a graceful leave, if the server handles it); waits for the exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (!OperatingSystem.IsWindows() && SysKill(Process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {Process.Id} failed ({Marshal.GetLastPInvokeError()})");
        }
        await Process.WaitForExitAsync().WaitAsync(timeout);
    }

    /// <summary>Kills the process if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            try
            {
                await KillAsync();
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}

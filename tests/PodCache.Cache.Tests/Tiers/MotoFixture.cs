using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

// Shared by PodCache.Cache.Tests and PodCache.Cli.Tests (linked into the latter).
namespace PodCache.Tests.S3;

/// <summary>
/// Tests that talk to a real S3 protocol server. Not run in parallel with other collections: they start servers and
/// processes and are bounded by timeouts that a starved 2-core machine should not trip.
/// </summary>
[CollectionDefinition("moto", DisableParallelization = true)]
public sealed class MotoCollection : ICollectionFixture<MotoFixture>;

/// <summary>One moto server for a test collection; tests make their own buckets.</summary>
public sealed class MotoFixture : IAsyncLifetime
{
    public MotoServer Server { get; } = new();

    public string ServiceUrl => Server.ServiceUrl;

    public Task InitializeAsync() => Server.StartAsync();

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }

    public IAmazonS3 CreateClient() => Server.CreateClient();

    public Task<string> CreateBucketAsync() => Server.CreateBucketAsync();
}

/// <summary>
/// <c>python3 -m moto.server -H 127.0.0.1 -p PORT</c> on a free loopback port. Fails loudly when it cannot start:
/// S3 tests are never skipped. Also sets moto's dummy credentials in this process's environment, where the SDK's
/// default chain (which PodCache uses, in this process and in CLI child processes) finds them.
/// </summary>
public sealed class MotoServer : IDisposable
{
    public const string AccessKey = "testing";
    public const string SecretKey = "testing";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly StringBuilder _output = new();
    private Process? _process;

    static MotoServer()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretKey);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        // No instance-metadata probing when something goes wrong with the environment credentials.
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    public int Port { get; private set; }

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A port nothing listens on (bound, released); for "S3 unreachable" tests.</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async Task StartAsync()
    {
        Port = FreePort();
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", Port.ToString() })
        {
            psi.ArgumentList.Add(a);
        }
        try
        {
            _process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new InvalidOperationException("Could not start 'python3 -m moto.server' (is moto installed? pip install 'moto[server]')", ex);
        }
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto exited with code {_process.ExitCode} while starting on port {Port}:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync(ServiceUrl + "/moto-api/");
                if ((int)response.StatusCode < 500)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        Dispose();
        throw new InvalidOperationException($"moto did not answer on {ServiceUrl} within {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            // Keep the tail only: moto logs every request.
            if (_output.Length > 64_000) _output.Remove(0, 32_000);
            _output.AppendLine(line);
        }
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public IAmazonS3 CreateClient() => new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        MaxErrorRetry = 1,
        Timeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>A new bucket with a unique name.</summary>
    public async Task<string> CreateBucketAsync()
    {
        string name = "pc-" + Guid.NewGuid().ToString("N")[..24];
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>Stops the server (SIGKILL), as a crash or network loss would.</summary>
    public void Stop()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Stop();
        _process?.Dispose();
        _process = null;
    }
}

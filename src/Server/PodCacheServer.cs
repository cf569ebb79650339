using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PodCache.Server;

/// <summary>
/// The HTTP server in front of an <see cref="IRunService"/>: a minimal-API <see cref="WebApplication"/> on Kestrel with
/// <c>AddPodCacheServer</c> and <see cref="PodCacheServerExtensions.MapPodCache{TApp}"/>.
/// Started by <c>podcache serve</c>, and in-process by tests (port 0 picks a free port; <see cref="BaseAddress"/> says
/// which).
/// </summary>
public sealed class PodCacheServer : IAsyncDisposable
{
    /// <summary>The response header that carries the output node's status (<c>computed</c>, <c>hit:ram</c>, ...) of a run.</summary>
    public const string StatusHeader = "X-PodCache-Status";

    private readonly WebApplication _app;

    private PodCacheServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The server's services (<see cref="EntryDataClient"/>, for one).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Stops when the application is asked to stop: SIGTERM, Ctrl-C, or <see cref="StopAsync"/>.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Builds and starts the server; returns once it accepts connections.</summary>
    /// <param name="options">Validated listen options.</param>
    /// <param name="service">The member that answers runs; the caller keeps ownership.</param>
    /// <param name="codecs">How cached values become bytes for <c>/v1/entries/KEY/data</c>.</param>
    /// <param name="logToConsole">Log warnings and errors to the console (the serve command); silent otherwise.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <exception cref="IOException">The address cannot be bound (e.g. the port is taken).</exception>
    /// <param name="configureServices">Adds services (e.g. <c>AddPodCacheClusterMember</c>), or null.</param>
    public static async Task<PodCacheServer> StartAsync(ServerOptions options, IRunService service,
        PodCache.Cache.Serialization.ValueCodecs codecs, bool logToConsole = false, CancellationToken cancellationToken = default,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        if (logToConsole)
        {
            if (options.LogFormat == "json")
            {
                builder.Logging.AddJsonConsole(o =>
                {
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
                }).SetMinimumLevel(LogLevel.Warning);
                builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            }
            else
            {
                builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            }
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.BindAddress, options.Port);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddPodCacheServer(service, options, codecs);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapPodCache();

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PodCacheServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Waits until the server is asked to stop (SIGTERM, Ctrl-C, <see cref="StopAsync"/> or <paramref name="cancellationToken"/>).</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var a = _app.Lifetime.ApplicationStopping.Register(() => stopped.TrySetResult());
        using var b = cancellationToken.Register(() => stopped.TrySetResult());
        await stopped.Task.ConfigureAwait(false);
    }

    /// <summary>Stops accepting requests and lets those in flight finish (up to the shutdown timeout).</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PodCache.Cache.Serialization;
using PodCache.Server.Endpoints;

namespace PodCache.Server;

/// <summary>
/// PodCache's HTTP API in any ASP.NET Core application: <c>services.AddPodCacheServer(service)</c> registers what
/// the endpoints need, <c>app.MapPodCache()</c> adds the middleware (errors as problem details, the API token) and
/// maps <c>/v1/runs</c>, <c>/v1/entries</c>, <c>/v1/stats</c>, <c>/healthz</c>, <c>/metrics</c> and the OpenAPI document
/// <c>/openapi/v1.json</c>.
/// </summary>
public static class PodCacheServerExtensions
{
    /// <summary>The health-check tag of the checks <c>/healthz/ready</c> (and <c>/healthz</c>) run.</summary>
    public const string ReadyTag = "ready";

    /// <summary>How long the side channel waits for another member's value.</summary>
    private static readonly TimeSpan EntryFetchTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Registers the server and an embedded PodCache configured by <paramref name="configuration"/> (e.g.
    /// <c>builder.Configuration.GetSection("PodCache")</c>, laid out as <c>podcache.json</c>: <c>cache</c>,
    /// <c>limits</c>, <c>sources</c>, <c>server</c>), validated here, once. Runs are served by a
    /// <see cref="LocalRunService"/> over that cache (disposed with the container); pipelines read files only under the
    /// working directory or <c>sources.allow.files</c>, and URLs only under <c>sources.allow.urls</c>, as
    /// <c>podcache serve</c> does.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">PodCache's section of the application's configuration.</param>
    /// <param name="apiToken">The bearer token every request must carry, or null (loopback only).</param>
    /// <param name="saveRuns">Save every run's manifest in the cache directory.</param>
    /// <exception cref="PodCache.Cache.Configuration.ConfigurationException">The configuration is invalid.</exception>
    public static IServiceCollection AddPodCacheServer(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration,
        string? apiToken = null, bool saveRuns = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var document = PodCache.Cache.Configuration.ConfigurationDocument.From(configuration);
        var podcache = PodCache.Runtime.Hosting.PodCacheOptions.Load(document);
        var options = ServerOptions.Read(document, apiToken);
        services.AddSingleton(podcache);
        services.AddSingleton<IRunService>(_ => new LocalRunService(
            CacheSession.Open(podcache, null, shortLived: false, CacheSession.ServerSources(podcache, [])), saveRuns,
            admission: new InFlightBudget(options.MaxInFlightBytes), recentRunsMaxBytes: options.RecentRunsMaxBytes));
        return AddServerServices(services, options, null);
    }

    /// <summary>
    /// Makes the server a cluster member: <paramref name="service"/> (registered as the server's <see cref="IRunService"/>
    /// by <c>AddPodCacheServer</c>) joins once the server listens and leaves gracefully when the host stops, through
    /// <see cref="ClusterMembershipService"/>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="service">The member's run service.</param>
    /// <param name="options">The cluster settings.</param>
    /// <param name="akkaLog">Where Akka logs, or null.</param>
    public static IServiceCollection AddPodCacheClusterMember(this IServiceCollection services, ClusterRunService service,
        PodCache.Cluster.ClusterOptions options, Microsoft.Extensions.Logging.ILoggerFactory? akkaLog = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp => new ClusterMembershipService(service, options,
            sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>(), sp.GetRequiredService<EntryDataClient>(), akkaLog,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ClusterMembershipService>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterMembershipService>());
        return services;
    }

    /// <summary>
    /// Registers the server's services: <paramref name="service"/> (which the caller keeps owning), the options, the
    /// codecs of <c>/v1/entries/KEY/data</c>, metrics (OpenTelemetry, Prometheus), problem details
    /// (<see cref="ProblemDetailsServiceCollectionExtensions.AddProblemDetails(IServiceCollection)"/>, in PodCache's
    /// shape), health checks (the member's readiness, tagged <see cref="ReadyTag"/>), the side channel's
    /// <see cref="EntryDataClient"/> through <see cref="IHttpClientFactory"/>, and a hosted service that creates the
    /// metric instruments and the shutdown deadline at start.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="service">The member that answers runs.</param>
    /// <param name="options">Validated options (the defaults when null).</param>
    /// <param name="codecs">How cached values become bytes (<see cref="CacheSession.Codecs"/> when null).</param>
    public static IServiceCollection AddPodCacheServer(this IServiceCollection services, IRunService service, ServerOptions? options = null,
        ValueCodecs? codecs = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(service);
        services.AddSingleton(service);
        return AddServerServices(services, options ?? new ServerOptions().Validate(), codecs);
    }

    private static IServiceCollection AddServerServices(IServiceCollection services, ServerOptions options, ValueCodecs? codecs)
    {
        services.AddSingleton(options);
        services.AddSingleton(codecs ?? CacheSession.Codecs());
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<RunDeadline>();
        services.AddSingleton<Ui.LiveRuns>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Ui.EvictionHistory>();
        services.AddHostedService(sp => sp.GetRequiredService<Ui.EvictionHistory>());
        services.AddHostedService<ServerStartup>();
        // Registered before AddProblemDetails's default writer, so every problem keeps PodCache's shape.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, PodCacheProblemWriter>());
        services.AddProblemDetails();
        services.AddHealthChecks().AddCheck<MemberHealthCheck>("member", tags: [ReadyTag]);
        services.AddHttpClient<EntryDataClient>(http => http.Timeout = EntryFetchTimeout);
        services.AddOpenApi(ApiDocument.Name, ApiDocument.Configure);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("podcache", serviceVersion: PodCache.Cache.PodCacheVersion.Current))
            .WithMetrics(m =>
            {
                m.AddMeter(ServerMetrics.MeterName, PodCache.Cache.Telemetry.PodCacheMetrics.MeterName,
                        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (options.OtlpEndpoint is { } endpoint)
                {
                    m.AddOtlpExporter(o => Otlp(o, endpoint, "v1/metrics"));
                }
            });
        if (options.OtlpEndpoint is { } traces)
        {
            // Without an exporter nothing listens, and runs record no spans at all.
            telemetry.WithTracing(t => t
                .AddSource(PodCache.Runtime.Telemetry.PodCacheTelemetry.SourceName, "Microsoft.AspNetCore")
                .AddOtlpExporter(o => Otlp(o, traces, "v1/traces")));
        }
        return services;
    }

    private static void Otlp(OpenTelemetry.Exporter.OtlpExporterOptions o, Uri endpoint, string path)
    {
        o.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
        o.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + path);
    }

    /// <summary>
    /// Adds the server's middleware (failures as problem details, unmatched routes as 404/405 problems, the API token
    /// when the options have one) and maps its endpoints. Call it on the application built with
    /// <c>AddPodCacheServer</c>'s services, before other middleware that should see PodCache's errors.
    /// </summary>
    /// <typeparam name="TApp">A <see cref="WebApplication"/>, or anything that is both an application and an endpoint builder.</typeparam>
    /// <param name="app">The application.</param>
    public static TApp MapPodCache<TApp>(this TApp app) where TApp : IApplicationBuilder, IEndpointRouteBuilder
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(ServerErrors.CatchAsync);
        app.UseStatusCodePages(ServerErrors.StatusCodePageAsync);
        if (app.ApplicationServices.GetRequiredService<ServerOptions>().ApiToken is not null)
        {
            app.UseMiddleware<ApiTokenMiddleware>();
        }
        RunEndpoints.Map(app);
        EntryEndpoints.Map(app);
        StatusEndpoints.Map(app);
        Ui.UiEndpoints.Map(app);
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = MemberHealthCheck.WriteLiveAsync });
        var ready = new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = MemberHealthCheck.WriteReadyAsync,
        };
        app.MapHealthChecks("/healthz/ready", ready);
        app.MapHealthChecks("/healthz", ready);
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOpenApi(ApiDocument.Route);
        return app;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PodCache.Server.Tests;

/// <summary>
/// A minimal ASP.NET Core application of the test's own, as a user would write one: a <see cref="WebApplication"/> on
/// 127.0.0.1 port 0 with <c>AddPodCacheServer</c> and <c>MapPodCache()</c> over a single server whose disk cache is a
/// temporary directory.
/// </summary>
internal sealed class PodCacheApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dir;

    private PodCacheApp(WebApplication app, LocalRunService service, string dir, Uri baseAddress)
    {
        _app = app;
        _dir = dir;
        Service = service;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public LocalRunService Service { get; }

    public HttpClient Client { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Every endpoint the application maps.</summary>
    public IEnumerable<Microsoft.AspNetCore.Http.Endpoint> Endpoints =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints);

    public static async Task<PodCacheApp> StartAsync(ServerOptions? options = null)
    {
        string dir = Directory.CreateTempSubdirectory("podcache-server-").FullName;
        var service = LocalRunService.Open(null, Path.Combine(dir, "cache"), saveRuns: false, dataRoots: [dir]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddPodCacheServer(service, options);
        var app = builder.Build();
        app.MapPodCache();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PodCacheApp(app, service, dir, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Service.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

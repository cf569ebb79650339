using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PodCache.Cache;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Hosting;
using PodCache.Runtime.Nodes;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddPodCache(configuration)</c>: PodCache's one composition root in a DI container.</summary>
public static class PodCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds an embedded PodCache configured by <paramref name="configuration"/> (e.g.
    /// <c>builder.Configuration.GetSection("PodCache")</c>, laid out as <c>podcache.json</c>). The configuration is
    /// validated here, once, so a wrong value fails at startup with its path. Registers <see cref="PodCacheOptions"/>,
    /// <see cref="PodCacheHost"/> (disposed with the container; its <see cref="PodCacheHost.Stack"/> holds the tiers),
    /// <see cref="IMemoCache"/>, <see cref="NodeRegistry"/> and a shared <see cref="PipelineRunner"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">PodCache's section of the application's configuration.</param>
    /// <param name="configure">Adjusts the host (node registry, source access, extra overrides), or null.</param>
    /// <exception cref="PodCache.Cache.Configuration.ConfigurationException">The configuration is invalid.</exception>
    public static IServiceCollection AddPodCache(this IServiceCollection services, IConfiguration configuration, Action<PodCacheBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = new PodCacheBuilder().UseConfiguration(configuration);
        configure?.Invoke(builder);
        var options = builder.BuildOptions();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp =>
        {
            if (sp.GetService<ILoggerFactory>() is { } loggers)
            {
                builder.UseLoggerFactory(loggers);
            }
            return builder.Build(sp.GetRequiredService<PodCacheOptions>());
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<PodCacheHost>().Cache);
        services.TryAddSingleton(sp => sp.GetRequiredService<PodCacheHost>().Registry);
        services.TryAddSingleton(sp => sp.GetRequiredService<PodCacheHost>().CreateRunner());
        return services;
    }
}

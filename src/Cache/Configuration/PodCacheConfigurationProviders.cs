using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace PodCache.Cache.Configuration;

/// <summary>
/// <c>podcache.json</c> as a configuration source. Unlike the generic JSON provider it accepts comments and trailing
/// commas, bounds nesting, keeps each value's JSON type (so <c>"lz4": "yes"</c> is reported as not a boolean) and
/// empty objects (<c>"disk": {}</c> turns the disk tier on), and names the file in every message.
/// </summary>
public sealed class PodCacheJsonFileSource : IConfigurationSource
{
    /// <summary>A file to read when the configuration is built.</summary>
    public PodCacheJsonFileSource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>JSON text given directly; <paramref name="name"/> stands for the file in messages.</summary>
    public PodCacheJsonFileSource(string name, string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(json);
        Path = name;
        Json = json;
    }

    /// <summary>The file's path (or the name standing for it).</summary>
    public string Path { get; }

    /// <summary>The JSON text when given directly; the file is read otherwise.</summary>
    public string? Json { get; }

    /// <inheritdoc/>
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new PodCacheJsonFileProvider(this);
}

/// <summary>Reads a <see cref="PodCacheJsonFileSource"/>.</summary>
public sealed class PodCacheJsonFileProvider : ConfigurationProvider, IConfigurationOriginProvider
{
    private readonly PodCacheJsonFileSource _source;
    private readonly Dictionary<string, JsonNode?> _nodes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the provider.</summary>
    public PodCacheJsonFileProvider(PodCacheJsonFileSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>The file's path.</summary>
    public string Path => _source.Path;

    /// <summary>The value at <paramref name="key"/> with its JSON type, as the file wrote it.</summary>
    public bool TryGetNode(string key, out JsonNode? node) => _nodes.TryGetValue(key, out node);

    /// <inheritdoc/>
    public ConfigurationOrigin OriginOf(string key) => new(ConfigurationOriginKind.File, Path);

    /// <inheritdoc/>
    /// <exception cref="ConfigurationException">The file cannot be read, is not JSON, or is not an object.</exception>
    public override void Load()
    {
        string text = _source.Json ?? Read(Path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException($"{Path}: malformed JSON: {ex.Message}", ex);
        }
        if (root is not JsonObject top)
        {
            throw new ConfigurationException($"{Path}: the configuration must be a JSON object with a \"cache\" section");
        }
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        _nodes.Clear();
        Flatten(top, null, data);
        Data = data;
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read the configuration file ({ex.Message})", ex);
        }
    }

    private void Flatten(JsonNode? node, string? key, Dictionary<string, string?> data)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (name, child) in o)
                {
                    Flatten(child, key is null ? name : key + ConfigurationPath.KeyDelimiter + name, data);
                }
                break;
            case JsonArray a when a.Count > 0:
                for (int i = 0; i < a.Count; i++)
                {
                    Flatten(a[i], key + ConfigurationPath.KeyDelimiter + i.ToString(CultureInfo.InvariantCulture), data);
                }
                break;
            default:
                if (key is null) return;
                // An empty object or list is kept as a key without a value, so "disk": {} still names the disk tier.
                data[key] = node switch
                {
                    null or JsonObject or JsonArray => null,
                    JsonValue v when v.TryGetValue<string>(out var s) => s,
                    _ => node.ToJsonString(),
                };
                _nodes[key] = node?.DeepClone();
                break;
        }
    }
}

/// <summary>
/// <c>PODCACHE__SECTION__KEY</c> environment variables as configuration (<c>__</c> separates levels, as in
/// ASP.NET Core). Without a configuration file, the older <c>PODCACHE_CACHE_DIR</c> sets <c>cache.tiers.disk.path</c>
/// beneath them.
/// </summary>
public sealed class PodCacheEnvironmentSource : IConfigurationSource
{
    /// <summary>Reads <paramref name="variables"/>, or the process's environment when null.</summary>
    public PodCacheEnvironmentSource(IDictionary? variables = null, bool legacyCacheDir = false)
    {
        Variables = variables;
        LegacyCacheDir = legacyCacheDir;
    }

    /// <summary>The variables; the process's when null.</summary>
    public IDictionary? Variables { get; }

    /// <summary>True to read <c>PODCACHE_CACHE_DIR</c> too.</summary>
    public bool LegacyCacheDir { get; }

    /// <inheritdoc/>
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new PodCacheEnvironmentProvider(this);
}

/// <summary>Reads a <see cref="PodCacheEnvironmentSource"/>.</summary>
public sealed class PodCacheEnvironmentProvider : ConfigurationProvider, IConfigurationOriginProvider
{
    /// <summary>The variable that names the cache directory when no configuration file is given.</summary>
    public const string CacheDirVariable = "PODCACHE_CACHE_DIR";

    private readonly PodCacheEnvironmentSource _source;
    private readonly Dictionary<string, string> _names = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the provider.</summary>
    public PodCacheEnvironmentProvider(PodCacheEnvironmentSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <inheritdoc/>
    public ConfigurationOrigin OriginOf(string key) =>
        new(ConfigurationOriginKind.Environment, _names.GetValueOrDefault(key) ?? _names.FirstOrDefault(n => key.StartsWith(n.Key + ":", StringComparison.OrdinalIgnoreCase)).Value ?? key);

    /// <inheritdoc/>
    public override void Load()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        _names.Clear();
        var variables = _source.Variables ?? Environment.GetEnvironmentVariables();
        if (_source.LegacyCacheDir && variables[CacheDirVariable] is string dir && dir.Length > 0)
        {
            data["cache:tiers:disk:path"] = dir;
            _names["cache:tiers:disk:path"] = CacheDirVariable;
        }
        foreach (DictionaryEntry e in variables)
        {
            if (e.Key is string name && name.StartsWith(PodCacheConfiguration.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                && name.Length > PodCacheConfiguration.EnvironmentPrefix.Length)
            {
                string key = name[PodCacheConfiguration.EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
                data[key] = e.Value as string;
                _names[key] = name;
            }
        }
        Data = data;
    }
}

/// <summary>Command-line flags as configuration, the last source: they override the file and the environment.</summary>
public sealed class PodCacheOverridesSource : IConfigurationSource
{
    /// <summary>The flags, in the order given (a later one wins).</summary>
    public PodCacheOverridesSource(IEnumerable<ConfigurationOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        Overrides = [.. overrides];
    }

    /// <summary>The flags.</summary>
    public IReadOnlyList<ConfigurationOverride> Overrides { get; }

    /// <inheritdoc/>
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new PodCacheOverridesProvider(Overrides);
}

/// <summary>Holds the flags of a <see cref="PodCacheOverridesSource"/>.</summary>
public sealed class PodCacheOverridesProvider : ConfigurationProvider, IConfigurationOriginProvider
{
    private readonly Dictionary<string, string> _flags = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the provider.</summary>
    public PodCacheOverridesProvider(IEnumerable<ConfigurationOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        foreach (var o in overrides)
        {
            string key = o.Path.Replace('.', ':');
            Data[key] = o.Value;
            _flags[key] = o.Flag;
        }
    }

    /// <inheritdoc/>
    public ConfigurationOrigin OriginOf(string key) =>
        new(ConfigurationOriginKind.CommandLine, _flags.GetValueOrDefault(key) ?? _flags.FirstOrDefault(n => key.StartsWith(n.Key + ":", StringComparison.OrdinalIgnoreCase)).Value ?? key);
}

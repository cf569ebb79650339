using System.Text.Json.Nodes;

namespace PodCache.Cache.Configuration;

/// <summary>
/// The <c>cache</c> section of <c>podcache.json</c>:
/// <c>{"cache": {"policy", "defaultTiers", "machineRamMaxBytes", "tiers": {"ram": {"maxBytes"}, "disk": {"path", "maxBytes", "lz4"}, "s3": {...}}}}</c>.
/// Defaults are the embedded default: RAM (1 GiB per process, 4 GiB per machine) and a disk directory <c>.podcache</c> (10 GiB).
/// </summary>
public sealed class CacheConfig
{
    /// <summary>Eviction policy for every tier.</summary>
    public string Policy { get; set; } = "cost-aware";

    /// <summary>Tiers written when a node names none.</summary>
    public IReadOnlyList<string> DefaultTiers { get; set; } = [TierNames.Ram, TierNames.Disk];

    /// <summary>RAM budget per process.</summary>
    public long RamMaxBytes { get; set; } = 1L << 30;

    /// <summary>RAM budget summed over the processes sharing the cache directory.</summary>
    public long MachineRamMaxBytes { get; set; } = 4L << 30;

    /// <summary>True when the disk tier is configured.</summary>
    public bool DiskEnabled { get; set; } = true;

    /// <summary>The cache directory.</summary>
    public string DiskPath { get; set; } = ".podcache";

    /// <summary>Disk budget for the machine.</summary>
    public long DiskMaxBytes { get; set; } = 10L << 30;

    /// <summary>LZ4-compress disk payloads.</summary>
    public bool DiskLz4 { get; set; }

    /// <summary>The raw <c>tiers.s3</c> object, read by the S3 tier when present.</summary>
    public JsonObject? S3 { get; set; }

    /// <summary>The raw top-level <c>cluster</c> object (read by <c>podcache serve --cluster-port</c>), when present.</summary>
    public JsonObject? Cluster { get; set; }

    /// <summary>The raw top-level <c>limits</c> object (read by the runtime's limits), when present.</summary>
    public JsonObject? Limits { get; set; }

    /// <summary>The raw top-level <c>server</c> object (read by <c>podcache serve</c>), when present.</summary>
    public JsonObject? Server { get; set; }

    /// <summary>
    /// The raw top-level <c>sources</c> object (which files and URLs pipelines may read; validated by the runtime's
    /// <c>SourcesOptions</c>), when present.
    /// </summary>
    public JsonObject? Sources { get; set; }

    /// <summary>The document this configuration was read from: every section, with where each value came from.</summary>
    public ConfigurationDocument Document { get; private set; } = ConfigurationDocument.Empty;

    /// <summary>Reads a configuration file (no environment variables, no flags: see <see cref="PodCacheConfiguration.Build"/>).</summary>
    /// <exception cref="ConfigurationException">The file is missing or invalid; the message names the file and path.</exception>
    public static CacheConfig Load(string path) =>
        Read(ConfigurationDocument.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddPodCacheFile(path).Build()));

    /// <summary>Parses configuration JSON.</summary>
    /// <exception cref="ConfigurationException">Invalid; every problem is listed with its path.</exception>
    public static CacheConfig Parse(string json, string source = "podcache.json") => Read(ConfigurationDocument.FromJson(json, source));

    /// <summary>The <c>cache</c> section of <paramref name="document"/>, validated (with the document's own problems).</summary>
    /// <exception cref="ConfigurationException">Invalid; every problem is listed with its path and where it came from.</exception>
    public static CacheConfig Read(ConfigurationDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new List<string>(document.Problems);
        var config = From(document, errors);
        document.ThrowIfAny(errors);
        return config;
    }

    /// <summary>The <c>cache</c> section of <paramref name="document"/>, each problem added to <paramref name="errors"/> (not the document's own).</summary>
    public static CacheConfig From(ConfigurationDocument document, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(errors);
        var config = new CacheConfig
        {
            Document = document,
            Limits = document.Section("limits"),
            Sources = document.Section("sources"),
            Cluster = document.Section("cluster"),
            Server = document.Section("server"),
        };
        if (document.Section("cache") is { } cache)
        {
            ReadCache(cache, config, errors);
        }
        return config;
    }

    private static void ReadCache(JsonObject cache, CacheConfig config, ICollection<string> errors)
    {
        if (!cache.ContainsKey("defaultTiers") && cache["tiers"] is JsonObject)
        {
            // Without an explicit list, entries go to every tier the file configures (an S3 tier is meant to be used).
            config.DefaultTiers = [TierNames.Ram, .. cache["tiers"]!.AsObject().ContainsKey("disk") ? [TierNames.Disk] : Array.Empty<string>(),
                .. cache["tiers"]!.AsObject().ContainsKey("s3") ? [TierNames.S3] : Array.Empty<string>()];
        }
        foreach (var kv in cache)
        {
            string p = "cache." + kv.Key;
            switch (kv.Key)
            {
                case "policy":
                    if (kv.Value is JsonValue pv && pv.TryGetValue<string>(out var policy) && policy is "cost-aware" or "lru" or "lfu" or "gdsf" or "gds" or "cachey")
                        config.Policy = policy;
                    else
                        errors.Add($"{p}: must be one of cost-aware, lru, lfu, gdsf, gds, cachey");
                    break;
                case "defaultTiers":
                    if (kv.Value is JsonArray arr && arr.All(t => t is JsonValue tv && tv.TryGetValue<string>(out var s) && TierNames.IsKnown(s)))
                        config.DefaultTiers = arr.Select(t => t!.GetValue<string>()).ToArray();
                    else
                        errors.Add($"{p}: must be a list of tier names (ram, disk, s3)");
                    break;
                case "machineRamMaxBytes":
                    if (Size(kv.Value, p, errors) is { } m) config.MachineRamMaxBytes = m;
                    break;
                case "tiers":
                    if (kv.Value is JsonObject tiers) ReadTiers(tiers, config, errors);
                    else errors.Add($"{p}: must be an object");
                    break;
                // Unknown keys never get here: ConfigurationDocument reports them against ConfigurationReference.
            }
        }
    }

    private static void ReadTiers(JsonObject tiers, CacheConfig config, ICollection<string> errors)
    {
        if (!tiers.ContainsKey("disk"))
        {
            config.DiskEnabled = false;
        }
        foreach (var kv in tiers)
        {
            string p = "cache.tiers." + kv.Key;
            if (kv.Value is not JsonObject t)
            {
                errors.Add($"{p}: must be an object");
                continue;
            }
            switch (kv.Key)
            {
                case "ram":
                    foreach (var f in t)
                    {
                        if (f.Key == "maxBytes" && Size(f.Value, $"{p}.maxBytes", errors) is { } b) config.RamMaxBytes = b;
                    }
                    break;
                case "disk":
                    config.DiskEnabled = true;
                    foreach (var f in t)
                    {
                        switch (f.Key)
                        {
                            case "maxBytes":
                                if (Size(f.Value, $"{p}.maxBytes", errors) is { } b) config.DiskMaxBytes = b;
                                break;
                            case "path":
                                if (f.Value is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s)) config.DiskPath = s;
                                else errors.Add($"{p}.path: must be a directory path");
                                break;
                            case "lz4":
                                if (f.Value is JsonValue lv && lv.TryGetValue<bool>(out var lz)) config.DiskLz4 = lz;
                                else errors.Add($"{p}.lz4: must be true or false");
                                break;
                        }
                    }
                    break;
                case "s3":
                    config.S3 = (JsonObject)t.DeepClone();
                    Tiers.S3.S3TierOptions.Read(t, errors);
                    break;
            }
        }
    }

    private static long? Size(JsonNode? node, string path, ICollection<string> errors)
    {
        if (ByteSize.TryParse(node, out long bytes, out var why)) return bytes;
        errors.Add($"{path}: {why}");
        return null;
    }
}

using System.Text.Json.Nodes;
using PodCache.Cache.Configuration;

namespace PodCache.Runtime.Sources;

/// <summary>
/// The <c>sources</c> section of <c>podcache.json</c> (SPEC §10): <c>{"sources": {"revalidateAfter": "60s",
/// "maxStale": "0s", "http": {"timeout": "30s", "retries": 3, "maxConnectionsPerHost": 8}, "s3": {"serviceUrl": null,
/// "region": "us-east-1", "forcePathStyle": null}, "allow": {"files": ["."], "urls": ["https://data.example.org/"]}}}</c>. <c>allow.files</c> lists the directories (relative ones against the working
/// directory) whose files pipelines may read; <c>allow.urls</c> the URL prefixes they may fetch. Without <c>allow</c>
/// the CLI reads anything; <c>podcache serve</c> reads only under its working directory (or <c>--data-root</c>) and
/// fetches nothing. Validated when read.
/// </summary>
public sealed class SourcesOptions
{
    /// <summary>The JSON path the settings live under, used in error messages.</summary>
    public const string JsonPath = "sources";

    /// <summary>How long a remote source's version token is used without asking the source again (default 60 s; zero asks every run).</summary>
    public TimeSpan RevalidateAfter { get; private set; } = TimeSpan.FromSeconds(60);

    /// <summary>How old a remembered token may be when the source cannot be asked (default zero: the run fails).</summary>
    public TimeSpan MaxStale { get; private set; } = TimeSpan.Zero;

    /// <summary><c>sources.http</c>.</summary>
    public PodCache.Runtime.Sources.IO.HttpSourceOptions Http { get; private set; } = new();

    /// <summary><c>sources.s3</c>.</summary>
    public PodCache.Runtime.Sources.IO.S3SourceOptions S3 { get; private set; } = new();

    /// <summary>Directories files may be read from; null when <c>allow.files</c> is not set.</summary>
    public IReadOnlyList<string>? AllowFiles { get; private set; }

    /// <summary>URL prefixes that may be fetched; null when <c>allow.urls</c> is not set.</summary>
    public IReadOnlyList<string>? AllowUrls { get; private set; }

    /// <summary>True when <c>sources.allow</c> restricts anything.</summary>
    public bool Restricts => AllowFiles is not null || AllowUrls is not null;

    /// <summary>
    /// The CLI's policy: files only under <c>allow.files</c> when it is set, URLs only under <c>allow.urls</c> when it
    /// is set, anything otherwise.
    /// </summary>
    /// <exception cref="ConfigurationException">A root is not a directory or a prefix not a URL.</exception>
    public ISourceAccessPolicy ForCli() => Restricts ? Create(AllowFiles, AllowUrls) : SourceAccessPolicy.AllowAll;

    /// <summary>
    /// <c>podcache serve</c>'s policy: files under <paramref name="dataRoots"/> (<c>--data-root</c>) and
    /// <c>allow.files</c>, or the working directory when neither names one; URLs only under <c>allow.urls</c> (none by
    /// default).
    /// </summary>
    /// <exception cref="ConfigurationException">A root is not a directory or a prefix not a URL.</exception>
    public ISourceAccessPolicy ForServer(IReadOnlyList<string> dataRoots)
    {
        ArgumentNullException.ThrowIfNull(dataRoots);
        var roots = dataRoots.Concat(AllowFiles ?? []).ToList();
        if (roots.Count == 0)
        {
            roots.Add(".");
        }
        return Create(roots, AllowUrls ?? []);
    }

    private static SourceAccessPolicy Create(IReadOnlyList<string>? roots, IReadOnlyList<string>? urls)
    {
        try
        {
            return SourceAccessPolicy.Create(roots, urls);
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationException($"{JsonPath}.allow: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }
    }

    /// <summary>Reads the <c>sources</c> object (null: nothing set).</summary>
    /// <exception cref="ConfigurationException">Invalid; every problem is listed with its path (<c>sources.allow.files[0]</c>...).</exception>
    public static SourcesOptions FromJson(JsonObject? json)
    {
        var errors = new List<string>();
        var options = Read(json, errors);
        if (errors.Count > 0)
        {
            throw new ConfigurationException($"{errors.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        }
        return options;
    }

    /// <summary>Reads the <c>sources</c> object (null: nothing set), adding each problem, with its path, to <paramref name="errors"/>.</summary>
    public static SourcesOptions Read(JsonObject? json, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var options = new SourcesOptions();
        if (json is null)
        {
            return options;
        }
        foreach (var (key, value) in json)
        {
            switch (key)
            {
                case "revalidateAfter":
                    options.RevalidateAfter = Duration(value, $"{JsonPath}.revalidateAfter", errors) ?? options.RevalidateAfter;
                    break;
                case "maxStale":
                    options.MaxStale = Duration(value, $"{JsonPath}.maxStale", errors) ?? options.MaxStale;
                    break;
                case "http":
                    options.Http = HttpSection(value, errors);
                    break;
                case "s3":
                    options.S3 = S3Section(value, errors);
                    break;
                case "allow":
                    Allow(options, value, errors);
                    break;
                default:
                    errors.Add($"{JsonPath}.{key}: unknown key; the sources section has revalidateAfter, maxStale, http, s3 and allow");
                    break;
            }
        }
        return options;
    }

    private static void Allow(SourcesOptions options, JsonNode? value, ICollection<string> errors)
    {
        if (value is not JsonObject allow)
        {
            errors.Add($"{JsonPath}.allow: must be an object {{\"files\": [directories], \"urls\": [URL prefixes]}}");
            return;
        }
        foreach (var (name, list) in allow)
        {
            switch (name)
            {
                case "files": options.AllowFiles = Strings(list, $"{JsonPath}.allow.files", errors); break;
                case "urls": options.AllowUrls = Strings(list, $"{JsonPath}.allow.urls", errors); break;
                default: errors.Add($"{JsonPath}.allow.{name}: unknown key; allow has files and urls"); break;
            }
        }
    }

    private static PodCache.Runtime.Sources.IO.HttpSourceOptions HttpSection(JsonNode? value, ICollection<string> errors)
    {
        var http = new PodCache.Runtime.Sources.IO.HttpSourceOptions();
        string path = $"{JsonPath}.http";
        if (value is not JsonObject o)
        {
            errors.Add($"{path}: must be an object {{\"timeout\": \"30s\", \"retries\": 3, \"maxConnectionsPerHost\": 8}}");
            return http;
        }
        foreach (var (name, v) in o)
        {
            switch (name)
            {
                case "timeout":
                    if (Duration(v, $"{path}.timeout", errors) is { } t)
                    {
                        if (t < TimeSpan.FromMilliseconds(100) || t > TimeSpan.FromHours(1))
                        {
                            errors.Add($"{path}.timeout: must be from 100ms to 1h, not {t.TotalSeconds:0.###} s");
                        }
                        else
                        {
                            http = http with { Timeout = t };
                        }
                    }
                    break;
                case "retries":
                    if (Integer(v, $"{path}.retries", 0, 20, errors) is { } r) http = http with { Retries = r };
                    break;
                case "maxConnectionsPerHost":
                    if (Integer(v, $"{path}.maxConnectionsPerHost", 1, 1024, errors) is { } c) http = http with { MaxConnectionsPerHost = c };
                    break;
                default:
                    errors.Add($"{path}.{name}: unknown key; http has timeout, retries and maxConnectionsPerHost");
                    break;
            }
        }
        return http;
    }

    private static PodCache.Runtime.Sources.IO.S3SourceOptions S3Section(JsonNode? value, ICollection<string> errors)
    {
        var s3 = new PodCache.Runtime.Sources.IO.S3SourceOptions();
        string path = $"{JsonPath}.s3";
        if (value is not JsonObject o)
        {
            errors.Add($"{path}: must be an object {{\"serviceUrl\": null, \"region\": \"us-east-1\", \"forcePathStyle\": null}}");
            return s3;
        }
        foreach (var (name, v) in o)
        {
            switch (name)
            {
                case "serviceUrl":
                    if (v is null) break;
                    if (v is JsonValue sv && sv.TryGetValue<string>(out var url) && Uri.TryCreate(url, UriKind.Absolute, out var u)
                        && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps))
                    {
                        s3 = s3 with { ServiceUrl = url };
                    }
                    else
                    {
                        errors.Add($"{path}.serviceUrl: must be an http(s) URL or null");
                    }
                    break;
                case "region":
                    if (v is JsonValue rv && rv.TryGetValue<string>(out var region) && region.Length is > 0 and < 64)
                    {
                        s3 = s3 with { Region = region };
                    }
                    else
                    {
                        errors.Add($"{path}.region: must be a region name such as \"us-east-1\"");
                    }
                    break;
                case "forcePathStyle":
                    if (v is null) break;
                    if (v is JsonValue bv && bv.TryGetValue<bool>(out var b))
                    {
                        s3 = s3 with { ForcePathStyle = b };
                    }
                    else
                    {
                        errors.Add($"{path}.forcePathStyle: must be true, false or null");
                    }
                    break;
                default:
                    errors.Add($"{path}.{name}: unknown key; s3 has serviceUrl, region and forcePathStyle");
                    break;
            }
        }
        return s3;
    }

    private static TimeSpan? Duration(JsonNode? node, string path, ICollection<string> errors)
    {
        if (PodCache.Cache.Configuration.Duration.TryParse(node, out var value, out var error))
        {
            return value;
        }
        errors.Add($"{path}: {error}");
        return null;
    }

    private static int? Integer(JsonNode? node, string path, int min, int max, ICollection<string> errors)
    {
        if (node is JsonValue v && v.TryGetValue<double>(out var d) && Math.Floor(d) == d && d >= min && d <= max)
        {
            return (int)d;
        }
        errors.Add($"{path}: must be a whole number from {min} to {max}");
        return null;
    }

    private static string[] Strings(JsonNode? node, string path, ICollection<string> errors)
    {
        if (node is not JsonArray array)
        {
            errors.Add($"{path}: must be a list of strings");
            return [];
        }
        var result = new List<string>();
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 && !s.Contains('\0', StringComparison.Ordinal))
            {
                result.Add(s);
            }
            else
            {
                errors.Add($"{path}[{i}]: must be a non-empty string");
            }
        }
        return [.. result];
    }
}

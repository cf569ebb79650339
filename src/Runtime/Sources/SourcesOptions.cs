using System.Text.Json.Nodes;
using PodCache.Cache.Configuration;

namespace PodCache.Runtime.Sources;

/// <summary>
/// The <c>sources</c> section of <c>podcache.json</c>: <c>{"sources": {"allow": {"files": ["."], "urls":
/// ["https://data.example.org/"]}}}</c>. <c>allow.files</c> lists the directories (relative ones against the working
/// directory) whose files pipelines may read; <c>allow.urls</c> the URL prefixes they may fetch. Without <c>allow</c>
/// the CLI reads anything; <c>podcache serve</c> reads only under its working directory (or <c>--data-root</c>) and
/// fetches nothing. Validated when read.
/// </summary>
public sealed class SourcesOptions
{
    /// <summary>The JSON path the settings live under, used in error messages.</summary>
    public const string JsonPath = "sources";

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
        var options = new SourcesOptions();
        if (json is null)
        {
            return options;
        }
        var errors = new List<string>();
        foreach (var (key, value) in json)
        {
            if (key != "allow")
            {
                errors.Add($"{JsonPath}.{key}: unknown key; the sources section has allow ({{\"files\": [...], \"urls\": [...]}})");
                continue;
            }
            if (value is not JsonObject allow)
            {
                errors.Add($"{JsonPath}.allow: must be an object {{\"files\": [directories], \"urls\": [URL prefixes]}}");
                continue;
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
        if (errors.Count > 0)
        {
            throw new ConfigurationException($"{errors.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        }
        return options;
    }

    private static string[] Strings(JsonNode? node, string path, List<string> errors)
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

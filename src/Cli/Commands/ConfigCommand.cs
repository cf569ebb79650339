using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodCache.Cache.Configuration;
using PodCache.Cluster;
using PodCache.Server;

namespace PodCache.Cli.Commands;

/// <summary>
/// <c>podcache config [--config FILE] [--cache-dir DIR] [--set PATH=VALUE ...] [serve's flags] [--format text|json]</c>:
/// the effective configuration, every key of the reference with its value and where the value came from (the file,
/// an environment variable, a flag, or the default), after validating all of it as <c>podcache serve</c> would.
/// </summary>
internal static class ConfigCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> ExecuteAsync(CommandArgs a, TextWriter stdout)
    {
        string format = a.Format ?? "text";
        OutputFormats.Check(format, OutputFormats.TextOrJson);
        var options = CliConfiguration.Load(a);
        var document = options.Document;
        // The server and cluster sections are validated here too: a typo there should not wait for `podcache serve`.
        ServeCommand.ParseOptions(a, document);
        if (ClusterSettings.Requested(document.Section("cluster"), _ => []))
        {
            ServeCommand.ClusterOptionsOf(document, _ => []);
        }
        var rows = ConfigurationReference.Keys.Select(k => Row(document, k)).ToList();
        if (format == "json")
        {
            var json = new JsonObject();
            foreach (var (key, value, origin) in rows)
            {
                json[key.Path] = new JsonObject
                {
                    ["value"] = value?.DeepClone(),
                    ["default"] = origin.Kind == ConfigurationOriginKind.Default ? (key.Default is null ? key.DefaultText : null) : null,
                    ["source"] = origin.Kind.ToString().ToLowerInvariant(),
                    ["from"] = origin.Kind == ConfigurationOriginKind.Default ? null : origin.Name,
                };
            }
            await stdout.WriteLineAsync(json.ToJsonString(Indented)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        int width = rows.Max(r => r.Key.Path.Length) + 2;
        var text = new StringBuilder();
        text.Append("KEY".PadRight(width)).Append("VALUE".PadRight(28)).AppendLine("SOURCE");
        foreach (var (key, value, origin) in rows)
        {
            string shown = value switch
            {
                null when origin.Kind == ConfigurationOriginKind.Default => (key.DefaultText ?? "-").Replace("`", "", StringComparison.Ordinal),
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                null => "null",
                _ => value.ToJsonString(Indented).ReplaceLineEndings(" "),
            };
            text.Append(key.Path.PadRight(width)).Append(shown.PadRight(28)).Append(' ').AppendLine(origin.ToString());
        }
        await stdout.WriteAsync(text.ToString()).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static (ConfigurationKey Key, JsonNode? Value, ConfigurationOrigin Origin) Row(ConfigurationDocument document, ConfigurationKey key)
    {
        JsonNode? node = document.Root;
        foreach (var part in key.Path.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return (key, key.Default is null ? null : JsonNode.Parse(key.Default), ConfigurationOrigin.Default);
            }
        }
        return (key, node, document.Origins.GetValueOrDefault(key.Path) ?? ConfigurationOrigin.Default);
    }
}

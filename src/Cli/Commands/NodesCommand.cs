using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodCache.Runtime.Nodes;

namespace PodCache.Cli.Commands;

/// <summary>
/// <c>podcache nodes [NAME] [--format text|json]</c>: the node types PodCache runs, or one of them;
/// <c>podcache nodes --podpac</c>: every PODPAC 4 class with what PodCache does with it.
/// </summary>
internal static class NodesCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> ExecuteAsync(CommandArgs a, TextWriter stdout)
    {
        string format = a.Get("format") ?? "text";
        OutputFormats.Check(format, OutputFormats.TextOrJson);
        string? name = a.Argument("NODE");
        var registry = NodeRegistry.Default;
        if (a.Flag("podpac"))
        {
            if (name is not null) throw new UsageException($"--podpac lists every class; give it without a node type ('{name}')");
            await stdout.WriteAsync(format == "json"
                    ? new JsonObject { ["podpac"] = NodeCatalog.ToJson(registry)["podpac"]!.DeepClone() }.ToJsonString(Indented) + Environment.NewLine
                    : NodeCatalog.PodpacStatusMarkdown(registry))
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        if (name is null)
        {
            await stdout.WriteAsync(format == "json" ? NodeCatalog.ToJson(registry).ToJsonString(Indented) + Environment.NewLine : NodeCatalog.ToText(registry))
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        if (registry.TryResolve(name, out var type))
        {
            await stdout.WriteAsync(format == "json" ? NodeCatalog.Describe(type).ToJsonString(Indented) + Environment.NewLine : NodeCatalog.ToText(type))
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        if (registry.TryGetUnsupported(name, out var unsupported))
        {
            throw new UsageException(unsupported.Message(name));
        }
        if (PodpacNames.ClassOf(name) is { } cls)
        {
            throw new UsageException($"'{name}' is PODPAC's {cls}; PodCache does not implement it yet");
        }
        var hints = registry.Suggest(name).ToArray();
        throw new UsageException($"no node type '{name}'" + (hints.Length > 0 ? $"; did you mean {string.Join(" or ", hints)}?" : ""));
    }
}

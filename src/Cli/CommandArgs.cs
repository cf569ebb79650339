using System.CommandLine;

namespace PodCache.Cli;

/// <summary>
/// What System.CommandLine parsed for one command, read by option name (without dashes) so the commands keep one way
/// of reading their options and the cluster settings can be read by <c>PodCache.Cluster.ClusterSettings.FlagNames</c>.
/// </summary>
internal sealed class CommandArgs
{
    private readonly ParseResult _result;
    private readonly Dictionary<string, Option> _options = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Argument> _arguments = new(StringComparer.Ordinal);

    public CommandArgs(ParseResult result)
    {
        _result = result;
        var command = result.CommandResult.Command;
        foreach (var o in command.Options) _options[o.Name.TrimStart('-')] = o;
        foreach (var a in command.Arguments) _arguments[a.Name] = a;
    }

    /// <summary>The value of a single-valued option, or null when it is not given (or not defined on this command).</summary>
    public string? Get(string name) => _options.GetValueOrDefault(name) switch
    {
        Option<string> o => _result.GetValue(o),
        Option<string[]> m => _result.GetValue(m) is { Length: > 0 } values ? values[^1] : null,
        _ => null,
    };

    /// <summary>Every value an option was given, in order.</summary>
    public IReadOnlyList<string> GetAll(string name) => _options.GetValueOrDefault(name) switch
    {
        Option<string[]> m => _result.GetValue(m) ?? [],
        Option<string> o => _result.GetValue(o) is { } v ? [v] : [],
        _ => [],
    };

    /// <summary>Whether a flag is given.</summary>
    public bool Flag(string name) => _options.GetValueOrDefault(name) is Option<bool> f && _result.GetValue(f);

    /// <summary>The value of a positional argument, or null when it is optional and absent.</summary>
    public string? Argument(string name) => _arguments.GetValueOrDefault(name) is Argument<string> a ? _result.GetValue(a) : null;

    /// <summary>The output format: <c>--format</c>, or <c>json</c> for the <c>--json</c> flag, or null for the command's default.</summary>
    public string? Format => Get("format") ?? (Flag("json") ? "json" : null);
}

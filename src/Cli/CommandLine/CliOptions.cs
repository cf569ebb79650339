using System.CommandLine;

namespace PodCache.Cli.CommandLine;

/// <summary>
/// The option definitions the commands share. Values stay strings: the commands check them and say what is wrong in
/// their own words (naming the option), as they did before System.CommandLine, and the tests pin those messages.
/// </summary>
internal static class CliOptions
{
    /// <summary>An option that takes one value.</summary>
    public static Option<string> Value(string name, string helpName, string description, bool required = false) =>
        new(name) { HelpName = helpName, Description = description, Required = required };

    /// <summary>An option that may be given more than once (<c>--seed A --seed B</c>).</summary>
    public static Option<string[]> Many(string name, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };

    /// <summary>A flag: present or not.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>
    /// <c>--format</c>, one definition for every command: its choices are shown in the help and completed by the shell;
    /// the command rejects any other value in its own words.
    /// </summary>
    public static Option<string> Format(string description, params string[] choices)
    {
        var o = new Option<string>("--format") { HelpName = string.Join('|', choices), Description = description };
        o.CompletionSources.Add(choices);
        return o;
    }

    /// <summary><c>--format json|text</c> and the older <c>--json</c> flag beside it, for the commands that print a table or JSON.</summary>
    public static Option[] JsonOrText() =>
        [Format("text for people (the default) or json for scripts", OutputFormats.TextOrJson), Flag("--json", "the same as --format json")];

    /// <summary><c>--cache-dir DIR</c>.</summary>
    public static Option<string> CacheDir() =>
        Value("--cache-dir", "DIR", "the disk cache directory (default .podcache, or PODCACHE_CACHE_DIR)");

    /// <summary><c>--config FILE</c>.</summary>
    public static Option<string> Config() =>
        Value("--config", "FILE", "a podcache.json configuration file");

    /// <summary><c>--cache-dir</c> and <c>--config</c>, which every command that opens the cache takes.</summary>
    public static Option[] Cache() => [CacheDir(), Config()];
}

using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace PodCache.Cli.CommandLine;

/// <summary>System.CommandLine's help followed by an <c>Examples:</c> section for the command asked about.</summary>
internal sealed class ExampleHelpAction(HelpAction help, IReadOnlyDictionary<Command, string[]> examples) : SynchronousCommandLineAction
{
    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        help.Invoke(parseResult);
        if (examples.TryGetValue(parseResult.CommandResult.Command, out var lines))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var line in lines) output.WriteLine("  " + line);
            output.WriteLine();
        }
        return ExitCodes.Ok;
    }
}

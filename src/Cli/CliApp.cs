using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using PodCache.Cache.Configuration;
using PodCache.Cli.CommandLine;
using PodCache.Runtime.Pipelines;

namespace PodCache.Cli;

/// <summary>The <c>podcache</c> command line: parses with System.CommandLine, runs the command and maps failures to exit codes.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
#if PODCACHE_NATIVE
        if (args.Length > 0 && NativeBuild.NotHere(args[0]) is { } notHere)
        {
            await stderr.WriteLineAsync("error: " + notHere).ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }
#endif
        var root = CommandTree.Build();
        // `podcache` alone prints the usage but is not a successful command; `podcache help [COMMAND]` is --help.
        bool bare = args.Length == 0;
        if (bare) args = ["--help"];
        else if (args[0] == "help") args = [.. args.Skip(1), "--help"];
        var result = root.Parse(args);
        StartupTimings.Mark("command line");
        if (result.Action is ParseErrorAction)
        {
            // An unknown option first: it usually explains the errors after it (a value taken for an argument).
            foreach (string message in ErrorMessages(result).OrderBy(m => m.StartsWith("unknown", StringComparison.Ordinal) ? 0 : 1))
            {
                await stderr.WriteLineAsync("error: " + message).ConfigureAwait(false);
            }
            return ExitCodes.InvalidInput;
        }
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Failures are mapped to exit codes below; serve handles SIGTERM and Ctrl-C itself.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            int code = await result.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
            return bare ? ExitCodes.InvalidInput : code;
        }
        // ConfigurationException is what the server and cluster libraries throw for invalid settings.
        catch (Exception ex) when (ex is UsageException or ConfigurationException or PipelineException)
        {
            await stderr.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("cancelled").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            // The cache paths fall back without the index; this is what a command that reads it directly (ls) meets.
            await stderr.WriteLineAsync($"error: the cache index failed ({ex.Message.TrimEnd('.')}); `podcache cache gc` rebuilds a damaged index")
                .ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// The parse errors in PodCache's words where they are clearer (an unknown option is named with the options the
    /// command takes; an unknown command lists the commands), System.CommandLine's otherwise (they name the option).
    /// </summary>
    internal static IEnumerable<string> ErrorMessages(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var unmatched = result.UnmatchedTokens;
        foreach (string token in unmatched)
        {
            if (token.StartsWith('-'))
            {
                yield return UnknownOption(command, token);
            }
            else if (command.Subcommands.Count > 0 && command.Arguments.Count == 0)
            {
                string path = command is RootCommand ? "command" : $"{command.Name} subcommand";
                yield return $"unknown {path} '{token}'; use {string.Join(", ", command.Subcommands.Select(c => c.Name))} (see {CommandPath(command)} --help)";
            }
            else
            {
                yield return $"unexpected argument '{token}'";
            }
        }
        foreach (var error in result.Errors)
        {
            if (unmatched.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            // "Required command was not provided" says less than the unknown command already reported.
            if (unmatched.Count > 0 && error.SymbolResult is CommandResult { Command.Subcommands.Count: > 0 }) continue;
            yield return error.SymbolResult is ArgumentResult { Argument: var a } && a.Arity.MinimumNumberOfValues > 0
                && error.SymbolResult.Tokens.Count == 0
                ? $"missing {a.Name}: {a.Description}"
                : error.Message;
        }
    }

    /// <summary>An option <paramref name="command"/> does not define, with the ones it does.</summary>
    internal static string UnknownOption(Command command, string token)
    {
        var known = command.Options.Where(o => !o.Hidden).Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        return $"unknown option {token}; options here: {string.Join(", ", known)}";
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c is RootCommand ? "podcache" : c.Name);
        }
        return string.Join(' ', names);
    }
}

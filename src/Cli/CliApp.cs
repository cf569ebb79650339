using PodCache.Cache.Configuration;
using PodCache.Cli.Commands;
using PodCache.Runtime.Pipelines;

namespace PodCache.Cli;

/// <summary>The <c>podcache</c> command line: dispatches to a command and maps failures to exit codes.</summary>
internal static class CliApp
{
    public const string Usage = """
        podcache — memoizing PODPAC pipeline runtime

        Usage:
          podcache run PIPELINE --coords COORDS [--node REF] [--format json|summary|geotiff|png] [--out FILE] [--report FILE]
                       [--cache-dir DIR] [--config FILE] [--no-progress]
          podcache plan PIPELINE --coords COORDS [--node REF] [--format json|summary] [--report FILE] [--cache-dir DIR] [--config FILE]
          podcache runs [--limit N] [--json] [--cache-dir DIR]
          podcache get RUN|latest|MANIFEST [--node REF] [--format json|summary|geotiff|png] [--out FILE] [--cache-dir DIR]
          podcache cache stats|ls [--json] [--cache-dir DIR] [--config FILE]
          podcache cache evict KEY | clear | gc [--cache-dir DIR] [--config FILE]
          podcache inspect KEY [--cache-dir DIR] [--config FILE]
          podcache nodes [NODE] [--format text|json]   (--podpac: every PODPAC 4 class and its status)
          podcache serve [--http-port P] [--bind ADDRESS] [--api-token TOKEN] [--max-body-bytes N] [--max-inflight-bytes N] [--no-save-runs]
                         [--cache-dir DIR] [--config FILE] [--cluster-port Q --seed HOST:PORT ...]
          podcache loadtest [--url http://127.0.0.1:P] [--hits N] [--misses N] [--concurrency C] [--no-save-runs]
                            [--pipeline FILE] [--coords FILE] [--timeout SECONDS] [--json]
          podcache --version

        Exit codes: 0 ok, 2 invalid input, 1 other failure.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? ExitCodes.InvalidInput : ExitCodes.Ok;
        }
        if (args[0] is "--version")
        {
            await stdout.WriteLineAsync(PodCache.Cache.PodCacheVersion.Full).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        var rest = args.Skip(1).ToArray();
        try
        {
            return args[0] switch
            {
                "run" => await RunCommand.ExecuteAsync(rest, stdout, stderr, plan: false, cancellationToken).ConfigureAwait(false),
                "plan" => await RunCommand.ExecuteAsync(rest, stdout, stderr, plan: true, cancellationToken).ConfigureAwait(false),
                "runs" => await RunsCommand.ListAsync(rest, stdout).ConfigureAwait(false),
                "get" => await RunsCommand.GetAsync(rest, stdout, stderr, cancellationToken).ConfigureAwait(false),
                "cache" => await CacheCommand.ExecuteAsync(rest, stdout, cancellationToken).ConfigureAwait(false),
                "inspect" => await CacheCommand.InspectAsync(rest, stdout).ConfigureAwait(false),
                "nodes" => await NodesCommand.ExecuteAsync(rest, stdout).ConfigureAwait(false),
                "serve" => await ServeCommand.ExecuteAsync(rest, stdout, cancellationToken).ConfigureAwait(false),
                "loadtest" => await LoadTestCommand.ExecuteAsync(rest, stdout, stderr, cancellationToken).ConfigureAwait(false),
                _ => throw new UsageException($"unknown command '{args[0]}'; commands: run, plan, runs, get, cache, inspect, nodes, serve, loadtest (see podcache --help)"),
            };
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
}

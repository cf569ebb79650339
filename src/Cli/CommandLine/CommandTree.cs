using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using PodCache.Cli.Commands;
#if !PODCACHE_NATIVE
using PodCache.Cluster;
#endif
using static PodCache.Cli.CommandLine.CliOptions;

namespace PodCache.Cli.CommandLine;

/// <summary>
/// Every <c>podcache</c> command as a System.CommandLine command: options, arguments, descriptions and a help example
/// each. Built by hand, without reflection, on every start: <c>podcache run</c> from a warm cache is a start-up benchmark.
/// </summary>
internal static class CommandTree
{
    private delegate Task<int> Handler(CommandArgs args, TextWriter stdout, TextWriter stderr, CancellationToken ct);

    /// <summary>The root command with every command under it, <c>--help</c> with examples and <c>--version</c>.</summary>
    public static RootCommand Build()
    {
        var examples = new Dictionary<Command, string[]>();
        // HelpName: the help says podcache under a test host or `dotnet podcache.dll` too.
#if PODCACHE_NATIVE
        var root = new RootCommand($"{NativeBuild.Name} — the one-shot podcache commands, compiled ahead of time (serve, loadtest and config: "
            + "the podcache tool). Exit codes: 0 ok, 2 invalid input, 1 other failure.")
        {
            HelpName = NativeBuild.Name,
        };
#else
        var root = new RootCommand("podcache — memoizing PODPAC pipeline runtime. Exit codes: 0 ok, 2 invalid input, 1 other failure.")
        {
            HelpName = "podcache",
        };
#endif
        examples[root] = ["podcache run pipeline.json --coords coords.json --format summary", "podcache run --help"];

        Command Add(Command parent, string name, string description, string[] example, Handler handler, params Symbol[] symbols)
        {
            var command = new Command(name, description);
            foreach (var s in symbols)
            {
                switch (s)
                {
                    case Option o: command.Options.Add(o); break;
                    case Argument a: command.Arguments.Add(a); break;
                }
            }
            if (command.Options.Any(o => o.Name == "--config"))
            {
                command.Options.Add(Many("--set", "PATH=VALUE", "set a configuration key over the file and the environment (repeatable), e.g. --set cache.policy=lru"));
            }
            command.SetAction((r, ct) => handler(new CommandArgs(r), r.InvocationConfiguration.Output, r.InvocationConfiguration.Error, ct));
            parent.Subcommands.Add(command);
            examples[command] = example;
            return command;
        }

        static Argument<string> Arg(string name, string description, bool optional = false)
        {
            var argument = new Argument<string>(name) { Description = description, Arity = optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne };
            // The parser takes an unknown option for the argument's value when the argument is still missing.
            argument.Validators.Add(result =>
            {
                if (result.Tokens is [{ Value: ['-', _, ..] token }] && result.Parent is CommandResult { Command: var command })
                {
                    result.AddError(CliApp.UnknownOption(command, token));
                }
            });
            return argument;
        }

        Option<string> Coords() => Value("--coords", "COORDS", "the coordinates JSON file", required: true);
        Option<string> Node(string what) => Value("--node", "REF", what);

        Add(root, "run", "Evaluate a pipeline's output node (or --node REF) and print it.",
            ["podcache run pipeline.json --coords coords.json --format summary",
             "podcache run pipeline.json --coords coords.json --node mean --format geotiff --out mean.tif"],
            (a, o, e, ct) => RunCommand.ExecuteAsync(a, o, e, plan: false, ct),
            Arg("PIPELINE", "the pipeline JSON file"), Coords(), Node("the node to evaluate (default: the pipeline's output node)"),
            Format("json (the default), a summary, or a GeoTIFF or PNG written to --out", OutputFormats.Result),
            Value("--out", "FILE", "write the result to FILE instead of stdout"),
            Value("--report", "FILE", "write the run manifest to FILE"),
            CacheDir(), Config(), Flag("--no-progress", "no progress line on a terminal's stderr"));

        Add(root, "plan", "A dry run: each node's predicted status (hit in a tier, computed, pruned) without computing anything.",
            ["podcache plan pipeline.json --coords coords.json", "podcache plan pipeline.json --coords coords.json --format json > plan.json"],
            (a, o, e, ct) => RunCommand.ExecuteAsync(a, o, e, plan: true, ct),
            Arg("PIPELINE", "the pipeline JSON file"), Coords(), Node("the node to plan (default: the pipeline's output node)"),
            Format("a table on a terminal, json when redirected (the defaults), or a summary", OutputFormats.Plan),
            Value("--report", "FILE", "write the plan manifest (JSON) to FILE"), CacheDir(), Config(),
            // Scripts give run and plan the same options; a plan computes nothing, so it never shows progress.
            Flag("--no-progress", "accepted as for run (a plan shows no progress)"));

        Add(root, "runs", "List saved runs, newest first.",
            ["podcache runs --limit 5", "podcache runs --format json"],
            (a, o, _, _) => RunsCommand.ListAsync(a, o),
            [Value("--limit", "N", "at most N runs (default 20)"), .. JsonOrText(), CacheDir(), Config()]);

        Add(root, "get", "Pull any node of a saved run from the cache, recomputing only what was evicted.",
            ["podcache get latest --node mean --format summary", "podcache get 20260101T120000Z-3f2a --format geotiff --out out.tif"],
            (a, o, e, ct) => RunsCommand.GetAsync(a, o, e, ct),
            Arg("RUN", "a run id (see podcache runs), 'latest', or a manifest file"), Node("the node to pull (default: the run's output node)"),
            Format("json (the default), a summary, or a GeoTIFF or PNG written to --out", OutputFormats.Result),
            Value("--out", "FILE", "write the result to FILE instead of stdout"), CacheDir(), Config());

        var cache = new Command("cache", "The cache's tiers and entries: stats, ls, evict, clear, gc.");
        cache.SetAction(int (ParseResult _) => throw new UsageException("missing subcommand: podcache cache stats|ls|evict KEY|clear|gc"));
        root.Subcommands.Add(cache);
        examples[cache] = ["podcache cache stats", "podcache cache gc --cache-dir /var/cache/podcache"];
        Option<string> Tier(string what) => Value("--tier", "TIER", what);
        Handler Cache(string sub) => (a, o, _, ct) => CacheCommand.ExecuteAsync(sub, a, o, ct);
        Add(cache, "stats", "Each tier's entries and usage against its budget, saved runs, counters.",
            ["podcache cache stats", "podcache cache stats --format json"], Cache("stats"),
            [.. JsonOrText(), CacheDir(), Config()]);
        Add(cache, "ls", "The entries of the disk tier (or --tier s3), most recently used first.",
            ["podcache cache ls", "podcache cache ls --tier s3 --format json"], Cache("ls"),
            [Tier("disk (the default) or s3"), .. JsonOrText(), CacheDir(), Config()]);
        Add(cache, "evict", "Remove one entry from every tier.",
            ["podcache cache evict 3f2a…(64 hex characters)"], Cache("evict"),
            Arg("KEY", "the 64-hex-character key to evict"), CacheDir(), Config());
        Add(cache, "clear", "Remove every entry of the disk tier (or --tier s3, the prefix every worker shares).",
            ["podcache cache clear", "podcache cache clear --tier s3"], Cache("clear"),
            Tier("disk (the default) or s3"), CacheDir(), Config());
        Add(cache, "gc", "Remove expired entries and old saved runs; repair a damaged index.",
            ["podcache cache gc"], Cache("gc"), CacheDir(), Config());

        Add(root, "inspect", "The provenance of a cached entry, as JSON.",
            ["podcache inspect 3f2a…(64 hex characters)"],
            (a, o, _, _) => CacheCommand.InspectAsync(a, o),
            Arg("KEY", "the 64-hex-character key to inspect"), CacheDir(), Config());

        Add(root, "nodes", "The node types PodCache runs, or one of them; --podpac: every PODPAC 4 class and its status.",
            ["podcache nodes", "podcache nodes algorithm.Convolution --format json", "podcache nodes --podpac"],
            (a, o, _, _) => NodesCommand.ExecuteAsync(a, o),
            Arg("NODE", "a node type to describe", optional: true),
            Format("text for people (the default) or json", OutputFormats.TextOrJson),
            Flag("--podpac", "every PODPAC 4 class with what PodCache does with it"));

#if !PODCACHE_NATIVE
        Add(root, "config", "The effective configuration: every key, its value and where it came from (file, environment, flag or default).",
            ["podcache config", "podcache config --config podcache.json --format json", "PODCACHE__CACHE__POLICY=lru podcache config"],
            (a, o, _, _) => ConfigCommand.ExecuteAsync(a, o),
            [.. JsonOrText(), CacheDir(), Config(),
             .. ServeOptions().Where(o => o.Name is "--http-port" or "--bind" or "--max-body-bytes" or "--max-inflight-bytes" or "--api-token")]);

        Add(root, "serve", "The HTTP server, until SIGTERM or Ctrl-C; with --cluster-port, a cluster member.",
            ["podcache serve --http-port 8080 --cache-dir /var/cache/podcache",
             "podcache serve --http-port 8081 --cluster-port 4051 --seed 127.0.0.1:4051 --cache-dir /tmp/pc1"],
            (a, o, _, ct) => ServeCommand.ExecuteAsync(a, o, ct),
            [.. ServeOptions(), CacheDir(), Config()]);

        Add(root, "loadtest", "A bounded load test of a server (or its own servers) over loopback: throughput and p50/p99 latency.",
            ["podcache loadtest --hits 2000 --misses 200", "podcache loadtest --url http://127.0.0.1:8080 --format json"],
            (a, o, e, ct) => LoadTestCommand.ExecuteAsync(a, o, e, ct),
            Many("--url", "URL", "a server to test (http://127.0.0.1:PORT; repeat for every member); default: start servers"),
            Value("--members", "N", "without --url, start a cluster of N members (at most 9; default 1)"),
            Value("--hits", "N", "hit requests (default 2000)"), Value("--misses", "N", "miss requests (default 200)"),
            Value("--concurrency", "C", "requests in flight (default 8)"),
            Value("--pipeline", "FILE", "the pipeline to request (default: a small built-in one)"),
            Value("--coords", "FILE", "its coordinates (default: built-in)"),
            Value("--api-token", "TOKEN", $"the servers' API token (default: ${ServeCommand.TokenVariable})"),
            Value("--timeout", "SECONDS", "give up after SECONDS (default 600)"),
            Flag("--no-save-runs", "the started servers do not save runs"),
            JsonOrText()[0], JsonOrText()[1]);

#endif
        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: HelpAction help } helpOption) helpOption.Action = new ExampleHelpAction(help, examples);
            if (option is VersionOption versionOption) versionOption.Action = new VersionAction();
        }
        return root;
    }

#if !PODCACHE_NATIVE
    /// <summary><c>serve</c>'s own options and the cluster member's.</summary>
    internal static IEnumerable<Option> ServeOptions()
    {
        yield return Value("--http-port", "P", "the HTTP port (default 8080; 0: any free port)");
        yield return Value("--bind", "ADDRESS", "the address to listen on (default 127.0.0.1)");
        yield return Value("--api-token", "TOKEN", $"require this bearer token (default: ${ServeCommand.TokenVariable})");
        yield return Value("--max-body-bytes", "N", "the largest request body (a size such as 16MiB)");
        yield return Value("--max-inflight-bytes", "N", "the memory budget of requests in flight (a size such as 4GiB)");
        yield return Many("--data-root", "DIR", "pipelines read files only under these directories (default: the working directory)");
        yield return Flag("--no-save-runs", "do not save run manifests");
        foreach (var name in ClusterSettings.FlagNames)
        {
            yield return Many("--" + name, ClusterHelpName(name), ClusterDescription(name));
        }
    }

    private static string ClusterHelpName(string name) => name switch
    {
        "cluster-port" => "Q",
        "seed" => "HOST:PORT",
        "cluster-host" => "HOST",
        "min-members" => "N",
        "stable-after" => "DURATION",
        "advertise-url" => "URL",
        _ => "VALUE",
    };

    private static string ClusterDescription(string name) => name switch
    {
        "cluster-port" => "join a cluster as a member on this port (0: any free port)",
        "seed" => "a member to join through (repeat for more; none: a new cluster)",
        "cluster-host" => "the host name other members reach this one at",
        "min-members" => "members the cluster waits for before it serves",
        "stable-after" => "how long an unreachable member stays before the split-brain resolver downs it (default 20s)",
        "advertise-url" => "the HTTP URL other members reach this one at",
        _ => "a cluster setting",
    };
#endif
}

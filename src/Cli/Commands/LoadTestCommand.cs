using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Runtime.Json;
using PodCache.Server;

namespace PodCache.Cli.Commands;

/// <summary>
/// <c>podcache loadtest</c>: a bounded load test of a server, or of a cluster's members, over loopback. Without
/// <c>--url</c> it starts its own <c>podcache serve</c> processes on free ports with fresh cache directories (with
/// <c>--members N</c> above 1, a cluster of N members) and stops them at the end. It sends a fixed number of hit
/// requests (one pipeline at one request, after a warm-up that computes it) and of miss requests (the same pipeline at
/// distinct coordinates), spread round-robin over the members, then prints throughput and p50/p99 latency of each phase.
/// </summary>
internal static class LoadTestCommand
{
    private const string DefaultPipeline = """
        {"sin": {"node": "algorithm.SinCoords"},
         "mean": {"node": "algorithm.Convolution", "inputs": {"source": "sin"},
                  "attrs": {"kernel_type": "mean,3", "kernel_dims": ["lat", "lon"]}},
         "out": {"node": "algorithm.Arithmetic", "inputs": {"A": "sin", "B": "mean"}, "attrs": {"eqn": "A - B"}},
         "podpac_output_node": "out"}
        """;

    private const string DefaultCoords = """
        {"coords": [{"name": "lat", "start": 45, "stop": 40, "step": -0.05},
                    {"name": "lon", "start": -100, "stop": -95, "step": 0.05}], "crs": "EPSG:4326"}
        """;

    private const int WarmupRequests = 50;

    private sealed record Phase(string Name, int Requests, int Errors, double Seconds, double[] LatenciesMs, IReadOnlyDictionary<string, int> Statuses)
    {
        public double Throughput => Requests / Seconds;

        public double Percentile(double p)
        {
            var ok = LatenciesMs.Where(l => !double.IsNaN(l)).Order().ToArray();
            if (ok.Length == 0) return double.NaN;
            int rank = (int)Math.Ceiling(p / 100.0 * ok.Length) - 1;
            return ok[Math.Clamp(rank, 0, ok.Length - 1)];
        }
    }

    public static async Task<int> ExecuteAsync(CommandArgs a, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string format = a.Format ?? "text";
        OutputFormats.Check(format, OutputFormats.TextOrJson);
        int hits = PositiveInt(a, "hits", 2000);
        int misses = PositiveInt(a, "misses", 200);
        int concurrency = PositiveInt(a, "concurrency", 8);
        int timeoutSeconds = PositiveInt(a, "timeout", 600);
        var pipeline = ReadObject(a.Get("pipeline"), DefaultPipeline, "pipeline");
        var coords = ReadObject(a.Get("coords"), DefaultCoords, "coordinates");
        string? token = a.Get("api-token") ?? Environment.GetEnvironmentVariable(ServeCommand.TokenVariable);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        var ct = timeout.Token;

        var children = new List<ChildServer>();
        List<Uri> urls;
        try
        {
            if (a.GetAll("url") is { Count: > 0 } given)
            {
                if (a.Get("members") is not null)
                {
                    throw new UsageException("--members starts servers for the test; with --url, list every member's URL instead");
                }
                urls = [.. given.Select(LoopbackUrl)];
            }
            else
            {
                int members = PositiveInt(a, "members", 1);
                if (members > 9)
                {
                    throw new UsageException("--members: at most 9 on one machine");
                }
                children.AddRange(await StartServersAsync(members, a.Flag("no-save-runs"), ct).ConfigureAwait(false));
                urls = [.. children.Select(c => c.BaseAddress)];
            }
            var clients = urls.Select(u =>
            {
                var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false })
                {
                    BaseAddress = u,
                    Timeout = TimeSpan.FromSeconds(120),
                };
                if (token is not null)
                {
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                return http;
            }).ToArray();
            try
            {
                return await RunAsync(a, stdout, clients, children, hits, misses, concurrency, pipeline, coords, ct).ConfigureAwait(false);
            }
            finally
            {
                foreach (var c in clients) c.Dispose();
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"error: the load test did not finish within --timeout {timeoutSeconds} s").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        finally
        {
            foreach (var child in children)
            {
                await child.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> RunAsync(CommandArgs a, TextWriter stdout, HttpClient[] clients, List<ChildServer> children, int hits,
        int misses, int concurrency, JsonObject pipeline, JsonObject coords, CancellationToken ct)
    {
        bool started = children.Count > 0;
        string hitBody = Body(pipeline, coords);
        var missBodies = Enumerable.Range(0, misses).Select(i => Body(pipeline, Shifted(coords, i + 1))).ToArray();

        long computedBefore = await ComputedAsync(clients, ct).ConfigureAwait(false);
        // The first request computes the pipeline; the rest warm up the JIT, the connection pools and every member.
        await RunPhaseAsync(clients, "warmup", WarmupRequests * clients.Length, concurrency, _ => hitBody, ct).ConfigureAwait(false);
        var hitPhase = await RunPhaseAsync(clients, "hits", hits, concurrency, _ => hitBody, ct).ConfigureAwait(false);
        var cpuBefore = children.Select(c => c.CpuTime).ToArray();
        var clusterBefore = await ClusterCountsAsync(clients, ct).ConfigureAwait(false);
        var missPhase = await RunPhaseAsync(clients, "misses", misses, concurrency, i => missBodies[i], ct).ConfigureAwait(false);
        // The servers' own CPU during the miss phase: what a miss costs in total, whichever member spent it.
        double[] missCpu = [.. children.Select((c, i) => (c.CpuTime - cpuBefore[i]).TotalSeconds)];
        var clusterAfter = await ClusterCountsAsync(clients, ct).ConfigureAwait(false);
        long computedAfter = await ComputedAsync(clients, ct).ConfigureAwait(false);
        var clusterDelta = clusterAfter.ToDictionary(kv => kv.Key, kv => kv.Value - clusterBefore.GetValueOrDefault(kv.Key), StringComparer.Ordinal);

        string servers = string.Join(", ", clients.Select(c => c.BaseAddress!.ToString()));
        string where = !started ? servers
            : clients.Length == 1
                ? $"{servers} (podcache serve{(a.Flag("no-save-runs") ? " --no-save-runs" : "")}, started for this test with an empty cache directory, stopped at the end)"
                : $"a cluster of {clients.Length} podcache serve members started for this test ({servers}; empty cache directories; stopped at the end)";
        if (a.Format == "json")
        {
            var o = new JsonObject
            {
                ["servers"] = new JsonArray([.. clients.Select(c => (JsonNode)c.BaseAddress!.ToString())]),
                ["members"] = clients.Length,
                ["concurrency"] = concurrency,
                ["processorCount"] = Environment.ProcessorCount,
                ["phases"] = new JsonArray(Json(hitPhase), Json(missPhase)),
                ["serverComputed"] = computedAfter - computedBefore,
            };
            if (missCpu.Length > 0)
            {
                o["missCpuSeconds"] = new JsonArray([.. missCpu.Select(c => (JsonNode)Math.Round(c, 3))]);
            }
            if (clients.Length > 1)
            {
                var cluster = new JsonObject();
                foreach (var (k, v) in clusterDelta) cluster[k] = v;
                o["clusterDuringMisses"] = cluster;
            }
            await stdout.WriteLineAsync(o.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
        }
        else
        {
            var sb = new StringBuilder(Table(where, concurrency, [hitPhase, missPhase], computedAfter - computedBefore));
            if (missCpu.Length > 0)
            {
                double total = missCpu.Sum();
                sb.AppendLine().Append(CultureInfo.InvariantCulture,
                    $"server CPU during misses: {total:F2} s ({1000 * total / misses:F1} ms per miss; per member {string.Join(", ", missCpu.Select(c => c.ToString("F2", CultureInfo.InvariantCulture)))} s)");
            }
            if (clients.Length > 1)
            {
                sb.AppendLine().Append("cluster during misses: ").AppendJoin(", ", clusterDelta.Select(kv => $"{kv.Key}={kv.Value}"));
            }
            await stdout.WriteLineAsync(sb.ToString()).ConfigureAwait(false);
        }
        return hitPhase.Errors + missPhase.Errors == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    /// <summary>One server, or a cluster: the first member seeds it, every member waits for all before it is Up.</summary>
    private static async Task<List<ChildServer>> StartServersAsync(int members, bool noSaveRuns, CancellationToken ct)
    {
        var common = noSaveRuns ? new[] { "--no-save-runs" } : [];
        if (members == 1)
        {
            return [await ChildServer.StartAsync(common, ct).ConfigureAwait(false)];
        }
        var ports = Enumerable.Range(0, members).Select(_ => FreeLoopbackPort()).ToArray();
        string seed = $"127.0.0.1:{ports[0]}";
        var started = new List<ChildServer>();
        try
        {
            var starting = ports.Select(port => ChildServer.StartAsync(
                [.. common, "--cluster-port", $"{port}", "--seed", seed, "--min-members", $"{members}"], ct)).ToArray();
            foreach (var t in starting)
            {
                try
                {
                    started.Add(await t.ConfigureAwait(false));
                }
                catch (InvalidOperationException) when (started.Count < members)
                {
                    // Reported below, once the others are collected for disposal.
                }
            }
            if (started.Count < members)
            {
                throw new InvalidOperationException($"only {started.Count} of {members} cluster members started");
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            foreach (var child in started)
            {
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    try
                    {
                        using var r = await http.GetAsync(new Uri(child.BaseAddress, "healthz"), ct).ConfigureAwait(false);
                        if (r.IsSuccessStatusCode) break;
                    }
                    catch (HttpRequestException)
                    {
                    }
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new InvalidOperationException($"cluster member {child.BaseAddress} was not Up within 90 s");
                    }
                    await Task.Delay(200, ct).ConfigureAwait(false);
                }
            }
            return started;
        }
        catch
        {
            foreach (var c in started) await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<Phase> RunPhaseAsync(HttpClient[] clients, string name, int count, int concurrency,
        Func<int, string> body, CancellationToken ct)
    {
        var latencies = new double[count];
        var statuses = new string[count];
        int next = -1;
        int errors = 0;
        var wall = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Min(concurrency, count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                long start = Stopwatch.GetTimestamp();
                using var content = new StringContent(body(i), Encoding.UTF8, "application/json");
                using var response = await clients[i % clients.Length].PostAsync("v1/runs", content, ct).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    statuses[i] = response.Headers.TryGetValues(PodCacheServer.StatusHeader, out var v) ? v.First() : "?";
                }
                else
                {
                    statuses[i] = "http-" + (int)response.StatusCode;
                    latencies[i] = double.NaN;
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        double seconds = wall.Elapsed.TotalSeconds;
        var byStatus = statuses.GroupBy(s => s, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new Phase(name, count, errors, seconds, latencies, byStatus);
    }

    /// <summary>The members' cluster counters, summed: per-key answers from other members, batches and pushes.</summary>
    private static async Task<Dictionary<string, long>> ClusterCountsAsync(HttpClient[] clients, CancellationToken ct)
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        if (clients.Length < 2)
        {
            return sums;
        }
        foreach (var http in clients)
        {
            string json = await http.GetStringAsync(new Uri("v1/stats", UriKind.Relative), ct).ConfigureAwait(false);
            var cluster = JsonNode.Parse(json)?["cluster"];
            void Add(string name, JsonNode? value)
            {
                if (value is JsonValue v && v.TryGetValue(out long n))
                {
                    sums[name] = sums.GetValueOrDefault(name) + n;
                }
            }
            Add("inlineAnswers", cluster?["requests"]?["inline"]);
            Add("fetchedAnswers", cluster?["requests"]?["fetched"]);
            Add("batchesSent", cluster?["batches"]?["sent"]);
            Add("batchNodes", cluster?["batches"]?["nodes"]);
            Add("pushesUsed", cluster?["batches"]?["pushesUsed"]);
            Add("pushFallbacks", cluster?["batches"]?["pushFallbacks"]);
            Add("batchesSkipped", cluster?["batches"]?["skipped"]);
        }
        return sums;
    }

    private static async Task<long> ComputedAsync(HttpClient[] clients, CancellationToken ct)
    {
        long sum = 0;
        foreach (var http in clients)
        {
            string json = await http.GetStringAsync(new Uri("v1/stats", UriKind.Relative), ct).ConfigureAwait(false);
            sum += JsonNode.Parse(json)?["computed"]?.GetValue<long>() ?? 0;
        }
        return sum;
    }

    private static string Table(string where, int concurrency, IReadOnlyList<Phase> phases, long computed)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"server: {where}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"client: concurrency {concurrency}, {Environment.ProcessorCount} processors");
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"phase",-8} {"requests",8} {"errors",6} {"seconds",8} {"req/s",8} {"p50 ms",8} {"p99 ms",8} {"max ms",8}  statuses");
        foreach (var p in phases)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{p.Name,-8} {p.Requests,8} {p.Errors,6} {p.Seconds,8:F2} {p.Throughput,8:F1} {p.Percentile(50),8:F2} {p.Percentile(99),8:F2} {p.Percentile(100),8:F2}  {string.Join(", ", p.Statuses.Select(kv => $"{kv.Key}={kv.Value}"))}");
        }
        sb.Append(CultureInfo.InvariantCulture, $"node computations on the server during the test: {computed}");
        return sb.ToString();
    }

    private static JsonObject Json(Phase p)
    {
        var statuses = new JsonObject();
        foreach (var (k, v) in p.Statuses) statuses[k] = v;
        return new JsonObject
        {
            ["phase"] = p.Name,
            ["requests"] = p.Requests,
            ["errors"] = p.Errors,
            ["seconds"] = Math.Round(p.Seconds, 3),
            ["requestsPerSecond"] = Math.Round(p.Throughput, 1),
            ["p50Ms"] = Math.Round(p.Percentile(50), 3),
            ["p99Ms"] = Math.Round(p.Percentile(99), 3),
            ["maxMs"] = Math.Round(p.Percentile(100), 3),
            ["statuses"] = statuses,
        };
    }

    private static string Body(JsonObject pipeline, JsonObject coords) =>
        new JsonObject { ["pipeline"] = pipeline.DeepClone(), ["coordinates"] = coords.DeepClone() }.ToJsonString();

    /// <summary>The coordinates with the first axis moved by a tiny distinct offset: a new request, a new key.</summary>
    private static JsonObject Shifted(JsonObject coords, int n)
    {
        var copy = (JsonObject)coords.DeepClone();
        if (copy["coords"] is not JsonArray { Count: > 0 } axes || axes[0] is not JsonObject axis)
        {
            throw new UsageException("--coords: the load test needs coordinates with a 'coords' list");
        }
        double delta = n * 1e-6;
        bool moved = false;
        foreach (var name in new[] { "start", "stop" })
        {
            if (TryNumber(axis[name], out var d))
            {
                axis[name] = d + delta;
                moved = true;
            }
        }
        if (!moved && axis["values"] is JsonArray values)
        {
            for (int i = 0; i < values.Count; i++)
            {
                if (TryNumber(values[i], out var d))
                {
                    values[i] = d + delta;
                    moved = true;
                }
            }
        }
        if (!moved)
        {
            throw new UsageException("--coords: the first axis must be numeric (start/stop or values) so misses can move it");
        }
        return copy;
    }

    private static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v) return false;
        if (v.TryGetValue(out double d))
        {
            value = d;
            return true;
        }
        if (v.TryGetValue(out long l))
        {
            value = l;
            return true;
        }
        return false;
    }

    private static JsonObject ReadObject(string? path, string fallback, string what)
    {
        string text = path is null ? fallback : InputFiles.ReadText(path, what);
        return PodpacJson.Parse(text) as JsonObject ?? throw new UsageException($"{path}: the {what} must be a JSON object");
    }

    private static Uri LoopbackUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttp)
        {
            throw new UsageException($"--url '{url}': give http://127.0.0.1:PORT");
        }
        bool loopback = u.IsLoopback || (IPAddress.TryParse(u.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback)
        {
            throw new UsageException($"--url '{url}': the load test only targets loopback addresses (127.0.0.0/8, ::1)");
        }
        return new Uri(u.GetLeftPart(UriPartial.Authority) + "/");
    }

    private static int PositiveInt(CommandArgs a, string name, int fallback)
    {
        string? text = a.Get(name);
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw new UsageException($"--{name} must be a positive integer");
    }
}

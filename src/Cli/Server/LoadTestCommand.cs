using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Cli.Server.Endpoints;
using PodCache.Runtime.Json;

namespace PodCache.Cli.Server;

/// <summary>
/// <c>podcache loadtest</c>: a bounded load test of one server over loopback. Without <c>--url</c> it starts its own
/// <c>podcache serve</c> process on a free port with a fresh cache directory and stops it at the end. It sends a fixed
/// number of hit requests (one pipeline at one request, after a warm-up that computes it) and of miss requests (the
/// same pipeline at distinct coordinates), then prints throughput and p50/p99 latency of each phase.
/// </summary>
internal static class LoadTestCommand
{
    private static readonly HashSet<string> Options =
        ["url", "hits", "misses", "concurrency", "pipeline", "coords", "api-token", "timeout"];

    private static readonly HashSet<string> Flags = ["json", "no-save-runs"];

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

    public static async Task<int> ExecuteAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var a = new ArgReader(args, Options, Flags);
        a.NoMorePositionals(0);
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

        Uri baseUrl;
        ChildServer? child = null;
        if (a.Get("url") is { } url)
        {
            baseUrl = LoopbackUrl(url);
        }
        else
        {
            child = await ChildServer.StartAsync(a.Flag("no-save-runs") ? ["--no-save-runs"] : [], ct).ConfigureAwait(false);
            baseUrl = child.BaseAddress;
        }
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false })
            {
                BaseAddress = baseUrl,
                Timeout = TimeSpan.FromSeconds(120),
            };
            if (token is not null)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            string hitBody = Body(pipeline, coords);
            var missBodies = Enumerable.Range(0, misses).Select(i => Body(pipeline, Shifted(coords, i + 1))).ToArray();

            long computedBefore = await ComputedAsync(http, ct).ConfigureAwait(false);
            // The first request computes the pipeline; the rest warm up the JIT and the connection pool.
            await RunPhaseAsync(http, "warmup", WarmupRequests, concurrency, _ => hitBody, ct).ConfigureAwait(false);
            var hitPhase = await RunPhaseAsync(http, "hits", hits, concurrency, _ => hitBody, ct).ConfigureAwait(false);
            var missPhase = await RunPhaseAsync(http, "misses", misses, concurrency, i => missBodies[i], ct).ConfigureAwait(false);
            long computedAfter = await ComputedAsync(http, ct).ConfigureAwait(false);

            string where = child is null ? baseUrl.ToString()
                : $"{baseUrl} (podcache serve{(a.Flag("no-save-runs") ? " --no-save-runs" : "")}, started for this test with an empty cache directory, stopped at the end)";
            if (a.Flag("json"))
            {
                var o = new JsonObject
                {
                    ["server"] = baseUrl.ToString(),
                    ["concurrency"] = concurrency,
                    ["processorCount"] = Environment.ProcessorCount,
                    ["phases"] = new JsonArray(Json(hitPhase), Json(missPhase)),
                    ["serverComputed"] = computedAfter - computedBefore,
                };
                await stdout.WriteLineAsync(o.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
            }
            else
            {
                await stdout.WriteLineAsync(Table(where, concurrency, [hitPhase, missPhase], computedAfter - computedBefore)).ConfigureAwait(false);
            }
            return hitPhase.Errors + missPhase.Errors == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"error: the load test did not finish within --timeout {timeoutSeconds} s").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<Phase> RunPhaseAsync(HttpClient http, string name, int count, int concurrency,
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
                using var response = await http.PostAsync("v1/runs", content, ct).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    statuses[i] = response.Headers.TryGetValues(RunEndpoints.StatusHeader, out var v) ? v.First() : "?";
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

    private static async Task<long> ComputedAsync(HttpClient http, CancellationToken ct)
    {
        string json = await http.GetStringAsync(new Uri("v1/stats", UriKind.Relative), ct).ConfigureAwait(false);
        return JsonNode.Parse(json)?["computed"]?.GetValue<long>() ?? 0;
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

    private static int PositiveInt(ArgReader a, string name, int fallback)
    {
        string? text = a.Get(name);
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw new UsageException($"--{name} must be a positive integer");
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Keys;
using PodCache.Server;

namespace PodCache.Cli.Commands;

/// <summary><c>podcache cache stats|ls|evict KEY|clear|gc</c> and <c>podcache inspect KEY</c>.</summary>
internal static class CacheCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs <c>podcache cache SUBCOMMAND</c> (one of stats, ls, evict, clear, gc).</summary>
    public static async Task<int> ExecuteAsync(string subcommand, CommandArgs a, TextWriter stdout, CancellationToken ct)
    {
        string? tier = a.Get("tier");
        if (tier is not null && !TierNames.IsKnown(tier))
        {
            throw new UsageException($"--tier '{tier}': tiers are ram, disk and s3");
        }
        // stats and ls print text or JSON; the other subcommands take no --format.
        string format = a.Format ?? "text";
        OutputFormats.Check(format, OutputFormats.TextOrJson);
        bool json = format == "json";
        var config = CliConfiguration.Load(a);
        string? repaired = subcommand == "gc" ? MoveIndexAsideIfDamaged(config.Cache) : null;
        await using var session = CacheSession.Open(config, null, shortLived: true);
        var stack = session.Stack;
        switch (subcommand)
        {
            case "stats":
                {
                    // Reconciled first, so the s3 tier's line shows the bucket's usage.
                    var s3 = await S3Report.StatsAsync(stack, ct).ConfigureAwait(false);
                    string text = json
                        ? WithS3(Stats(stack), s3).ToJsonString(Indented)
                        : StatsText(stack) + (s3 is null ? "" : Environment.NewLine + S3Report.Text(s3));
                    await stdout.WriteLineAsync(text).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }
            case "ls":
                await stdout.WriteLineAsync(List(stack, json, tier == TierNames.S3 ? TierNames.S3 : TierNames.Disk)).ConfigureAwait(false);
                return ExitCodes.Ok;
            case "evict":
                {
                    var key = ParseKey(a.Argument("KEY")!);
                    bool any = await stack.Cache.DeleteAsync(key, ct).ConfigureAwait(false);
                    await stdout.WriteLineAsync(any ? $"evicted {key}" : $"{key} was not cached").ConfigureAwait(false);
                    return ExitCodes.Ok;
                }
            case "clear":
                {
                    // The S3 prefix is shared by every worker: it is cleared only when asked for by name.
                    int n = tier == TierNames.S3
                        ? await (stack.S3 ?? throw new UsageException("--tier s3: no s3 tier is configured")).ClearAsync(ct).ConfigureAwait(false)
                        : tier is null || tier == TierNames.Disk ? stack.Disk?.Clear() ?? 0 : 0;
                    await stdout.WriteLineAsync($"removed {n} entries").ConfigureAwait(false);
                    return ExitCodes.Ok;
                }
            case "gc":
                {
                    if (repaired is not null)
                    {
                        await stdout.WriteLineAsync(repaired).ConfigureAwait(false);
                    }
                    if (stack.Disk is not null)
                    {
                        var (registered, dropped, removed) = stack.Disk.Reconcile();
                        registered += stack.Disk.RegisteredAtOpen;
                        await stdout.WriteLineAsync(
                            $"index: {registered} entry files registered, {dropped} rows without a file dropped, {removed} unusable files removed")
                            .ConfigureAwait(false);
                    }
                    int n = stack.Disk?.CollectExpired() ?? 0;
                    await stdout.WriteLineAsync($"removed {n} expired entries").ConfigureAwait(false);
                    if (session.CreateRunStore() is { } runStore)
                    {
                        await stdout.WriteLineAsync($"runs: removed {runStore.Prune()} saved runs over {ByteSize.Format(runStore.MaxBytes)}").ConfigureAwait(false);
                    }
                    if (await S3Report.CollectAsync(stack, ct).ConfigureAwait(false) is { } s3Line)
                    {
                        await stdout.WriteLineAsync(s3Line).ConfigureAwait(false);
                    }
                    return ExitCodes.Ok;
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(subcommand), subcommand, "not a cache subcommand");
        }
    }

    /// <summary>
    /// Moves a damaged machine index aside (gc's repair; the open that follows starts a new index and registers the
    /// entry files); says what it did, or null when the index was sound or absent.
    /// </summary>
    private static string? MoveIndexAsideIfDamaged(CacheConfig config)
    {
        if (!config.DiskEnabled && config.S3 is null) return null;
        var moved = PodCache.Cache.Index.MachineIndex.MoveAsideIfDamaged(config.DiskPath);
        return moved is { } m ? $"index: damaged ({m.Reason}); moved it aside to {m.MovedTo} and rebuilt it from the entry files" : null;
    }

    public static async Task<int> InspectAsync(CommandArgs a, TextWriter stdout)
    {
        var key = ParseKey(a.Argument("KEY")!);
        await using var session = CacheSession.Open(CliConfiguration.Load(a), null, shortLived: true);
        var header = session.Stack.Disk?.ReadHeader(key);
        if (header is null)
        {
            if (await S3Report.InspectAsync(session.Stack, key, CancellationToken.None).ConfigureAwait(false) is { } inS3)
            {
                inS3 = await CacheReport.WithFullProvenanceAsync(inS3, session.Cache, CancellationToken.None).ConfigureAwait(false);
                await stdout.WriteLineAsync(inS3.ToJsonString(Indented)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            await stdout.WriteLineAsync($"{key} is not in the disk cache{(session.Stack.S3 is null ? "" : " nor in S3")}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        var o = await CacheReport.WithFullProvenanceAsync(CacheReport.Describe(key, header, session.Stack.Disk!.PathOf(key)), session.Cache,
            CancellationToken.None).ConfigureAwait(false);
        await stdout.WriteLineAsync(o.ToJsonString(Indented)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static Key ParseKey(string text) =>
        Key.TryParse(text, out var k) ? k : throw new UsageException($"'{text}' is not a key: a key is 64 lowercase hex characters");

    private static JsonObject Stats(CacheStack stack) => CacheReport.Stats(stack);

    private static string StatsText(CacheStack stack)
    {
        var sb = new System.Text.StringBuilder();
        var s = Stats(stack);
        sb.AppendLine(CultureInfo.InvariantCulture, $"policy: {stack.Config.Policy}");
        if (stack.Disk is not null) sb.AppendLine(CultureInfo.InvariantCulture, $"directory: {stack.Disk.Root}");
        foreach (var st in PodCache.Cache.Telemetry.PodCacheMetrics.Snapshot(stack.Cache))
        {
            double pct = st.MaxBytes > 0 ? 100.0 * st.Bytes / st.MaxBytes : 0;
            sb.AppendLine(CultureInfo.InvariantCulture, $"{st.Tier,-5} {st.Entries,8} entries  {ByteSize.Format(st.Bytes),10} of {ByteSize.Format(st.MaxBytes),10} ({pct:F1}%)");
        }
        if (s["savedRuns"] is JsonObject runs)
        {
            long bytes = runs["bytes"]!.GetValue<long>(), max = runs["maxBytes"]!.GetValue<long>();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"runs  {runs["files"]!.GetValue<int>(),8} saved    {ByteSize.Format(bytes),10} of {ByteSize.Format(max),10} ({(max > 0 ? 100.0 * bytes / max : 0):F1}%; counted in the disk budget, oldest pruned first)");
        }
        if (s["counters"] is JsonObject c && c.Count > 0)
        {
            sb.AppendLine("counters: " + string.Join(", ", c.Select(kv => $"{kv.Key}={kv.Value}")));
        }
        return sb.ToString().TrimEnd();
    }

    private static JsonObject WithS3(JsonObject stats, JsonObject? s3)
    {
        if (s3 is not null) stats["s3"] = s3;
        return stats;
    }

    private static string List(CacheStack stack, bool json, string tier)
    {
        if (stack.Index is null)
        {
            return json ? "[]" : "no disk tier configured";
        }
        var rows = stack.Index.Entries(tier).OrderByDescending(r => r.LastAccess).ToList();
        if (json)
        {
            var arr = new JsonArray();
            foreach (var r in rows)
            {
                arr.Add((JsonNode)new JsonObject
                {
                    ["key"] = r.Key.ToString(),
                    ["bytes"] = r.Bytes,
                    ["created"] = r.Created.ToString("O", CultureInfo.InvariantCulture),
                    ["expires"] = r.Expires?.ToString("O", CultureInfo.InvariantCulture),
                    ["computeSeconds"] = r.ComputeSeconds,
                    ["hits"] = r.Hits,
                    ["lastAccess"] = r.LastAccess.ToString("O", CultureInfo.InvariantCulture),
                    ["ready"] = r.Ready,
                });
            }
            return arr.ToJsonString(Indented);
        }
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"key",-64}  {"bytes",10}  {"cost s",8}  {"hits",5}  last access");
        foreach (var r in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Key}  {ByteSize.Format(r.Bytes),10}  {r.ComputeSeconds,8:F3}  {r.Hits,5}  {r.LastAccess:u}{(r.Ready ? "" : "  (writing)")}");
        }
        sb.Append(CultureInfo.InvariantCulture, $"{rows.Count} entries");
        return sb.ToString();
    }
}

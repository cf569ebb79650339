using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers;
using PodCache.Cache.Tiers.Disk;

namespace PodCache.Server;

/// <summary>
/// The JSON that <c>podcache cache stats --json</c>, <c>podcache inspect</c> and the server's <c>/v1/stats</c> and
/// <c>/v1/entries/KEY</c> share, so the CLI and HTTP never describe the cache differently.
/// </summary>
public static class CacheReport
{
    /// <summary>Tiers (entries, bytes, budget, hits, misses, evictions, expirations), policy and machine counters.</summary>
    public static JsonObject Stats(CacheStack stack)
    {
        var tiers = new JsonObject();
        // Through the library meter, so this and /metrics (and a notebook's Statistics()) agree.
        foreach (var s in PodCache.Cache.Telemetry.PodCacheMetrics.Snapshot(stack.Cache))
        {
            tiers[s.Tier] = Tier(s);
        }
        var o = new JsonObject { ["tiers"] = tiers, ["policy"] = stack.Config.Policy };
        if (stack.Disk is not null && stack.Index is not null)
        {
            o["directory"] = stack.Disk.Root;
            var counters = new JsonObject();
            foreach (var kv in stack.Index.Counters()) counters[kv.Key] = kv.Value;
            o["counters"] = counters;
            o["savedRuns"] = Runs(stack);
            o["machineRamMaxBytes"] = stack.Config.MachineRamMaxBytes;
            o["otherProcessesRamBytes"] = stack.OtherProcessesRamBytes;
        }
        return o;
    }

    /// <summary>
    /// The saved run manifests (<c>runs/</c>), measured: files, bytes, and the most they may hold (their share of the
    /// disk budget, which they count against).
    /// </summary>
    public static JsonObject Runs(CacheStack stack)
    {
        var store = new PodCache.Runtime.Execution.RunStore(stack.Config.DiskPath);
        var files = Directory.Exists(store.Directory) ? new DirectoryInfo(store.Directory).GetFiles("*.json") : [];
        return new JsonObject
        {
            ["directory"] = store.Directory,
            ["files"] = files.Length,
            ["bytes"] = files.Sum(f => f.Length),
            ["maxBytes"] = PodCache.Runtime.Execution.RunStore.ShareOf(stack.Config.DiskMaxBytes),
        };
    }

    /// <summary>One tier's statistics.</summary>
    public static JsonObject Tier(TierStatistics s) => new()
    {
        ["entries"] = s.Entries,
        ["bytes"] = s.Bytes,
        ["maxBytes"] = s.MaxBytes,
        ["hits"] = s.Hits,
        ["misses"] = s.Misses,
        ["evictions"] = s.Evictions,
        ["expirations"] = s.Expirations,
    };

    /// <summary>A disk entry's header: content type, times, cost, size and provenance.</summary>
    public static JsonObject Describe(Key key, EntryHeader header, string? file) => new()
    {
        ["key"] = key.ToString(),
        ["tier"] = TierNames.Disk,
        ["contentType"] = header.ContentType,
        ["created"] = header.Created.ToString("O", CultureInfo.InvariantCulture),
        ["expires"] = header.Expires?.ToString("O", CultureInfo.InvariantCulture),
        ["computeSeconds"] = header.ComputeSeconds,
        ["sizeBytes"] = header.SizeBytes,
        ["compression"] = header.Compression,
        ["file"] = file,
        ["provenance"] = header.Provenance is { } p ? ParseProvenance(p) : null,
    };

    /// <summary>A RAM entry: what RAM keeps (created, expiry, cost, size) and its provenance when it has one.</summary>
    public static JsonObject Describe(CacheEntry entry, string tier) => new()
    {
        ["key"] = entry.Key.ToString(),
        ["tier"] = tier,
        ["created"] = entry.Created.ToString("O", CultureInfo.InvariantCulture),
        ["expires"] = entry.Expires?.ToString("O", CultureInfo.InvariantCulture),
        ["computeSeconds"] = entry.ComputeSeconds,
        ["sizeBytes"] = entry.SizeBytes,
        ["provenance"] = entry.Provenance is { } p ? ParseProvenance(p) : null,
    };

    /// <summary>
    /// <paramref name="described"/> with its provenance made whole: an entry stores its own node and the key of its
    /// run's pipeline record, which is read from <paramref name="cache"/> to give the entry's subgraph pipeline JSON.
    /// </summary>
    public static async ValueTask<JsonObject> WithFullProvenanceAsync(JsonObject described, IMemoCache cache, CancellationToken cancellationToken)
    {
        if (described["provenance"] is JsonObject p)
        {
            described["provenance"] = await PodCache.Runtime.Execution.ProvenanceRecord.ExpandAsync(p, cache, cancellationToken).ConfigureAwait(false);
        }
        return described;
    }

    private static JsonNode? ParseProvenance(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}

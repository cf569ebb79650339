using System.Globalization;
using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Keys;
using PodCache.Cache.Tiers.S3;
using PodCache.Server;

namespace PodCache.Cli;

/// <summary>What <c>podcache cache stats|gc|clear|inspect</c> say about the S3 tier.</summary>
internal static class S3Report
{
    /// <summary>
    /// Reconciles the S3 tier's accounting with a listing of the bucket (so the usage shown is the bucket's, not just
    /// this machine's writes) and describes it: where, reconciliation, errors. Null without an S3 tier.
    /// </summary>
    public static async Task<JsonObject?> StatsAsync(CacheStack stack, CancellationToken cancellationToken)
    {
        if (stack.S3 is not { } s3) return null;
        var reconciled = await s3.ReconcileAsync(cancellationToken).ConfigureAwait(false);
        var counters = stack.Index!.Counters();
        var o = new JsonObject
        {
            ["bucket"] = s3.Bucket,
            ["prefix"] = s3.Prefix,
            ["endpoint"] = stack.Config.S3?["serviceUrl"]?.GetValue<string>(),
            ["available"] = reconciled is not null,
            ["reconciledAt"] = stack.Index.GetSetting(S3Tier.ReconciledAtSetting),
            ["errors"] = counters.GetValueOrDefault("s3.errors"),
            ["lastError"] = stack.Index.GetSetting("s3.lastError"),
        };
        if (reconciled is not null)
        {
            o["listed"] = new JsonObject
            {
                ["objects"] = reconciled.Objects,
                ["bytes"] = reconciled.Bytes,
                ["added"] = reconciled.Added,
                ["removed"] = reconciled.Removed,
                ["evicted"] = reconciled.Evicted,
            };
        }
        return o;
    }

    public static string Text(JsonObject s3)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"s3: s3://{s3["bucket"]}/{s3["prefix"]}");
        if (s3["endpoint"] is { } endpoint) sb.Append(CultureInfo.InvariantCulture, $" at {endpoint}");
        sb.AppendLine();
        if (s3["listed"] is JsonObject l)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"s3 listing: {l["objects"]} objects, {ByteSize.Format(l["bytes"]!.GetValue<long>())} (reconciled: {l["added"]} added, {l["removed"]} removed, {l["evicted"]} evicted)");
        }
        else
        {
            sb.AppendLine("s3 listing: unavailable (S3 did not answer; usage shown is this machine's last accounting)");
        }
        sb.Append(CultureInfo.InvariantCulture, $"s3 errors: {s3["errors"]}");
        if (s3["lastError"] is { } last) sb.Append(CultureInfo.InvariantCulture, $" (last: {last})");
        return sb.ToString();
    }

    /// <summary>Reclaims expired S3 objects, abandoned uploads and stale leases; the line gc prints.</summary>
    public static async Task<string?> CollectAsync(CacheStack stack, CancellationToken cancellationToken)
    {
        if (stack.S3 is not { } s3) return null;
        var r = await s3.CollectGarbageAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return r is null
            ? "s3: unavailable, nothing reclaimed (see podcache cache stats for the error)"
            : $"s3: removed {r.Expired} expired objects, aborted {r.AbortedUploads} abandoned uploads, deleted {r.StaleLeases} stale leases";
    }

    /// <summary>An S3 entry's header for inspect, or null.</summary>
    public static async Task<JsonObject?> InspectAsync(CacheStack stack, Key key, CancellationToken cancellationToken)
    {
        if (stack.S3 is not { } s3) return null;
        var header = await s3.ReadHeaderAsync(key, cancellationToken).ConfigureAwait(false);
        if (header is null) return null;
        var o = CacheReport.Describe(key, header, null);
        o["tier"] = TierNames.S3;
        o["object"] = $"s3://{s3.Bucket}/{s3.ObjectKey(key)}";
        return o;
    }
}

namespace PodCache.PolicySim;

/// <summary>What one policy achieved on one trace at one budget.</summary>
internal sealed record SimResult(
    string Policy,
    long BudgetBytes,
    long Hits,
    long Requests,
    double HitBytes,
    double RequestedBytes,
    double SavedCost,
    double TotalCost,
    TimeSpan Elapsed)
{
    /// <summary>Hits per request.</summary>
    public double ObjectHitRatio => Requests == 0 ? 0 : (double)Hits / Requests;

    /// <summary>Bytes served from the cache per byte requested.</summary>
    public double ByteHitRatio => RequestedBytes == 0 ? 0 : HitBytes / RequestedBytes;

    /// <summary>Recompute cost avoided by hits per recompute cost of all requests.</summary>
    public double CostSavedRatio => TotalCost == 0 ? 0 : SavedCost / TotalCost;
}

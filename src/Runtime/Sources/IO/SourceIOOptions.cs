namespace PodCache.Runtime.Sources.IO;

/// <summary><c>sources.http</c>: how HTTP(S) sources are fetched.</summary>
public sealed record HttpSourceOptions
{
    /// <summary>One attempt's timeout (default 30 s); a timed-out attempt is retried.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt on timeouts, resets, 5xx and 429 (default 3); none on other 4xx.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>Connections to one host at once (default 8).</summary>
    public int MaxConnectionsPerHost { get; init; } = 8;

    /// <summary>The first backoff (default 200 ms); doubled per retry, jittered, capped at <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts, Retry-After included (default 10 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary><c>sources.s3</c>: how <c>s3://</c> sources are read (credentials from the SDK's default chain).</summary>
public sealed record S3SourceOptions
{
    /// <summary>An S3-compatible endpoint (moto, MinIO); AWS when null.</summary>
    public string? ServiceUrl { get; init; }

    /// <summary>The region (default us-east-1).</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Path-style addressing; when null, true exactly when <see cref="ServiceUrl"/> is set.</summary>
    public bool? ForcePathStyle { get; init; }
}

namespace PodCache.Cache.Tiers.S3;

/// <summary>
/// Times every HTTP attempt to S3 out after <see cref="S3TierOptions.Timeout"/> without response headers, and once one
/// has, fails further attempts at once while <see cref="S3Health"/> says S3 is down. Without it the SDK's retries of a
/// stalled endpoint (an accepted connection that never answers) each wait a full timeout, so one cache read cost three;
/// the retries now fail immediately and the operation reports the stall after one timeout. Answers that arrive (errors
/// included) pass through untouched: the SDK retries throttling and 5xx as before.
/// </summary>
internal sealed class StallBreaker(HttpMessageHandler inner, TimeSpan timeout, S3Health health) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (health.IsDown)
        {
            throw new TimeoutException($"S3 did not answer within {S3TierOptions.Seconds(timeout)} earlier; not asked again while it is skipped");
        }
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            return await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && attempt.IsCancellationRequested)
        {
            var stalled = new TimeoutException($"S3 did not answer within {S3TierOptions.Seconds(timeout)}", ex);
            health.Stalled();
            throw stalled;
        }
    }
}

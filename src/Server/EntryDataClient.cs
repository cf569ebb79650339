using System.Globalization;
using System.Net.Http.Headers;
using PodCache.Cache.Keys;
using PodCache.Cluster;

namespace PodCache.Server;

/// <summary>
/// The requesting side of the side channel: pulls an entry's payload from another member's
/// <c>GET /v1/entries/KEY/data</c> (with the cluster's API token), for values too large to travel inside Akka messages.
/// <see cref="Fetcher"/> is the <see cref="ClusterPayloadFetcher"/> a cluster member is started with. A typed client of
/// <see cref="IHttpClientFactory"/>: <c>AddPodCacheServer</c> registers it.
/// </summary>
/// <param name="http">The client, from the factory.</param>
/// <param name="options">The server's options: their API token is the cluster's.</param>
public sealed class EntryDataClient(HttpClient http, ServerOptions options)
{
    private readonly string? _apiToken = options.ApiToken;

    /// <summary>This client as the cluster's fetcher.</summary>
    public ClusterPayloadFetcher Fetcher => (reference, ct) =>
        reference.OwnerHttpUrl is { } url
            ? FetchAsync(url, reference.Key, reference.Length, ct)
            : throw new ClusterComputeException(reference.Key, reference.Owner,
                $"the owner of {reference.Key} advertises no HTTP endpoint to fetch its {reference.Length}-byte value from");

    /// <summary>The payload of <paramref name="key"/> from the member at <paramref name="ownerBaseUrl"/>.</summary>
    /// <param name="ownerBaseUrl">The member's base URL, e.g. <c>http://127.0.0.1:8080/</c>.</param>
    /// <param name="key">The key.</param>
    /// <param name="expectedLength">The length the owner reported; a payload of another length is refused. Negative: any.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <exception cref="HttpRequestException">The member did not answer 200 (404: it no longer holds the entry).</exception>
    /// <exception cref="InvalidDataException">The payload's length is not the one reported.</exception>
    public async Task<byte[]> FetchAsync(Uri ownerBaseUrl, Key key, long expectedLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerBaseUrl);
        var uri = new Uri(new Uri(ownerBaseUrl.ToString().TrimEnd('/') + "/"), $"v1/entries/{key}/data");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (_apiToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiToken);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string problem = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"GET {uri} answered {(int)response.StatusCode}: {problem}", null, response.StatusCode);
        }
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (expectedLength >= 0 && bytes.Length != expectedLength)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"GET {uri} returned {bytes.Length} bytes; the owner reported {expectedLength}"));
        }
        return bytes;
    }
}

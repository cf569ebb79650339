using System.Net;
using System.Net.Sockets;

namespace PodCache.Cache.Tests.Tiers;

/// <summary>
/// A stalled S3 endpoint: a TCP listener on 127.0.0.1 that accepts every connection, reads what arrives and never
/// answers. Counts connections and HTTP requests (request lines seen), so tests can tell how many attempts a client made.
/// </summary>
public sealed class SilentServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = [];
    private readonly Task _acceptor;
    private int _connections, _requests;

    public SilentServer()
    {
        _listener.Start();
        _acceptor = Task.Run(AcceptAsync);
    }

    public string ServiceUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>HTTP requests whose first bytes arrived so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                lock (_held) _held.Add(client);
                Interlocked.Increment(ref _connections);
                _ = DrainAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
    }

    private async Task DrainAsync(TcpClient client)
    {
        var buffer = new byte[16 << 10];
        bool inRequest = false;
        try
        {
            var stream = client.GetStream();
            while (true)
            {
                int n = await stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (n == 0) return;
                // One connection carries one request here: nothing is ever answered, so a client never reuses it.
                if (!inRequest)
                {
                    inRequest = true;
                    Interlocked.Increment(ref _requests);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptor.ConfigureAwait(false);
        lock (_held)
        {
            foreach (var c in _held) c.Dispose();
        }
        _stop.Dispose();
    }
}

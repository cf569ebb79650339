namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// Remembers source versions between runs and processes: the machine index (SQLite) implements it, so a second process
/// and a busy server do not ask the source again; an in-process dictionary when there is no disk tier.
/// </summary>
public interface ISourceVersionStore
{
    /// <summary>The last version seen of <paramref name="identity"/> and when it was checked, or null.</summary>
    (SourceVersion Version, DateTimeOffset CheckedAt)? Get(string identity);

    /// <summary>Records that <paramref name="identity"/> was at <paramref name="version"/> at <paramref name="checkedAt"/>.</summary>
    void Put(string identity, SourceVersion version, DateTimeOffset checkedAt);
}

/// <summary>
/// Resolves a source's version token (SPEC §10): a remote source is asked again (HEAD / conditional request) at most
/// every <c>revalidateAfter</c>; between checks the remembered token is used. When a check fails, the remembered
/// token is used while it is younger than <c>maxStale</c> (with a warning), else the failure is thrown. Local files
/// are stat'ed every time (cheap). Concurrent resolutions of one source share one request.
/// </summary>
public sealed class SourceVersions
{
    /// <summary>Creates the resolver.</summary>
    public SourceVersions(SourceIO io, ISourceVersionStore store, TimeSpan revalidateAfter, TimeSpan maxStale, TimeProvider? time = null,
        Action<string>? warn = null)
    {
        IO = io ?? throw new ArgumentNullException(nameof(io));
        Store = store ?? throw new ArgumentNullException(nameof(store));
        RevalidateAfter = revalidateAfter;
        MaxStale = maxStale;
        Time = time ?? TimeProvider.System;
        Warn = warn;
    }

    /// <summary>The I/O service.</summary>
    public SourceIO IO { get; }

    internal ISourceVersionStore Store { get; }

    internal TimeSpan RevalidateAfter { get; }

    internal TimeSpan MaxStale { get; }

    internal TimeProvider Time { get; }

    internal Action<string>? Warn { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<SourceVersion>>> _inFlight =
        new(StringComparer.Ordinal);

    /// <summary>The version of <paramref name="uri"/> to key this run with.</summary>
    /// <exception cref="SourceException">The check failed and no remembered token is young enough.</exception>
    public Task<SourceVersion> ResolveAsync(SourceUri uri, bool anonymous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsRemote)
        {
            // A stat is cheap, and an edited file must be seen by the next run.
            return IO.Open(uri, anonymous).StatAsync(null, cancellationToken);
        }
        var remembered = Store.Get(uri.Identity);
        var now = Time.GetUtcNow();
        if (remembered is { } r && now - r.CheckedAt < RevalidateAfter && now >= r.CheckedAt)
        {
            return Task.FromResult(r.Version);
        }
        // One request per source however many runs ask at once; the caller's cancellation stops its wait, not the
        // shared request (which has its own timeouts).
        var lazy = _inFlight.GetOrAdd(uri.Identity, _ => new Lazy<Task<SourceVersion>>(() => CheckAsync(uri, anonymous, remembered)));
        return lazy.Value.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The full version (length, ETag, ...) of <paramref name="uri"/> whose token is <paramref name="token"/>, the one a
    /// key was computed with: what reads must ask for. The remembered version when it has that token, else the source is
    /// asked again.
    /// </summary>
    /// <exception cref="SourceException"><see cref="SourceFailure.Changed"/> when the source is at another version now.</exception>
    public async Task<SourceVersion> ForTokenAsync(SourceUri uri, bool anonymous, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(token);
        if (uri.IsRemote && Store.Get(uri.Identity) is { } r && r.Version.Token == token)
        {
            return r.Version;
        }
        var current = uri.IsRemote
            ? await IO.Open(uri, anonymous).StatAsync(null, cancellationToken).ConfigureAwait(false)
            : await ResolveAsync(uri, anonymous, cancellationToken).ConfigureAwait(false);
        if (current.Token != token)
        {
            throw new SourceException(SourceFailure.Changed, uri.Display,
                $"{uri.Display} changed after this run's keys were computed (was {token}, now {current.Token}); run again");
        }
        if (uri.IsRemote)
        {
            Store.Put(uri.Identity, current, Time.GetUtcNow());
        }
        return current;
    }

    private async Task<SourceVersion> CheckAsync(SourceUri uri, bool anonymous, (SourceVersion Version, DateTimeOffset CheckedAt)? remembered)
    {
        try
        {
            await Task.Yield();
            SourceVersion version;
            try
            {
                version = await IO.Open(uri, anonymous).StatAsync(remembered?.Version, CancellationToken.None).ConfigureAwait(false);
            }
            catch (SourceException ex) when (!ex.IsInvalidInput && remembered is { } r && Time.GetUtcNow() - r.CheckedAt < MaxStale)
            {
                var age = Time.GetUtcNow() - r.CheckedAt;
                Warn?.Invoke($"{uri.Display} could not be revalidated ({ex.Message}); using the version seen {Seconds(age)} ago " +
                    $"(sources.maxStale {Seconds(MaxStale)})");
                return r.Version;
            }
            Store.Put(uri.Identity, version, Time.GetUtcNow());
            return version;
        }
        finally
        {
            _inFlight.TryRemove(uri.Identity, out _);
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";
}

/// <summary>Source versions remembered in this process only (no disk tier, so no machine index).</summary>
public sealed class InMemorySourceVersionStore : ISourceVersionStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (SourceVersion, DateTimeOffset)> _records =
        new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public (SourceVersion Version, DateTimeOffset CheckedAt)? Get(string identity) =>
        _records.TryGetValue(identity, out var r) ? r : null;

    /// <inheritdoc/>
    public void Put(string identity, SourceVersion version, DateTimeOffset checkedAt) => _records[identity] = (version, checkedAt);
}

/// <summary>Source versions remembered in the machine index, shared by every process on the machine.</summary>
public sealed class IndexSourceVersionStore : ISourceVersionStore
{
    private readonly PodCache.Cache.Index.ISourceVersionRecords _records;

    /// <summary>Creates the store over <paramref name="records"/> (the machine index).</summary>
    public IndexSourceVersionStore(PodCache.Cache.Index.ISourceVersionRecords records) =>
        _records = records ?? throw new ArgumentNullException(nameof(records));

    /// <inheritdoc/>
    public (SourceVersion Version, DateTimeOffset CheckedAt)? Get(string identity)
    {
        if (_records.GetSourceVersion(identity) is not { } r || r.Token.Length == 0 || r.Length < 0)
        {
            return null;
        }
        return (new SourceVersion(r.Token, r.Length, r.ETag, r.LastModified, r.VersionId), r.CheckedAt);
    }

    /// <inheritdoc/>
    public void Put(string identity, SourceVersion version, DateTimeOffset checkedAt)
    {
        ArgumentNullException.ThrowIfNull(version);
        _records.PutSourceVersion(identity, new PodCache.Cache.Index.SourceVersionRecord(version.Token, version.Length, version.ETag,
            version.LastModified, version.VersionId, checkedAt));
    }
}

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

    /// <summary>The version of <paramref name="uri"/> to key this run with.</summary>
    /// <exception cref="SourceException">The check failed and no remembered token is young enough.</exception>
    public Task<SourceVersion> ResolveAsync(SourceUri uri, bool anonymous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        throw new NotImplementedException("issue 13: fresh helper");
    }
}

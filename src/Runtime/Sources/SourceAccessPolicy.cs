namespace PodCache.Runtime.Sources;

/// <summary>
/// The built-in <see cref="ISourceAccessPolicy"/>: files under a set of directories (data roots), URLs under a set of
/// prefixes. A file path is judged by where it really leads: made absolute against the working directory with
/// <c>..</c> removed, then every symbolic link on the way followed to its final target, so <c>root/link -&gt; /etc/passwd</c>
/// and <c>root/../etc/passwd</c> are both outside. The roots are resolved the same way when the policy is made.
/// </summary>
public sealed class SourceAccessPolicy : ISourceAccessPolicy
{
    /// <summary>The reason given for every refused file: the same for one that exists and one that does not.</summary>
    public const string OutsideRoots = "not under an allowed data root";

    /// <summary>The reason given for every refused URL.</summary>
    public const string UrlNotAllowed = "URL not allowed (sources.allow.urls lists the URL prefixes that may be read)";

    private const int MaxLinks = 40;
    private static readonly StringComparison PathComparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string[]? _roots;
    private readonly Uri[]? _urls;

    private SourceAccessPolicy(string[]? roots, Uri[]? urls)
    {
        _roots = roots;
        _urls = urls;
    }

    /// <summary>Everything may be read (the CLI without <c>sources.allow</c>).</summary>
    public static ISourceAccessPolicy AllowAll { get; } = new AllowAllPolicy();

    /// <summary>The directories files may be read from, resolved; null when any file may be read.</summary>
    public IReadOnlyList<string>? Roots => _roots;

    /// <summary>The URL prefixes that may be read; null when any URL may be read.</summary>
    public IReadOnlyList<Uri>? UrlPrefixes => _urls;

    /// <summary>
    /// A policy allowing files under <paramref name="roots"/> and URLs under <paramref name="urlPrefixes"/>; null for
    /// either leaves that kind unrestricted, an empty list refuses it entirely.
    /// </summary>
    /// <exception cref="ArgumentException">A root is not an existing directory, or a prefix not an absolute URL.</exception>
    public static SourceAccessPolicy Create(IEnumerable<string>? roots, IEnumerable<string>? urlPrefixes)
    {
        return new SourceAccessPolicy(roots is null ? null : ResolveRoots(roots), urlPrefixes is null ? null : ParsePrefixes(urlPrefixes));
    }

    private static string[] ResolveRoots(IEnumerable<string> roots)
    {
        var resolved = new List<string>();
        foreach (var root in roots)
        {
            string? real = RealPath(root);
            if (real is null || !Directory.Exists(real))
            {
                throw new ArgumentException($"data root '{root}' is not an existing directory");
            }
            resolved.Add(Path.TrimEndingDirectorySeparator(real));
        }
        return [.. resolved.Distinct(StringComparer.Ordinal)];
    }

    private static Uri[] ParsePrefixes(IEnumerable<string> urlPrefixes)
    {
        var urls = new List<Uri>();
        foreach (var prefix in urlPrefixes)
        {
            if (!Uri.TryCreate(prefix, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https" or "s3") || u.UserInfo.Length > 0)
            {
                throw new ArgumentException($"URL prefix '{prefix}' is not an absolute http, https or s3 URL without credentials");
            }
            urls.Add(u);
        }
        return [.. urls];
    }

    /// <inheritdoc/>
    public string? Refuse(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        // The same test SourceUri.Parse makes: "s3://b/k" is a URL, "4://x" (no letter first) a relative path.
        if (IO.SourceUri.SchemeOf(location) is not null)
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
            {
                return UrlNotAllowed;
            }
            if (uri.IsFile)
            {
                return IsUnderRoot(uri.LocalPath) ? null : OutsideRoots;
            }
            return _urls is null || _urls.Any(p => IsUnderPrefix(uri, p)) ? null : UrlNotAllowed;
        }
        return IsUnderRoot(location) ? null : OutsideRoots;
    }

    private bool IsUnderRoot(string path)
    {
        if (_roots is null)
        {
            return true;
        }
        if (_roots.Length == 0 || path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }
        // Both readings of ".." must stay inside: the lexical one (Path.GetFullPath, what the raster node opens) and the
        // physical one (the OS's, where "link/.." is the parent of the link's target).
        return RealPath(path) is { } lexical && IsUnder(lexical)
            && PhysicalPath(path) is { } physical && IsUnder(physical);
    }

    private bool IsUnder(string real)
    {
        foreach (var root in _roots!)
        {
            if (real.Equals(root, PathComparison)
                || (real.Length > root.Length && real.StartsWith(root, PathComparison)
                    && (real[root.Length] == Path.DirectorySeparatorChar || root.EndsWith(Path.DirectorySeparatorChar))))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsUnderPrefix(Uri uri, Uri prefix)
    {
        if (uri.UserInfo.Length > 0 || !uri.Scheme.Equals(prefix.Scheme, StringComparison.OrdinalIgnoreCase)
            || !uri.Host.Equals(prefix.Host, StringComparison.OrdinalIgnoreCase) || uri.Port != prefix.Port)
        {
            return false;
        }
        string want = prefix.AbsolutePath;
        string path = uri.AbsolutePath;
        // "https://h/data" allows /data and /data/..., not /database.
        return path.StartsWith(want, StringComparison.Ordinal)
            && (want.EndsWith('/') || path.Length == want.Length || path[want.Length] == '/');
    }

    /// <summary>
    /// The absolute path <paramref name="path"/> leads to once made absolute with <c>..</c> removed lexically
    /// (<see cref="Path.GetFullPath(string)"/>) and every symbolic link then followed, like <c>realpath</c> (the part
    /// that does not exist is kept as written); null for a path that cannot be resolved (a link loop, bad syntax).
    /// </summary>
    internal static string? RealPath(string path) => Resolved(() => Path.GetFullPath(path));

    /// <summary>As <see cref="RealPath"/>, but with <c>..</c> taken physically (the parent of where the path so far leads).</summary>
    internal static string? PhysicalPath(string path) =>
        Resolved(() => Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path));

    private static string? Resolved(Func<string> absolute)
    {
        try
        {
            int links = 0;
            return Resolve(absolute(), ref links);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static string? Resolve(string absolute, ref int links)
    {
        string root = Path.GetPathRoot(absolute)!;
        var parts = absolute[root.Length..].Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        string current = root;
        foreach (var part in parts)
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            string next = Path.Join(current, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    return null;
                }
                // A relative target is relative to the link's directory; the target may itself hold links and "..".
                string? resolved = Resolve(Path.IsPathRooted(target) ? target : Path.Join(current, target), ref links);
                if (resolved is null)
                {
                    return null;
                }
                current = resolved;
            }
            else
            {
                current = next;
            }
        }
        return current;
    }

    private sealed class AllowAllPolicy : ISourceAccessPolicy
    {
        public string? Refuse(string location) => null;
    }
}

namespace PodCache.Runtime.Sources.IO;

/// <summary>How a source is reached.</summary>
public enum SourceScheme
{
    /// <summary>A local file (a path, or <c>file://</c>).</summary>
    File,

    /// <summary><c>http://</c> or <c>https://</c>.</summary>
    Http,

    /// <summary><c>s3://bucket/key</c>.</summary>
    S3,
}

/// <summary>
/// A parsed source location (SPEC §10): a local path (relative paths resolved against a base directory — the pipeline
/// file's folder), <c>file://</c>, <c>http(s)://</c> or <c>s3://bucket/key</c>. Immutable; equal when
/// <see cref="Identity"/> is.
/// </summary>
public sealed class SourceUri : IEquatable<SourceUri>
{
    private SourceUri(SourceScheme scheme, string identity, string display, Uri? http, string? bucket, string? key, string? path)
    {
        Scheme = scheme;
        Identity = identity;
        Display = display;
        HttpUri = http;
        Bucket = bucket;
        Key = key;
        FilePath = path;
    }

    /// <summary>The scheme.</summary>
    public SourceScheme Scheme { get; }

    /// <summary>
    /// What keys hash: the absolute file path, or the URL without user info and without signature query parameters
    /// (<c>X-Amz-*</c>, <c>Signature</c>, <c>sig</c>, ...). Never holds a credential.
    /// </summary>
    public string Identity { get; }

    /// <summary>What messages, logs, provenance and manifests show: <see cref="Identity"/> with every query value removed.</summary>
    public string Display { get; }

    /// <summary>The request URL, credentials included as written (HTTP only); never shown.</summary>
    public Uri? HttpUri { get; }

    /// <summary>The bucket (S3 only).</summary>
    public string? Bucket { get; }

    /// <summary>The object key (S3 only).</summary>
    public string? Key { get; }

    /// <summary>The absolute path (files only).</summary>
    public string? FilePath { get; }

    /// <summary>True for HTTP and S3 (fetched blocks go through the block cache; files are read directly).</summary>
    public bool IsRemote => Scheme != SourceScheme.File;

    /// <summary>
    /// Parses <paramref name="location"/>. A relative path resolves against <paramref name="baseDirectory"/> (the
    /// working directory when null).
    /// </summary>
    /// <exception cref="FormatException">Not a path or a supported URL; the message says why (for <c>REF.attrs.source</c>).</exception>
    public static SourceUri Parse(string location, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Length == 0 || string.IsNullOrWhiteSpace(location))
        {
            throw new FormatException("is empty; a source is a file path or a file://, http(s):// or s3:// URL");
        }
        if (location.Contains('\0', StringComparison.Ordinal) || location.Any(char.IsControl))
        {
            throw new FormatException("contains a control character");
        }
        if (SchemeOf(location) is not { } scheme)
        {
            return FromPath(location, baseDirectory);
        }
        switch (scheme)
        {
            case "file":
                if (!Uri.TryCreate(location, UriKind.Absolute, out var file) || !file.IsFile
                    || !(file.Host.Length == 0 || file.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)))
                {
                    throw new FormatException("is not a valid local file:// URL (file:///absolute/path)");
                }
                return FromPath(file.LocalPath, null);
            case "http" or "https":
                return FromHttp(location);
            case "s3":
                return FromS3(location);
            default:
                throw new FormatException($"has the unsupported scheme '{scheme}'; a source is a file path or a file://, http(s):// or s3:// URL");
        }
    }

    /// <summary>
    /// The lower-cased scheme of <paramref name="location"/> when it is written as a URL (<c>scheme://</c>, the scheme a
    /// letter followed by letters, digits, <c>+ - .</c>), else null: it is a file path. The access policy and the
    /// parser both ask this, so the two never disagree about what a location is.
    /// </summary>
    public static string? SchemeOf(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        int sep = location.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0 || !char.IsAsciiLetter(location[0]))
        {
            return null;
        }
        for (int i = 1; i < sep; i++)
        {
            char c = location[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return null;
            }
        }
        return location[..sep].ToLowerInvariant();
    }

    private static SourceUri FromPath(string path, string? baseDirectory)
    {
        string full;
        try
        {
            full = System.IO.Path.IsPathFullyQualified(path)
                ? System.IO.Path.GetFullPath(path)
                : System.IO.Path.GetFullPath(path, baseDirectory is null ? Directory.GetCurrentDirectory() : System.IO.Path.GetFullPath(baseDirectory));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new FormatException($"is not a valid file path: {ex.Message}");
        }
        return new SourceUri(SourceScheme.File, full, full, null, null, null, full);
    }

    private static SourceUri FromHttp(string location)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || uri.Scheme is not ("http" or "https"))
        {
            throw new FormatException("is not a valid http(s) URL");
        }
        var authority = new System.Text.StringBuilder();
        authority.Append(uri.Scheme).Append("://").Append(uri.IdnHost.ToLowerInvariant());
        if (!uri.IsDefaultPort)
        {
            authority.Append(':').Append(uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        authority.Append(uri.AbsolutePath);
        string prefix = authority.ToString();
        var identity = new System.Text.StringBuilder(prefix);
        var display = new System.Text.StringBuilder(prefix);
        char sep = '?';
        foreach (var part in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? part : part[..eq];
            if (IsSignatureParameter(Uri.UnescapeDataString(name)))
            {
                continue;
            }
            identity.Append(sep).Append(part);
            display.Append(sep).Append(name).Append(eq < 0 ? "" : "=");
            sep = '&';
        }
        return new SourceUri(SourceScheme.Http, identity.ToString(), display.ToString(), uri, null, null, null);
    }

    private static SourceUri FromS3(string location)
    {
        // s3://bucket/key: the bucket is the authority, the key everything after the next slash, as written.
        string rest = location[5..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string bucket = slash < 0 ? rest : rest[..slash];
        string key = slash < 0 ? "" : rest[(slash + 1)..];
        int query = key.IndexOfAny(['?', '#']);
        if (query >= 0)
        {
            throw new FormatException("has a query or fragment; an s3:// source is s3://bucket/key");
        }
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
        {
            throw new FormatException($"names the bucket '{bucket}', which is not a valid S3 bucket name (3-63 lower-case letters, digits, '.', '-')");
        }
        if (key.Length == 0)
        {
            throw new FormatException("names no object key (s3://bucket/key)");
        }
        string identity = "s3://" + bucket + "/" + key;
        return new SourceUri(SourceScheme.S3, identity, identity, null, bucket, key, null);
    }

    /// <summary>Query parameters that carry a signature or credential (S3, GCS, Azure SAS, CloudFront, tokens).</summary>
    private static bool IsSignatureParameter(string name) =>
        name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("X-Goog-", StringComparison.OrdinalIgnoreCase)
        || SignatureNames.Contains(name);

    private static readonly HashSet<string> SignatureNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Signature", "sig", "AWSAccessKeyId", "Expires", "Key-Pair-Id", "Policy", "GoogleAccessId",
        "se", "st", "sp", "sv", "sr", "spr", "skoid", "sktid", "skt", "ske", "sks", "skv", "ss", "srt",
        "token", "access_token", "api_key", "apikey", "key",
    };

    /// <summary>
    /// The object at <paramref name="key"/> (slash-separated, relative) below this one as a folder: a Zarr store's
    /// <c>data/0.1</c>. Each segment must be a plain name (no <c>.</c>, <c>..</c>, empty or backslash segments), so a key
    /// from untrusted metadata never leaves the store.
    /// </summary>
    /// <exception cref="FormatException">The key is not a plain relative key.</exception>
    public SourceUri Child(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split('/');
        if (key.Length == 0 || parts.Any(p => p is "" or "." or ".." || p.Contains('\\', StringComparison.Ordinal) || p.Any(char.IsControl)))
        {
            throw new FormatException($"the key '{key}' is not a relative key inside '{Display}'");
        }
        switch (Scheme)
        {
            case SourceScheme.File:
                return FromPath(System.IO.Path.Combine([FilePath!, .. parts]), null);
            case SourceScheme.S3:
                return FromS3("s3://" + Bucket + "/" + Key!.TrimEnd('/') + "/" + key);
            default:
                var b = new UriBuilder(HttpUri!) { Fragment = "" };
                b.Path = b.Path.TrimEnd('/') + "/" + string.Join('/', parts.Select(Uri.EscapeDataString));
                return FromHttp(b.Uri.AbsoluteUri);
        }
    }

    /// <summary>A file source for an absolute path (no parsing of URL forms).</summary>
    public static SourceUri ForFile(string absolutePath)
    {
        var full = System.IO.Path.GetFullPath(absolutePath);
        return new SourceUri(SourceScheme.File, full, full, null, null, null, full);
    }

    /// <inheritdoc/>
    public bool Equals(SourceUri? other) => other is not null && other.Identity == Identity;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SourceUri);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Identity);

    /// <inheritdoc/>
    public override string ToString() => Display;
}

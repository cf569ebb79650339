using System.Security.Cryptography;
using System.Text;

namespace PodCache.Runtime.Zarr;

/// <summary>
/// A Zarr v2 directory store on the local disk: each key is a file under the store's folder. Keys are checked to stay
/// inside the folder (no <c>..</c>, no absolute keys), so a key from untrusted metadata never reads elsewhere.
/// </summary>
internal sealed class DirectoryZarrStore : IZarrStore
{
    private readonly string _root;

    public DirectoryZarrStore(string root)
    {
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        string path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"cannot read '{path}': {ex.Message}", ex);
        }
    }

    private string PathOf(string key)
    {
        if (key.Length == 0 || key.Contains('\0', StringComparison.Ordinal) || key.StartsWith('/') || key.Contains('\\', StringComparison.Ordinal)
            || key.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new InvalidDataException($"the Zarr key '{key}' is not a relative key inside the store");
        }
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>
    /// The store's version token: <c>zarr-mtime:</c> and a digest of every file's relative path, length and modification
    /// time, so a rewritten chunk or metadata file gives new keys downstream.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">There is no such folder.</exception>
    public static string VersionToken(string root)
    {
        var dir = new DirectoryInfo(root);
        if (!dir.Exists)
        {
            throw new DirectoryNotFoundException($"no Zarr store (a folder) at '{root}'");
        }
        var entries = dir.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true })
            .Select(f => (Path.GetRelativePath(dir.FullName, f.FullName).Replace('\\', '/'), f.Length, f.LastWriteTimeUtc.Ticks))
            .OrderBy(e => e.Item1, StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, length, ticks) in entries)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}\n{length}\n{ticks}\n"));
        }
        return "zarr-mtime:" + Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }
}

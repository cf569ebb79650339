using Microsoft.Win32.SafeHandles;

namespace PodCache.Runtime.Sources.IO;

/// <summary>
/// A local file read by ranges. Its version token is <c>mtime:LENGTH:TICKS</c> (UTC last-write ticks), exactly the
/// token <c>data.Raster</c> has always keyed local files with, so existing cache entries stay valid.
/// </summary>
internal sealed class FileByteSource : IByteSource
{
    public FileByteSource(SourceUri uri)
    {
        Uri = uri;
    }

    public SourceUri Uri { get; }

    public Task<SourceVersion> StatAsync(SourceVersion? known, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Stat());
    }

    private SourceVersion Stat()
    {
        var file = new FileInfo(Uri.FilePath!);
        try
        {
            if (!file.Exists)
            {
                throw new SourceException(SourceFailure.NotFound, Uri.Display,
                    Directory.Exists(file.FullName) ? $"'{Uri.Display}' is a directory, not a file" : $"no such file: '{Uri.Display}'");
            }
            return new SourceVersion($"mtime:{file.Length}:{file.LastWriteTimeUtc.Ticks}", file.Length, LastModified: file.LastWriteTimeUtc);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SourceException(SourceFailure.Forbidden, Uri.Display, $"cannot read '{Uri.Display}': {ex.Message}", inner: ex);
        }
    }

    public async Task ReadAsync(long offset, Memory<byte> buffer, SourceVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset + buffer.Length > version.Length)
        {
            throw new SourceException(SourceFailure.Changed, Uri.Display,
                $"'{Uri.Display}': bytes {offset}-{offset + buffer.Length - 1} lie past the end of the file ({version.Length} bytes)");
        }
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(Uri.FilePath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                FileOptions.Asynchronous | FileOptions.RandomAccess);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SourceException(SourceFailure.NotFound, Uri.Display, $"no such file: '{Uri.Display}'", inner: ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SourceException(SourceFailure.Forbidden, Uri.Display, $"cannot read '{Uri.Display}': {ex.Message}", inner: ex);
        }
        using (handle)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                int got = await RandomAccess.ReadAsync(handle, buffer[done..], offset + done, cancellationToken).ConfigureAwait(false);
                if (got == 0)
                {
                    throw new SourceException(SourceFailure.Changed, Uri.Display, $"'{Uri.Display}' became shorter while it was read");
                }
                done += got;
            }
        }
        if (Stat().Token != version.Token)
        {
            throw new SourceException(SourceFailure.Changed, Uri.Display, $"'{Uri.Display}' changed while it was read; run again");
        }
    }
}

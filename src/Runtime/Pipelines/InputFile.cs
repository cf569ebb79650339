using System.Runtime.InteropServices;
using System.Text;

namespace PodCache.Runtime.Pipelines;

/// <summary>
/// Reads input files — pipelines, coordinates, rasters to hash — only when they are regular files, and never more
/// than a size cap: a device (<c>/dev/zero</c>), a FIFO or an endless file would otherwise block or grow forever.
/// </summary>
public static partial class InputFile
{
    /// <summary>
    /// Opens <paramref name="path"/> for reading after checking it is a regular file (symbolic links followed).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is, for messages ("pipeline").</param>
    /// <exception cref="InvalidDataException">A directory, device, FIFO or socket; the message names the file.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static FileStream OpenRegular(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        EnsureRegular(path, what);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    /// <summary>Reads <paramref name="path"/> as UTF-8 text, refusing non-regular files and files over <paramref name="maxBytes"/>.</summary>
    /// <exception cref="InvalidDataException">Not a regular file, or larger than <paramref name="maxBytes"/>.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static string ReadAllText(string path, long maxBytes, string what)
    {
        using var fs = OpenRegular(path, what);
        // The length is checked first and the read is still capped: the file may grow while it is read.
        if (fs.Length > maxBytes)
        {
            throw TooLarge(path, what, maxBytes);
        }
        var buffer = new MemoryStream((int)Math.Min(fs.Length, maxBytes) + 1);
        var chunk = new byte[1 << 16];
        int n;
        while ((n = fs.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > maxBytes)
            {
                throw TooLarge(path, what, maxBytes);
            }
        }
        buffer.Position = 0;
        using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Throws unless <paramref name="path"/> is a regular file (or does not exist: opening it reports that).</summary>
    /// <exception cref="InvalidDataException">A directory, device, FIFO or socket.</exception>
    public static void EnsureRegular(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{what} file '{path}' is a directory, not a file");
        }
        if (!OperatingSystem.IsWindows() && FileType(path) is { } type && type != RegularFile)
        {
            string kind = type switch
            {
                0x1000 => "a FIFO",
                0x2000 => "a character device",
                0x6000 => "a block device",
                0xC000 => "a socket",
                _ => "not a regular file",
            };
            throw new InvalidDataException($"{what} file '{path}' is {kind}; only regular files are read");
        }
    }

    private static InvalidDataException TooLarge(string path, string what, long maxBytes) =>
        new($"{what} file '{path}' is larger than {Cache.Configuration.ByteSize.Format(maxBytes)} (limits.maxDocumentBytes)");

    private const int RegularFile = 0x8000;

    /// <summary>The S_IFMT bits of <paramref name="path"/>'s mode (links followed), or null when it cannot be stat'ed.</summary>
    private static unsafe int? FileType(string path)
    {
        // The runtime's own native shim: its FileStatus starts with Flags then Mode (PAL file-type constants, which
        // equal Linux's and macOS's). The buffer is larger than the struct, so fields it adds later are harmless.
        byte* status = stackalloc byte[512];
        try
        {
            if (SystemNativeStat(path, status) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        int mode = *(int*)(status + 4);
        return mode & 0xF000;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int SystemNativeStat(string path, byte* status);
}

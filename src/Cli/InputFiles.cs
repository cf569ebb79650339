using PodCache.Runtime;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Pipelines;

namespace PodCache.Cli;

/// <summary>Reads pipeline and coordinates files, turning missing files into input errors that name the file.</summary>
internal static class InputFiles
{
    public static string ReadText(string path, string what, RuntimeLimits? limits = null)
    {
        try
        {
            // Only regular files, never more than the document limit: /dev/zero or a FIFO would never return.
            return InputFile.ReadAllText(path, (limits ?? new RuntimeLimits()).MaxDocumentBytes, what);
        }
        catch (InvalidDataException ex)
        {
            throw new UsageException(ex.Message);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"{what} file '{path}' does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"{what} file '{path}' cannot be read (permission denied)");
        }
    }

    /// <summary>Reads a pipeline file; its relative source paths resolve against the file's folder (stdin's against the working directory).</summary>
    public static Pipeline ReadPipeline(string path, RuntimeLimits limits) =>
        Pipeline.Parse(ReadText(path, "pipeline", limits), source: path, limits: limits, baseDirectory: BaseDirectoryOf(path));

    /// <summary>The folder a pipeline file's relative source paths resolve against; null (the working directory) for stdin.</summary>
    public static string? BaseDirectoryOf(string path) =>
        path == "-" ? null : Path.GetDirectoryName(Path.GetFullPath(path));

    public static Coordinates ReadCoordinates(string path, RuntimeLimits limits) =>
        Coordinates.Parse(ReadText(path, "coordinates", limits), source: path, limits: limits);

    /// <summary>Writes a file via a temp file and rename, so a failed write never leaves half a file.</summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> bytes)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null) Directory.CreateDirectory(dir);
        string tmp = full + ".tmp-" + Environment.ProcessId;
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(bytes);
        }
        File.Move(tmp, full, overwrite: true);
    }
}

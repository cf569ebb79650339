using PodCache.Runtime;
using PodCache.Runtime.Pipelines;

namespace PodCache.Cli;

/// <summary>Reads pipeline and coordinates files, turning missing files into input errors that name the file.</summary>
internal static class InputFiles
{
    public static string ReadText(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
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

    public static Pipeline ReadPipeline(string path) => Pipeline.Parse(ReadText(path, "pipeline"), source: path);

    public static Coordinates ReadCoordinates(string path) => Coordinates.Parse(ReadText(path, "coordinates"), source: path);

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

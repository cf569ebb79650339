using System.Diagnostics;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Tests.Pipelines;

public sealed class InputFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podcache-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadAllText_CharacterDevice_RefusedWithoutReading()
    {
        var ex = Assert.Throws<InvalidDataException>(() => InputFile.ReadAllText("/dev/zero", 1 << 20, "pipeline"));
        Assert.Equal("pipeline file '/dev/zero' is a character device; only regular files are read", ex.Message);
    }

    [Fact]
    public void ReadAllText_Fifo_RefusedWithoutBlocking()
    {
        string fifo = Path.Combine(_dir, "p.json");
        using (var mk = Process.Start("mkfifo", [fifo]))
        {
            mk.WaitForExit();
            Assert.Equal(0, mk.ExitCode);
        }
        // Opening a FIFO blocks until a writer comes; the check must not open it.
        var ex = Assert.Throws<InvalidDataException>(() => InputFile.ReadAllText(fifo, 1 << 20, "coordinates"));
        Assert.Equal($"coordinates file '{fifo}' is a FIFO; only regular files are read", ex.Message);
    }

    [Fact]
    public void ReadAllText_Directory_Refused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => InputFile.ReadAllText(_dir, 1 << 20, "pipeline"));
        Assert.Contains("is a directory", ex.Message);
    }

    [Fact]
    public void ReadAllText_LargerThanTheCap_Refused()
    {
        string f = Path.Combine(_dir, "big.json");
        File.WriteAllText(f, new string(' ', 5000));
        var ex = Assert.Throws<InvalidDataException>(() => InputFile.ReadAllText(f, 4096, "pipeline"));
        Assert.Equal($"pipeline file '{f}' is larger than 4 KiB (limits.maxDocumentBytes)", ex.Message);
        Assert.Equal(5000, InputFile.ReadAllText(f, 5000, "pipeline").Length);
    }

    [Fact]
    public void ReadAllText_SymlinkToRegularFile_Read()
    {
        string f = Path.Combine(_dir, "a.json");
        File.WriteAllText(f, "{}");
        string link = Path.Combine(_dir, "link.json");
        File.CreateSymbolicLink(link, f);
        Assert.Equal("{}", InputFile.ReadAllText(link, 100, "pipeline"));
    }
}

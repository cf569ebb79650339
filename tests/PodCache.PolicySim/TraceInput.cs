using System.ComponentModel;
using System.Diagnostics;

namespace PodCache.PolicySim;

/// <summary>
/// Opens a trace file for reading, decompressing <c>.xz</c> files through the <c>xz</c> program (Debian's
/// <c>xz-utils</c>, present on a standard install); other files are read as they are.
/// </summary>
internal sealed class TraceInput : IDisposable
{
    private readonly Process? _xz;
    private readonly string _path;
    private readonly System.Text.StringBuilder _errors = new();

    private TraceInput(Stream stream, Process? xz, string path)
    {
        Stream = stream;
        _xz = xz;
        _path = path;
    }

    public Stream Stream { get; }

    public static TraceInput Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Trace file '{path}' not found.", path);
        }
        if (!path.EndsWith(".xz", StringComparison.OrdinalIgnoreCase))
        {
            return new TraceInput(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), null, path);
        }
        var psi = new ProcessStartInfo("xz")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--decompress");
        psi.ArgumentList.Add("--stdout");
        psi.ArgumentList.Add(path);
        Process xz;
        try
        {
            xz = Process.Start(psi) ?? throw new InvalidOperationException("xz did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Reading '{path}' needs the 'xz' program, which was not found ({e.Message}). Install it " +
                "(Debian/Ubuntu: apt-get install xz-utils) or pass the decompressed file (xz -dk FILE).", e);
        }
        var input = new TraceInput(xz.StandardOutput.BaseStream, xz, path);
        // Drain stderr concurrently so a chatty xz cannot block on a full pipe.
        xz.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (input._errors)
                {
                    input._errors.AppendLine(line);
                }
            }
        };
        xz.BeginErrorReadLine();
        return input;
    }

    /// <summary>Call after reading everything: fails when xz reported an error (a truncated or corrupt file).</summary>
    public void CheckCompleted()
    {
        if (_xz is null)
        {
            return;
        }
        _xz.WaitForExit();
        if (_xz.ExitCode != 0)
        {
            string errors;
            lock (_errors)
            {
                errors = _errors.ToString().Trim();
            }
            throw new InvalidDataException($"xz failed on '{_path}' with exit code {_xz.ExitCode}: {errors}");
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (_xz is not null)
        {
            if (!_xz.HasExited)
            {
                _xz.Kill();
            }
            _xz.Dispose();
        }
    }
}

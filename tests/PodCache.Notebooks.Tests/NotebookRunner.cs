using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;

namespace PodCache.Notebooks.Tests;

/// <summary>
/// Executes a .dib or .ipynb notebook headlessly, cell by cell, in a fresh in-process C# kernel, the way a notebook
/// front end would, and collects what each cell displayed.
/// </summary>
internal static partial class NotebookRunner
{
    public sealed record Output(int Cell, string MimeType, string Value);

    public sealed record Result(IReadOnlyList<Output> Outputs, TimeSpan Elapsed, int Cells, IReadOnlyList<(int Cell, TimeSpan Elapsed)> CellTimes);

    public static InteractiveDocument Parse(string path)
    {
        var kernels = new KernelInfoCollection
        {
            new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#", "C#"]),
            new Microsoft.DotNet.Interactive.Documents.KernelInfo("markdown", "Markdown", ["md"]),
        };
        kernels.DefaultKernelName = "csharp";
        string text = File.ReadAllText(path);
        return Path.GetExtension(path) == ".ipynb" ? Notebook.Parse(text, kernels) : CodeSubmission.Parse(text, kernels);
    }

    /// <summary>
    /// Runs every C# cell of <paramref name="path"/>; a cell whose command fails fails the test, showing the cell. The
    /// notebook's <c>#r "…PodCache.Notebooks.dll"</c> is pointed at the assembly this test was built against.
    /// </summary>
    public static async Task<Result> RunAsync(string path, TimeSpan cellTimeout)
    {
        var doc = Parse(path);
        var outputs = new List<Output>();
        var sw = Stopwatch.StartNew();
        using var kernel = new CompositeKernel { new CSharpKernel().UseKernelHelpers().UseValueSharing() };
        kernel.DefaultKernelName = "csharp";
        int cells = 0;
        var times = new List<(int, TimeSpan)>();
        string dll = typeof(PodCacheNotebook).Assembly.Location;
        for (int i = 0; i < doc.Elements.Count; i++)
        {
            var cell = doc.Elements[i];
            if (cell.KernelName is not ("csharp" or "C#" or "c#")) continue;
            cells++;
            string code = NotebooksDll().Replace(cell.Contents, $"#r \"{dll}\"");
            using var cts = new CancellationTokenSource(cellTimeout);
            var cellClock = Stopwatch.StartNew();
            var result = await kernel.SendAsync(new SubmitCode(code, "csharp"), cts.Token);
            times.Add((i, cellClock.Elapsed));
            foreach (var e in result.Events)
            {
                switch (e)
                {
                    case CommandFailed failed:
                        Assert.Fail($"{Path.GetFileName(path)}, cell {i}: {failed.Message}\n{failed.Exception}\n--- the cell ---\n{cell.Contents}");
                        break;
                    case DisplayEvent shown:
                        outputs.AddRange(shown.FormattedValues.Select(v => new Output(i, v.MimeType, v.Value)));
                        break;
                }
            }
        }
        return new Result(outputs, sw.Elapsed, cells, times);
    }

    [GeneratedRegex("""^#r\s+"[^"]*PodCache\.Notebooks\.dll"\s*$""", RegexOptions.Multiline)]
    private static partial Regex NotebooksDll();
}

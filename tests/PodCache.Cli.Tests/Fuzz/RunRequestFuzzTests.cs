using System.Text;
using CsCheck;
using Microsoft.AspNetCore.Http;
using PodCache.Server;
using PodCache.Cli.Tests.Server;
using PodCache.Tests.Fuzz;

namespace PodCache.Cli.Tests.Fuzz;

/// <summary>
/// The server's request parsing, called directly: <see cref="RequestBody.ReadJsonAsync"/> (size limit, media type,
/// UTF-8) on generated bodies, and <see cref="RunRequest.TryParse"/> on mutated run requests. Neither throws, whatever
/// the body: every problem is an answer (400, 413, 415) with a path, never an exception that becomes a 500.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class RunRequestFuzzTests
{
    private static IReadOnlyList<string> Bodies()
    {
        var cases = Path.Combine(CliHarness.RepoRoot, "tests", "conformance", "cases");
        var bodies = Directory.EnumerateDirectories(cases).Order(StringComparer.Ordinal)
            .Select(d => TestServer.Body(File.ReadAllText(Path.Combine(d, "pipeline.json")), File.ReadAllText(Path.Combine(d, "coords.json"))))
            .ToList();
        bodies.Add(TestServer.Body("""{"a": {"node": "algorithm.SinCoords"}}""", """{"coords": [{"name": "lat", "values": [1]}]}""", "a"));
        return bodies;
    }

    [Fact]
    public void TryParse_MutatedRunRequests_NeverThrows()
    {
        FuzzInputs.Run(FuzzInputs.MutatedJson(Bodies()), body =>
            FuzzInputs.Expect(() =>
            {
                bool ok = RunRequest.TryParse(body, out var request, out var errors);
                // Either a request or at least one problem, each with a message, never both.
                if (ok != (request is not null) || ok == (errors.Count > 0) || errors.Any(e => string.IsNullOrEmpty(e.Message)))
                {
                    throw new InvalidOperationException($"inconsistent result: ok={ok}, {errors.Count} errors");
                }
            }),
            normalIterations: 600);
    }

    [Fact]
    public void ReadJsonAsync_GeneratedBodies_AnswersWithoutThrowing()
    {
        var body = Gen.Frequency(
            (2, FuzzInputs.WithInvalidUtf8(FuzzInputs.MutatedJson(Bodies()))),
            (2, FuzzInputs.MutatedJson(Bodies()).Select(Encoding.UTF8.GetBytes)),
            (1, Gen.Byte.Array[0, 300]));
        var contentType = Gen.OneOf<string?>(null, "application/json", "application/json; charset=utf-8", "application/problem+json",
            "text/plain", "", ";;;", "application/json; charset=latin1", "multipart/form-data; boundary=x", "application/\u0000json");
        var lengthSkew = Gen.OneOf<int?>(null, 0, 0, -1, 1, 1000);
        var gen = Gen.Select(body, contentType, lengthSkew, Gen.OneOf(64L, 4096L, 1L << 20));
        FuzzInputs.Run(gen, t =>
        {
            var (bytes, ct, skew, max) = t;
            FuzzInputs.Expect(() =>
            {
                var context = new DefaultHttpContext();
                context.Request.Method = "POST";
                context.Request.Path = "/v1/runs";
                context.Request.ContentType = ct;
                context.Request.ContentLength = skew is { } s ? Math.Max(0, bytes.Length + s) : null;
                context.Request.Body = new MemoryStream(bytes, writable: false);
                var (text, problem) = RequestBody.ReadJsonAsync(context, max).GetAwaiter().GetResult();
                if ((text is null) == (problem is null))
                {
                    throw new InvalidOperationException("expected either the text or a problem");
                }
                if (text is not null)
                {
                    _ = RunRequest.TryParse(text, out _, out _);
                }
            });
        }, normalIterations: 600, print: t => $"content-type {t.Item2 ?? "none"}, length skew {t.Item3?.ToString() ?? "none"}, max {t.Item4}: {Convert.ToHexString(t.Item1)}");
    }
}

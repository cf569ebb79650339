using Microsoft.Extensions.Logging;

namespace PodCache.Server;

/// <summary>
/// Warnings and errors of the cache (an S3 endpoint failing, a corrupt cache file removed) written to standard error
/// as <c>warning: ...</c> lines, synchronously so that none is lost when a short command exits; with
/// <see cref="Json"/>, as one JSON object a line (<c>timestamp</c>, <c>level</c>, <c>category</c>, <c>message</c>,
/// <c>exception</c>) for log collectors.
/// </summary>
public sealed class StderrLoggerFactory : ILoggerFactory, ILogger
{
    /// <summary>The one instance.</summary>
    public static StderrLoggerFactory Instance { get; } = new();

    private static readonly Lock Gate = new();

    /// <summary>Write JSON lines instead of text (<c>server.logFormat: json</c>); set before the first message.</summary>
    public static bool Json { get; set; }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel)) return;
        string level = logLevel == LogLevel.Warning ? "warning" : "error";
        string line = Json
            ? new System.Text.Json.Nodes.JsonObject
            {
                ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["level"] = level,
                ["category"] = "PodCache",
                ["message"] = formatter(state, exception),
                ["exception"] = exception?.ToString(),
            }.ToJsonString()
            : $"{level}: {formatter(state, exception)}";
        lock (Gate)
        {
            Console.Error.WriteLine(line);
        }
    }
}

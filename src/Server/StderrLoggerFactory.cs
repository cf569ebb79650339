using Microsoft.Extensions.Logging;

namespace PodCache.Server;

/// <summary>
/// Warnings and errors of the cache (an S3 endpoint failing, a corrupt cache file removed) written to standard error
/// as <c>warning: ...</c> lines, synchronously so that none is lost when a short command exits.
/// </summary>
public sealed class StderrLoggerFactory : ILoggerFactory, ILogger
{
    /// <summary>The one instance.</summary>
    public static StderrLoggerFactory Instance { get; } = new();

    private static readonly Lock Gate = new();

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
        lock (Gate)
        {
            Console.Error.WriteLine($"{level}: {formatter(state, exception)}");
        }
    }
}

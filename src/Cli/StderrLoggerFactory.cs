using Microsoft.Extensions.Logging;

namespace PodCache.Cli;

/// <summary>
/// Warnings and errors of the cache (an S3 endpoint failing, a corrupt cache file removed) written to standard error
/// as <c>warning: ...</c> lines, synchronously so that none is lost when a short command exits.
/// </summary>
internal sealed class StderrLoggerFactory : ILoggerFactory, ILogger
{
    public static StderrLoggerFactory Instance { get; } = new();

    private static readonly Lock Gate = new();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

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

namespace PodCache.Cli;

/// <summary>A command line the CLI cannot act on: exit code 2 with the message.</summary>
internal sealed class UsageException(string message) : Exception(message);

namespace PodCache.Cli;

/// <summary>
/// What sets podcache-native apart from the podcache tool: it has the one-shot commands only. The server and the
/// cluster (<c>serve</c>, <c>loadtest</c>) and <c>config</c>, which validates their sections, are not compiled in.
/// </summary>
internal static class NativeBuild
{
    /// <summary>The name the help and the errors use.</summary>
    public const string Name = "podcache-native";

    /// <summary>The podcache commands this build does not have.</summary>
    public static readonly IReadOnlyList<string> ToolOnly = ["serve", "loadtest", "config"];

    /// <summary>
    /// The error for a command this build does not have, or null when it has <paramref name="command"/> (or the
    /// parser should say what is wrong with it).
    /// </summary>
    public static string? NotHere(string command) => ToolOnly.Contains(command, StringComparer.Ordinal)
        ? $"`{command}` is not in {Name}, which has the one-shot commands only; run `podcache {command}` with the podcache tool (dotnet tool install -g podcache)"
        : null;
}

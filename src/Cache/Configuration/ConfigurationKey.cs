namespace PodCache.Cache.Configuration;

/// <summary>What a configuration value is; decides how a string from an environment variable or a flag is read.</summary>
public enum ConfigurationValueKind
{
    /// <summary>A byte count or a size string (<see cref="ByteSize"/>): <c>1073741824</c>, <c>"1GiB"</c>.</summary>
    Size,

    /// <summary>A duration (<see cref="Duration"/>): seconds, <c>"500ms"</c>, <c>"5m"</c>, <c>"PT30S"</c>.</summary>
    Duration,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>Text.</summary>
    String,

    /// <summary>One of a fixed set of words (<see cref="ConfigurationKey.Choices"/>).</summary>
    Choice,

    /// <summary>A list of strings; from an environment variable <c>NAME__0</c>, <c>NAME__1</c>, ... or one value.</summary>
    StringList,
}

/// <summary>One key of <c>podcache.json</c>, as the configuration reference documents it.</summary>
/// <param name="Path">Where, e.g. <c>cache.tiers.ram.maxBytes</c>.</param>
/// <param name="Kind">What the value is.</param>
/// <param name="Default">The default as JSON text (<c>"1GiB"</c> with its quotes, <c>8080</c>), or null when there is no fixed one (<see cref="DefaultText"/> says what happens).</param>
/// <param name="Description">What it does, one or two sentences.</param>
public sealed record ConfigurationKey(string Path, ConfigurationValueKind Kind, string? Default, string Description)
{
    /// <summary>The words a <see cref="ConfigurationValueKind.Choice"/> takes.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>What the default is when <see cref="Default"/> is null ("none: AWS in region", "stableAfter + 15 s").</summary>
    public string? DefaultText { get; init; }

    /// <summary>A valid value other than the default, as JSON text: the reference's example, and what tests set.</summary>
    public required string Sample { get; init; }

    /// <summary>The environment variable that sets it: <c>PODCACHE__CACHE__TIERS__RAM__MAXBYTES</c>.</summary>
    public string EnvironmentVariable => PodCacheConfiguration.EnvironmentPrefix + Path.Replace(".", "__", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>The top-level section the key belongs to (<c>cache</c>, <c>limits</c>, ...).</summary>
    public string Section => Path.Split('.')[0];
}

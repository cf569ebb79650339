namespace PodCache.Cache.Configuration;

/// <summary>Invalid cache configuration; the message names the JSON path (e.g. <c>cache.tiers.ram.maxBytes</c>) and the file.</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigurationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ConfigurationException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ConfigurationException() : base("invalid configuration")
    {
    }
}

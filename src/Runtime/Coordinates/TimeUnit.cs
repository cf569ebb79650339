namespace PodCache.Runtime;

/// <summary>The unit of a time axis, as numpy's datetime64 units; coarsest first.</summary>
public enum TimeUnit
{
    /// <summary>Years (<c>Y</c>).</summary>
    Year,

    /// <summary>Months (<c>M</c>).</summary>
    Month,

    /// <summary>Weeks (<c>W</c>).</summary>
    Week,

    /// <summary>Days (<c>D</c>).</summary>
    Day,

    /// <summary>Hours (<c>h</c>).</summary>
    Hour,

    /// <summary>Minutes (<c>m</c>).</summary>
    Minute,

    /// <summary>Seconds (<c>s</c>).</summary>
    Second,

    /// <summary>Milliseconds (<c>ms</c>).</summary>
    Millisecond,

    /// <summary>Microseconds (<c>us</c>).</summary>
    Microsecond,
}

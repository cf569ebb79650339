namespace PodCache.Runtime.Nodes;

/// <summary>The JSON shape an attr accepts.</summary>
public enum AttrType
{
    /// <summary>A number (bare NaN/Infinity allowed).</summary>
    Number,

    /// <summary>A number or null.</summary>
    NullableNumber,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A string.</summary>
    String,

    /// <summary>A string or null.</summary>
    NullableString,

    /// <summary>One of a fixed set of strings.</summary>
    Choice,

    /// <summary>A list of strings.</summary>
    StringList,

    /// <summary>null, one dim name, or a list of dim names.</summary>
    Dims,

    /// <summary>A list of numbers.</summary>
    NumberList,

    /// <summary>A nested list of numbers (null cells allowed and read as NaN).</summary>
    NumberArray,

    /// <summary>Coordinates JSON.</summary>
    Coordinates,

    /// <summary>A JSON object.</summary>
    Object,

    /// <summary>Any JSON value, or null.</summary>
    Any,

    /// <summary>Coordinates JSON, or null.</summary>
    NullableCoordinates,
}

namespace PodCache.Runtime.Execution;

/// <summary>
/// The version of how keys are written (docs/keys.md), hashed into every NodeKey as <c>"schema"</c> and so into every
/// ResultKey. Bumped whenever the hashed text of some input changes meaning, so that an entry keyed the old way is
/// never served: its key cannot be produced any more.
/// </summary>
internal static class KeySchema
{
    /// <summary>
    /// 2: numbers keep every difference evaluation can see (negative zero, exact big integers, int vs float, NaN vs
    /// the string "NaN"), and a file source is its resolved absolute path. (1: RFC 8785 numbers, no schema member.)
    /// </summary>
    public const int Version = 2;
}

namespace PodCache.Runtime.Nodes;

/// <summary>What PodCache does with a pipeline that names a PODPAC class.</summary>
public enum PodpacNodeState
{
    /// <summary>A registered node type runs it.</summary>
    Runs,

    /// <summary>Known and refused, with a reason (Python code, base classes, services PodCache cannot reach).</summary>
    Refused,

    /// <summary>A real PODPAC node that PodCache does not implement yet.</summary>
    NotYet,
}

/// <summary>One PODPAC 4 class: its module path, how many <c>"node"</c> spellings PODPAC loads for it, and its state.</summary>
public sealed record PodpacNodeStatus(string PodpacClass, int Spellings, PodpacNodeState State, string? PodCacheName, string? Reason);

namespace PodCache.Runtime.Pipelines;

/// <summary>One input of a node: a name and the ref (or list of refs) it is fed by.</summary>
public sealed class PipelineInput
{
    internal PipelineInput(string name, IReadOnlyList<string> refs, bool isList)
    {
        Name = name;
        Refs = refs;
        IsList = isList;
        Slots = isList ? refs.Select((_, i) => $"{name}[{i}]").ToArray() : [name];
    }

    /// <summary>The input name, e.g. <c>source</c>, <c>A</c>, <c>sources</c>.</summary>
    public string Name { get; }

    /// <summary>The refs feeding it.</summary>
    public IReadOnlyList<string> Refs { get; }

    /// <summary>True when written as a list of refs.</summary>
    public bool IsList { get; }

    /// <summary>The slot names: the name itself, or <c>name[i]</c> for lists.</summary>
    public IReadOnlyList<string> Slots { get; }
}

using System.Text.Json.Nodes;

namespace PodCache.Runtime;

/// <summary>An axis of explicit values, kept in the given order.</summary>
public sealed class ArrayCoordinates1D : Coordinates1D
{
    private readonly double[] _values;

    /// <summary>Creates an axis over <paramref name="values"/> (not copied: do not mutate it afterwards).</summary>
    public ArrayCoordinates1D(string name, double[] values, TimeUnit? unit = null) : base(name, unit)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
    }

    /// <inheritdoc/>
    public override int Size => _values.Length;

    /// <inheritdoc/>
    public override bool IsUniform => false;

    private protected override double[] Materialize() => _values;

    /// <inheritdoc/>
    public override Coordinates1D Slice(int start, int count)
    {
        if (start == 0 && count == _values.Length)
        {
            return this;
        }
        return new ArrayCoordinates1D(Name, _values.AsSpan(start, count).ToArray(), Unit);
    }

    /// <inheritdoc/>
    public override Coordinates1D Rename(string name) => new ArrayCoordinates1D(name, _values, Unit);

    /// <inheritdoc/>
    public override JsonObject ToJson()
    {
        var arr = new JsonArray();
        foreach (var v in _values)
        {
            arr.Add((JsonNode?)(Unit is { } u ? JsonValue.Create(TimeUnits.FormatNative(v, u)) : JsonValue.Create(v)));
        }
        return new JsonObject { ["name"] = Name, ["values"] = arr };
    }

    internal override JsonObject ToCanonicalJson()
    {
        var arr = new JsonArray();
        foreach (var v in _values)
        {
            arr.Add((JsonNode)JsonValue.Create(v));
        }
        var o = new JsonObject { ["name"] = Name, ["values"] = arr };
        if (Unit is { } u)
        {
            o["unit"] = TimeUnits.Symbol(u);
        }
        return o;
    }
}

using System.Text.Json.Nodes;

namespace PodCache.Runtime;

/// <summary>
/// PODPAC's stacked coordinates: one dim (named by its parts joined with <c>_</c>, e.g. <c>lat_lon</c>) whose every
/// position is a point with a value in each part — the rows of a CSV file. Data sources produce it; requests are
/// grids. <see cref="Coordinates1D.Points"/> of a stacked axis are its positions 0..n−1; the values are in
/// <see cref="Parts"/>.
/// </summary>
public sealed class StackedCoordinates1D : Coordinates1D
{
    private readonly ArrayCoordinates1D[] _parts;

    /// <summary>Stacks <paramref name="parts"/>, which must have distinct known dim names and equal sizes.</summary>
    /// <exception cref="ArgumentException">Fewer than two parts, a repeated name or unequal sizes.</exception>
    public StackedCoordinates1D(IReadOnlyList<ArrayCoordinates1D> parts) : base(NameOf(parts), null)
    {
        _parts = [.. parts];
        if (_parts.Any(p => p.Size != _parts[0].Size))
        {
            throw new ArgumentException($"the parts of '{Name}' have different sizes ({string.Join(", ", _parts.Select(p => p.Size))})", nameof(parts));
        }
    }

    private static string NameOf(IReadOnlyList<ArrayCoordinates1D> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count < 2 || parts.Select(p => p.Name).Distinct().Count() != parts.Count)
        {
            throw new ArgumentException("stacked coordinates need two or more parts with distinct names", nameof(parts));
        }
        return string.Join("_", parts.Select(p => p.Name));
    }

    /// <summary>The stacked dims with their values, in stacking order.</summary>
    public IReadOnlyList<ArrayCoordinates1D> Parts => _parts;

    /// <summary>The part named <paramref name="dim"/>, or null.</summary>
    public ArrayCoordinates1D? Part(string dim) => _parts.FirstOrDefault(p => p.Name == dim);

    /// <inheritdoc/>
    public override int Size => _parts[0].Size;

    /// <inheritdoc/>
    public override bool IsUniform => false;

    private protected override double[] Materialize()
    {
        var r = new double[Size];
        for (int i = 0; i < r.Length; i++) r[i] = i;
        return r;
    }

    /// <inheritdoc/>
    public override Coordinates1D Slice(int start, int count) =>
        start == 0 && count == Size ? this : new StackedCoordinates1D(_parts.Select(p => (ArrayCoordinates1D)p.Slice(start, count)).ToArray());

    /// <inheritdoc/>
    public override Coordinates1D Select(ReadOnlySpan<int> indices)
    {
        var parts = new ArrayCoordinates1D[_parts.Length];
        for (int k = 0; k < parts.Length; k++)
        {
            var values = new double[indices.Length];
            var pts = _parts[k].Points;
            for (int i = 0; i < indices.Length; i++) values[i] = pts[indices[i]];
            parts[k] = new ArrayCoordinates1D(_parts[k].Name, values, _parts[k].Unit);
        }
        return new StackedCoordinates1D(parts);
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: a stacked dim's name is its parts' names.</exception>
    public override Coordinates1D Rename(string name) =>
        throw new NotSupportedException($"the stacked dim '{Name}' cannot be renamed to '{name}'");

    /// <summary>PODPAC's JSON: a list of its parts' axes (<see cref="Coordinates.ToJson"/> writes it in <c>coords</c>).</summary>
    public override JsonObject ToJson() => new() { ["name"] = Name, ["stacked"] = ToJsonArray() };

    /// <summary>The list of the parts' axes, as PODPAC writes a stacked entry of <c>coords</c>.</summary>
    public JsonArray ToJsonArray() => new(_parts.Select(p => (JsonNode)p.ToJson()).ToArray());

    internal override JsonObject ToCanonicalJson() =>
        new() { ["name"] = Name, ["stacked"] = new JsonArray(_parts.Select(p => (JsonNode)p.ToCanonicalJson()).ToArray()) };

    /// <summary>True when both are stacked over the same parts with the same values.</summary>
    internal bool SameAs(StackedCoordinates1D other) =>
        other._parts.Length == _parts.Length && _parts.Zip(other._parts).All(p => p.First.Equals(p.Second));
}

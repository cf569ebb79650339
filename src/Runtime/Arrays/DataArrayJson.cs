using System.Text;
using System.Text.Json;

namespace PodCache.Runtime;

/// <summary>
/// Writes a <see cref="DataArray"/> as the JSON of SPEC §8:
/// <c>{"dims","shape","coords","values","attrs"}</c>, NaN as null, ±∞ as "Infinity"/"-Infinity",
/// time coordinates as <c>YYYY-MM-DDTHH:MM:SS</c>.
/// </summary>
public static class DataArrayJson
{
    /// <summary>Writes <paramref name="array"/> to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, DataArray array)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(array);
        writer.WriteStartObject();
        writer.WriteStartArray("dims");
        foreach (var d in array.Dims) writer.WriteStringValue(d);
        writer.WriteEndArray();
        writer.WriteStartArray("shape");
        foreach (var s in array.Shape) writer.WriteNumberValue(s);
        writer.WriteEndArray();
        writer.WriteStartObject("coords");
        foreach (var axis in array.Coordinates.Axes.SelectMany(a => a is StackedCoordinates1D st ? st.Parts : (IEnumerable<Coordinates1D>)[a]))
        {
            // A stacked dim's parts are coordinates along it, as xarray names them: coords.lat and coords.lon of dim lat_lon.
            writer.WriteStartArray(axis.Name);
            foreach (var p in axis.Points)
            {
                if (axis.Unit is { } u) writer.WriteStringValue(TimeUnits.Format(p, u));
                else WriteNumber(writer, p);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.WritePropertyName("values");
        var shape = array.Shape;
        if (shape.Length == 0)
        {
            WriteNumber(writer, array.Values[0]);
        }
        else
        {
            int pos = 0;
            WriteNested(writer, array.Values, shape, 0, ref pos);
        }
        writer.WriteStartObject("attrs");
        foreach (var kv in array.Attrs.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            writer.WriteString(kv.Key, kv.Value);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The JSON text of <paramref name="array"/>.</summary>
    public static string ToJson(DataArray array, bool indented = false)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented, SkipValidation = false }))
        {
            Write(w, array);
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteNested(Utf8JsonWriter writer, ReadOnlySpan<double> values, int[] shape, int dim, ref int pos)
    {
        writer.WriteStartArray();
        if (dim == shape.Length - 1)
        {
            for (int i = 0; i < shape[dim]; i++)
            {
                WriteNumber(writer, values[pos++]);
            }
        }
        else
        {
            for (int i = 0; i < shape[dim]; i++)
            {
                WriteNested(writer, values, shape, dim + 1, ref pos);
            }
        }
        writer.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter writer, double v)
    {
        if (double.IsNaN(v)) writer.WriteNullValue();
        else if (double.IsPositiveInfinity(v)) writer.WriteStringValue("Infinity");
        else if (double.IsNegativeInfinity(v)) writer.WriteStringValue("-Infinity");
        else writer.WriteNumberValue(v);
    }
}

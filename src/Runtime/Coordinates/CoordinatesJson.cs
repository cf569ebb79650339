using System.Globalization;
using System.Text.Json.Nodes;
using PodCache.Runtime.Json;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime;

/// <summary>Reads PODPAC coordinates JSON, collecting every problem with its path.</summary>
internal static class CoordinatesJson
{
    private static readonly HashSet<string> ItemKeys = ["name", "start", "stop", "step", "size", "values"];

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    public static Coordinates? Read(JsonNode? node, string path, ErrorSink errors)
    {
        JsonArray? items;
        string? crs = null;
        int before = errors.Count;
        string itemsPath = Join(path, "coords");
        if (node is JsonArray bare)
        {
            items = bare;
            itemsPath = path;
        }
        else if (node is JsonObject obj)
        {
            foreach (var kv in obj)
            {
                if (kv.Key is not ("coords" or "crs"))
                {
                    errors.Add(Join(path, kv.Key), "unknown key; coordinates have 'coords' and 'crs'");
                }
            }
            if (obj["coords"] is JsonArray arr)
            {
                items = arr;
            }
            else
            {
                errors.Add(itemsPath, obj.ContainsKey("coords") ? "must be a list of axes" : "missing: coordinates need a 'coords' list");
                return null;
            }
            if (obj.TryGetPropertyValue("crs", out var crsNode) && crsNode is not null)
            {
                if (JsonNumbers.TryGetString(crsNode, out var c) && !string.IsNullOrWhiteSpace(c))
                {
                    crs = c;
                }
                else
                {
                    errors.Add(Join(path, "crs"), "must be a non-empty string such as \"EPSG:4326\"");
                }
            }
        }
        else
        {
            errors.Add(path, "coordinates must be an object {\"coords\": [...], \"crs\": ...}");
            return null;
        }

        var axes = new List<Coordinates1D>();
        var seen = new HashSet<string>();
        for (int i = 0; i < items.Count; i++)
        {
            string ip = $"{itemsPath}[{i}]";
            var axis = ReadAxis(items[i], ip, errors);
            if (axis is null)
            {
                continue;
            }
            if (!seen.Add(axis.Name))
            {
                errors.Add(Join(ip, "name"), $"dim '{axis.Name}' appears twice");
                continue;
            }
            axes.Add(axis);
        }
        return errors.Count > before ? null : new Coordinates(axes, crs);
    }

    private static Coordinates1D? ReadAxis(JsonNode? node, string path, ErrorSink errors)
    {
        if (node is not JsonObject item)
        {
            errors.Add(path, "each axis must be an object with 'name' and 'values' or 'start'/'stop'/'step'|'size'");
            return null;
        }
        int before = errors.Count;
        foreach (var kv in item)
        {
            if (!ItemKeys.Contains(kv.Key))
            {
                errors.Add(Join(path, kv.Key), kv.Key is "ctype" or "segment_lengths" or "geotransform"
                    ? $"'{kv.Key}' is not supported by PodCache"
                    : "unknown key; an axis has 'name' and 'values', or 'start', 'stop' and 'step' or 'size'");
            }
        }
        if (!JsonNumbers.TryGetString(item["name"], out var name))
        {
            errors.Add(Join(path, "name"), item.ContainsKey("name") ? "must be a string" : "missing: each axis needs a 'name'");
            return null;
        }
        if (name.Contains('_', StringComparison.Ordinal))
        {
            errors.Add(Join(path, "name"), $"stacked dims ('{name}') are not supported");
            return null;
        }
        if (!Coordinates.KnownDims.Contains(name))
        {
            errors.Add(Join(path, "name"), $"unknown dim '{name}'; dims are lat, lon, time and alt");
            return null;
        }
        bool hasValues = item.ContainsKey("values");
        bool hasUniform = item.ContainsKey("start") || item.ContainsKey("stop") || item.ContainsKey("step") || item.ContainsKey("size");
        if (hasValues && hasUniform)
        {
            errors.Add(path, "give either 'values' or 'start'/'stop'/'step', not both");
            return null;
        }
        if (errors.Count > before)
        {
            return null;
        }
        if (hasValues)
        {
            return ReadValues(name, item["values"], Join(path, "values"), errors);
        }
        if (!hasUniform)
        {
            errors.Add(path, "an axis needs 'values', or 'start', 'stop' and 'step' or 'size'");
            return null;
        }
        return ReadUniform(name, item, path, errors);
    }

    private static Coordinates1D? ReadValues(string name, JsonNode? node, string path, ErrorSink errors)
    {
        if (node is not JsonArray arr)
        {
            errors.Add(path, "must be a list");
            return null;
        }
        if (arr.Count == 0)
        {
            errors.Add(path, "is empty: an axis needs at least one value");
            return null;
        }
        bool isTime = JsonNumbers.TryGetString(arr[0], out _);
        var values = new double[arr.Count];
        if (!isTime)
        {
            for (int i = 0; i < arr.Count; i++)
            {
                if (!JsonNumbers.TryGetDouble(arr[i], out values[i]))
                {
                    errors.Add($"{path}[{i}]", $"not a number: {JsonNumbers.Describe(arr[i])}");
                    return null;
                }
                if (!double.IsFinite(values[i]))
                {
                    errors.Add($"{path}[{i}]", "coordinates must be finite");
                    return null;
                }
            }
            return new ArrayCoordinates1D(name, values);
        }
        var times = new DateTime[arr.Count];
        var unit = TimeUnit.Year;
        for (int i = 0; i < arr.Count; i++)
        {
            if (!JsonNumbers.TryGetString(arr[i], out var s) || !TimeUnits.TryParseIso(s, out times[i], out var u))
            {
                errors.Add($"{path}[{i}]", $"not an ISO datetime: {JsonNumbers.Describe(arr[i])}");
                return null;
            }
            unit = TimeUnits.Finer(unit, u);
        }
        for (int i = 0; i < times.Length; i++)
        {
            values[i] = TimeUnits.ToCount(times[i], unit);
        }
        return new ArrayCoordinates1D(name, values, unit);
    }

    private static Coordinates1D? ReadUniform(string name, JsonObject item, string path, ErrorSink errors)
    {
        bool hasStep = item.ContainsKey("step"), hasSize = item.ContainsKey("size");
        if (!item.ContainsKey("start") || !item.ContainsKey("stop"))
        {
            errors.Add(path, "a uniform axis needs 'start' and 'stop'");
            return null;
        }
        if (hasStep == hasSize)
        {
            errors.Add(path, "a uniform axis needs exactly one of 'step' and 'size'");
            return null;
        }
        if (JsonNumbers.TryGetString(item["start"], out _))
        {
            return ReadUniformTime(name, item, path, errors);
        }
        if (!JsonNumbers.TryGetDouble(item["start"], out var start) || !double.IsFinite(start))
        {
            errors.Add(Join(path, "start"), $"must be a finite number or an ISO datetime, not {JsonNumbers.Describe(item["start"])}");
            return null;
        }
        if (!JsonNumbers.TryGetDouble(item["stop"], out var stop) || !double.IsFinite(stop))
        {
            errors.Add(Join(path, "stop"), $"must be a finite number, not {JsonNumbers.Describe(item["stop"])}");
            return null;
        }
        if (hasSize)
        {
            if (!TryGetSize(item["size"], out var size))
            {
                errors.Add(Join(path, "size"), $"must be a positive integer, not {JsonNumbers.Describe(item["size"])}");
                return null;
            }
            try
            {
                return UniformCoordinates1D.FromSize(name, start, stop, size);
            }
            catch (ArgumentException ex)
            {
                errors.Add(Join(path, "size"), ex.Message);
                return null;
            }
        }
        if (!JsonNumbers.TryGetDouble(item["step"], out var step))
        {
            errors.Add(Join(path, "step"), $"must be a number, not {JsonNumbers.Describe(item["step"])}");
            return null;
        }
        if (step == 0 || !double.IsFinite(step))
        {
            errors.Add(Join(path, "step"), "must be a non-zero finite number");
            return null;
        }
        if ((stop - start) * step < 0)
        {
            errors.Add(Join(path, "step"), $"has the wrong sign: from {Fmt(start)} to {Fmt(stop)} the step must be {(stop > start ? "positive" : "negative")}");
            return null;
        }
        try
        {
            return UniformCoordinates1D.FromStep(name, start, stop, step);
        }
        catch (ArgumentException ex)
        {
            errors.Add(Join(path, "step"), ex.Message);
            return null;
        }
    }

    private static bool TryGetSize(JsonNode? node, out int size)
    {
        size = 0;
        if (!JsonNumbers.TryGetDouble(node, out var d) || d != Math.Floor(d) || d < 1 || d > int.MaxValue)
        {
            return false;
        }
        size = (int)d;
        return true;
    }

    private static Coordinates1D? ReadUniformTime(string name, JsonObject item, string path, ErrorSink errors)
    {
        if (!JsonNumbers.TryGetString(item["start"], out var s0) || !TimeUnits.TryParseIso(s0, out var t0, out var u0))
        {
            errors.Add(Join(path, "start"), $"not an ISO datetime: {JsonNumbers.Describe(item["start"])}");
            return null;
        }
        if (!JsonNumbers.TryGetString(item["stop"], out var s1) || !TimeUnits.TryParseIso(s1, out var t1, out var u1))
        {
            errors.Add(Join(path, "stop"), $"not an ISO datetime: {JsonNumbers.Describe(item["stop"])}");
            return null;
        }
        var unit = TimeUnits.Finer(u0, u1);
        if (item.ContainsKey("size"))
        {
            if (!TryGetSize(item["size"], out var size))
            {
                errors.Add(Join(path, "size"), $"must be a positive integer, not {JsonNumbers.Describe(item["size"])}");
                return null;
            }
            // numpy switches to a finer unit until the span divides evenly.
            while (true)
            {
                long a = TimeUnits.ToCount(t0, unit), b = TimeUnits.ToCount(t1, unit);
                if (size == 1 || (b - a) % (size - 1) == 0 || unit == TimeUnit.Microsecond)
                {
                    if (size > 1 && a == b)
                    {
                        errors.Add(Join(path, "size"), "start equals stop, so size must be 1");
                        return null;
                    }
                    return UniformCoordinates1D.Exact(name, a, size > 1 ? (b - a) / (size - 1) : 1, size, unit);
                }
                unit = unit == TimeUnit.Year ? TimeUnit.Month : unit == TimeUnit.Month ? TimeUnit.Day : unit + 1;
            }
        }
        if (!JsonNumbers.TryGetString(item["step"], out var stepText))
        {
            errors.Add(Join(path, "step"), "a time step is a string \"N,unit\" such as \"1,D\" or \"6,h\"");
            return null;
        }
        var parts = stepText.Split(',');
        if (parts.Length != 2
            || !long.TryParse(parts[0].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            || !TimeUnits.TryParseSymbol(parts[1].Trim(), out var stepUnit))
        {
            errors.Add(Join(path, "step"), $"'{stepText}' is not \"N,unit\" with unit one of Y M W D h m s ms us");
            return null;
        }
        if (n == 0)
        {
            errors.Add(Join(path, "step"), "must not be zero");
            return null;
        }
        if (TimeUnits.IsCalendar(stepUnit) != TimeUnits.IsCalendar(unit) && !(TimeUnits.IsCalendar(stepUnit) && TimeUnits.IsCalendar(unit)))
        {
            if (TimeUnits.IsCalendar(stepUnit))
            {
                errors.Add(Join(path, "step"), $"a step in '{TimeUnits.Symbol(stepUnit)}' needs start and stop given to the month or year (as numpy requires)");
                return null;
            }
        }
        unit = TimeUnits.Finer(unit, stepUnit);
        long start = TimeUnits.ToCount(t0, unit), stop = TimeUnits.ToCount(t1, unit);
        long step = TimeUnits.Convert(n, stepUnit, unit) - TimeUnits.Convert(0, stepUnit, unit);
        if (step == 0 || (stop - start) * (double)step < 0)
        {
            errors.Add(Join(path, "step"), $"has the wrong sign: from {s0} to {s1} the step must be {(stop > start ? "positive" : "negative")}");
            return null;
        }
        long size2 = (stop - start) / step + 1;
        if (size2 > int.MaxValue)
        {
            errors.Add(Join(path, "step"), "the axis has too many points");
            return null;
        }
        return UniformCoordinates1D.Exact(name, start, step, (int)size2, unit);
    }

    private static string Fmt(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}

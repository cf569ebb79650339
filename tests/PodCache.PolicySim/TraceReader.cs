using System.Buffers.Binary;
using System.Globalization;

namespace PodCache.PolicySim;

/// <summary>Reads the bundled trace formats (see docs/policy-simulator.md for their fields).</summary>
internal static class TraceReader
{
    /// <summary>Size of every object in traces without sizes: one byte, so a budget in bytes is a count of entries.</summary>
    public const long UniformSize = 1;

    /// <summary>Recompute cost of every object in traces without costs.</summary>
    public const double UniformCost = 1;

    public static Trace Read(string path, TraceFormat format)
    {
        using var input = TraceInput.Open(path);
        var name = Path.GetFileName(path);
        Trace trace;
        try
        {
            trace = format switch
            {
                TraceFormat.AdaptSize => ReadAdaptSize(input.Stream, name),
                TraceFormat.Gcc => ReadGcc(input.Stream, name),
                TraceFormat.Scarab => ReadScarab(input.Stream, name),
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a file format."),
            };
        }
        catch (InvalidDataException)
        {
            // A truncated or corrupt .xz file shows up as malformed data; xz's own complaint says more.
            input.CheckCompleted();
            throw;
        }
        input.CheckCompleted();
        return trace;
    }

    /// <summary>
    /// AdaptSize (webcachesim) text: <c>time id size</c> per line, time in seconds. Every object costs the same.
    /// </summary>
    private static Trace ReadAdaptSize(Stream stream, string name)
    {
        var builder = new TraceBuilder(name);
        long? first = null;
        ForEachLine(stream, name, (line, number) =>
        {
            var fields = Fields(line, 3, name, number);
            var time = ParseLong(line[fields[0]], name, number);
            var id = ParseLong(line[fields[1]], name, number);
            var size = ParseLong(line[fields[2]], name, number);
            first ??= time;
            builder.Add(id, size, UniformCost, (time - first.Value) * TimeSpan.TicksPerSecond);
        });
        return builder.Build();
    }

    /// <summary>
    /// The gcc address trace with penalties: <c>type address instructions hitPenalty missPenalty</c>
    /// (<c>s 0x1fffff50 1 1 100</c>). The key is the address; the cost is the miss penalty (in the trace's own
    /// unit, passed to the policies as seconds: only ratios between costs matter above the cost floor). Sizes are
    /// uniform; there are no timestamps, so the clock advances one tick per request.
    /// </summary>
    private static Trace ReadGcc(Stream stream, string name)
    {
        var builder = new TraceBuilder(name);
        ForEachLine(stream, name, (line, number) =>
        {
            var fields = Fields(line, 5, name, number);
            var address = line[fields[1]];
            if (!address.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                || !long.TryParse(address[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var key))
            {
                throw Malformed(name, number, $"'{address.ToString()}' is not a 0x-prefixed hex address");
            }
            var missPenalty = ParseDouble(line[fields[4]], name, number);
            builder.Add(key, UniformSize, missPenalty, builder.RequestCount);
        });
        return builder.Build();
    }

    /// <summary>
    /// Scarab Research's recommendation trace: a sequence of big-endian 64-bit keys, nothing else. Sizes and costs
    /// are uniform; the clock advances one tick per request.
    /// </summary>
    private static Trace ReadScarab(Stream stream, string name)
    {
        var builder = new TraceBuilder(name);
        var buffer = new byte[1 << 16];
        var filled = 0;
        while (true)
        {
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                break;
            }
            filled += read;
            var whole = filled / 8 * 8;
            for (var at = 0; at < whole; at += 8)
            {
                builder.Add(BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(at)), UniformSize, UniformCost, builder.RequestCount);
            }
            buffer.AsSpan(whole, filled - whole).CopyTo(buffer);
            filled -= whole;
        }
        if (filled != 0)
        {
            throw new InvalidDataException($"{name}: {filled} trailing bytes; a scarab trace is a whole number of 8-byte keys.");
        }
        return builder.Build();
    }

    private delegate void LineAction(ReadOnlySpan<char> line, long number);

    private static void ForEachLine(Stream stream, string name, LineAction action)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length > 0)
            {
                action(line, number);
            }
        }
        if (number == 0)
        {
            throw new InvalidDataException($"{name}: the trace is empty.");
        }
    }

    private static Range[] Fields(ReadOnlySpan<char> line, int count, string name, long number)
    {
        var ranges = new Range[count + 1];
        var found = line.Split(ranges, ' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (found < count)
        {
            throw Malformed(name, number, $"expected {count} space-separated fields, found {found}");
        }
        return ranges;
    }

    private static long ParseLong(ReadOnlySpan<char> text, string name, long number) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed(name, number, $"'{text.ToString()}' is not an integer");

    private static double ParseDouble(ReadOnlySpan<char> text, string name, long number) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Malformed(name, number, $"'{text.ToString()}' is not a number");

    private static InvalidDataException Malformed(string name, long number, string why) =>
        new($"{name}, line {number}: {why}.");
}

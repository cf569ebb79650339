using System.Text;
using BitMiracle.LibTiff.Classic;

namespace PodCache.Runtime.Raster;

/// <summary>
/// Reads tag values from an open LibTiff image, whether LibTiff knows the tag (typed arrays) or read it as an
/// anonymous field (a count plus raw bytes in host order, typed by the directory entry).
/// </summary>
internal static class TiffFields
{
    /// <summary>A whole-number tag, or <paramref name="fallback"/> when absent.</summary>
    public static long GetInteger(Tiff tif, TiffTag tag, long fallback)
    {
        var f = tif.GetField(tag);
        if (f is null || f.Length == 0)
        {
            return fallback;
        }
        return f[0].Value switch
        {
            uint u => u,
            ulong ul => ul > long.MaxValue ? -1 : (long)ul,
            ushort us => us,
            byte b => b,
            short s => (ushort)s,
            long l => l,
            _ => (uint)f[0].ToInt(),
        };
    }

    /// <summary>A numeric tag as doubles, or null when absent.</summary>
    /// <exception cref="InvalidDataException">The tag has a type that is not numeric, or fewer values than it claims.</exception>
    public static double[]? GetNumbers(Tiff tif, TiffTag tag, string name)
    {
        var f = tif.GetField(tag);
        if (f is null || f.Length == 0)
        {
            return null;
        }
        int claimed = f.Length >= 2 ? f[0].ToInt() : -1;
        object? raw = f[^1].Value;
        double[] values = raw switch
        {
            double[] d => d,
            float[] fl => Array.ConvertAll(fl, x => (double)x),
            short[] s => Array.ConvertAll(s, x => (double)(ushort)x),
            ushort[] us => Array.ConvertAll(us, x => (double)x),
            int[] i => Array.ConvertAll(i, x => (double)x),
            uint[] ui => Array.ConvertAll(ui, x => (double)x),
            byte[] b => Decode(b, tif.FindFieldInfo(tag, TiffType.ANY)?.Type ?? TiffType.NOTYPE, name),
            _ => throw new InvalidDataException($"{name} has an unexpected type"),
        };
        if (claimed >= 0)
        {
            if (claimed > values.Length)
            {
                throw new InvalidDataException($"{name} claims {claimed} values but holds {values.Length}: corrupt");
            }
            values = values[..claimed];
        }
        return values;
    }

    /// <summary>An ASCII tag up to its first NUL, or null when absent.</summary>
    public static string? GetAscii(Tiff tif, TiffTag tag)
    {
        var f = tif.GetField(tag);
        if (f is null || f.Length == 0)
        {
            return null;
        }
        object? raw = f[^1].Value;
        string s = raw switch
        {
            string str => str,
            byte[] b => Encoding.Latin1.GetString(b),
            _ => f[^1].ToString() ?? "",
        };
        int nul = s.IndexOf('\0', StringComparison.Ordinal);
        return nul >= 0 ? s[..nul] : s;
    }

    private static double[] Decode(byte[] b, TiffType type, string name)
    {
        // LibTiff has already swapped anonymous field data to host order.
        int unit = type switch
        {
            TiffType.BYTE or TiffType.SBYTE => 1,
            TiffType.SHORT or TiffType.SSHORT => 2,
            TiffType.LONG or TiffType.SLONG or TiffType.FLOAT => 4,
            TiffType.DOUBLE => 8,
            _ => throw new InvalidDataException($"{name} has TIFF type {type}, not a numeric type PodCache reads"),
        };
        var v = new double[b.Length / unit];
        for (int i = 0; i < v.Length; i++)
        {
            var s = b.AsSpan(i * unit, unit);
            v[i] = type switch
            {
                TiffType.BYTE => s[0],
                TiffType.SBYTE => (sbyte)s[0],
                TiffType.SHORT => BitConverter.ToUInt16(s),
                TiffType.SSHORT => BitConverter.ToInt16(s),
                TiffType.LONG => BitConverter.ToUInt32(s),
                TiffType.SLONG => BitConverter.ToInt32(s),
                TiffType.FLOAT => BitConverter.ToSingle(s),
                _ => BitConverter.ToDouble(s),
            };
        }
        return v;
    }
}

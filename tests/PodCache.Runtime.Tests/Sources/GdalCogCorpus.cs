using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>One GDAL-made Cloud-Optimized GeoTIFF of a <see cref="GdalCogCorpus"/>.</summary>
/// <param name="Name">A unique name, e.g. <c>int16_lzw_pred2_b256_nd</c>.</param>
/// <param name="Path">The file's absolute path.</param>
/// <param name="DataType">GDAL's name of the band type: Byte, Int8, Int16, UInt16, Int32, UInt32, Float32, Float64.</param>
/// <param name="Compression">The COG driver's COMPRESS value: NONE, DEFLATE, LZW, PACKBITS, ZSTD.</param>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
/// <param name="BlockSize">The tile size (square).</param>
/// <param name="NoData">The nodata value written with <c>-a_nodata</c> (may be NaN), or null.</param>
public sealed record CogCase(string Name, string Path, string DataType, string Compression, int Width, int Height, int BlockSize, double? NoData)
{
    /// <summary>The TIFF predictor: 1 none, 2 horizontal differencing, 3 floating point.</summary>
    public int Predictor { get; init; } = 1;

    /// <summary>The georeference every case has: <c>-a_ullr</c> west, north, east, south in EPSG:4326 degrees.</summary>
    public static (double West, double North, double East, double South) Bounds => (-106, 40, -105, 39);

    /// <summary>The gdal_translate options it was made with.</summary>
    public string TranslateOptions =>
        string.Join(' ', GdalCogCorpus.TranslateArguments(this).Select(a => a.Contains(' ') ? "'" + a + "'" : a));

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// A set of COGs written by GDAL itself (<c>gdal_translate -of COG</c>, through its Python bindings) into a temporary
/// folder: every integer and float band type, NONE/DEFLATE/LZW/PACKBITS/ZSTD with and without predictors, 256 and 512
/// blocks, rasters that are not a multiple of the block, some with nodata, all EPSG:4326. Each grid is a deterministic
/// pseudo-random field (smooth plus noise) seeded from the case name. <see cref="GdalReadWindow"/> reads a window back
/// with GDAL, to compare a reader against. Use it as an xUnit class fixture; it throws (never skips) when GDAL is missing.
/// </summary>
public sealed class GdalCogCorpus : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan MakeTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Makes the corpus; throws <see cref="InvalidOperationException"/> when GDAL or its Python bindings are missing.</summary>
    public GdalCogCorpus()
    {
        string? translate = FindOnPath("gdal_translate");
        if (translate is null || !File.Exists(Python))
        {
            throw new InvalidOperationException(
                "GDAL is not installed: the GDAL COG corpus needs gdal_translate on PATH and " + Python + " with `from osgeo import gdal`. " +
                "Install it with `apt-get install -y gdal-bin python3-gdal` (scripts/test.sh does this when it is missing).");
        }

        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "podcache-gdal-cogs-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            File.WriteAllText(ScriptPath("probe.py"), ProbeScript);
            File.WriteAllText(ScriptPath("make.py"), MakeScript);
            File.WriteAllText(ScriptPath("read.py"), ReadScript);

            var probe = Run(Python, [ScriptPath("probe.py")], ReadTimeout, "probing GDAL's Python bindings");
            using (var json = JsonDocument.Parse(probe))
            {
                GdalVersion = json.RootElement.GetProperty("version").GetString()!;
                SupportsZstd = json.RootElement.GetProperty("zstd").GetBoolean();
                SupportsInt8 = json.RootElement.GetProperty("int8").GetBoolean();
            }

            Cases = Plan(SupportsZstd, SupportsInt8).Select(c => c with { Path = System.IO.Path.Combine(Directory, c.Name + ".tif") }).ToArray();
            var manifest = Cases.Select(c => new Dictionary<string, object?>
            {
                ["name"] = c.Name,
                ["path"] = c.Path,
                ["dtype"] = c.DataType,
                ["width"] = c.Width,
                ["height"] = c.Height,
                ["block"] = c.BlockSize,
                ["nodata"] = c.NoData is { } nd ? (double.IsNaN(nd) ? "nan" : nd.ToString("R", CultureInfo.InvariantCulture)) : null,
                ["options"] = TranslateArguments(c),
            });
            File.WriteAllText(ScriptPath("cases.json"), JsonSerializer.Serialize(manifest));
            Run(Python, [ScriptPath("make.py"), ScriptPath("cases.json")], MakeTimeout, "making the COG corpus");

            var missing = Cases.Where(c => !File.Exists(c.Path)).Select(c => c.Name).ToArray();
            if (missing.Length > 0) throw new InvalidOperationException("GDAL did not write " + string.Join(", ", missing));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temporary folder holding the COGs (and the scripts that made them).</summary>
    public string Directory { get; }

    /// <summary>The GDAL version that made them, e.g. 3.6.2.</summary>
    public string GdalVersion { get; } = "";

    /// <summary>Whether this GDAL writes ZSTD (then the corpus has ZSTD cases).</summary>
    public bool SupportsZstd { get; }

    /// <summary>Whether this GDAL has the Int8 type (3.7 and later; then the corpus has Int8 cases).</summary>
    public bool SupportsInt8 { get; }

    /// <summary>Every COG of the corpus.</summary>
    public IReadOnlyList<CogCase> Cases { get; } = [];

    /// <summary>The case named <paramref name="name"/>.</summary>
    public CogCase this[string name] => Cases.SingleOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException("no COG case " + name);

    /// <summary>
    /// Reads a window of band 1 with GDAL (<c>ReadAsArray(col0, row0, cols, rows)</c>) and returns it row-major as doubles;
    /// nodata pixels hold the nodata value as stored (NaN only where the file has NaN).
    /// </summary>
    public double[] GdalReadWindow(CogCase c, int col0, int row0, int cols, int rows)
    {
        ArgumentNullException.ThrowIfNull(c);
        string output = System.IO.Path.Combine(Directory, "window-" + Guid.NewGuid().ToString("N") + ".f64");
        try
        {
            Run(Python, [ScriptPath("read.py"), c.Path, Str(col0), Str(row0), Str(cols), Str(rows), output], ReadTimeout,
                $"reading window ({col0}, {row0}, {cols} x {rows}) of {c.Name}");
            byte[] raw = File.ReadAllBytes(output);
            if (raw.Length != (long)cols * rows * sizeof(double))
            {
                throw new InvalidOperationException($"GDAL wrote {raw.Length} bytes for a {cols} x {rows} window of {c.Name}");
            }
            var values = new double[cols * rows];
            for (int i = 0; i < values.Length; i++) values[i] = BitConverter.ToDouble(raw, i * sizeof(double)); // Little-endian, as written.
            return values;
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>The output of <c>gdalinfo</c> for a case.</summary>
    public string GdalInfo(CogCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return Run("gdalinfo", [c.Path], ReadTimeout, "gdalinfo " + c.Name);
    }

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        try
        {
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The gdal_translate arguments of a case.</summary>
    internal static IReadOnlyList<string> TranslateArguments(CogCase c)
    {
        var (west, north, east, south) = CogCase.Bounds;
        var args = new List<string>
        {
            "-of", "COG", "-a_srs", "EPSG:4326",
            "-a_ullr", Str(west), Str(north), Str(east), Str(south),
            "-co", "BLOCKSIZE=" + Str(c.BlockSize), "-co", "COMPRESS=" + c.Compression,
        };
        if (c.Predictor != 1) args.AddRange(["-co", "PREDICTOR=" + Str(c.Predictor)]);
        if (c.NoData is { } nd) args.AddRange(["-a_nodata", double.IsNaN(nd) ? "nan" : nd.ToString("R", CultureInfo.InvariantCulture)]);
        return args;
    }

    /// <summary>The cases this GDAL can write.</summary>
    private static IEnumerable<CogCase> Plan(bool zstd, bool int8)
    {
        static CogCase C(string name, string type, string compress, int predictor, int w, int h, int block, double? nd = null) =>
            new(name, "", type, compress, w, h, block, nd) { Predictor = predictor };

        yield return C("byte_none_b256", "Byte", "NONE", 1, 600, 600, 256);
        yield return C("byte_deflate_b512", "Byte", "DEFLATE", 1, 1100, 700, 512);
        yield return C("byte_lzw_pred2_b256_nd255", "Byte", "LZW", 2, 700, 530, 256, 255);
        yield return C("byte_packbits_b256_exact", "Byte", "PACKBITS", 1, 512, 512, 256);
        yield return C("int16_lzw_pred2_b256_nd", "Int16", "LZW", 2, 700, 530, 256, -9999);
        yield return C("int16_packbits_b512", "Int16", "PACKBITS", 1, 600, 600, 512);
        yield return C("int16_deflate_b256", "Int16", "DEFLATE", 1, 1100, 700, 256);
        yield return C("uint16_deflate_pred2_b512_nd0", "UInt16", "DEFLATE", 2, 1100, 700, 512, 0);
        yield return C("uint16_none_b256", "UInt16", "NONE", 1, 700, 530, 256);
        yield return C("int32_deflate_b256_nd", "Int32", "DEFLATE", 1, 600, 600, 256, int.MinValue);
        yield return C("int32_lzw_pred2_b512", "Int32", "LZW", 2, 700, 530, 512);
        yield return C("uint32_none_b256", "UInt32", "NONE", 1, 600, 600, 256);
        yield return C("uint32_deflate_pred2_b256_nd", "UInt32", "DEFLATE", 2, 700, 530, 256, uint.MaxValue);
        yield return C("float32_deflate_pred3_b256_nd", "Float32", "DEFLATE", 3, 700, 530, 256, -9999);
        yield return C("float32_lzw_pred3_b512", "Float32", "LZW", 3, 1100, 700, 512);
        yield return C("float32_none_b256_ndnan", "Float32", "NONE", 1, 600, 600, 256, double.NaN);
        yield return C("float32_packbits_b256", "Float32", "PACKBITS", 1, 700, 530, 256);
        yield return C("float64_deflate_pred3_b256", "Float64", "DEFLATE", 3, 700, 530, 256);
        yield return C("float64_lzw_b512_nd", "Float64", "LZW", 1, 600, 600, 512, -1e30);
        yield return C("float64_none_b256", "Float64", "NONE", 1, 700, 530, 256);
        yield return C("float64_lzw_pred3_b256", "Float64", "LZW", 3, 600, 600, 256);
        if (zstd)
        {
            yield return C("uint16_zstd_pred2_b256", "UInt16", "ZSTD", 2, 700, 530, 256);
            yield return C("float32_zstd_b256", "Float32", "ZSTD", 1, 600, 600, 256);
            yield return C("float64_zstd_pred3_b512_nd", "Float64", "ZSTD", 3, 1100, 700, 512, -9999);
            yield return C("int32_zstd_b256", "Int32", "ZSTD", 1, 700, 530, 256);
        }
        if (int8)
        {
            yield return C("int8_deflate_b256_nd", "Int8", "DEFLATE", 1, 700, 530, 256, -128);
            yield return C("int8_none_b256", "Int8", "NONE", 1, 600, 600, 256);
        }
    }

    private string ScriptPath(string name) => System.IO.Path.Combine(Directory, name);

    private static string Str(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static string? FindOnPath(string program)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Runs a program, returns its standard output; throws with its standard error when it fails or overruns.</summary>
    internal static string Run(string program, IReadOnlyList<string> args, TimeSpan timeout, string what)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["GDAL_PAM_ENABLED"] = "NO"; // No .aux.xml side files.
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + program);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"GDAL is not installed ({program}: {e.Message}); install it with `apt-get install -y gdal-bin python3-gdal`.", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{what}: {program} did not finish in {timeout.TotalSeconds:0} s");
            }
            process.WaitForExit();
            string output = stdout.GetAwaiter().GetResult();
            string error = stderr.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                string hint = error.Contains("No module named 'osgeo'", StringComparison.Ordinal)
                    ? " (GDAL's Python bindings are missing: `apt-get install -y python3-gdal`)"
                    : "";
                throw new InvalidOperationException($"{what}: {program} exited with {process.ExitCode}{hint}:\n{error}{output}");
            }
            return output;
        }
    }

    private const string ProbeScript = """
        import json
        from osgeo import gdal
        cog = gdal.GetDriverByName("COG")
        if cog is None:
            raise SystemExit("this GDAL has no COG driver (GDAL 3.1 or later is needed)")
        options = cog.GetMetadataItem("DMD_CREATIONOPTIONLIST") or ""
        types = (cog.GetMetadataItem("DMD_CREATIONDATATYPES") or "").split()
        print(json.dumps({
            "version": gdal.__version__,
            "zstd": "<Value>ZSTD</Value>" in options,
            "int8": hasattr(gdal, "GDT_Int8") and "Int8" in types,
        }))

        """;

    private const string MakeScript = """
        # Writes each case of cases.json: a deterministic pseudo-random grid, then gdal_translate (gdal.Translate) -of COG.
        import json, math, sys, zlib
        import numpy as np
        from osgeo import gdal

        gdal.UseExceptions()

        RANGES = {
            "Int8": (-128, 127), "Byte": (0, 255), "Int16": (-32768, 32767), "UInt16": (0, 65535),
            "Int32": (-2147483648, 2147483647), "UInt32": (0, 4294967295),
        }
        NUMPY = {
            "Int8": np.int8, "Byte": np.uint8, "Int16": np.int16, "UInt16": np.uint16,
            "Int32": np.int32, "UInt32": np.uint32, "Float32": np.float32, "Float64": np.float64,
        }

        def grid(case):
            w, h, name, dtype = case["width"], case["height"], case["name"], case["dtype"]
            rng = np.random.default_rng(zlib.crc32(name.encode("utf-8")))
            y, x = np.mgrid[0:h, 0:w].astype(np.float64)
            phase = rng.uniform(0, 2 * math.pi, 2)
            smooth = np.sin(x / 41.0 + phase[0]) * np.cos(y / 29.0 + phase[1])  # in [-1, 1]
            noise = rng.standard_normal((h, w))
            if dtype in RANGES:
                lo, hi = RANGES[dtype]
                mid, half = (lo + hi) / 2.0, (hi - lo) / 2.0
                v = mid + half * (0.8 * smooth) + half * 0.05 * noise
                v = np.clip(np.rint(v), lo, hi)
            elif dtype == "Float32":
                v = 1000.0 * smooth + 25.0 * noise
            else:
                v = 1.0e6 * smooth + 1.0e3 * noise + rng.random((h, w)) * 1e-7
            v = v.astype(NUMPY[dtype])
            nd = case["nodata"]
            if nd is not None:
                mask = rng.random((h, w)) < 0.02
                mask[h // 3 : h // 3 + 37, w // 5 : w // 5 + 53] = True
                b = case["block"]
                mask[b : 2 * b, 0 : b] = True  # one whole tile of nodata, where the raster has it
                if nd == "nan":
                    v[mask] = np.nan
                else:
                    ndv = NUMPY[dtype](float(nd)) if dtype.startswith("Float") else NUMPY[dtype](int(float(nd)))
                    clash = (v == ndv) & ~mask
                    if dtype in RANGES:
                        lo, hi = RANGES[dtype]
                        v[clash] = ndv + 1 if int(ndv) < hi else ndv - 1
                    else:
                        v[clash] = ndv + 1
                    v[mask] = ndv
            return v

        def main():
            with open(sys.argv[1]) as f:
                cases = json.load(f)
            mem = gdal.GetDriverByName("MEM")
            for case in cases:
                data = grid(case)
                src = mem.Create("", case["width"], case["height"], 1, gdal.GetDataTypeByName(case["dtype"]))
                src.GetRasterBand(1).WriteArray(data)
                out = gdal.Translate(case["path"], src, options=case["options"])
                if out is None:
                    raise SystemExit("gdal_translate failed for " + case["name"])
                out = None
                src = None
                check = gdal.Open(case["path"])
                layout = check.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE")
                if layout != "COG":
                    raise SystemExit(case["name"] + ": LAYOUT is " + str(layout) + ", not COG")
                back = check.GetRasterBand(1).ReadAsArray()
                if not np.array_equal(back, data, equal_nan=data.dtype.kind == "f"):
                    raise SystemExit(case["name"] + ": GDAL reads back other values than it wrote")
                check = None

        main()

        """;

    private const string ReadScript = """
        # read.py PATH COL0 ROW0 COLS ROWS OUT: band 1's window as little-endian float64, row-major.
        import sys
        import numpy as np
        from osgeo import gdal

        gdal.UseExceptions()
        path, col0, row0, cols, rows, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
        ds = gdal.Open(path)
        a = ds.GetRasterBand(1).ReadAsArray(col0, row0, cols, rows)
        if a is None:
            raise SystemExit("ReadAsArray returned nothing for %s (%d, %d, %d x %d)" % (path, col0, row0, cols, rows))
        np.ascontiguousarray(a, dtype="<f8").tofile(out)

        """;
}

using System.Text;
using System.Text.Json.Nodes;
using PodCache.Runtime.Zarr;

namespace PodCache.Runtime.Tests.Zarr;

public sealed class ZarrArrayTests(ZarrPythonCorpus corpus) : IClassFixture<ZarrPythonCorpus>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static bool Same(double a, double b) => a.Equals(b) || (double.IsNaN(a) && double.IsNaN(b));

    private static long[] Strides(int[] shape)
    {
        var s = new long[shape.Length];
        long n = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            s[d] = n;
            n *= shape[d];
        }

        return s;
    }

    // numpy's values of a window, taken from its values of the whole array.
    private static double[] Slice(double[] full, int[] shape, int[] start, int[] count)
    {
        long total = count.Aggregate(1L, (a, c) => a * c);
        var result = new double[total];
        var fs = Strides(shape);
        var ws = Strides(count);
        for (long i = 0; i < total; i++)
        {
            long rem = i;
            long offset = 0;
            for (int d = 0; d < shape.Length; d++)
            {
                long k = rem / ws[d];
                rem %= ws[d];
                offset += (start[d] + k) * fs[d];
            }

            result[i] = full[offset];
        }

        return result;
    }

    private static string? Compare(string what, double[] expected, double[] got)
    {
        if (expected.Length != got.Length)
        {
            return $"{what}: {got.Length} values, expected {expected.Length}";
        }

        for (int i = 0; i < got.Length; i++)
        {
            if (!Same(expected[i], got[i]))
            {
                return $"{what}: element {i} is {got[i]:R}, numpy says {expected[i]:R}";
            }
        }

        return null;
    }

    [Fact]
    public async Task Every_python_array_reads_as_numpy_does_whole_and_windowed()
    {
        var failures = new List<string>();
        int checkedCases = 0;
        foreach (var c in corpus.Cases)
        {
            try
            {
                var store = MemoryZarrStore.FromDirectory(c.Dir);
                var array = await ZarrArray.OpenAsync(store, c.Path, None);
                Assert.Equal(c.Shape, array.Shape);
                Assert.Equal(c.Chunks, array.Chunks);
                Assert.Equal(c.DType, array.DType);
                Assert.Equal(Enumerable.Range(0, c.Shape.Length).Select(k => "d" + k), array.Dimensions!);
                Assert.Equal("m", array.Attributes["units"]!.GetValue<string>());
                var expected = ZarrPythonCorpus.Expected(c.Expected);

                var whole = await array.ReadAsync(new int[c.Shape.Length], c.Shape, None);
                if (Compare(c.Name + " whole", expected, whole) is { } f1)
                {
                    failures.Add(f1);
                }

                // A window from just before the first chunk edge to just past the next one, clipped to the array.
                var start = c.Chunks.Select((ch, d) => Math.Max(0, Math.Min(ch - 3, c.Shape[d] - 1))).ToArray();
                var count = start.Select((s, d) => Math.Min(c.Shape[d] - s, c.Chunks[d] + 5)).ToArray();
                var window = await array.ReadAsync(start, count, None);
                if (Compare(c.Name + " window", Slice(expected, c.Shape, start, count), window) is { } f2)
                {
                    failures.Add(f2);
                }

                // A single element in the last (edge) chunk.
                var lastStart = c.Shape.Select(s => s - 1).ToArray();
                var one = await array.ReadAsync(lastStart, c.Shape.Select(_ => 1).ToArray(), None);
                if (!Same(one[0], expected[^1]))
                {
                    failures.Add($"{c.Name} last element: {one[0]:R}, numpy says {expected[^1]:R}");
                }

                checkedCases++;
            }
            catch (Exception e)
            {
                failures.Add($"{c.Name}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Contains(corpus.Cases, c => c.Name == "i8_delta_twice");
        Assert.True(checkedCases >= 90, $"only {checkedCases} cases");
    }

    [Fact]
    public async Task Every_dtype_compressor_and_order_is_in_the_corpus()
    {
        string[] dtypes = ["|b1", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8"];
        Assert.All(dtypes, d => Assert.Contains(corpus.Cases, c => c.DType == d));
        Assert.Contains(corpus.Cases, c => c.Order == "F");
        foreach (var id in new[] { "none", "zlib", "gzip", "zstd", "lz4", "blosc_lz4_shuffle", "blosc_zstd_shuffle", "blosc_zlib_bitshuffle", "blosc_lz4_noshuffle" })
        {
            Assert.Contains(corpus.Cases, c => c.Compressor == id);
        }

        // The corpus really has the blosc layouts the reader must handle.
        var flags = new HashSet<int>();
        bool multiBlock = false;
        foreach (var c in corpus.Cases.Where(c => c.Compressor.StartsWith("blosc", StringComparison.Ordinal)))
        {
            foreach (var (key, bytes) in MemoryZarrStore.FromDirectory(c.Dir).Items.Where(kv => !kv.Key.Contains(".z", StringComparison.Ordinal)))
            {
                flags.Add(bytes[2] & 0x17);
                multiBlock |= BitConverter.ToUInt32(bytes, 8) < BitConverter.ToUInt32(bytes, 4) && (bytes[2] & 0x10) == 0;
            }
        }

        Assert.Contains(0x01, flags); // byte shuffle, split
        Assert.Contains(0x11, flags); // byte shuffle, not split
        Assert.Contains(0x04, flags); // bit shuffle
        Assert.Contains(0x03, flags); // memcpyed
        Assert.Contains(0x00, flags); // no shuffle
        Assert.True(multiBlock, "no split multi-block blosc chunk in the corpus");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Missing_chunks_read_as_the_fill_value()
    {
        var c = corpus.Case("f8_missing");
        var store = MemoryZarrStore.FromDirectory(c.Dir);
        var array = await ZarrArray.OpenAsync(store, "data", None);
        Assert.Equal(-9999.5, array.FillValue);
        Assert.Equal("data/0.1", array.ChunkKey([0, 1]));
        Assert.DoesNotContain("data/0.1", store.Items.Keys);
        var window = await array.ReadAsync([0, 16], [10, 16], None); // exactly chunk 0.1
        Assert.All(window, v => Assert.Equal(-9999.5, v));

        var slash = corpus.Case("u1_missing_slash");
        var s2 = MemoryZarrStore.FromDirectory(slash.Dir);
        var a2 = await ZarrArray.OpenAsync(s2, "data", None);
        Assert.Equal("data/0/0", a2.ChunkKey([0, 0]));
        Assert.All(await a2.ReadAsync([0, 0], [10, 16], None), v => Assert.Equal(3, v));
    }

    [Fact]
    public async Task A_null_fill_value_reads_missing_chunks_as_NaN()
    {
        var c = corpus.Case("f8_missing");
        var store = MemoryZarrStore.FromDirectory(c.Dir);
        var meta = JsonNode.Parse(store.Items["data/.zarray"])!.AsObject();
        meta["fill_value"] = null;
        store.Items["data/.zarray"] = Encoding.UTF8.GetBytes(meta.ToJsonString());
        var array = await ZarrArray.OpenAsync(store, "data", None);
        Assert.Null(array.FillValue);
        Assert.All(await array.ReadAsync([0, 16], [10, 16], None), v => Assert.True(double.IsNaN(v)));
        var expected = ZarrPythonCorpus.Expected(c.Expected);
        Assert.Equal(expected[0], (await array.ReadAsync([0, 0], [1, 1], None))[0]);
    }

    [Fact]
    public async Task Fill_values_NaN_Infinity_and_bools_parse()
    {
        Assert.True(double.IsNaN((await Open(Meta(fill: "\"NaN\""))).FillValue!.Value));
        Assert.Equal(double.PositiveInfinity, (await Open(Meta(fill: "\"Infinity\""))).FillValue);
        Assert.Equal(double.NegativeInfinity, (await Open(Meta(fill: "\"-Infinity\""))).FillValue);
        Assert.Equal(1, (await Open(Meta(dtype: "|b1", fill: "true"))).FillValue);
        Assert.Equal(-3.5, (await Open(Meta(fill: "-3.5"))).FillValue);
    }

    [Fact]
    public async Task Consolidated_metadata_opens_arrays_without_reading_their_zarray()
    {
        string dir = Path.Combine(corpus.Directory, "consolidated");
        var store = MemoryZarrStore.FromDirectory(dir);
        var metadata = ZarrArray.ParseConsolidated(store.Items[".zmetadata"]);
        var temp = await ZarrArray.OpenAsync(store, "temp", None, metadata);
        var mask = await ZarrArray.OpenAsync(store, "/sub/mask/", None, metadata);
        Assert.Equal(0, store.Reads);
        Assert.Equal(["lat", "lon"], temp.Dimensions!);
        Assert.Null(mask.Dimensions);
        Assert.Equal(0, mask.FillValue);
        Assert.Equal("sub/mask", mask.Path);
        Assert.Equal("sub/mask/0.0", mask.ChunkKey([0, 0]));
        Assert.Null(Compare("temp", ZarrPythonCorpus.Expected(Path.Combine(corpus.Directory, "consolidated.temp.expected")),
            await temp.ReadAsync([0, 0], [12, 20], None)));
        Assert.Null(Compare("mask", ZarrPythonCorpus.Expected(Path.Combine(corpus.Directory, "consolidated.mask.expected")),
            await mask.ReadAsync([0, 0], [12, 20], None)));
        Assert.DoesNotContain(store.Requested, k => k.EndsWith(".zarray", StringComparison.Ordinal) || k.EndsWith(".zattrs", StringComparison.Ordinal));

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ZarrArray.OpenAsync(store, "nope", None, metadata));
        Assert.Contains("nope/.zarray", ex.Message);
    }

    [Fact]
    public async Task Blosc_internal_blosclz_reads_and_snappy_is_refused_by_name()
    {
        Assert.Contains(corpus.Cases, c => c.Compressor.Contains("blosclz", StringComparison.Ordinal) && c.Shape[0] == 300);
        var c = corpus.Case("f4_blosclz");
        var store = MemoryZarrStore.FromDirectory(c.Dir);
        var array = await ZarrArray.OpenAsync(store, "data", None);
        Assert.Null(Compare("f4_blosclz", ZarrPythonCorpus.Expected(c.Expected), await array.ReadAsync([0, 0], c.Shape, None)));

        // The same chunk claiming snappy (code 2) inside.
        string key = store.Items.Keys.First(k => k.StartsWith("data/", StringComparison.Ordinal) && !k.Contains(".z", StringComparison.Ordinal) && (store.Items[k][2] & 0x2) == 0);
        store.Items[key][2] = (byte)((store.Items[key][2] & 0x1f) | (2 << 5));
        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => array.ReadAsync([0, 0], c.Shape, None));
        Assert.Contains("snappy", ex.Message);
        Assert.Contains(key, ex.Message);
    }

    [Fact]
    public async Task ChunksTouching_lists_the_window_chunks_in_C_order()
    {
        var array = await Open(Meta(shape: "[23, 37]", chunks: "[10, 16]"));
        var touched = array.ChunksTouching([9, 15], [2, 18]);
        Assert.Equal(new[] { "x/0.0", "x/0.1", "x/0.2", "x/1.0", "x/1.1", "x/1.2" }, touched.Select(array.ChunkKey));
        Assert.Empty(array.ChunksTouching([0, 0], [0, 5]));
        Assert.Throws<ArgumentException>(() => array.ChunksTouching([20, 0], [4, 1]));
        Assert.Throws<ArgumentException>(() => array.ChunksTouching([0], [1]));
        await Assert.ThrowsAsync<ArgumentException>(() => array.ReadAsync([-1, 0], [1, 1], None));
        Assert.Throws<ArgumentException>(() => array.ChunkKey([0, -1]));

        // Tiny chunks: a window touching millions of them is refused, not listed.
        var tiny = await Open(Meta(shape: "[100000, 100000]", chunks: "[1, 1]"));
        Assert.Throws<NotSupportedException>(() => tiny.ChunksTouching([0, 0], [2000, 2000]));
        Assert.Equal(4, tiny.ChunksTouching([5, 5], [2, 2]).Count);
    }

    [Fact]
    public async Task Corrupt_and_truncated_chunks_are_InvalidDataException_naming_the_key()
    {
        foreach (var name in new[] { "f8be_zlib_C", "f8be_gzip_F", "u8be_zstd_F", "i4be_lz4_F", "f8_blosc_lz4_small_blocks", "f4_blosc_lz4_4k", "f4_blosc_zstd1_4k_shuffle", "i8_blosc_zlib_4k_bit", "f8_none_C" })
        {
            var c = corpus.Case(name);
            var clean = MemoryZarrStore.FromDirectory(c.Dir);
            string key = clean.Items.Keys.Where(k => k.StartsWith("data/", StringComparison.Ordinal) && !k.Contains(".z", StringComparison.Ordinal)).Order(StringComparer.Ordinal).First();
            byte[] good = clean.Items[key];
            var window = (new int[2], c.Chunks);

            // Trailing bytes after a zlib/gzip/zstd/lz4 stream are not checked (as numcodecs); after a blosc buffer or a raw chunk they are.
            // A zlib/gzip stream cut inside its trailing checksum still inflates to the whole chunk (.NET does not report it).
            var bads = new List<byte[]> { good[..(good.Length / 2)], Array.Empty<byte>() };
            if (c.Compressor is not ("zlib" or "gzip"))
            {
                bads.Add(good[..^1]);
            }

            if (c.Compressor.StartsWith("blosc", StringComparison.Ordinal) || c.Compressor == "none")
            {
                bads.Add(Concat(good, [1, 2, 3]));
            }

            foreach (var bad in bads)
            {
                clean.Items[key] = bad;
                var array = await ZarrArray.OpenAsync(clean, "data", None);
                var ex = await Record.ExceptionAsync(() => array.ReadAsync(window.Item1, window.Chunks, None));
                Assert.True(ex is InvalidDataException, $"{name}: {bad.Length} of {good.Length} bytes: {ex?.GetType().Name ?? "no exception"}");
                Assert.Contains(key, ex!.Message);
            }
        }

        // Random damage: any outcome but an exception other than InvalidData/NotSupported is a failure.
        var rng = new Random(7);
        foreach (var c in corpus.Cases.Where(c => c.Shape.Length == 2 && c.Missing.Length == 0 && c.Path == "data"))
        {
            var store = MemoryZarrStore.FromDirectory(c.Dir);
            var chunkKeys = store.Items.Where(kv => kv.Key.StartsWith("data/", StringComparison.Ordinal) && !kv.Key.Contains(".z", StringComparison.Ordinal)).ToList();

            // The largest chunk (often a plain copy in blosc) and the smallest (the most compressed).
            foreach (string key in new[] { chunkKeys.MaxBy(kv => kv.Value.Length).Key, chunkKeys.MinBy(kv => kv.Value.Length).Key }.Distinct())
            {
                byte[] good = store.Items[key];
                for (int trial = 0; trial < (c.Shape[0] < 100 ? 12 : 4); trial++)
                {
                    byte[] bad = good.ToArray();
                    if (trial % 3 == 0 && bad.Length > 1)
                    {
                        bad = bad[..rng.Next(bad.Length)];
                    }
                    else
                    {
                        for (int k = 0; k < 1 + rng.Next(4); k++)
                        {
                            if (bad.Length > 0)
                            {
                                bad[rng.Next(Math.Min(bad.Length, trial % 2 == 0 ? 40 : bad.Length))] ^= (byte)(1 << rng.Next(8));
                            }
                        }
                    }

                    store.Items[key] = bad;
                    var array = await ZarrArray.OpenAsync(store, "data", None);
                    try
                    {
                        await array.ReadAsync([0, 0], c.Shape, None);
                    }
                    catch (Exception e) when (e is InvalidDataException or NotSupportedException)
                    {
                        Assert.Contains(key, e.Message);
                    }
                }

                store.Items[key] = good;
            }
        }
    }

    [Fact]
    public void Random_bytes_are_only_ever_InvalidData_or_NotSupported()
    {
        var rng = new Random(11);
        string[] ids = ["zlib", "gzip", "zstd", "lz4", "blosc"];
        for (int trial = 0; trial < 3000; trial++)
        {
            int expected = rng.Next(0, 2000);
            var bytes = new byte[rng.Next(0, 400)];
            rng.NextBytes(bytes);
            if (bytes.Length >= 16 && trial % 2 == 0)
            {
                // A plausible blosc header, so the block parsing and the internal codecs see the garbage.
                bytes[0] = 2;
                bytes[2] = (byte)((rng.Next(5) << 5) | (rng.Next(2) * 0x10) | (rng.Next(3) switch { 0 => 0, 1 => 1, _ => 4 }));
                bytes[3] = (byte)rng.Next(1, 17);
                BitConverter.TryWriteBytes(bytes.AsSpan(4), expected);
                BitConverter.TryWriteBytes(bytes.AsSpan(8), rng.Next(1, Math.Max(2, expected + 1)));
                BitConverter.TryWriteBytes(bytes.AsSpan(12), bytes.Length);
            }
            else if (bytes.Length >= 4 && trial % 3 == 0)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(0), expected); // numcodecs LZ4's size prefix
            }

            string id = trial % 2 == 0 ? "blosc" : ids[rng.Next(ids.Length)];
            var compressor = new JsonObject { ["id"] = id };
            try
            {
                ZarrCodecs.Decode(compressor, bytes, expected, "k/0.0");
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                Assert.Contains("k/0.0", e.Message);
            }

            var output = new byte[expected];
            try
            {
                Blosc.BloscLz(bytes, output, "blosclz");
            }
            catch (InvalidDataException)
            {
            }
        }

        // Damaged .zarray text.
        string meta = Meta(shape: "[20, 30]", chunks: "[10, 10]");
        for (int trial = 0; trial < 2000; trial++)
        {
            var chars = meta.ToCharArray();
            for (int k = 0; k < 1 + rng.Next(3); k++)
            {
                chars[rng.Next(chars.Length)] = "0123456789-.,:[]{}\"aeE \\"[rng.Next(24)];
            }

            try
            {
                ZarrMetadata.Parse(Encoding.UTF8.GetBytes(new string(chars)), "k/.zarray");
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                Assert.Contains("k/.zarray", e.Message);
            }
        }
    }

    [Fact]
    public async Task Lying_blosc_headers_are_refused_before_allocating()
    {
        var c = corpus.Case("f4_blosc_lz4_4k");
        var store = MemoryZarrStore.FromDirectory(c.Dir);
        byte[] good = store.Items["data/0.0"];

        async Task<InvalidDataException> Bad(Action<byte[]> damage)
        {
            byte[] bad = good.ToArray();
            damage(bad);
            store.Items["data/0.0"] = bad;
            var array = await ZarrArray.OpenAsync(store, "data", None);
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => array.ReadAsync([0, 0], [1, 1], None));
            Assert.Contains("data/0.0", ex.Message);
            return ex;
        }

        Assert.Contains("4294967295", (await Bad(b => BitConverter.TryWriteBytes(b.AsSpan(4), uint.MaxValue))).Message); // nbytes 4 GB
        await Bad(b => BitConverter.TryWriteBytes(b.AsSpan(12), b.Length + 1)); // cbytes past the end
        await Bad(b => BitConverter.TryWriteBytes(b.AsSpan(8), 1)); // blocksize 1: more block starts than bytes
        await Bad(b => BitConverter.TryWriteBytes(b.AsSpan(8), 0)); // blocksize 0
        await Bad(b => BitConverter.TryWriteBytes(b.AsSpan(16), int.MaxValue)); // a block start past the end
        await Bad(b => BitConverter.TryWriteBytes(b.AsSpan(BitConverter.ToInt32(b, 16)), int.MaxValue)); // a stream size past the end
        await Bad(b => BitConverter.TryWriteBytes(b.AsSpan(BitConverter.ToInt32(b, 16)), -5)); // a negative stream size
        await Bad(b => b[3] = 0); // typesize 0
        await Bad(b => b[0] = 9); // unknown format version
        await Bad(b => b[2] = (byte)((b[2] & 0x1f) | (7 << 5))); // codec 7

        // numcodecs LZ4 with a size prefix that lies.
        var lz = MemoryZarrStore.FromDirectory(corpus.Case("i4be_lz4_F").Dir);
        lz.Items["data/0.0"] = Concat(BitConverter.GetBytes(int.MaxValue), lz.Items["data/0.0"][4..]);
        var lzArray = await ZarrArray.OpenAsync(lz, "data", None);
        Assert.Contains("data/0.0", (await Assert.ThrowsAsync<InvalidDataException>(() => lzArray.ReadAsync([0, 0], [1, 1], None))).Message);
    }

    [Fact]
    public async Task Untrusted_metadata_is_refused_naming_the_key_and_field()
    {
        async Task Invalid(string json, string field)
        {
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Open(json, "grp/x"));
            Assert.Contains("grp/x/.zarray", ex.Message);
            Assert.Contains(field, ex.Message);
        }

        async Task Unsupported(string json, string what)
        {
            var ex = await Assert.ThrowsAsync<NotSupportedException>(() => Open(json, "grp/x"));
            Assert.Contains("grp/x/.zarray", ex.Message);
            Assert.Contains(what, ex.Message);
        }

        await Invalid(Meta(shape: "[-1, 5]"), "shape");
        await Invalid(Meta(shape: "[1.5, 5]"), "shape");
        await Invalid(Meta(shape: "[\"a\", 5]"), "shape");
        await Invalid(Meta(shape: "[99999999999, 5]"), "shape");
        await Invalid(Meta(chunks: "[0, 5]"), "chunks");
        await Invalid(Meta(chunks: "[5]"), "chunks");
        await Invalid(Meta(shape: "[2000000000, 2000000000]", chunks: "[100000, 100000]"), "chunks");
        await Invalid(Meta(shape: "[" + string.Join(",", Enumerable.Repeat(1, 33)) + "]", chunks: "[" + string.Join(",", Enumerable.Repeat(1, 33)) + "]"), "shape");
        await Invalid(Meta(order: "\"X\""), "order");
        await Invalid(Meta(fill: "\"banana\""), "fill_value");
        await Invalid(Meta(fill: "[1]"), "fill_value");
        await Invalid(Meta(separator: "\"-\""), "dimension_separator");
        await Invalid(Meta(compressor: "{\"level\": 1}"), "compressor");
        await Invalid(Meta().Replace("\"zarr_format\": 2", "\"zarr_format\": \"2\""), "zarr_format");
        await Invalid("{\"shape\": [", ".zarray");
        await Invalid("[1, 2]", ".zarray");
        await Invalid(Meta().Replace("\"zarr_format\": 2", "\"zarr_format\": 2, \"shape\": [1, 1]"), ".zarray"); // a duplicate name
        await Unsupported(Meta(dtype: "<U4"), "<U4");
        await Unsupported(Meta(dtype: "<M8[ns]"), "<M8[ns]");
        await Unsupported(Meta(dtype: "<c8"), "<c8");
        await Unsupported(Meta(dtype: "|O"), "|O");
        await Unsupported(Meta(dtypeJson: "[[\"a\", \"<f4\"], [\"b\", \"<i2\"]]"), "structured");
        await Unsupported(Meta(filters: "[{\"id\": \"fixedscaleoffset\", \"dtype\": \"<f8\"}]"), "fixedscaleoffset");
        await Unsupported(Meta(filters: "[{\"id\": \"delta\", \"dtype\": \"<f8\", \"astype\": \"<i2\"}]"), "delta");
        await Unsupported(Meta(filters: "[{\"id\": \"delta\", \"dtype\": \"<i2\"}]"), "delta");
        await Invalid(Meta(filters: "[{\"id\": \"delta\"}]"), "dtype");
        await Invalid(Meta(filters: "[3]"), "filters");
        await Invalid(Meta(dtype: "|i1", shape: "[1000000, 1000]", chunks: "[1000000, 1000]", filters: "[{\"id\": \"delta\", \"dtype\": \"|i1\", \"astype\": \"<i8\"}]"), "chunks");
        await Unsupported(Meta(compressor: "{\"id\": \"bz2\", \"level\": 1}"), "bz2");
        await Unsupported(Meta().Replace("\"zarr_format\": 2", "\"zarr_format\": 3"), "zarr_format");

        // .zattrs with nonsense dimension names.
        var store = Store(Meta(), "grp/x");
        store.Items["grp/x/.zattrs"] = Encoding.UTF8.GetBytes("{\"_ARRAY_DIMENSIONS\": [\"y\"]}");
        Assert.Contains("grp/x/.zattrs", (await Assert.ThrowsAsync<InvalidDataException>(() => ZarrArray.OpenAsync(store, "grp/x", None))).Message);
        store.Items["grp/x/.zattrs"] = Encoding.UTF8.GetBytes("{\"a\": {\"b\": 1, \"b\": 2}}");
        Assert.Contains("grp/x/.zattrs", (await Assert.ThrowsAsync<InvalidDataException>(() => ZarrArray.OpenAsync(store, "grp/x", None))).Message);
        Assert.Contains(".zmetadata", Assert.Throws<InvalidDataException>(() => ZarrArray.ParseConsolidated(Encoding.UTF8.GetBytes("{\"metadata\": {\"a\": 1, \"a\": 1}}"))).Message);

        // No array at all.
        Assert.Contains("nothing/.zarray", (await Assert.ThrowsAsync<InvalidDataException>(() => ZarrArray.OpenAsync(new MemoryZarrStore(), "nothing", None))).Message);
    }

    [Fact]
    public async Task Uncompressed_chunks_of_the_wrong_size_and_0d_arrays()
    {
        var store = Store(Meta(shape: "[3, 4]", chunks: "[2, 2]", compressor: "null", dtype: "<i2"), "a");
        store.Items["a/0.0"] = [1, 0, 2, 0, 3, 0, 4, 0];
        store.Items["a/1.1"] = [1, 0, 2, 0, 3, 0];
        var array = await ZarrArray.OpenAsync(store, "a", None);
        Assert.Equal(new double[] { 1, 2, 0, 0, 3, 4, 0, 0 }, await array.ReadAsync([0, 0], [2, 4], None));
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => array.ReadAsync([2, 2], [1, 2], None));
        Assert.Contains("a/1.1", ex.Message);

        var scalar = Store(Meta(shape: "[]", chunks: "[]", compressor: "null", dtype: ">f8"), "");
        scalar.Items["0"] = BitConverter.GetBytes(BitConverter.DoubleToInt64Bits(2.5)).Reverse().ToArray();
        var s = await ZarrArray.OpenAsync(scalar, "", None);
        Assert.Equal(new[] { 2.5 }, await s.ReadAsync([], [], None));
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        var c = corpus.Case("f4_blosc_lz4_4k");
        var array = await ZarrArray.OpenAsync(MemoryZarrStore.FromDirectory(c.Dir), "data", None);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => array.ReadAsync([0, 0], c.Shape, cts.Token));
    }

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];

    private static string Meta(string shape = "[20, 30]", string chunks = "[10, 10]", string dtype = "<f8", string? dtypeJson = null,
        string order = "\"C\"", string fill = "0", string compressor = "{\"id\": \"zlib\", \"level\": 1}", string filters = "null",
        string separator = "\".\"") =>
        $$"""{"zarr_format": 2, "shape": {{shape}}, "chunks": {{chunks}}, "dtype": {{dtypeJson ?? "\"" + dtype + "\""}}, "order": {{order}}, "fill_value": {{fill}}, "compressor": {{compressor}}, "filters": {{filters}}, "dimension_separator": {{separator}}}""";

    private static MemoryZarrStore Store(string zarray, string path)
    {
        var store = new MemoryZarrStore();
        store.Items[(path.Length == 0 ? "" : path + "/") + ".zarray"] = Encoding.UTF8.GetBytes(zarray);
        return store;
    }

    private static Task<ZarrArray> Open(string zarray, string path = "x") => ZarrArray.OpenAsync(Store(zarray, path), path, None);
}

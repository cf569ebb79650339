using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using PodCache.Runtime.Zarr;

namespace PodCache.Runtime.Tests.Zarr;

/// <summary>An in-memory <see cref="IZarrStore"/> that counts its reads; <see cref="FromDirectory"/> loads a DirectoryStore.</summary>
internal sealed class MemoryZarrStore : IZarrStore
{
    private int _reads;

    public Dictionary<string, byte[]> Items { get; } = new(StringComparer.Ordinal);

    public List<string> Requested { get; } = [];

    public int Reads => _reads;

    public static MemoryZarrStore FromDirectory(string dir)
    {
        var store = new MemoryZarrStore();
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            store.Items[Path.GetRelativePath(dir, file).Replace('\\', '/')] = File.ReadAllBytes(file);
        }

        return store;
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        lock (Requested)
        {
            Requested.Add(key);
        }

        return Task.FromResult(Items.TryGetValue(key, out var v) ? (byte[]?)v.ToArray() : null);
    }
}

/// <summary>One array written by python zarr: its manifest entry and numpy's values (as float64) of the whole array.</summary>
public sealed record ZarrCase(string Name, string Dir, string Path, string DType, string Compressor, string Order, int[] Shape,
    int[] Chunks, string Separator, string[] Missing, string? Fill, string Expected)
{
    public override string ToString() => Name;
}

/// <summary>
/// Zarr v2 stores written by /usr/bin/python3's zarr and numcodecs into a temp folder: every dtype with a rotation of
/// compressors (none, zlib, gzip, zstd, lz4, blosc lz4/lz4hc/zstd/zlib with no/byte/bit shuffle, several blocks, leftover
/// blocks, memcpyed buffers, blosclz) in C and F order, edge chunks, "/" separators, a root array, deleted chunks and a
/// consolidated group. Throws (never skips) when python zarr is missing.
/// </summary>
public sealed class ZarrPythonCorpus : IDisposable
{
    private const string Python = "/usr/bin/python3";

    public ZarrPythonCorpus()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "podcache-zarr-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        string script = System.IO.Path.Combine(Directory, "make.py");
        File.WriteAllText(script, MakeScript);
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(Directory);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(Python + " is missing: install `apt-get install -y python3-zarr python3-numcodecs`", e);
        }

        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000))
            {
                p.Kill(true);
                throw new InvalidOperationException("python zarr timed out writing the corpus");
            }

            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    "python zarr failed to write the corpus (install `apt-get install -y python3-zarr python3-numcodecs`): " + stderr.Result);
            }

            _ = stdout.Result;
        }

        var manifest = JsonNode.Parse(File.ReadAllBytes(System.IO.Path.Combine(Directory, "manifest.json")))!;
        ZarrVersion = manifest["zarr"]!.GetValue<string>();
        Cases = manifest["cases"]!.AsArray().Select(c => new ZarrCase(
            c!["name"]!.GetValue<string>(), c["dir"]!.GetValue<string>(), c["path"]!.GetValue<string>(),
            c["dtype"]!.GetValue<string>(), c["comp"]!.GetValue<string>(), c["order"]!.GetValue<string>(),
            c["shape"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray(), c["chunks"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray(),
            c["sep"]!.GetValue<string>(), c["missing"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray(),
            c["fill"]?.ToJsonString(), c["expected"]!.GetValue<string>())).ToArray();
    }

    public string Directory { get; }

    public string ZarrVersion { get; }

    public IReadOnlyList<ZarrCase> Cases { get; }

    public ZarrCase Case(string name) => Cases.Single(c => c.Name == name);

    public static double[] Expected(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var v = new double[bytes.Length / 8];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8));
        }

        return v;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, true);
        }
        catch (IOException)
        {
        }
    }

    private const string MakeScript = """
import json, os, shutil, sys
import numpy as np
import zarr
from numcodecs import Blosc, Zlib, GZip, Zstd, LZ4, Delta

out = sys.argv[1]
rng = np.random.default_rng(42)

def values(dtype, shape):
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dt.kind == 'b':
        v = rng.integers(0, 2, n).astype(bool)
    elif dt.kind in 'iu':
        info = np.iinfo(dt)
        # mostly smooth small values (compressible) plus the extremes
        v = (np.arange(n) % 97).astype(np.int64)
        if dt.kind == 'i':
            v = v - 48
        v = v.astype(dt)
        v[::13] = info.max
        v[5::17] = info.min
        v[7::19] = rng.integers(info.min, info.max, len(v[7::19]), dtype=dt.newbyteorder("="), endpoint=True)
    else:
        v = (np.sin(np.arange(n) / 7.0) * 1000 + rng.normal(0, 1, n)).astype(dt)
        v[3::31] = np.nan
        v[4::37] = np.inf
        v[6::41] = -np.inf
    return v.reshape(shape)

COMP = {
    'none': lambda: None,
    'zlib': lambda: Zlib(level=5),
    'gzip': lambda: GZip(level=5),
    'zstd': lambda: Zstd(level=3),
    'lz4': lambda: LZ4(acceleration=1),
    'blosc_lz4_noshuffle': lambda: Blosc(cname='lz4', clevel=5, shuffle=Blosc.NOSHUFFLE),
    'blosc_lz4_shuffle': lambda: Blosc(cname='lz4', clevel=5, shuffle=Blosc.SHUFFLE),
    'blosc_lz4_bitshuffle': lambda: Blosc(cname='lz4', clevel=5, shuffle=Blosc.BITSHUFFLE),
    'blosc_lz4hc_shuffle': lambda: Blosc(cname='lz4hc', clevel=5, shuffle=Blosc.SHUFFLE),
    'blosc_zstd_shuffle': lambda: Blosc(cname='zstd', clevel=3, shuffle=Blosc.SHUFFLE),
    'blosc_zstd9_bitshuffle': lambda: Blosc(cname='zstd', clevel=9, shuffle=Blosc.BITSHUFFLE),
    'blosc_zlib_shuffle': lambda: Blosc(cname='zlib', clevel=5, shuffle=Blosc.SHUFFLE),
    'blosc_zlib_bitshuffle': lambda: Blosc(cname='zlib', clevel=5, shuffle=Blosc.BITSHUFFLE),
    'blosc_lz4_small_blocks': lambda: Blosc(cname='lz4', clevel=5, shuffle=Blosc.SHUFFLE, blocksize=1000),
    'blosc_lz4_small_blocks_bit': lambda: Blosc(cname='lz4', clevel=5, shuffle=Blosc.BITSHUFFLE, blocksize=1000),
    'blosc_zstd_small_blocks': lambda: Blosc(cname='zstd', clevel=5, shuffle=Blosc.SHUFFLE, blocksize=1000),
    'blosc_lz4_4k': lambda: Blosc(cname='lz4', clevel=5, shuffle=Blosc.SHUFFLE, blocksize=4096),
    'blosc_lz4_4k_bit': lambda: Blosc(cname='lz4', clevel=5, shuffle=Blosc.BITSHUFFLE, blocksize=4096),
    'blosc_zstd1_4k_shuffle': lambda: Blosc(cname='zstd', clevel=1, shuffle=Blosc.SHUFFLE, blocksize=4096),
    'blosc_zlib_4k_bit': lambda: Blosc(cname='zlib', clevel=5, shuffle=Blosc.BITSHUFFLE, blocksize=4096),
    'blosc_clevel0': lambda: Blosc(cname='lz4', clevel=0, shuffle=Blosc.SHUFFLE),
    'blosc_blosclz': lambda: Blosc(cname='blosclz', clevel=5, shuffle=Blosc.SHUFFLE),
    'blosc_blosclz9_bit': lambda: Blosc(cname='blosclz', clevel=9, shuffle=Blosc.BITSHUFFLE),
    'blosc_blosclz1_noshuffle': lambda: Blosc(cname='blosclz', clevel=1, shuffle=Blosc.NOSHUFFLE),
}

FILL = {'b': True, 'i': -1, 'u': 7, 'f': 'NaN'}

cases = []
def case(name, dtype, comp, order='C', shape=(23, 37), chunks=(10, 16), sep='.', missing=(), fill='default', root=False, filters=None):
    cases.append(dict(name=name, dtype=dtype, comp=comp, order=order, shape=list(shape), chunks=list(chunks), sep=sep,
                      missing=list(missing), fill=fill, root=root, filters=filters))

dtypes = ['|b1', '|i1', '|u1', '<i2', '>i2', '<u2', '>u2', '<i4', '>i4', '<u4', '>u4', '<i8', '>i8', '<u8', '>u8',
          '<f2', '>f2', '<f4', '>f4', '<f8', '>f8']
comps = ['none', 'zlib', 'gzip', 'zstd', 'lz4', 'blosc_lz4_shuffle', 'blosc_zstd_shuffle', 'blosc_lz4_bitshuffle',
         'blosc_zlib_shuffle', 'blosc_lz4_noshuffle', 'blosc_zstd9_bitshuffle', 'blosc_lz4hc_shuffle', 'blosc_zlib_bitshuffle']
for i, dt in enumerate(dtypes):
    for j in range(2):
        comp = comps[(i * 2 + j) % len(comps)]
        order = 'CF'[(i + j) % 2]
        case(f"{dt[1:]}{'be' if dt[0] == '>' else ''}_{comp}_{order}", dt, comp, order)
# blocks, leftovers and bitshuffle remainders (blocks whose element count is not a multiple of 8)
for comp in ['blosc_lz4_small_blocks', 'blosc_lz4_small_blocks_bit', 'blosc_zstd_small_blocks', 'blosc_clevel0']:
    for dt in ['<f8', '<i2', '>u4', '|u1']:
        case(f"{dt[1:]}_{comp}", dt, comp, 'C', shape=(45, 53), chunks=(21, 29))
for comp in ['blosc_lz4_4k', 'blosc_lz4_4k_bit', 'blosc_zstd1_4k_shuffle', 'blosc_zlib_4k_bit']:
    for dt in ['<f4', '>i8', '<u2']:
        case(f"{dt[1:]}_{comp}", dt, comp, 'CF'[len(cases) % 2], shape=(300, 310), chunks=(250, 301))
# a 3-d array with "/" separators, F order; a 1-d one; a root array; missing chunks
case('f4_3d_slash_F', '<f4', 'blosc_lz4_shuffle', 'F', shape=(5, 19, 23), chunks=(2, 8, 10), sep='/')
case('i4_1d', '<i4', 'zstd', 'C', shape=(1000,), chunks=(64,))
case('root_u2', '<u2', 'zlib', 'C', root=True)
case('f8_missing', '<f8', 'blosc_lz4_shuffle', 'C', missing=['0.1', '2.0'], fill=-9999.5)
case('i2_missing', '<i2', 'zlib', 'F', missing=['1.1'], fill=42)
case('u1_missing_slash', '|u1', 'none', 'C', sep='/', missing=['0/0'], fill=3)
case('f4_blosclz', '<f4', 'blosc_blosclz', 'C')
# numcodecs' delta filter
case('f8_delta_zlib', '<f8', 'zlib', 'C', filters=[('<f8', None)])
case('f4be_delta_blosc', '>f4', 'blosc_lz4_shuffle', 'F', filters=[('>f4', None)])
case('i4_delta_i2_blosc', '<i4', 'blosc_zstd_shuffle', 'C', filters=[('<i4', '<i2')])
case('u2be_delta', '>u2', 'none', 'F', filters=[('>u2', None)])
case('i8_delta_twice', '<i8', 'lz4', 'C', filters=[('<i8', None), ('<i8', '<i4')])
for comp in ['blosc_blosclz', 'blosc_blosclz9_bit', 'blosc_blosclz1_noshuffle']:
    for dt in ['<f8', '>i2', '|u1']:
        case(f"{dt[1:]}_{comp}_big", dt, comp, 'F', shape=(300, 310), chunks=(250, 301))

manifest = []
for c in cases:
    dt = np.dtype(c['dtype'])
    fill = FILL[dt.kind] if c['fill'] == 'default' else c['fill']
    if fill == 'NaN':
        fill = np.nan
    v = values(c['dtype'], c['shape'])
    d = os.path.join(out, c['name'])
    store = zarr.DirectoryStore(d, dimension_separator=c['sep'])
    path = None if c['root'] else 'data'
    if not c['root']:
        g = zarr.group(store=store)
    z = zarr.create(shape=c['shape'], chunks=c['chunks'], dtype=dt, compressor=COMP[c['comp']](), order=c['order'],
                    fill_value=fill, store=store, path=path, dimension_separator=c['sep'], overwrite=True,
                    filters=None if c['filters'] is None else [Delta(dtype=f[0], astype=f[1]) for f in c['filters']])
    z[...] = v
    z.attrs['_ARRAY_DIMENSIONS'] = ['d%d' % k for k in range(len(c['shape']))]
    z.attrs['units'] = 'm'
    for m in c['missing']:
        os.remove(os.path.join(d, *(([] if c['root'] else ['data']) + m.split('/'))))
    z2 = zarr.open_array(store=zarr.DirectoryStore(d, dimension_separator=c['sep']), path=path, mode='r')
    full = z2[...].astype('<f8')
    full.tofile(os.path.join(out, c['name'] + '.expected'))
    manifest.append(dict(c, path='' if c['root'] else 'data', dir=d, expected=os.path.join(out, c['name'] + '.expected'),
                         fill=None if fill is None else (str(fill) if isinstance(fill, float) and not np.isfinite(fill) else float(fill))))

# consolidated metadata: a group with two arrays
d = os.path.join(out, 'consolidated')
store = zarr.DirectoryStore(d)
g = zarr.group(store=store)
a = g.create_dataset('temp', shape=(12, 20), chunks=(5, 8), dtype='<f4', compressor=Zstd(level=1), fill_value=np.nan)
a[...] = values('<f4', (12, 20))
a.attrs['_ARRAY_DIMENSIONS'] = ['lat', 'lon']
b = g.create_group('sub').create_dataset('mask', shape=(12, 20), chunks=(12, 20), dtype='|b1', compressor=None, fill_value=False)
b[...] = values('|b1', (12, 20))
zarr.consolidate_metadata(store)
a[...].astype('<f8').tofile(os.path.join(out, 'consolidated.temp.expected'))
b[...].astype('<f8').tofile(os.path.join(out, 'consolidated.mask.expected'))

json.dump(dict(zarr=zarr.__version__, cases=manifest), open(os.path.join(out, 'manifest.json'), 'w'), indent=1)
print(len(manifest))
""";
}

"""The python side of FileFormatBenchmarks.

`worker.py make DIR` writes DIR/grid.zarr (zarr 2 defaults: Blosc LZ4, byte shuffle) and DIR/grid.h5 (h5py, gzip 4)
holding the same 64 MiB float64 array `data` (4096 x 2048, 512 x 512 chunks) with 1-D `lat` and `lon`.
`worker.py serve DIR` then reads commands from stdin, one per line -- `zarr-all`, `zarr-window`, `h5-all`,
`h5-window` -- does that read in this process and answers `ok SUM` (the sum of what it read), so a benchmark times
the read itself, not Python's start-up.
"""
import sys
import numpy as np

ROWS, COLS, CHUNK = 4096, 2048, 512
WINDOW = (slice(1000, 1512), slice(700, 1212))


def make(d):
    import zarr, h5py
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:ROWS, 0:COLS]
    data = np.sin(y / 300.0) * np.cos(x / 200.0) * 1000 + rng.normal(0, 1, (ROWS, COLS))
    lat = np.linspace(50, 40, ROWS)
    lon = np.linspace(-110, -100, COLS)
    g = zarr.open_group(d + "/grid.zarr", mode="w")
    g.create_dataset("data", data=data, chunks=(CHUNK, CHUNK))
    g["data"].attrs["_ARRAY_DIMENSIONS"] = ["lat", "lon"]
    g.create_dataset("lat", data=lat)
    g["lat"].attrs["_ARRAY_DIMENSIONS"] = ["lat"]
    g.create_dataset("lon", data=lon)
    g["lon"].attrs["_ARRAY_DIMENSIONS"] = ["lon"]
    with h5py.File(d + "/grid.h5", "w") as f:
        f.create_dataset("data", data=data, chunks=(CHUNK, CHUNK), compression="gzip", compression_opts=4)
        f.create_dataset("lat", data=lat)
        f.create_dataset("lon", data=lon)


def serve(d):
    import zarr, h5py
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "zarr-all":
            a = zarr.open_group(d + "/grid.zarr", mode="r")["data"][:]
        elif cmd == "zarr-window":
            a = zarr.open_group(d + "/grid.zarr", mode="r")["data"][WINDOW]
        elif cmd == "h5-all":
            with h5py.File(d + "/grid.h5", "r") as f:
                a = f["data"][:]
        elif cmd == "h5-window":
            with h5py.File(d + "/grid.h5", "r") as f:
                a = f["data"][WINDOW]
        else:
            break
        print("ok", float(a.sum()), flush=True)


if __name__ == "__main__":
    {"make": make, "serve": serve}[sys.argv[1]](sys.argv[2])

#!/usr/bin/env python3
"""Writes a synthetic elevation raster as a Cloud-Optimized GeoTIFF (EPSG:4326, float32, 256 x 256 DEFLATE tiles,
the header and tile index first, then the tiles), with nothing but the Python standard library, so the remote-data
example runs on a machine without GDAL. GDAL reads the result as a COG (`gdalinfo` says LAYOUT=COG-like; with GDAL at
hand, `gdal_translate -of COG` makes the same kind of file).

    make_cog.py OUT.tif [--size 2048] [--seed 1] [--west -106] [--north 40] [--step 0.00048828125]
                [--kind elevation|temperature]
"""
import argparse
import math
import os
import random
import struct
import zlib

TILE = 256


def values(size, seed, kind):
    """Rows of float32 values: heights (smooth hills plus seeded noise, so the file does not compress to nothing) or a
    temperature field in degrees C whose level and pattern depend on the seed (one "forecast" per seed)."""
    rnd = random.Random(seed)
    phase = rnd.uniform(0, math.pi)
    level = rnd.uniform(-6, 6)
    for r in range(size):
        y = r / size
        row = []
        for c in range(size):
            x = c / size
            if kind == "temperature":
                row.append(level + 8 * math.sin(3.1 * x + phase) * math.cos(2.3 * y) + rnd.uniform(-0.2, 0.2))
            else:
                h = 1500 + 400 * math.sin(6.3 * x + phase) * math.cos(4.1 * y) + 120 * math.sin(37 * x * y + phase)
                row.append(h + rnd.uniform(-5, 5))
        yield row


def tiles(size, seed, kind):
    """The DEFLATE-compressed tiles, row-major (partial edge tiles padded with zeros, as TIFF requires)."""
    n = (size + TILE - 1) // TILE
    band = []
    for row in values(size, seed, kind):
        band.append(row)
        if len(band) == TILE:
            yield from _row_of_tiles(band, n)
            band = []
    if band:
        band += [[0.0] * size] * (TILE - len(band))
        yield from _row_of_tiles(band, n)


def _row_of_tiles(band, n):
    for t in range(n):
        buf = bytearray()
        for row in band:
            part = row[t * TILE:(t + 1) * TILE]
            part = part + [0.0] * (TILE - len(part))
            buf += struct.pack("<%df" % TILE, *part)
        yield zlib.compress(bytes(buf), 6)


def write(path, size, seed, west, north, step, kind="elevation"):
    n = (size + TILE - 1) // TILE
    count = n * n
    data = list(tiles(size, seed, kind))
    geokeys = [1, 1, 0, 4, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326, 2054, 0, 1, 9102]
    nodata = b"-9999\0"
    # (tag, type, count, payload bytes); types: 3 SHORT, 4 LONG, 12 DOUBLE, 2 ASCII
    entries = [
        (256, 4, 1, struct.pack("<I", size)),
        (257, 4, 1, struct.pack("<I", size)),
        (258, 3, 1, struct.pack("<H", 32)),
        (259, 3, 1, struct.pack("<H", 8)),
        (262, 3, 1, struct.pack("<H", 1)),
        (277, 3, 1, struct.pack("<H", 1)),
        (284, 3, 1, struct.pack("<H", 1)),
        (322, 3, 1, struct.pack("<H", TILE)),
        (323, 3, 1, struct.pack("<H", TILE)),
        (324, 4, count, None),
        (325, 4, count, struct.pack("<%dI" % count, *[len(t) for t in data])),
        (339, 3, 1, struct.pack("<H", 3)),
        (33550, 12, 3, struct.pack("<3d", step, step, 0.0)),
        (33922, 12, 6, struct.pack("<6d", 0, 0, 0, west, north, 0)),
        (34735, 3, len(geokeys), struct.pack("<%dH" % len(geokeys), *geokeys)),
        (42113, 2, len(nodata), nodata),
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    extra_at = 8 + ifd_size
    extras = {}
    pos = extra_at
    for tag, typ, cnt, payload in entries:
        size_bytes = cnt * {2: 1, 3: 2, 4: 4, 12: 8}[typ]
        if size_bytes > 4:
            extras[tag] = pos
            pos += size_bytes + (size_bytes & 1)
    data_at = pos
    offsets, at = [], data_at
    for t in data:
        offsets.append(at)
        at += len(t)
    out = bytearray(b"II" + struct.pack("<HI", 42, 8))
    out += struct.pack("<H", len(entries))
    blobs = []
    for tag, typ, cnt, payload in entries:
        if tag == 324:
            payload = struct.pack("<%dI" % count, *offsets)
        if tag in extras:
            out += struct.pack("<HHII", tag, typ, cnt, extras[tag])
            blobs.append(payload + (b"\0" if len(payload) & 1 else b""))
        else:
            out += struct.pack("<HHI", tag, typ, cnt) + payload.ljust(4, b"\0")
    out += struct.pack("<I", 0)
    for b in blobs:
        out += b
    assert len(out) == data_at
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(out)
        for t in data:
            f.write(t)
    # Replaced in one step, as an object store replaces an object: a reader never sees half a file.
    os.replace(path + ".tmp", path)
    return at


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--size", type=int, default=2048)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--west", type=float, default=-106.0)
    p.add_argument("--north", type=float, default=40.0)
    p.add_argument("--step", type=float, default=1 / 2048)
    p.add_argument("--kind", choices=["elevation", "temperature"], default="elevation")
    a = p.parse_args()
    total = write(a.out, a.size, a.seed, a.west, a.north, a.step, a.kind)
    print(f"wrote {a.out}: {a.size} x {a.size} float32, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

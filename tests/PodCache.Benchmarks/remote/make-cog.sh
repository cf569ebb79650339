#!/usr/bin/env bash
# Makes the remote-read benchmark's input: a 4096 x 4096 float32 Cloud-Optimized GeoTIFF of 64 MB (512 x 512 tiles,
# uncompressed, EPSG:4326), written by GDAL. Usage: make-cog.sh OUT.tif
set -euo pipefail
out=${1:?usage: make-cog.sh OUT.tif}
command -v gdal_translate >/dev/null || { echo "gdal_translate is missing: apt-get install gdal-bin python3-gdal"; exit 1; }
tmp="$out.src.tif"
/usr/bin/python3 - "$tmp" <<'PY'
import sys
import numpy as np
from osgeo import gdal, osr
n = 4096
rng = np.random.default_rng(7)
y, x = np.mgrid[0:n, 0:n] / n
a = (1500 + 400 * np.sin(6.3 * x) * np.cos(4.1 * y) + rng.uniform(-5, 5, (n, n))).astype(np.float32)
d = gdal.GetDriverByName("GTiff").Create(sys.argv[1], n, n, 1, gdal.GDT_Float32)
d.SetGeoTransform((-106.0, 1 / 4096, 0, 40.0, 0, -1 / 4096))
s = osr.SpatialReference(); s.ImportFromEPSG(4326); d.SetProjection(s.ExportToWkt())
d.GetRasterBand(1).WriteArray(a)
d = None
PY
gdal_translate -q -of COG -co BLOCKSIZE=512 -co COMPRESS=NONE -co OVERVIEWS=NONE "$tmp" "$out"
rm -f "$tmp"
ls -l "$out"

"""Makes conformance cases 230+ (Interpolate over FILE sources: a GeoTIFF read by Rasterio, a Zarr store, an HDF5
file) by running PODPAC 4.0.0. PODPAC indexes these sources by slice (their coordinate_index_type), not as data.Array:
the points its selector picks become one slice (every point from the first pick to the last unless the picks are
evenly spaced), so nearest rounds on a contiguous run and a request up to half a step beyond the edge takes the edge
value. The data files are written here by rasterio, zarr and h5py and copied into each case's folder.

Run: PYTHONPATH=<podpac source>:<stubs> /usr/bin/python3 file_interp_cases.py tests/conformance/cases
Not made into cases, because PodCache deliberately differs (docs/interpolation.md): a Rasterio source read with a
strided slice (evenly spaced picks, or nearest_preview coarser than the file) — PODPAC reads the window with GDAL's
out_shape decimation and labels the decimated pixels with the strided coordinates, so values and labels disagree."""
import json, os, shutil, sys, tempfile
import numpy as np
import h5py, rasterio, zarr
from rasterio.transform import from_origin
import podpac
from casewriter import CaseWriter
from podpac import Coordinates, clinspace
podpac.settings["DEFAULT_CACHE"] = []
out = sys.argv[1]
work = tempfile.mkdtemp()

lat = np.arange(8); lon = np.arange(9)
vals = np.sin(lat[:, None] * 0.7) * np.cos(lon[None, :] * 0.45) + 0.1 * lat[:, None]
# GeoTIFF: north up, 0.5 degree pixels, centres lat 47.75 .. 44.25, lon 10.25 .. 14.25
tif = os.path.join(work, "grid.tif")
with rasterio.open(tif, "w", driver="GTiff", height=8, width=9, count=1, dtype="float64", crs="EPSG:4326",
                   transform=from_origin(10.0, 48.0, 0.5, 0.5)) as ds:
    ds.write(vals, 1)
# Zarr and HDF5: the same values on the same ascending-lon, descending-lat axes, and a second, uneven lon axis
zlat = 47.75 - 0.5 * lat; zlon = 10.25 + 0.5 * lon
ulon = np.array([10.0, 10.5, 11.5, 12.0, 12.25, 13.0, 13.5, 14.0, 15.0])
store = os.path.join(work, "grid.zarr")
g = zarr.open_group(store, mode="w")
g.array("data", vals, chunks=(4, 4)); g.array("lat", zlat); g.array("lon", zlon)
g["data"].attrs["_ARRAY_DIMENSIONS"] = ["lat", "lon"]; g["lat"].attrs["_ARRAY_DIMENSIONS"] = ["lat"]; g["lon"].attrs["_ARRAY_DIMENSIONS"] = ["lon"]
h5 = os.path.join(work, "grid.h5")
with h5py.File(h5, "w") as f:
    f["data"] = vals; f["lat"] = zlat; f["lon"] = zlon; f["ulon"] = ulon

w = CaseWriter(out, "file_interp_cases.py")
write = w.write

def interp(src, method):
    return podpac.interpolators.Interpolate(source=src, interpolation=method)

raster = podpac.data.Rasterio(source=tif)
zsrc = podpac.data.Zarr(source=store, data_key="data", lat_key="lat", lon_key="lon")
hsrc = podpac.data.H5PY(source=h5, data_key="/data", lat_key="/lat", lon_key="/lon")
husrc = podpac.data.H5PY(source=h5, data_key="/data", lat_key="/lat", lon_key="/ulon")
coarse = Coordinates([clinspace(47.6, 44.4, 3), clinspace(10.4, 14.1, 4)], dims=["lat", "lon"])
edge = Coordinates([clinspace(47.95, 44.05, 7), clinspace(10.05, 14.45, 6)], dims=["lat", "lon"])
ties = Coordinates([[46.1], clinspace(11.0, 13.0, 5)], dims=["lat", "lon"])
fine = Coordinates([clinspace(47.7, 44.3, 12), clinspace(10.3, 14.2, 10)], dims=["lat", "lon"])

write("230-file-raster-nearest-coarse-ties", interp(raster, "nearest"), coarse,
      "nearest over a Rasterio GeoTIFF on a coarser grid whose lat 46.0 is a tie: the picks (rows 0, 4, 7) become the slice of rows 0..7, so the tie rounds on that run (row 3), not between the picked rows as over data.Array", [tif])
write("231-file-raster-nearest-edge", interp(raster, "nearest"), edge,
      "nearest over a Rasterio GeoTIFF on a grid reaching 0.2 beyond the outer pixel centres: on the uniform run a request within half a step of the edge takes the edge value (data.Array's explicit picks give NaN there)", [tif])
write("232-file-raster-nearest-ties-one-row", interp(raster, "nearest"), ties,
      "nearest over a Rasterio GeoTIFF with every lon request on a tie: rounding on the slice's local index", [tif])
write("233-file-raster-bilinear-fine", interp(raster, "bilinear"), fine,
      "bilinear over a Rasterio GeoTIFF on a finer grid inside the pixel centres", [tif])
write("234-file-raster-cubic-one-lat", interp(raster, "cubic"), ties,
      "cubic over a Rasterio GeoTIFF with a single lat request: PODPAC's selector reads four rows around it from the whole file", [tif])
write("235-file-raster-cubic-edge", interp(raster, "cubic"), edge,
      "cubic over a Rasterio GeoTIFF on a grid reaching beyond the pixel centres: outside points NaN", [tif])
write("236-file-raster-nearest-preview-fine", interp(raster, "nearest_preview"), fine,
      "nearest_preview over a Rasterio GeoTIFF on a finer grid (no stride, so no decimated read)", [tif])
write("237-file-zarr-nearest-coarse-ties", interp(zsrc, "nearest"), coarse,
      "nearest over a Zarr store on a coarser grid with a tie: slice indexing as for Rasterio (rows 0..7), zarr reads the slice exactly", [store])
write("238-file-zarr-nearest-edge", interp(zsrc, "nearest"), edge,
      "nearest over a Zarr store on a grid reaching beyond the outer points: the edge value within half a step", [store])
write("239-file-h5-linear-ties", interp(hsrc, "linear"), ties,
      "linear over an HDF5 file at points midway between columns", [h5])
write("240-file-h5-nearest-uneven-lon", interp(husrc, "nearest"), coarse,
      "nearest over an HDF5 file whose lon axis is uneven: picks by distance, the slice of columns between them, NaN outside the file's bounds", [h5])
write("241-file-h5-nearest-coarse-ties", interp(hsrc, "nearest"), coarse,
      "nearest over an HDF5 file on a coarser grid with a tie: slice indexing (rows 0..7)", [h5])
w.finish()
shutil.rmtree(work)

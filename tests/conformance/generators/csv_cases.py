"""Makes conformance cases 149-151 (data.CSV) by running PODPAC 4.0.0.

Run: PYTHONPATH=<podpac source>:<stubs> /usr/bin/python3 csv_cases.py tests/conformance/cases
"""
import json, os, sys
import numpy as np
import podpac
from casewriter import CaseWriter
from podpac import Coordinates, clinspace
podpac.settings["DEFAULT_CACHE"] = []
out = sys.argv[1]

out = os.path.abspath(out)

def case(name, files):
    """Makes the case folder with its data files and works inside it (PODPAC opens sources when a node is made)."""
    d = os.path.join(out, name); os.makedirs(d, exist_ok=True)
    for fn, text in files.items():
        with open(os.path.join(d, fn), "w") as f: f.write(text)
    os.chdir(d)

w = CaseWriter(out, "csv_cases.py")
write = w.write

rng = np.random.default_rng(7)
lat = np.round(rng.uniform(10, 12, 25), 3); lon = np.round(rng.uniform(-3, 0, 25), 3)
val = np.round(rng.normal(0, 5, 25), 2); val2 = np.round(rng.normal(100, 5, 25), 2)
rows = "\n".join(f"{a},{b},{c},{d}" for a, b, c, d in zip(lon, lat, val, val2))
# 149: lon before lat (stacked lon_lat), several data columns chosen by name, request partly outside
csv1 = "x,y,temp,rh\n" + rows + "\n"
case("149-csv-lon-first-named-keys", {"points.csv": csv1})
n = podpac.data.CSV(source="points.csv", lat_key="y", lon_key="x", data_key="rh")
i = podpac.interpolators.Interpolate(source=n, interpolation="nearest")
req = Coordinates([clinspace(9.8, 12.2, 9), clinspace(-3.2, 0.4, 7)], dims=["lat", "lon"])
write("149-csv-lon-first-named-keys", i, req, "data.CSV with columns x,y,temp,rh: lon_key 'x' before lat_key 'y' (stacked lon_lat), data_key 'rh' of two data columns; nearest onto a grid that runs past the points (NaN outside the file's bounds)")
# 150: no header, column numbers as keys, data_key default impossible -> given as a number
csv2 = "\n".join(f"{b},{a},{c}" for a, b, c in zip(lon, lat, val)) + "\n"
case("150-csv-no-header-column-numbers", {"nohead.csv": csv2})
n = podpac.data.CSV(source="nohead.csv", header=None, lat_key=0, lon_key=1, data_key=2)
i = podpac.interpolators.Interpolate(source=n, interpolation="nearest")
req = Coordinates([clinspace(10.1, 11.9, 6), clinspace(-2.9, -0.1, 8)], dims=["lat", "lon"])
write("150-csv-no-header-column-numbers", i, req, "data.CSV with header null and 0-based column numbers for lat_key, lon_key and data_key; nearest onto a grid inside the points")
# 151: request in EPSG:3857 over a 4326 CSV
csv3 = "lat,lon,value\n" + "\n".join(f"{b},{a},{c}" for a, b, c in zip(lon, lat, val)) + "\n"
case("151-csv-request-3857", {"points.csv": csv3})
n = podpac.data.CSV(source="points.csv")
i = podpac.interpolators.Interpolate(source=n, interpolation="nearest")
req = Coordinates([clinspace(1.13e6, 1.33e6, 5), clinspace(-3.2e5, -2e4, 6)], dims=["lat", "lon"], crs="EPSG:3857")
write("151-csv-request-3857", i, req, "data.CSV (EPSG:4326 points) through Interpolate(nearest) requested in EPSG:3857: the points are carried into metres and the nearest is found there")
w.finish()

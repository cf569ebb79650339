"""Makes conformance cases 145-148 (algorithm.Reproject) by running PODPAC 4.0.0.

Run: PYTHONPATH=<podpac source>:<stubs> /usr/bin/python3 reproject_cases.py tests/conformance/cases
(see docs/conformance.md or the session notes for running PODPAC from Debian packages plus its source)."""
import json, os, sys
import numpy as np
import podpac
from casewriter import CaseWriter
from podpac import Coordinates, clinspace
podpac.settings["DEFAULT_CACHE"] = []
podpac.settings.set_unsafe_eval(True)
out = sys.argv[1]

w = CaseWriter(out, "reproject_cases.py")
write = w.write

lat = np.arange(40.0, 45.0); lon = np.arange(-5.0, 1.0); t = ["2020-01-01", "2020-01-02", "2020-01-03"]
vals = np.arange(5*6*3, dtype=float).reshape(5, 6, 3) * 1.5
arr = podpac.data.Array(source=vals, coordinates=Coordinates([lat, lon, t], dims=["lat", "lon", "time"]))
# 1: coordinates as a JSON string, reproject_dims lat/lon only, time from the request; bilinear
rc = Coordinates([clinspace(40, 44, 3), clinspace(-5, 0, 3), ["2020-01-01"]], dims=["lat", "lon", "time"])
rp = podpac.algorithm.Reproject(source=arr, coordinates=rc.json, reproject_dims=["lat", "lon"], interpolation="bilinear")
req = Coordinates([clinspace(40.5, 43.5, 4), clinspace(-4.5, -0.5, 5), ["2020-01-02", "2020-01-03"]], dims=["lat", "lon", "time"])
write("145-reproject-string-coords-dims", rp, req, "Reproject with coordinates as a JSON string and reproject_dims [lat, lon]: the reprojection coords' time is dropped and the request's time used; bilinear")
# 2: request in EPSG:3857, reprojection in 4326, bilinear
src = podpac.algorithm.SinCoords()
rc2 = Coordinates([clinspace(0, 40, 5), clinspace(0, 60, 7)], dims=["lat", "lon"])
rp2 = podpac.algorithm.Reproject(source=src, coordinates=rc2.definition, interpolation="bilinear")
req2 = Coordinates([clinspace(1e6, 4e6, 4), clinspace(5e5, 5e6, 5)], dims=["lat", "lon"], crs="EPSG:3857")
write("146-reproject-request-3857-bilinear", rp2, req2, "Reproject (4326 coordinates, bilinear) requested in EPSG:3857: the request is transformed to degrees to select the reprojection points; bilinear at the transformed points, output on the request's metres")
# 3: reprojection coords in 3857, request in 4326, nearest (default)
rc3 = Coordinates([clinspace(0, 4e6, 9), clinspace(0, 6e6, 13)], dims=["lat", "lon"], crs="EPSG:3857")
rp3 = podpac.algorithm.Reproject(source=src, coordinates=rc3.definition)
req3 = Coordinates([clinspace(5, 30, 6), clinspace(5, 45, 5)], dims=["lat", "lon"])
write("147-reproject-coords-3857-nearest", rp3, req3, "Reproject with coordinates in EPSG:3857 and the default interpolation (nearest), requested in EPSG:4326: SinCoords evaluated on the metre grid, nearest in degrees")
# 4: request partly outside the reprojection grid
rc4 = Coordinates([clinspace(0, 10, 6), clinspace(0, 10, 6)], dims=["lat", "lon"])
rp4 = podpac.algorithm.Reproject(source=src, coordinates=rc4.definition, interpolation="bilinear")
req4 = Coordinates([clinspace(5, 15, 6), clinspace(-3, 7, 6)], dims=["lat", "lon"])
write("148-reproject-partly-outside", rp4, req4, "Reproject whose request runs past its reprojection grid: points outside are NaN with bilinear")
w.finish()

"""Writes transforms.json: PODPAC 4.0.0's Coordinates.transform on a set of grids, the reference for
CoordinateTransformTests. Run with PODPAC importable (its source on PYTHONPATH, /usr/bin/python3 with pyproj):
    PYTHONPATH=/path/to/podpac /usr/bin/python3 make_transforms.py > transforms.json
"""
import json
import sys

import numpy as np
import podpac
from podpac import Coordinates, clinspace

UNIFORM = podpac.core.coordinates.uniform_coordinates1d.UniformCoordinates1d


def axis(c):
    if isinstance(c, UNIFORM):
        return {"name": c.name, "start": float(c.start), "stop": float(c.stop), "step": float(c.step), "size": int(c.size),
                "values": [float(v) for v in c.coordinates]}
    return {"name": c.name, "values": [float(v) for v in c.coordinates]}


def coords_json(c):
    return {"coords": [axis(c[d]) for d in c.dims], "crs": c.crs}


cases = []


def add(name, c, crs):
    t = c.transform(crs)
    cases.append({"name": name, "input": coords_json(c), "crs": crs, "expected": coords_json(t)})


add("utm-grid-4326-to-32618", Coordinates([clinspace(39.955, 40.015, 5), clinspace(-74.995, -74.895, 5)], dims=["lat", "lon"], crs="EPSG:4326"), "EPSG:32618")
add("utm-grid-descending-lat", Coordinates([clinspace(40.3, 40.0, 31), clinspace(-75.5, -74.5, 41)], dims=["lat", "lon"], crs="EPSG:4326"), "EPSG:32618")
add("utm-to-4326", Coordinates([clinspace(4430000, 4420000, 11), clinspace(495000, 505000, 21)], dims=["lat", "lon"], crs="EPSG:32618"), "EPSG:4326")
add("3857-request-to-default", Coordinates([clinspace(5000000, 5400000, 5), clinspace(-500000, -100000, 5)], dims=["lat", "lon"], crs="EPSG:3857"), "+proj=longlat +datum=WGS84 +no_defs +vunits=m")
add("4326-to-3857", Coordinates([clinspace(40, 44, 5), clinspace(-5, 0, 6)], dims=["lat", "lon"], crs="EPSG:4326"), "EPSG:3857")
add("array-lat-to-3857", Coordinates([[40.0, 41.5, 44.0], clinspace(-5, 0, 6)], dims=["lat", "lon"], crs="EPSG:4326"), "EPSG:3857")
add("lon-first-to-3857", Coordinates([clinspace(-5, 0, 6), clinspace(40, 44, 5)], dims=["lon", "lat"], crs="EPSG:4326"), "EPSG:3857")
add("time-lat-lon-to-32633", Coordinates([["2020-01-01", "2020-01-02"], clinspace(45, 46, 11), clinspace(14.5, 15.5, 11)], dims=["time", "lat", "lon"], crs="EPSG:4326"), "EPSG:32633")
add("single-point", Coordinates([[40.0], [-75.0]], dims=["lat", "lon"], crs="EPSG:4326"), "EPSG:32618")
add("single-row", Coordinates([[40.0], clinspace(-75.2, -74.8, 9)], dims=["lat", "lon"], crs="EPSG:4326"), "EPSG:32618")
add("south-utm", Coordinates([clinspace(-33.0, -34.0, 21), clinspace(150.5, 151.5, 21)], dims=["lat", "lon"], crs="EPSG:4326"), "EPSG:32756")
json.dump({"podpac_version": podpac.version.semver(), "cases": cases}, sys.stdout, indent=1)

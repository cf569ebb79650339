"""Makes conformance cases 160+ (interpolators.Interpolate and Reproject interpolation definitions: edge cases of
each method and interpolator) by running PODPAC 4.0.0.

Run: PYTHONPATH=<podpac source>:<stubs> /usr/bin/python3 interp_cases.py tests/conformance/cases
(see docs/conformance.md or the session notes for running PODPAC from Debian packages plus its source). The
RasterioInterpolator cases need a real rasterio (Debian's python3-rasterio)."""
import json, os, sys
import numpy as np
import podpac
from casewriter import CaseWriter
from podpac import Coordinates, clinspace
podpac.settings["DEFAULT_CACHE"] = []
podpac.settings.set_unsafe_eval(True)
out = sys.argv[1]
only = sys.argv[2:]

w = CaseWriter(out, "interp_cases.py", only=only)
write = w.write

def array(vals, coords):
    return podpac.data.Array(source=np.asarray(vals, dtype=float), coordinates=coords)

def interp(src, interpolation):
    return podpac.interpolators.Interpolate(source=src, interpolation=interpolation)

lat6 = np.arange(0.0, 6.0); lon7 = np.arange(0.0, 7.0)
smooth = np.sin(lat6[:, None] * 0.7) * np.cos(lon7[None, :] * 0.45) + 0.1 * lat6[:, None]
grid67 = Coordinates([lat6, lon7], dims=["lat", "lon"])

# 160: cubic near the source edges: points on the first/last source rows, between the last two, and outside
write("160-interp-cubic-edges", interp(array(smooth, grid67), "cubic"),
      Coordinates([[0.0, 0.3, 4.6, 5.0], [0.0, 0.2, 5.9, 6.0, 6.4]], dims=["lat", "lon"]),
      "Interpolate 'cubic' at the source edges: on the first and last rows/columns, inside the last interval, and outside (lon 6.4 -> its column NaN; every lat is inside so the lon pass sees no NaN); explicit request values select floor-1..ceil+1 of each point")
# 161: cubic with one NaN source cell: the QUIRK of SEMANTICS 10.4
nan_smooth = smooth.copy(); nan_smooth[3, 4] = np.nan
write("161-interp-cubic-nan-poisons-all", interp(array(nan_smooth, grid67), "cubic"),
      Coordinates([clinspace(0.5, 4.5, 5), clinspace(0.5, 2.5, 3)], dims=["lat", "lon"]),
      "Interpolate 'cubic' over a source with one NaN cell (lat 3, lon 4): QUIRK, every output is NaN, even those far from it (scipy's spline solve spreads the NaN over the whole pass)")
# 162: bilinear (XarrayInterpolator) with NaNs on a coarser request: floor/ceil selection, NaN poisoning
v = np.arange(30.0).reshape(5, 6); v[1, 2] = np.nan; v[4, 5] = np.nan
write("162-interp-bilinear-nans-coarse", interp(array(v, Coordinates([clinspace(0, 4, 5), clinspace(0, 5, 6)], dims=["lat", "lon"])), "bilinear"),
      Coordinates([[0.5, 1.0, 2.0, 3.7], [1.5, 2.0, 4.25, 5.0]], dims=["lat", "lon"]),
      "Interpolate 'bilinear' with NaN cells (1,2) and (4,5) on explicit request values: each point reads floor/ceil; on-grid lat 1.0 and 2.0 use the interval below, lon 2.0 the interval below, so a NaN poisons exactly the outputs whose separable intervals touch it")
# 163: descending lat source with linear and cubic, request ascending
dlat = np.arange(5.0, -1.0, -1.0)
desc = array(smooth, Coordinates([dlat, lon7], dims=["lat", "lon"]))
write("163-interp-linear-descending", interp(desc, "linear"),
      Coordinates([clinspace(0.25, 4.75, 4), [6.0, 3.5, 0.5]], dims=["lat", "lon"]),
      "Interpolate 'linear' over a DESCENDING lat source (5..0), ascending request, descending explicit lon request: the pass sorts the points ascending first; output in request order")
write("164-interp-cubic-descending", interp(desc, "cubic"),
      Coordinates([clinspace(4.5, 0.5, 5), clinspace(0.5, 5.5, 3)], dims=["lat", "lon"]),
      "Interpolate 'cubic' over a descending lat source with a descending request: same spline as ascending, output in request order")
# 165-166: nearest tolerances with time
tc = Coordinates([["2020-01-01", "2020-01-02", "2020-01-04", "2020-01-08"], clinspace(0, 2, 3)], dims=["time", "lat"])
tv = np.arange(12.0).reshape(4, 3)
write("165-interp-nearest-time-tolerance-exact", interp(array(tv, tc), [{"method": "nearest", "dims": ["time"], "params": {"time_tolerance": "12,h"}}, {"method": "nearest", "dims": ["lat"], "params": {"spatial_tolerance": 0}}]),
      Coordinates([["2020-01-03", "2020-01-04T10:00", "2020-01-07"], [0.4, 1.6]], dims=["time", "lat"]),
      "list form, nearest per dim: time_tolerance '12,h' over a day-precision source is exact (the source output's times are nanoseconds), so only 01-04T10 (10 h from 01-04) is kept; spatial_tolerance 0 means no tolerance (PODPAC tests 'if tol')")
write("166-interp-nearest-time-tolerance-hours", interp(array(tv, tc), [{"method": "nearest", "dims": ["time"], "params": {"time_tolerance": "30,h"}}, {"method": "nearest", "dims": ["lat"], "params": {"spatial_tolerance": 0.3}}]),
      Coordinates([["2020-01-02T20:00", "2020-01-05T05:00", "2020-01-06T12:00", "2020-01-08T06:00"], [0.25, 0.8, 2.0]], dims=["time", "lat"]),
      "list form, nearest per dim: time_tolerance '30,h' on an uneven daily source with an hourly request (01-06T12 is 36 h from 01-08 -> NaN; 01-08T06 is after the last day -> NaN); spatial_tolerance 0.3 on lat")
# 167: ambiguous rounding
r1 = array(np.arange(5.0) * 10, Coordinates([clinspace(0, 4, 5)], dims=["lat"]))
q = Coordinates([[-0.5, 0.5, 1.5, 2.5, 3.5, 4.5]], dims=["lat"])
write("167-interp-nearest-rounding-up", interp(r1, {"method": "nearest", "params": {"ambiguous_rounding": "+infinity"}}), q,
      "nearest with ambiguous_rounding '+infinity': exact half-step ties go up (-0.5 -> 0, 4.5 -> index 5 -> NaN)")
write("168-interp-nearest-rounding-unbiased-no-bounds", interp(r1, {"method": "nearest", "params": {"ambiguous_rounding": "unbiased", "respect_bounds": False}}), q,
      "nearest with ambiguous_rounding 'unbiased' (ties to the even index) and respect_bounds false (clamped at both ends)")
# 169: nearest respect_bounds false + tolerance over a NON-uniform source
nu = array([1.0, 2.0, 3.0, 4.0], Coordinates([[0.0, 1.0, 3.0, 7.0]], dims=["lat"]))
write("169-interp-nearest-nonuniform-no-bounds-tolerance", interp(nu, {"method": "nearest", "params": {"respect_bounds": False, "spatial_tolerance": 1.5}}),
      Coordinates([[-1.0, -2.0, 2.0, 5.0, 5.5, 8.0, 9.0]], dims=["lat"]),
      "nearest over a non-uniform source with respect_bounds false and spatial_tolerance 1.5: outside points take the edge value while within the tolerance (-1, 8), NaN beyond it (-2, 9); 5 and 5.5 are 2+ from 3 and 7 -> NaN")
# 170: ScipyGrid nearest and descending lat
write("170-interp-scipygrid-nearest-descending", interp(desc, {"method": "nearest", "interpolators": ["ScipyGrid"]}),
      Coordinates([[5.0, 4.5, 2.5, 0.2, -0.1], [0.5, 1.5, 6.0, 6.2]], dims=["lat", "lon"]),
      "explicit ['ScipyGrid'] nearest over a descending lat source: the axis is flipped, midpoints go to the lower point, outside the grid NaN (no half-step margin, unlike NearestNeighbor)")
write("171-interp-scipygrid-bilinear-descending-nan", interp(array(v[::-1], Coordinates([clinspace(4, 0, 5), clinspace(0, 5, 6)], dims=["lat", "lon"])), {"method": "bilinear", "interpolators": ["ScipyGrid"]}),
      Coordinates([[0.0, 1.0, 2.5, 3.0, 4.0], [1.0, 2.0, 2.5, 5.0]], dims=["lat", "lon"]),
      "explicit ['ScipyGrid'] bilinear over a descending lat source with NaN cells: flipped ascending, on-grid points use the interval above (last point: below)")
# 172: list form with cubic on lat/lon and linear on time
t3 = Coordinates([["2020-01-01", "2020-01-02", "2020-01-03"], lat6, lon7], dims=["time", "lat", "lon"])
v3 = np.stack([smooth, smooth * 2, smooth + 1])
write("172-interp-list-cubic-space-linear-time", interp(array(v3, t3), [{"method": "linear", "dims": ["time"]}, {"method": "cubic", "dims": ["lat", "lon"]}]),
      Coordinates([["2020-01-01T12:00", "2020-01-02T18:00"], clinspace(1.25, 3.75, 3), [2.0, 4.5]], dims=["time", "lat", "lon"]),
      "list form: time 'linear' (hours between days) then lat/lon 'cubic'; passes in list order")
# 173: none on one dim, bilinear on the others (default entry)
write("173-interp-list-none-lat-bilinear-default", interp(array(smooth, grid67), [{"method": "none", "dims": ["lat"]}, {"method": "bilinear"}]),
      Coordinates([clinspace(0.5, 3.5, 7), [0.5, 2.25, 6.5]], dims=["lat", "lon"]),
      "list form: 'none' for lat (the source rows inside the request, 1..3, are the output's lat) and 'bilinear' as the default for lon (6.5 outside -> NaN)")
# 174: nearest_preview with a non-integer step ratio and explicit request values
p = array(np.arange(60.0).reshape(6, 10), Coordinates([clinspace(0, 5, 6), clinspace(0, 9, 10)], dims=["lat", "lon"]))
write("174-interp-nearest-preview-ratio", interp(p, "nearest_preview"),
      Coordinates([[0.5, 2.5, 4.5], clinspace(1, 8, 3)], dims=["lat", "lon"]),
      "nearest_preview: explicit lat request (step (4.5-0.5)/2 = 2) and lon step 3.5 -> round(3.5) = 4 (half to even); the strided points are nearest-matched")
# 175: Reproject with a dict interpolation (cubic)
src = podpac.algorithm.SinCoords()
rc = Coordinates([clinspace(0, 50, 6), clinspace(0, 60, 7)], dims=["lat", "lon"])
write("175-reproject-cubic-dict", podpac.algorithm.Reproject(source=src, coordinates=rc.definition, interpolation={"method": "cubic"}),
      Coordinates([clinspace(12, 38, 3), clinspace(15, 45, 4)], dims=["lat", "lon"]),
      "Reproject with interpolation {'method': 'cubic'}: SinCoords on a 10-degree grid, then a cubic spline through the reprojection points to the request")
# 176: linear where the source has a single lat: that value everywhere, no bounds check
one = array(np.arange(7.0)[None, :], Coordinates([[2.0], lon7], dims=["lat", "lon"]))
write("176-interp-linear-single-point-dim", interp(one, "linear"),
      Coordinates([[1.0, 2.0, 2.5], [0.5, 3.0]], dims=["lat", "lon"]),
      "Interpolate 'linear' over a source with a single lat (2.0): every request lat takes it (xarray selects a single-point dim by nearest, no bounds check)")
# 177-180: RasterioInterpolator (GDAL warp), needs real rasterio
rv = np.arange(20.0).reshape(4, 5); rv[1, 2] = np.nan
rgrid = Coordinates([clinspace(0, 3, 4), clinspace(0, 4, 5)], dims=["lat", "lon"])
write("177-interp-rasterio-bilinear-nan", interp(array(rv, rgrid), {"method": "bilinear", "interpolators": ["RasterioInterpolator"]}),
      Coordinates([clinspace(0, 3, 7), clinspace(0.25, 4.25, 5)], dims=["lat", "lon"]),
      "['RasterioInterpolator'] bilinear with a NaN pixel (1,2): GDAL treats it as nodata, so a point whose own pixel is NaN is NaN and the others weigh only the valid neighbours")
write("178-interp-rasterio-bilinear-descending", interp(array(rv[::-1], Coordinates([clinspace(3, 0, 4), clinspace(0, 4, 5)], dims=["lat", "lon"])), {"method": "bilinear", "interpolators": ["RasterioInterpolator"]}),
      Coordinates([clinspace(3.5, -0.5, 9), clinspace(-0.5, 4.5, 6)], dims=["lat", "lon"]),
      "['RasterioInterpolator'] bilinear over a descending lat raster (north-up) on a descending request: the edges are half-open in storage order, so the top edge lat 3.5 is in and the bottom edge -0.5 out; lon -0.5 in, 4.5 out")
write("179-interp-rasterio-nearest", interp(array(rv, rgrid), {"method": "nearest", "interpolators": ["RasterioInterpolator"]}),
      Coordinates([clinspace(-0.5, 3.5, 9), clinspace(-0.4, 4.4, 5)], dims=["lat", "lon"]),
      "['RasterioInterpolator'] nearest: the pixel containing each point (its centre +- half a step), half-open edges")
write("180-interp-rasterio-bilinear-downsample", interp(array((np.arange(100.0).reshape(10, 10) ** 2) / 100, Coordinates([clinspace(0, 9, 10), clinspace(0, 9, 10)], dims=["lat", "lon"])), {"method": "bilinear", "interpolators": ["RasterioInterpolator"]}),
      Coordinates([clinspace(1, 7, 3), clinspace(1, 7, 3)], dims=["lat", "lon"]),
      "['RasterioInterpolator'] bilinear on a coarser request that lies on source points (step 3 over step 1): the bilinear selection keeps only the request's own rows/columns (floor = ceil), a step-3 raster equal to the request, so the output is the source values; off-grid coarser requests select an uneven set, which RasterioInterpolator cannot take")

# 181+: randomised cases (fixed seed), each a small Array through one definition, to hold the selection and edge
# rules together; made the same way as the cases above. RasterioInterpolator bilinear is left out: a coarser
# random request would take GDAL's widened kernel, which PodCache refuses.
import random
rng = random.Random(20261203)

def rand_axis(name):
    n = rng.randint(4, 8)
    if rng.random() < 0.5:
        start = rng.choice([0.0, -1.0, 2.5]); step = rng.choice([1.0, 0.5, 2.0])
        ax = clinspace(start, start + step * (n - 1), n, name=name)
        if rng.random() < 0.3:
            ax = clinspace(start + step * (n - 1), start, n, name=name)
        return ax, "uniform" + (" descending" if ax.is_descending else "")
    vals = np.cumsum([rng.choice([0.5, 1.0, 1.5, 3.0]) for _ in range(n)])
    desc = rng.random() < 0.3
    if desc:
        vals = vals[::-1]
    return podpac.coordinates.ArrayCoordinates1d(vals, name=name), "explicit" + (" descending" if desc else "")

def rand_request(src, name):
    lo, hi = src.bounds
    span = hi - lo
    if rng.random() < 0.5:
        a = lo + rng.uniform(-0.3, 0.6) * span; b = lo + rng.uniform(0.4, 1.3) * span
        n = rng.randint(1, 9)
        if n == 1:
            return podpac.coordinates.ArrayCoordinates1d([round(a, 3)], name=name)
        if rng.random() < 0.3:
            a, b = b, a
        return clinspace(round(a, 3), round(b, 3), n, name=name)
    pts = sorted(set(round(lo + rng.uniform(-0.2, 1.2) * span, 2) for _ in range(rng.randint(1, 6))))
    if rng.random() < 0.2:
        pts = pts[::-1]
    return podpac.coordinates.ArrayCoordinates1d(pts, name=name)

def rand_time():
    n = rng.randint(4, 7)
    days = np.arange(n) * rng.choice([1, 2]) if rng.random() < 0.5 else np.cumsum([rng.choice([1, 2, 3]) for _ in range(n)])
    return podpac.coordinates.ArrayCoordinates1d(np.datetime64("2020-01-01") + days.astype("timedelta64[D]"), name="time")

def rand_time_request(src):
    t0 = src.coordinates.min().astype("datetime64[h]")
    span = int((src.coordinates.max().astype("datetime64[h]") - t0) / np.timedelta64(1, "h"))
    hrs = sorted(set(rng.randint(-12, span + 12) for _ in range(rng.randint(1, 5))))
    return podpac.coordinates.ArrayCoordinates1d(t0 + np.array(hrs).astype("timedelta64[h]"), name="time")

space_methods = ["nearest", "bilinear", "linear", "cubic", "none", "nearest_preview",
                 {"method": "bilinear", "interpolators": ["ScipyGrid"]}, {"method": "nearest", "interpolators": ["ScipyGrid"]},
                 {"method": "nearest", "interpolators": ["RasterioInterpolator"]},
                 {"method": "nearest", "params": {"spatial_tolerance": 0.7, "respect_bounds": False}},
                 {"method": "nearest", "params": {"ambiguous_rounding": "+infinity"}},
                 [{"method": "none", "dims": ["lat"]}, {"method": "cubic", "dims": ["lon"]}],
                 [{"method": "nearest", "dims": ["lat"]}, {"method": "linear"}]]
time_methods = ["nearest", "linear", "cubic", "none", "nearest_preview",
                [{"method": "nearest", "dims": ["time"], "params": {"time_tolerance": "30,h"}}, {"method": "linear"}],
                [{"method": "linear", "dims": ["time"]}, {"method": "nearest", "params": {"respect_bounds": False}}],
                [{"method": "cubic", "dims": ["lat"]}, {"method": "nearest"}]]

def runs(node, coords):
    try:
        podpac.Node.from_json(node.json).eval(podpac.Coordinates.from_json(coords.json))
        return True
    except Exception:
        return False

number = 181
while number <= 220:
    with_time = number % 3 == 0
    if with_time:
        first, kind0 = rand_time(), "daily time"
        second, kind1 = rand_axis("lat")
        methods = time_methods
    else:
        first, kind0 = rand_axis("lat")
        second, kind1 = rand_axis("lon")
        methods = space_methods
    vals = np.array([[rng.uniform(-5, 5) for _ in range(second.size)] for _ in range(first.size)])
    nan = rng.random() < 0.3
    if nan:
        vals[rng.randrange(first.size), rng.randrange(second.size)] = np.nan
    m = rng.choice(methods)
    node = interp(podpac.data.Array(source=vals, coordinates=Coordinates([first, second])), m)
    q = Coordinates([rand_time_request(first) if with_time else rand_request(first, "lat"), rand_request(second, second.name)])
    if not runs(node, q):
        continue
    write(f"{number}-interp-random", node, q,
          f"randomised (interp_cases.py, seed 20261203): {json.dumps(m)} over {first.name} ({kind0}) x {second.name} ({kind1})"
          + (", one NaN cell" if nan else "") + "; requests inside, outside and across the source")
    number += 1

# 221-223: what Interpolate reads beyond the request (PODPAC's selector reads from the whole source)
wave = np.sin(np.arange(10.0) * 0.9) + 0.05 * np.arange(10.0) ** 2
line = podpac.data.Array(source=wave, coordinates=Coordinates([clinspace(0, 9, 10)], dims=["lat"]))
number = 221
write("221-interp-cubic-fine-interior", interp(line, "cubic"), Coordinates([clinspace(4.1, 4.9, 5)], dims=["lat"]),
      "Interpolate 'cubic' with a request finer than the source, inside one interval (4.1..4.9 step 0.2): PODPAC's selector reads floor(4.1-2)..ceil(4.9+3), rows 2..7 of the whole source, so the spline runs through six rows, not the two around the request")
write("222-interp-nearest-just-outside", interp(line, "nearest"), Coordinates([[-0.4, -0.3]], dims=["lat"]),
      "Interpolate 'nearest' with a request wholly below the source but within half a step: the selector picks row 0 from the whole source and the edge value is returned (the request's own bounds hold no source point)")
daily = podpac.data.Array(source=np.arange(4.0), coordinates=Coordinates([["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"]], dims=["time"]))
write("223-array-hourly-request-daily-source", daily, Coordinates([["2020-01-01T17:00", "2020-01-02T05:00"]], dims=["time"]),
      "data.Array (day precision) requested at hours: PODPAC truncates the request bounds to days before the outer selection (lower_precision_time_bounds), so 01-01T17..01-02T05 selects 01-01 and 01-02 only, not 01-03")

# 224-225: two edges found by comparing randomised definitions with PODPAC
uneven_t = Coordinates([["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-08", "2020-01-10"], [1.5, 4.5, 7.5, 9.0]], dims=["time", "lat"])
write("224-interp-nearest-preview-time-truncated-step", interp(array(np.arange(20.0).reshape(5, 4), uneven_t), "nearest_preview"),
      Coordinates([["2020-01-04T04:00", "2020-01-09T21:00"], [0.94, 6.44]], dims=["time", "lat"]),
      "nearest_preview over uneven daily times with an hourly request: the cut 01-03..01-10 has step 7 days / 3, which numpy truncates to 2 days, so the stride is round(137 h / 48 h) = 3 and the rebuilt axis is 01-03, 01-09 (data rows 01-03 and 01-10)")
write("225-interp-none-wholly-outside-explicit", interp(array(np.arange(14.0).reshape(7, 2), Coordinates([[1.0, 4.0, 5.0, 8.0, 11.0, 12.0, 13.5], [0.0, 1.0]], dims=["lat", "lon"])), "none"),
      Coordinates([[0.46], [0.0, 1.0]], dims=["lat", "lon"]),
      "Interpolate 'none' with a lat request wholly below an explicit source: no lat points (an empty axis), unlike bounds that fall between two source points, which take the nearer one")
w.finish()

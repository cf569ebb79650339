"""Makes conformance cases 170-202 (coordinate algorithms, time grouping, Percentile/Skew/Kurtosis, TileCompositor)
by running PODPAC 4.0.0.

Run: PYTHONPATH=<podpac source>:<stubs> /usr/bin/python3 coordalg_cases.py tests/conformance/cases
"""
import json, os, sys
import numpy as np
import podpac
from casewriter import CaseWriter
from podpac import Coordinates, clinspace
podpac.settings["DEFAULT_CACHE"] = []
out = sys.argv[1]

w = CaseWriter(out, "coordalg_cases.py")
write = w.write

rng = np.random.default_rng(170)
def vals(*shape, nan=()):
    v = np.round(rng.uniform(-5, 10, shape), 2)
    for i in nan: v[i] = np.nan
    return v

days = ["2020-01-%02d" % d for d in range(1, 11)]
sin = podpac.algorithm.SinCoords()

# --- ExpandCoordinates
e = podpac.algorithm.ExpandCoordinates(source=sin, lat=[-1, 1, 0.5], lon=[-0.5, 0.5, 0.25])
write("170-expand-latlon-step", e, Coordinates([[10.0, 20.0], [5.0]], dims=["lat", "lon"]),
      "ExpandCoordinates lat [-1, 1, 0.5] and lon [-0.5, 0.5, 0.25] (3 items = a uniform window around each request value) over SinCoords: lat 9..11 then 19..21 concatenated, lon 4.5..5.5; SinCoords evaluated on the expanded grid")

arr_t = podpac.data.Array(source=vals(10, 2, 1, nan=[(3, 0, 0)]), coordinates=Coordinates([days, [0.0, 1.0], [5.0]], dims=["time", "lat", "lon"]))
e2 = podpac.algorithm.ExpandCoordinates(source=arr_t, time=["-2,D", "0,D", "1,D"])
m2 = podpac.algorithm.Mean(source=e2, dims=["time"])
write("171-expand-time-step-mean", m2, Coordinates([["2020-01-04", "2020-01-09"], [0.0, 1.0], [5.0]], dims=["time", "lat", "lon"]),
      "Mean over time of ExpandCoordinates time ['-2,D', '0,D', '1,D']: windows 01-02..01-04 and 01-07..01-09 (3 items, uniform steps) pooled into ONE mean per cell, not a rolling mean; the Array returns those days; NaN skipped")

e3 = podpac.algorithm.ExpandCoordinates(source=sin, lat=[-2, 1, 1], bounds_only=True)
write("172-expand-bounds-only", e3, Coordinates([[10.0, 11.0, 15.0], [3.0, 4.0]], dims=["lat", "lon"]),
      "ExpandCoordinates lat [-2, 1, 1] with bounds_only: one window from the first value - 2 to the last value + 1 (8..16), not one window per value; lon unchanged")

e4 = podpac.algorithm.ExpandCoordinates(source=arr_t, coordinates_source=arr_t, time=["-1,D", "1,D"])
write("173-expand-overlapping-windows", e4, Coordinates([["2020-01-03", "2020-01-04", "2020-01-10"], [1.0], [5.0]], dims=["time", "lat", "lon"]),
      "ExpandCoordinates time ['-1,D', '1,D'] (2 items: the source's own days) with OVERLAPPING windows 01-02..01-04, 01-03..01-05 and 01-09..01-10 (clipped at the source's end): QUIRK the expanded request repeats days, and the Array returns each source day once, in its own order")

arr_h = podpac.data.Array(source=vals(8, 2, nan=[(2, 1)]), coordinates=Coordinates([["2020-01-01T%02d:00:00" % h for h in range(0, 24, 3)], [0.0, 1.0]], dims=["time", "lat"]))
e5 = podpac.algorithm.ExpandCoordinates(source=arr_h, time=["-3,h", "2,h"])
write("174-expand-hours-fine-unit", e5, Coordinates([["2020-01-01T06:00:00", "2020-01-01T18:00:00"], [0.0, 1.0]], dims=["time", "lat"]),
      "ExpandCoordinates time ['-3,h', '2,h'] on an hourly source: windows 03:00..08:00 and 15:00..20:00 select the source's 3-hourly times 03, 06 and 15, 18")

# --- SelectCoordinates
s1 = podpac.algorithm.SelectCoordinates(source=sin, lat=[0, 2, 0.5], lon=[7.5])
write("175-select-step-and-value", s1, Coordinates([[10.0, 20.0, 30.0], [1.0, 2.0]], dims=["lat", "lon"]),
      "SelectCoordinates lat [0, 2, 0.5] (3 items = uniform 0..2) and lon [7.5] (1 item = that value): the request's lat and lon are replaced whatever they were")

s2 = podpac.algorithm.SelectCoordinates(source=sin, lat=[3.0, 3.0], substitute_eval_coords=True)
write("176-select-same-twice-substitute", s2, Coordinates([[10.0, 20.0], [1.0, 2.0, 4.0]], dims=["lat", "lon"]),
      "SelectCoordinates lat [3, 3]: QUIRK two copies of lat 3; substitute_eval_coords true then puts the request's lat 10, 20 back on the output by position, so both rows hold SinCoords at lat 3")

s3 = podpac.algorithm.SelectCoordinates(source=arr_t, time=["2020-01-05", "2020-01-08T12:00:00", "1,D"], lat=[1.0])
write("177-select-time-step", s3, Coordinates([["2020-01-01"], [0.0, 1.0], [5.0]], dims=["time", "lat", "lon"]),
      "SelectCoordinates time ['2020-01-05', '2020-01-08T12:00:00', '1,D'] (3 items: uniform days 01-05..01-08, seconds precision) and lat [1]; the Array returns its days inside those bounds")

# --- YearSubstituteCoordinates
arr_y = podpac.data.Array(source=np.arange(6.0).reshape(6, 1), coordinates=Coordinates([["2019-02-28T06:00:00", "2019-03-01T06:00:00", "2019-06-15T12:00:00", "2020-02-29T06:00:00", "2021-06-15T12:00:00", "2021-12-31T23:00:00"], [1.0]], dims=["time", "lat"]))
y1 = podpac.algorithm.YearSubstituteCoordinates(source=arr_y, year="2019", substitute_eval_coords=True)
write("178-year-substitute-feb29-eval-coords", y1, Coordinates([["2024-02-29T06:00:00", "2023-03-01T06:00:00"], [1.0]], dims=["time", "lat"]),
      "YearSubstituteCoordinates year '2019' on hour-precision times: 2024-02-29 becomes 2019-02-28 (no Feb 29 in 2019); substitute_eval_coords true gives back the request's times")

# --- TransformTimeUnits
arr_m = podpac.data.Array(source=np.arange(1.0, 13.0) * 10, coordinates=Coordinates([np.arange(1.0, 13.0)], dims=["time"]))
t1 = podpac.algorithm.TransformTimeUnits(source=podpac.interpolators.Interpolate(source=arr_m, interpolation="nearest"), time_units="month")
write("179-transform-time-month", t1, Coordinates([["2021-03-10", "2021-04-02", "2021-05-20"]], dims=["time"]),
      "TransformTimeUnits 'month' over an Array with numeric time 1..12 through Interpolate(nearest): the request dates become 3, 4, 5 (evenly spaced, so PODPAC simplifies them to a uniform axis)")
t2 = podpac.algorithm.TransformTimeUnits(source=podpac.interpolators.Interpolate(source=arr_m, interpolation="nearest"), time_units="dayofweek")
write("180-transform-time-dayofweek", t2, Coordinates([["2021-03-08", "2021-03-14", "2021-03-10", "2021-03-10"]], dims=["time"]),
      "TransformTimeUnits 'dayofweek': Monday is 0 and Sunday 6, so the request becomes 0, 6, 2, 2 (request order, duplicates kept); 0 is outside the Array's 1..12 -> NaN")

# --- GroupReduce / DayOfYear
tt = ["2019-01-05", "2019-01-20", "2019-02-03", "2019-02-27", "2019-03-01", "2020-01-15", "2020-02-29", "2020-03-31"]
arr_g = podpac.data.Array(source=vals(8, 2, nan=[(1, 0), (5, 1), (0, 1)]), coordinates=Coordinates([tt, [0.0, 1.0]], dims=["time", "lat"]))
for num, fn in [(181, "mean"), (182, "max")]:
    g = podpac.algorithm.GroupReduce(source=arr_g, groupby="month", reduce_fn=fn)
    write("%d-groupreduce-month-%s" % (num, fn), g, Coordinates([tt, [0.0, 1.0]], dims=["time", "lat"]),
          "GroupReduce groupby 'month' reduce_fn '%s' over two years: the time dim becomes the months 1, 2, 3 (as numbers), each pooling both years, NaN skipped" % fn)
g3 = podpac.algorithm.GroupReduce(source=arr_g, groupby="weekofyear", reduce_fn="std")
write("183-groupreduce-weekofyear-std", g3, Coordinates([tt, [0.0, 1.0]], dims=["time", "lat"]),
      "GroupReduce groupby 'weekofyear' (ISO week: 2019-01-05 is week 1, 2020-03-31 week 14) reduce_fn 'std' (ddof 0): a single value gives 0, a lone NaN gives NaN; groups sorted by week number")
g4 = podpac.algorithm.DayOfYear(source=arr_g, reduce_fn="count")
write("184-dayofyear-count-time-last", g4, Coordinates([[0.0, 1.0], tt], dims=["lat", "time"]),
      "DayOfYear reduce_fn 'count' with time as the LAST request dim: counts non-NaN values per day of year (2020-02-29 is day 60, 2020-03-31 day 91); output dims in request order")

# --- ResampleReduce
ts = ["2020-01-%02d" % d for d in (1, 2, 3, 6, 7, 12, 13, 28)] + ["2020-02-%02d" % d for d in (1, 15, 29)] + ["2020-03-02"]
arr_r = podpac.data.Array(source=vals(12, 2, nan=[(0, 1), (1, 1), (4, 0)]), coordinates=Coordinates([ts, [0.0, 1.0]], dims=["time", "lat"]))
rr = [(185, "M", "mean", "calendar months labelled by their LAST day (01-31, 02-29, 03-31)"),
      (186, "W", "max", "weeks ending on Sunday, labelled by that Sunday (2020-01-05 ...); a week holding no time at all is NaN"),
      (187, "5D", "count", "5-day bins from midnight of the first day, labelled by their start; an empty bin is NaN even for count, an all-NaN bin counts 0"),
      (188, "MS", "median", "calendar months labelled by their FIRST day; median NaN-skipping"),
      (226, "2M", "sum", "two-month bins: right-closed, starting two month-ends before the first time's month-end (labels 01-31, 03-31)"),
      (227, "2MS", "mean", "two-month bins from the first time's month start, labelled by their first day (01-01, 03-01)"),
      (228, "3W-MON", "max", "three-week bins ending on Mondays, counted from the first time's week"),
      (229, "2QS", "count", "half years from the first time's quarter start (2020-01-01)")]
for num, freq, fn, desc in rr:
    r = podpac.algorithm.ResampleReduce(source=arr_r, resample=freq, reduce_fn=fn)
    write("%d-resample-%s-%s" % (num, freq, fn), r, Coordinates([ts, [0.0, 1.0]], dims=["time", "lat"]),
          "ResampleReduce resample '%s' reduce_fn '%s': %s" % (freq, fn, desc))
arr_rh = podpac.data.Array(source=vals(8, 1, nan=[(3, 0)]), coordinates=Coordinates([["2020-01-01T%02d:00:00" % h for h in (1, 2, 5, 7, 13, 14, 23)] + ["2020-01-02T02:00:00"], [0.0]], dims=["time", "lat"]))
r5 = podpac.algorithm.ResampleReduce(source=arr_rh, resample="6H", reduce_fn="sum")
write("189-resample-6H-sum", r5, Coordinates([["2020-01-01T%02d:00:00" % h for h in (1, 2, 5, 7, 13, 14, 23)] + ["2020-01-02T02:00:00"], [0.0]], dims=["time", "lat"]),
      "ResampleReduce resample '6H' reduce_fn 'sum' on hourly times: bins 00:00, 06:00, 12:00, 18:00, next day 00:00 (from midnight of the first time's day, not from 01:00)")

# --- Percentile / Skew / Kurtosis
arr3 = podpac.data.Array(source=vals(4, 3, 3, nan=[(0, 0, 0), (1, 1, 1), (2, 1, 1), (3, 1, 1)]), coordinates=Coordinates([days[:4], [0.0, 1.0, 2.0], [0.0, 1.0, 2.0]], dims=["time", "lat", "lon"]))
c3 = Coordinates([days[:4], [0.0, 1.0, 2.0], [0.0, 1.0, 2.0]], dims=["time", "lat", "lon"])
write("190-percentile-latlon-90", podpac.algorithm.Percentile(source=arr3, dims=["lat", "lon"], percentile=90.0), c3,
      "Percentile 90 over lat and lon pooled (9 values per time, NaN skipped): linear between order statistics")
write("191-percentile-dims-not-requested", podpac.algorithm.Percentile(source=arr3, dims=["alt"], percentile=10.0), c3,
      "Percentile with dims ['alt'], a dim the request lacks: nothing is reduced and the source comes back unchanged (numpy nanpercentile over axis [])")
write("192-percentile-all-dims-0", podpac.algorithm.Percentile(source=arr3, percentile=0.0), c3,
      "Percentile 0 with dims null: every request dim pooled into a 0-d output, the minimum of the finite values")
sk = np.array([[1.0, 2.0, 3.0, 4.0, 100.0], [2.0, 2.0, 2.0, 2.0, 2.0], [1.0, 1.0, 1.0, 1.0, 2.0], [-1.0, 0.5, 0.25, 3.0, 2.0]])
arr_s = podpac.data.Array(source=sk, coordinates=Coordinates([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0, 4.0]], dims=["lat", "lon"]))
cs = Coordinates([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0, 4.0]], dims=["lat", "lon"])
write("193-skew-no-nan-constant-row", podpac.algorithm.Skew(source=arr_s, dims=["lon"]), cs,
      "Skew over lon of data with NO NaN at all (scipy's plain path rather than the masked one): a constant row gives NaN, a long tail a large skew")
write("194-kurtosis-no-nan", podpac.algorithm.Kurtosis(source=arr_s, dims="lon"), cs,
      "Kurtosis over lon (dims given as a plain string) of data with no NaN: Fisher, population moments; a constant row gives NaN")
write("195-skew-all-dims-with-nan", podpac.algorithm.Skew(source=arr3), c3,
      "Skew with dims null over a (time, lat, lon) Array with NaNs: all values pooled into one 0-d skew")
write("196-kurtosis-lat-time", podpac.algorithm.Kurtosis(source=arr3, dims=["time", "lat"]), c3,
      "Kurtosis over time and lat pooled (12 values per lon, NaN skipped); output keeps lon")

# --- TileCompositor
ta = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, np.nan]])
tb = np.array([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])
tile_a = podpac.data.Array(source=ta, coordinates=Coordinates([[0.0, 1.0], [0.0, 1.0, 2.0]], dims=["lat", "lon"]))
tile_b = podpac.data.Array(source=tb, coordinates=Coordinates([[0.0, 1.0], [1.0, 2.0, 3.0]], dims=["lat", "lon"]))
tc = podpac.compositor.TileCompositor(sources=[tile_a, tile_b])
write("197-tile-overlap-first-wins-nan-filled", tc, Coordinates([[0.0, 1.0], [0.0, 1.0, 2.0, 3.0]], dims=["lat", "lon"]),
      "TileCompositor over OVERLAPPING tiles (lon 0..2 and 1..3): by label, the first tile wins where it is not NaN and its NaNs (lat 0 lon 1, lat 1 lon 2) are filled from the second; lon 3 only from the second")
tile_c = podpac.data.Array(source=np.array([[7.0, 8.0], [9.0, 11.0]]), coordinates=Coordinates([[0.5, 1.5], [0.0, 1.0]], dims=["lat", "lon"]))
tc2 = podpac.compositor.TileCompositor(sources=[tile_c, tile_a])
write("198-tile-misaligned-lat-descending-request", tc2, Coordinates([[1.5, 1.0, 0.5, 0.0], [0.0, 1.0]], dims=["lat", "lon"]),
      "TileCompositor of tiles on DIFFERENT lat grids (0.5, 1.5 and 0, 1) requested descending: the union of lats is sorted ascending (0, 0.5, 1, 1.5) whatever the request order; cells a tile lacks are NaN unless another tile has them")
tc3 = podpac.compositor.TileCompositor(sources=[sin])
write("199-tile-single-source-descending", tc3, Coordinates([[3.0, 2.0, 1.0], [4.0, 5.0]], dims=["lat", "lon"]),
      "TileCompositor with one extent-independent source (SinCoords) requested descending: nothing to combine, so the request's own (descending) grid comes back")

# --- infinities and NaN-only groups
inf = np.inf
arr_inf = podpac.data.Array(source=np.array([[1.0, inf, 3.0, 4.0], [1.0, 2.0, np.nan, 5.0], [inf, -inf, 1.0, 2.0]]), coordinates=Coordinates([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0, 3.0]], dims=["lat", "lon"]))
ci = Coordinates([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0, 3.0]], dims=["lat", "lon"])
write("200-percentile-infinity-neighbours", podpac.algorithm.Percentile(source=arr_inf, dims=["lon"], percentile=100.0), ci,
      "Percentile 100 over lon with infinities: numpy's lerp at the last value computes inf - inf, so a row whose largest value is +inf gives NaN (rows 0 and 2), row 1 its max 5")
write("201-skew-infinity-nan", podpac.algorithm.Skew(source=arr_inf, dims=["lon"]), ci,
      "Skew over lon with infinities (and a NaN elsewhere, so scipy's masked path): a row holding +/-inf gives NaN, the finite row (1, 2, 5, NaN skipped) its skew")
tg = ["2020-01-01", "2020-02-02", "2020-02-05", "2020-03-06"]
arr_ng = podpac.data.Array(source=np.array([[np.nan], [np.nan], [np.nan], [1.0]]), coordinates=Coordinates([tg, [0.0]], dims=["time", "lat"]))
write("202-groupreduce-any-nan-only-groups", podpac.algorithm.GroupReduce(source=arr_ng, groupby="month", reduce_fn="any"), Coordinates([tg, [0.0]], dims=["time", "lat"]),
      "GroupReduce month reduce_fn 'any' where January and February hold only NaN: NaN is non-zero, so 'any' is 1 for them too (numpy truthiness, no NaN skipping)")

# --- source_coordinates: only the sources a request's outer selection on that dim keeps are evaluated
tdays = ["2020-01-01", "2020-01-02", "2020-01-03"]
ll = Coordinates([[0.0, 1.0], [0.0, 1.0, 2.0]], dims=["lat", "lon"])
def day_tile(i, d, nan=()):
    v = np.arange(6.0).reshape(1, 2, 3) + 10.0 * (i + 1)
    for k in nan: v[(0,) + k] = np.nan
    return podpac.data.Array(source=v, coordinates=Coordinates([[d], [0.0, 1.0], [0.0, 1.0, 2.0]], dims=["time", "lat", "lon"]))
day_tiles = [day_tile(0, tdays[0]), day_tile(1, tdays[1], nan=[(0, 1)]), day_tile(2, tdays[2])]
by_day = Coordinates([tdays], dims=["time"])
write("242-tile-source-coordinates-subset", podpac.compositor.TileCompositor(sources=day_tiles, source_coordinates=by_day),
      Coordinates([tdays[1:], [0.0, 1.0], [0.0, 1.0, 2.0]], dims=["time", "lat", "lon"]),
      "TileCompositor with source_coordinates (one day per source) requested on days 2 and 3: only those two sources are evaluated and combined; day 1's tile is never read")
write("243-tile-source-coordinates-between", podpac.compositor.TileCompositor(sources=day_tiles, source_coordinates=by_day),
      Coordinates([["2020-01-02T12:00"], [0.0, 1.0], [0.0, 1.0, 2.0]], dims=["time", "lat", "lon"]),
      "TileCompositor with source_coordinates requested between days 2 and 3: the outer selection keeps the sources on both sides, and their own days come back")
write("244-ordered-source-coordinates-one", podpac.compositor.OrderedCompositor(sources=day_tiles, source_coordinates=by_day),
      Coordinates([[tdays[2]], [0.0, 1.0], [0.0, 1.0, 2.0]], dims=["time", "lat", "lon"]),
      "OrderedCompositor with source_coordinates requested on day 3: only the third source runs, so the first (highest-priority) source's values never appear")
write("245-ordered-source-coordinates-none", podpac.compositor.OrderedCompositor(sources=day_tiles, source_coordinates=by_day),
      Coordinates([["2020-02-01"], [0.0, 1.0], [0.0, 1.0, 2.0]], dims=["time", "lat", "lon"]),
      "OrderedCompositor with source_coordinates requested a month after the last source: no source is selected and the output is NaN on the request")

w.finish()

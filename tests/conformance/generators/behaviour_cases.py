"""Makes conformance cases 152-156 (SinCoords with sub-hour times; Convolution with time last and with a kernel dim
its source reduced away) by running PODPAC 4.0.0. The cases named x-... are what PODPAC cannot evaluate (it fails
with "conflicting sizes" on an explicit time axis it grows: numpy's datetime arange drops the end); they are printed,
not written, and PodCache fails on them the same way (ConvolutionNodeTests).

Run: PYTHONPATH=<podpac source>:<stubs> /usr/bin/python3 behaviour_cases.py tests/conformance/cases"""
import json, os, sys
import numpy as np
import podpac
from casewriter import CaseWriter
from podpac import Coordinates, clinspace
podpac.settings["DEFAULT_CACHE"] = []
podpac.settings.set_unsafe_eval(True)
out = sys.argv[1]
w = CaseWriter(out, "behaviour_cases.py", tolerate_failures=True)
write = w.write
s = podpac.algorithm.SinCoords()
c = Coordinates([["2020-01-01T00:00", "2020-01-01T00:30", "2020-01-01T01:45", "1969-12-31T23:30", "2020-01-01T02:59:59"], clinspace(10, 30, 3)], dims=["time", "lon"])
write("152-sincoords-subhour-times", s, c, "SinCoords with sub-hour times: time truncated to whole hours")
lat = np.arange(-3.0, 9.0); lon = np.arange(7.0, 20.0); t = [str(np.datetime64("2019-12-28") + i) for i in range(12)]
rng = np.random.default_rng(7)
v3 = np.round(rng.uniform(0, 10, (lat.size, lon.size, len(t))), 2)
v3[4, 6, 5] = np.nan
arr3 = podpac.algorithm.Arithmetic(a=podpac.algorithm.Arange(), s=podpac.algorithm.SinCoords(), eqn="a + 10 * s")
g = podpac.algorithm.Convolution(source=arr3, kernel_type="gaussian,3,1", kernel_dims=["lat", "lon", "time"])
req = Coordinates([clinspace(1, 4, 4), clinspace(11, 15, 5), ["2020-01-02", "2020-01-03", "2020-01-04"]], dims=["lat", "lon", "time"])
write("x-convolution-gaussian-explicit-time-last", g, req, "gaussian,3,1 Convolution over lat, lon and time; the request has time as its last dim")
g2 = podpac.algorithm.Convolution(source=arr3, kernel_type="gaussian,3,1", kernel_dims=["lat", "lon"])
write("153-convolution-gaussian-latlon-time-last", g2, req, "gaussian,3,1 over lat/lon of a (lat, lon, time) source, the request's time last: time passes through")
m = podpac.algorithm.Mean(source=arr3, dims=["time"])
c3 = podpac.algorithm.Convolution(source=m, kernel_type="mean,3", kernel_dims=["lat", "lon", "time"])
write("154-convolution-kernel-dim-reduced-away", c3, req, "mean,3 Convolution over lat, lon, time of a source that reduced time away: the kernel is summed over time and the output has no time")
c4 = podpac.algorithm.Convolution(source=m, kernel=[[[1.0, 2.0]], [[0.5, 0.25]]], kernel_dims=["lat", "time", "lon"])
req2 = Coordinates([clinspace(1, 4, 4), ["2020-01-02", "2020-01-03"], clinspace(11, 15, 5)], dims=["lat", "time", "lon"])
write("155-convolution-explicit-kernel-dim-reduced", c4, req2, "explicit 2x1x2 kernel over lat, time, lon of a time-reduced source, request (lat, time, lon)")

g5 = podpac.algorithm.Convolution(source=arr3, kernel_type="gaussian,3,1", kernel_dims=["time"])
write("x-convolution-gaussian-time-only", g5, req, "gaussian,3,1 over time only, the request's time last")
req3 = Coordinates([["2020-01-02", "2020-01-03", "2020-01-04"], clinspace(1, 4, 4), clinspace(11, 15, 5)], dims=["time", "lat", "lon"])
write("x-convolution-gaussian-time-first", g, req3, "gaussian,3,1 over lat, lon and time; the request has time first")
reqU = Coordinates([clinspace(1, 4, 4), clinspace(11, 15, 5), podpac.crange("2020-01-02", "2020-01-04", "1,D")], dims=["lat", "lon", "time"])
write("156-convolution-gaussian-uniform-time-last", g, reqU, "gaussian,3,1 over lat, lon and time; uniform time last")
w.finish()

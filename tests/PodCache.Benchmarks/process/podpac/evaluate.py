"""Evaluates a PODPAC pipeline at request coordinates behind a PODPAC 4 disk cache (node.cache(cache_type="disk")).

Usage: evaluate.py PIPELINE COORDS CACHE_DIR
The first run computes and writes the cache; later runs answer from it. Prints the output's shape and mean, so the
two tools can be checked to agree. Run by compare.sh under /usr/bin/python3 with PODPAC's source on PYTHONPATH.
"""
import json
import sys

import podpac

pipeline_path, coords_path, cache_dir = sys.argv[1:4]
podpac.settings["DISK_CACHE_DIR"] = cache_dir
podpac.settings["DEFAULT_CACHE"] = ["disk"]
podpac.settings.set_unsafe_eval(True)
with open(pipeline_path, encoding="utf-8") as f:
    node = podpac.Node.from_json(f.read())
with open(coords_path, encoding="utf-8") as f:
    coords = podpac.Coordinates.from_definition(json.load(f))
out = node.cache(node_type="hash", cache_type="disk").eval(coords)
print("shape", tuple(out.shape), "mean %.6g" % float(out.mean()))

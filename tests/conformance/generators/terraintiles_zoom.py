"""Makes tests/PodCache.Runtime.Tests/Nodes/Datalib/terraintiles-zoom.json: PODPAC's TerrainTiles zoom choice and tile
list for a set of requests.

PODPAC 4.0.0 moved TerrainTiles out of its tree (into podpacdatalib); its last in-tree version is
podpac/datalib/terraintiles.py at the parent of commit cab69b83. That module imports classes PODPAC 4 no longer has,
so this script extracts its two pure functions, TerrainTilesComposite._zoom and _get_tile_tuples (with the helpers
they call), from that file unchanged and runs them on PODPAC 4.0.0's Coordinates, which do the CRS transforms.

Run: PYTHONPATH=<podpac source>:<stubs> /usr/bin/python3 terraintiles_zoom.py <podpac git repo> OUT.json"""
import ast, json, subprocess, sys, textwrap
import numpy as np
import podpac
from podpac import Coordinates, clinspace

repo, out = sys.argv[1], sys.argv[2]
src = subprocess.check_output(["git", "-C", repo, "show", "cab69b83^:podpac/datalib/terraintiles.py"], text=True)
tree = ast.parse(src)
ns = {"np": np, "podpac": podpac, "product": __import__("itertools").product, "_logger": __import__("logging").getLogger("tt")}
for node in tree.body:
    if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "ZOOM_SIZES" for t in node.targets):
        exec(compile(ast.Module([node], []), "terraintiles.py", "exec"), ns)
    if isinstance(node, ast.FunctionDef) and node.name in ("_get_tile_tuples", "_get_tiles_grid", "_get_tiles_point", "_mercator", "_mercator_to_tilespace"):
        exec(compile(ast.Module([node], []), "terraintiles.py", "exec"), ns)
    if isinstance(node, ast.ClassDef) and node.name == "TerrainTilesComposite":
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "_zoom":
                exec(compile(ast.Module([item], []), "terraintiles.py", "exec"), ns)

class Holder:
    def __init__(self, zoom): self.zoom = zoom
zoom_fn = ns["_zoom"]

cases = []
def case(name, coords, zoom=-1):
    z = zoom_fn(Holder(zoom), coords)
    tiles = ns["_get_tile_tuples"](z, coords)
    cases.append({"name": name, "coords": json.loads(coords.json), "zoom_attr": zoom, "zoom": int(z),
                  "tiles": [[int(x), int(y)] for (x, y, _) in tiles]})

# Steps spanning every branch of the zoom rule, in degrees and in metres.
for step in [5.0, 1.0, 0.3, 0.1, 0.05, 0.01, 0.002, 0.0005, 0.0001, 0.00002]:
    case(f"4326 lat/lon step {step}", Coordinates([clinspace(10, 10 + 10 * step, 11), clinspace(-105, -105 + 15 * step, 16)], dims=["lat", "lon"]))
for step in [40000.0, 20000.0, 12000.0, 9000.0, 3000.0, 1000.0, 200.0, 30.0, 9.0, 5.0]:
    case(f"3857 step {step} m", Coordinates([clinspace(4.9e6, 4.9e6 + 10 * step, 11), clinspace(-1.16e7, -1.16e7 + 10 * step, 11)], dims=["lat", "lon"], crs="EPSG:3857"))
case("explicit lat values (smallest gap wins)", Coordinates([[40.0, 40.5, 40.51, 42.0], clinspace(-105, -104, 5)], dims=["lat", "lon"]))
case("one lat point: the lon step alone", Coordinates([[40.0], clinspace(-105, -104, 11)], dims=["lat", "lon"]))
case("one point: no step, the last zoom", Coordinates([[40.0], [-105.0]], dims=["lat", "lon"]))
case("fixed zoom 3 over a continent", Coordinates([clinspace(25, 50, 6), clinspace(-125, -65, 7)], dims=["lat", "lon"]), zoom=3)
case("fixed zoom 12, lon first", Coordinates([clinspace(-105.1, -105.0, 5), clinspace(40.0, 40.1, 5)], dims=["lon", "lat"]), zoom=12)
case("southern and eastern hemispheres", Coordinates([clinspace(-34.0, -33.5, 11), clinspace(151.0, 151.5, 11), ["2020-01-01"]], dims=["lat", "lon", "time"]))
case("descending lat", Coordinates([clinspace(41, 40, 11), clinspace(-105, -104, 11)], dims=["lat", "lon"]), zoom=9)
with open(out, "w") as f:
    json.dump({"generator": "tests/conformance/generators/terraintiles_zoom.py", "podpac": "4.0.0 coordinates; terraintiles.py at cab69b83^", "cases": cases}, f, indent=1)
for c in cases:
    print(c["name"], c["zoom"], len(c["tiles"]), c["tiles"][:4])

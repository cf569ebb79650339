"""What every conformance-case generator here shares: write a case folder (pipeline.json as PODPAC emits it,
coords.json, expected.json from PODPAC's own evaluation of the files just written, data files beside them) and an
index line for tests/conformance/cases/INDEX.md.

    from casewriter import CaseWriter
    w = CaseWriter(out_dir, "my_cases.py")
    w.write("300-name", node, coords, "what it pins", files=["/tmp/x.tif"])
    w.finish()   # writes out_dir/my_cases_index.txt, to be appended to INDEX.md by hand
"""
import json, os, shutil
import numpy as np
import podpac


def output_ref(pj, node):
    """The ref PODPAC's loader would output: the node's own ref, else the last node defined."""
    return node.base_ref if node.base_ref in pj else [k for k in pj if k != "podpac_version"][-1]


def loadable(pj):
    """PODPAC's emitted Convolution JSON does not load back (SEMANTICS 1): keep kernel_type or kernel, not both."""
    for v in pj.values():
        if isinstance(v, dict) and "Convolution" in v.get("node", ""):
            a = v.get("attrs", {})
            if a.get("kernel_type") in ([], None):
                a.pop("kernel_type", None)
            else:
                a.pop("kernel", None)
    return pj


def expected(o):
    """PODPAC's output as the conformance tests read it: coords per dim (times as ISO seconds), values with NaN as null."""
    return {"dims": list(o.dims), "shape": list(o.shape),
            "coords": {k: [float(v) if not isinstance(v, np.datetime64) else str(v.astype("datetime64[s]"))
                           for v in o.coords[k].values.ravel()] for k in o.dims},
            "values": json.loads(json.dumps(np.where(np.isnan(o.values), None, o.values).tolist()))}


class CaseWriter:
    def __init__(self, out, generator, only=(), tolerate_failures=False):
        self.out = os.path.abspath(out)
        self.generator = generator
        self.only = list(only)
        self.tolerate_failures = tolerate_failures
        self.index = []

    def write(self, name, node, coords, desc, files=()):
        """Writes one case. PODPAC evaluates the written files with the case folder as its working directory, so data
        files (copied in from `files`, and named in the pipeline by their base name) are found as a user's would be."""
        if self.only and not any(name.startswith(o) for o in self.only):
            return
        d = os.path.join(self.out, name)
        os.makedirs(d, exist_ok=True)
        try:
            for path in files:
                target = os.path.join(d, os.path.basename(path))
                if os.path.isdir(path):
                    shutil.rmtree(target, ignore_errors=True)
                    shutil.copytree(path, target)
                else:
                    shutil.copy(path, target)
            pj = loadable(json.loads(node.json))
            pj["podpac_output_node"] = output_ref(pj, node)
            if files:
                for v in pj.values():
                    if isinstance(v, dict) and isinstance(v.get("attrs", {}).get("source"), str):
                        v["attrs"]["source"] = os.path.basename(v["attrs"]["source"])
            with open(os.path.join(d, "pipeline.json"), "w") as f:
                f.write(json.dumps(pj, indent=2))
            with open(os.path.join(d, "coords.json"), "w") as f:
                f.write(json.dumps(json.loads(coords.json), indent=2))
            cwd = os.getcwd()
            os.chdir(d)
            try:
                o = podpac.Node.from_json(open("pipeline.json").read()).eval(podpac.Coordinates.from_json(open("coords.json").read()))
            finally:
                os.chdir(cwd)
            with open(os.path.join(d, "expected.json"), "w") as f:
                f.write(json.dumps(expected(o)))
        except Exception as e:
            if not self.tolerate_failures:
                raise
            shutil.rmtree(d, ignore_errors=True)
            print(name, "| PODPAC FAILS:", type(e).__name__, str(e)[:200])
            return
        self.index.append("- `%s` (%s): %s" % (name, self.generator, desc))
        print(name, "|", desc)
        print(o.values)

    def finish(self):
        stem = os.path.splitext(self.generator)[0]
        with open(os.path.join(self.out, stem + "_index.txt"), "w") as f:
            f.write("\n".join(self.index) + "\n")

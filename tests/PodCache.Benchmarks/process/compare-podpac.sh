#!/usr/bin/env bash
# PodCache against PODPAC 4, whole processes answering the same pipeline from their own warm disk caches: the 801 x 1401
# pipeline of this directory, `podcache run` against `python3 podpac/evaluate.py` (PODPAC's node.cache(cache_type="disk")).
# Both are warmed once, then run RUNS times each, interleaved, with `dotnet EmptyApp.dll` as the start-up floor.
#
# Usage: PODPAC_SRC=DIR tests/PodCache.Benchmarks/process/compare-podpac.sh [RUNS]
#   DIR holds PODPAC 4.0.0's source (github creare-com/podpac, commit 18190242: the directory with podpac/ in it).
#   PODPAC runs under /usr/bin/python3 with Debian's packages; missing ones are installed with apt-get (as root).
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-10}
here=$(pwd)
root=$(cd ../../.. && pwd)
if [ -z "${PODPAC_SRC:-}" ] || [ ! -f "$PODPAC_SRC/podpac/__init__.py" ]; then
  echo "error: set PODPAC_SRC to a checkout of PODPAC 4.0.0 (the directory holding podpac/__init__.py)" >&2
  exit 2
fi
py=/usr/bin/python3
if ! "$py" -c "import numpy, scipy, xarray, traitlets, pint, pyproj, psutil, six, requests, affine, geopy, webob, numexpr, lazy_object_proxy" 2>/dev/null; then
  echo "installing PODPAC's dependencies from Debian packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy python3-scipy python3-xarray python3-traitlets \
    python3-pint python3-pyproj python3-psutil python3-six python3-requests python3-affine python3-geopy python3-webob \
    python3-numexpr python3-lazy-object-proxy >/dev/null
fi
dotnet build "$root/src/Cli" -c Release -nologo -v quiet >/dev/null
dotnet build EmptyApp -c Release -nologo -v quiet -o /tmp/podcache-emptyapp >/dev/null
# podcache-native too, when clang is there to link it (apt-get install clang zlib1g-dev).
names=(empty podcache podpac)
if command -v clang >/dev/null; then
  dotnet publish "$root/src/Cli/Native" -c Release -nologo -v quiet -o /tmp/podcache-native >/dev/null
  names=(empty podcache native podpac)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cli="$root/src/Cli/bin/Release/net10.0/podcache.dll"
podcache=(dotnet "$cli" run pipeline.json --coords coords.json --format summary --cache-dir "$work/podcache" --no-progress)
native=(/tmp/podcache-native/podcache-native run pipeline.json --coords coords.json --format summary --cache-dir "$work/podcache" --no-progress)
# PYTHONPATH: PODPAC's source and stand-ins for what Debian does not package (lazy_import) or the run never uses
# (matplotlib, pydap).
podpac=(env "PYTHONPATH=$PODPAC_SRC:$here/podpac/stubs" "$py" -W ignore "$here/podpac/evaluate.py" pipeline.json coords.json "$work/podpac")
empty=(dotnet /tmp/podcache-emptyapp/EmptyApp.dll)
echo "warming both caches" >&2
"${podcache[@]}" | sed -n 2p >&2
"${podpac[@]}" 2>/dev/null >&2
declare -A total best
for name in "${names[@]}"; do total[$name]=0; best[$name]=999999; done
for _ in $(seq "$runs"); do
  for name in "${names[@]}"; do
    declare -n cmd=$name
    t0=$(date +%s%N); "${cmd[@]}" >/dev/null 2>&1; t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    total[$name]=$(( ${total[$name]} + ms )); [ "$ms" -lt "${best[$name]}" ] && best[$name]=$ms
  done
done
mean() { echo $(( ${total[$1]} / runs )); }
printf 'load average %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
for name in "${names[@]}"; do printf '%-9s mean %6d ms  best %6d ms  (%d runs)\n' "$name" "$(mean $name)" "${best[$name]}" "$runs"; done
awk -v e="$(mean empty)" -v c="$(mean podcache)" -v p="$(mean podpac)" \
  'BEGIN { printf "podcache run = %.2fx dotnet EmptyApp; PODPAC = %.1fx podcache run (means)\n", c / e, p / c }'
if [ -n "${total[native]:-}" ]; then
  awk -v e="$(mean empty)" -v c="$(mean native)" -v p="$(mean podpac)" \
    'BEGIN { printf "podcache-native run = %.2fx dotnet EmptyApp; PODPAC = %.1fx podcache-native run (means)\n", c / e, p / c }'
fi

#!/usr/bin/env bash
# Runs PodCache's whole test suite: restore, build, every test project; then prints "N passed, N failed"
# computed from the TRX result files. Exit code 0 only when everything built and no test failed.
set -uo pipefail
cd "$(dirname "$0")/.."

results="TestResults"
rm -rf "$results"
mkdir -p "$results"

# Test data is written by the reference tools: GDAL (the COG corpus, tests/PodCache.Runtime.Tests/Sources/GdalCogCorpus.cs)
# and, for /usr/bin/python3, GDAL's bindings, h5py, zarr and numcodecs; podcache-native's Native AOT build links with
# clang and zlib (tests/PodCache.Packaging.Tests/NativeCliTests.cs); the web UI is tested in headless Chromium
# (tests/PodCache.Server.Tests/UiBrowserTests.cs). Install Debian's packages when any is missing.
packages=(gdal-bin python3-gdal python3-h5py python3-zarr python3-numcodecs python3-pyproj cgi-mapserver mapserver-bin clang zlib1g-dev chromium)
have_tools() {
  command -v gdal_translate >/dev/null 2>&1 &&
    command -v clang >/dev/null 2>&1 && [ -e /usr/include/zlib.h ] &&
    command -v mapserv >/dev/null 2>&1 &&
    command -v chromium >/dev/null 2>&1 &&
    /usr/bin/python3 -c "from osgeo import gdal; import h5py, zarr, numcodecs, pyproj" >/dev/null 2>&1
}
if ! have_tools; then
  tools_log="$results/tools-install.log"
  as_root=()
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then as_root=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  if ! "${as_root[@]}" apt-get install -y -q "${packages[@]}" >"$tools_log" 2>&1; then
    { "${as_root[@]}" apt-get update -q && "${as_root[@]}" apt-get install -y -q "${packages[@]}"; } >>"$tools_log" 2>&1
  fi
  if ! have_tools; then
    echo "the reference tools are missing and could not be installed (apt-get install ${packages[*]}; see $tools_log):"
    tail -n 5 "$tools_log"
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "installed ${packages[*]}: $(gdal_translate --version 2>/dev/null | head -n 1); log in $tools_log"
fi

dotnet build PodCache.sln -c Release -nologo -v quiet 2>&1 | tail -n 20
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test PodCache.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@"
status=$?

passed=0
failed=0
shopt -s nullglob
trx=("$results"/*.trx)
for f in "${trx[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  fl=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  er=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  to=$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$counters")
  ab=$(sed -n 's/.* aborted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${fl:-0} + ${er:-0} + ${to:-0} + ${ab:-0}))
done
if [ "${#trx[@]}" -eq 0 ]; then
  echo "no test results were written"
  failed=$((failed + 1))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without a failing test (a crashed test host, say): count it.
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]

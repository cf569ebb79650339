#!/usr/bin/env bash
# Whole-process timing: `podcache run` of the 801 x 1401 pipeline answering from a warm disk cache, against `dotnet`
# running an empty console app. Uses hyperfine when installed (apt-get install hyperfine), else a timed loop.
# Usage: tests/PodCache.Benchmarks/process/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-20}
root=$(cd ../../.. && pwd)
dotnet build "$root/src/Cli" -c Release -nologo -v quiet >/dev/null
dotnet build EmptyApp -c Release -nologo -v quiet -o /tmp/podcache-emptyapp >/dev/null
cli="$root/src/Cli/bin/Release/net10.0/podcache.dll"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
run=(dotnet "$cli" run pipeline.json --coords coords.json --format summary --cache-dir "$cache" --no-progress)
"${run[@]}" >/dev/null   # warm the disk cache
empty=(dotnet /tmp/podcache-emptyapp/EmptyApp.dll)
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs "$runs" -N "${empty[*]}" "${run[*]}"
  exit 0
fi
time_ms() {
  local total=0 best=999999
  for _ in $(seq "$runs"); do
    local t0 t1 ms
    t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 )); total=$((total + ms)); [ "$ms" -lt "$best" ] && best=$ms
  done
  echo "mean $((total / runs)) ms, best $best ms over $runs runs: $*"
}
for _ in 1 2 3; do "${empty[@]}"; "${run[@]}" >/dev/null; done
time_ms "${empty[@]}"
time_ms "${run[@]}"

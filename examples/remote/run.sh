#!/usr/bin/env bash
# The remote-data example (README "Remote data"). Makes a 2048 x 2048 elevation COG (13 MB) and a small temperature
# "forecast" COG, serves them on http://127.0.0.1:$PORT/ (default 8765) with Range and ETag support, and runs:
#   1. cog/: a pipeline over the remote COG — the first run fetches one tile and the header, a second run in a new
#      process fetches nothing (the blocks and the results are in the disk cache);
#   2. forecast/: the forecast file is replaced (a new forecast is issued); the plan and the next run recompute exactly
#      the nodes downstream of it, while the unchanged elevation source and what is built only on it are hits.
# Needs the .NET 10 SDK and python3 (standard library only). Leaves nothing behind but its temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-8765}
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build src/Cli -c Release -nologo -v quiet >/dev/null
podcache() { src/Cli/bin/Release/net10.0/podcache "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; mark=$(wc -l <"$work/serve.log"); }
# What the server sent since the last `say`, from its request log (one line per request, body bytes last).
served() { tail -n +"$((mark + 1))" "$work/serve.log" | awk '/^serve: (GET|HEAD)/ {n++; b+=$NF} END {printf "server: %d requests, %d bytes sent\n", n, b}'; }

python3 examples/remote/make_cog.py "$work/served/dem.tif" --size 2048 --seed 1
python3 examples/remote/make_cog.py "$work/served/forecast.tif" --size 512 --seed 1 --kind temperature
python3 examples/remote/serve.py "$work/served" --port "$PORT" --seconds 900 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do grep -q "^serving" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
grep -q "^serving" "$work/serve.out" || { echo "the example server did not start (is port $PORT free? PORT=... picks another)"; cat "$work/serve.log"; exit 1; }
mark=0

# The pipelines name http://127.0.0.1:8765/; on another port, run copies that name this one.
ex="$work/pipelines"
mkdir -p "$ex/cog" "$ex/forecast"
for p in cog forecast; do
  sed "s#127.0.0.1:8765#127.0.0.1:$PORT#g" "examples/remote/$p/pipeline.json" >"$ex/$p/pipeline.json"
  cp "examples/remote/$p/coords.json" "$ex/$p/coords.json"
done

cache="$work/cache"
# The COG part runs with the defaults (a token younger than 60 s is not asked about again); the forecast part with
# examples/remote/podcache.json, which revalidates every run ("revalidateAfter": "0s") so the new forecast is seen at once.
opts=(--cache-dir "$cache" --no-progress)
fopts=(--cache-dir "$cache" --config examples/remote/podcache.json --no-progress)

say "COG over HTTP, first run (fetches the header and the tile the window touches)"
podcache run "$ex/cog/pipeline.json" --coords "$ex/cog/coords.json" --format summary "${opts[@]}"
served
say "the same request in a new process (fetches nothing)"
podcache run "$ex/cog/pipeline.json" --coords "$ex/cog/coords.json" --format summary "${opts[@]}"
served

say "forecast: first run"
podcache run "$ex/forecast/pipeline.json" --coords "$ex/forecast/coords.json" --format summary "${fopts[@]}"
served
say "a new forecast is issued (forecast.tif replaced at the same URL); the plan"
python3 examples/remote/make_cog.py "$work/served/forecast.tif" --size 512 --seed 2 --kind temperature
podcache plan "$ex/forecast/pipeline.json" --coords "$ex/forecast/coords.json" --format summary "${fopts[@]}"
served
say "the run after the new forecast (recomputes forecast and snowline; dem and relief are hits)"
podcache run "$ex/forecast/pipeline.json" --coords "$ex/forecast/coords.json" --format summary "${fopts[@]}"
served
say "and once more, unchanged (everything a hit; the server is only asked whether the files changed)"
podcache run "$ex/forecast/pipeline.json" --coords "$ex/forecast/coords.json" --format summary "${fopts[@]}"
served

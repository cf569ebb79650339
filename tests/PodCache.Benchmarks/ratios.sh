#!/usr/bin/env bash
# The regression guard of issue 17: builds the CLI (Release, ReadyToRun), podcache-native (when clang is installed) and
# the empty console app, then runs the short benchmark set and the whole-process comparison and prints one table of
# ratios against the targets (Ratios.cs). Exit code 1 when a target is missed. About 5-8 minutes on 2 cores; with
# --process-only, the whole processes alone in about a minute. See docs/benchmarks.md, "Regression guard".
# Usage: tests/PodCache.Benchmarks/ratios.sh [PROCESS_RUNS] [--process-only]
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
dotnet build "$root/src/Cli" -c Release -nologo -v quiet >/dev/null
dotnet build process/EmptyApp -c Release -nologo -v quiet -o /tmp/podcache-emptyapp >/dev/null
native=()
if command -v clang >/dev/null; then
  dotnet publish "$root/src/Cli/Native" -c Release -nologo -v quiet -o /tmp/podcache-native >/dev/null
  native=(--native /tmp/podcache-native/podcache-native)
else
  echo "clang is not installed: podcache-native is not measured (apt-get install clang zlib1g-dev)" >&2
fi
exec dotnet run -c Release --project . -- --ratios \
  --cli "$root/src/Cli/bin/Release/net10.0/podcache.dll" --empty /tmp/podcache-emptyapp/EmptyApp.dll "${native[@]}" \
  --process-runs "${1:-15}" "${@:2}"

#!/usr/bin/env bash
# The situation map with a big city (docs/performance.md, "The situation map").
#
#   scripts/map-bench.sh [--devices N] [--seconds S] [--width W] [--height H] [--out DIR]
#
# What it does, in order:
#   1. builds the city generator, the engine (src/Silo) and the map benchmark (benchmarks/MapBench) in Release;
#   2. generates a city of --devices devices (default 100000) with its basemap into
#      ~/.cache/cityops-map-bench/city-N (reused when present; CITYOPS_BENCH_CACHE moves it);
#   3. starts the engine on it (Simulator off, its own data folder, free loopback ports) and waits until the
#      devices are registered and /health is healthy;
#   4. runs the benchmark: headless Chromium signs in to the big screen at W×H (default 1920×1080), waits for
#      every device on the map, pans S seconds (default 10) at city zoom and at street zoom timing each frame,
#      and counts what the page downloaded and whether anything was asked of another host;
#   5. stops the engine (SIGTERM to its own process) and prints the table, also kept in --out.
# Not a test: the numbers depend on the machine. Chromium draws WebGL in software (SwiftShader) here, so a
# wall with a GPU draws faster.

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)
log() { printf '[map-bench] %s\n' "$*"; }
die() { printf '[map-bench] ERROR: %s\n' "$*" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

DEVICES=100000
SECONDS_PER_ZOOM=10
WIDTH=1920
HEIGHT=1080
CACHE=${CITYOPS_BENCH_CACHE:-$HOME/.cache/cityops-map-bench}
OUT=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --devices) DEVICES=$2; shift 2 ;;
        --seconds) SECONDS_PER_ZOOM=$2; shift 2 ;;
        --width) WIDTH=$2; shift 2 ;;
        --height) HEIGHT=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
OUT=${OUT:-$CACHE/runs/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Below Linux's ephemeral range (32768-60999), which outgoing connections take ports from.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 12000))
        port_open "$port" || { printf '%s\n' "$port"; return; }
    done
}

ENGINE_PID=""
DATA=""
cleanup() {
    if [[ -n $ENGINE_PID ]] && kill -0 "$ENGINE_PID" 2>/dev/null; then
        log "stopping the engine (pid $ENGINE_PID)"
        kill -TERM "$ENGINE_PID" 2>/dev/null || true
        for _ in $(seq 1 300); do kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$ENGINE_PID" 2>/dev/null && kill -KILL "$ENGINE_PID" 2>/dev/null
        wait "$ENGINE_PID" 2>/dev/null || true
    fi
    [[ -n $DATA ]] && rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- 1. build
log "building the generator, the engine and the map benchmark (Release)"
for project in samples/CityGenerator src/Silo benchmarks/MapBench; do
    dotnet build "$project" -c Release -v quiet -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; die "build of $project failed"; }
done

# ---------------------------------------------------------------- 2. city
CITY="$CACHE/city-$DEVICES"
if [[ ! -f $CITY/basemap.geojson || ! -f $CITY/devices.json ]]; then
    log "generating a city of $DEVICES devices into $CITY"
    dotnet samples/CityGenerator/bin/Release/net10.0/CityOps.CityGenerator.dll --devices "$DEVICES" --out "$CITY"
fi

# ---------------------------------------------------------------- 3. engine
DATA=$(mktemp -d)
HTTP_PORT=$(free_port)
MQTT_PORT=$(free_port)
SILO_PORT=$(free_port)
GATEWAY_PORT=$(free_port)
ENGINE_LOG="$OUT/engine.log"
log "starting the engine on http://127.0.0.1:$HTTP_PORT/ (silo $SILO_PORT, gateway $GATEWAY_PORT; log: $ENGINE_LOG)"
env Simulator__Enabled=false Sip__Enabled=false Http__Urls="http://127.0.0.1:$HTTP_PORT" \
    Mqtt__Port="$MQTT_PORT" Mqtt__BindAddress=127.0.0.1 \
    Orleans__SiloPort="$SILO_PORT" Orleans__GatewayPort="$GATEWAY_PORT" \
    Storage__DataPath="$DATA" City__Path="$CITY" City__PrintDemoSignIns=false \
    dotnet src/Silo/bin/Release/net10.0/CityOps.Silo.dll >"$ENGINE_LOG" 2>&1 &
ENGINE_PID=$!
deadline=$((SECONDS + DEVICES / 400 + 240))
until grep -q "Registered [0-9,]* devices" "$ENGINE_LOG" && curl -sf --max-time 5 "http://127.0.0.1:$HTTP_PORT/health" >/dev/null; do
    kill -0 "$ENGINE_PID" 2>/dev/null || { tail -20 "$ENGINE_LOG"; die "the engine stopped"; }
    ((SECONDS < deadline)) || die "the engine was not ready in time"
    sleep 2
done

# ---------------------------------------------------------------- 4. benchmark
log "running the map benchmark"
dotnet benchmarks/MapBench/bin/Release/net10.0/CityOps.MapBench.dll --url "http://127.0.0.1:$HTTP_PORT/" \
    --seconds "$SECONDS_PER_ZOOM" --width "$WIDTH" --height "$HEIGHT" | tee "$OUT/map-bench.md"
log "report kept in $OUT/map-bench.md"

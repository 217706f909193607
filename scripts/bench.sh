#!/usr/bin/env bash
# End to end: the engine beside mosquitto under the same MQTT load (docs/performance.md).
#
#   scripts/bench.sh [--devices N] [--connections N] [--aggregators M] [--duration T] [--warmup T]
#                    [--rate R|max] [--batch-rate R|max] [--qos 0|1] [--aggregator-devices N] [--prewarm T] [--out DIR]
#
# What it does, in order:
#   1. builds the city generator, the load generator (samples/LoadGen) and the engine (src/Silo) in Release;
#   2. generates a city of --devices devices (default 100000) into ~/.cache/cityops-bench (reused when
#      present; CITYOPS_BENCH_CACHE moves it) and gives it a gateways.json of bench aggregators, one per
#      district, when it has none or too few;
#   3. starts Debian's mosquitto (installed when missing) on a free loopback port with an anonymous
#      listener and runs the load against it, with a subscriber on city/# counting what arrives;
#   4. starts the engine (Simulator off, its own data folder, free ports) on that city, waits until
#      /health is healthy and the log says "Registered N devices", notes the registration time and the
#      engine's RSS, and runs the same load against it, with a dashboard client timing frames;
#   5. stops both (SIGTERM to the process itself, then waits) and prints one table:
#      work | engine | mosquitto | engine ÷ mosquitto.
#
# --connections is the number of devices on their own MQTT connection (default 5000); --aggregators the
# number of aggregators publishing batches of 500 readings (default 1). --rate is own-connection telemetry
# messages a second in total (default 2500), --batch-rate batches a second over all aggregators (default 4);
# --aggregator-devices N keeps each aggregator to N devices of its district (default: all of them).
# --prewarm T first runs the same connections for T at a fifth of the rates (at least 1 a second), against each
# broker, so that the measured load finds every device already heard from (its twin active); its report is kept
# apart and not in the table (default: none, so that the load meets a freshly registered city).
# The reports (JSON and text) and both logs are kept in --out (default a dated folder under the cache).

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)
# shellcheck source=scripts/services.sh
source scripts/services.sh

log() { printf '[bench] %s\n' "$*"; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

DEVICES=100000
CONNECTIONS=5000
AGGREGATORS=1
DURATION=60s
WARMUP=15s
RATE=2500
BATCH_RATE=4
QOS=1
CONNECT_RATE=500
AGGREGATOR_DEVICES=0
PREWARM=""
SEED=20261122
CACHE=${CITYOPS_BENCH_CACHE:-$HOME/.cache/cityops-bench}
OUT=""

usage() { sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while (($# > 0)); do
    case $1 in
    --devices) DEVICES=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --aggregators) AGGREGATORS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --batch-rate) BATCH_RATE=$2; shift 2 ;;
    --qos) QOS=$2; shift 2 ;;
    --connect-rate) CONNECT_RATE=$2; shift 2 ;;
    --aggregator-devices) AGGREGATOR_DEVICES=$2; shift 2 ;;
    --prewarm) PREWARM=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
    esac
done

((CONNECTIONS <= DEVICES)) || die "--connections ($CONNECTIONS) cannot exceed --devices ($DEVICES)"

# Each connection is a file descriptor on both sides; 10,000 of them need more than the usual 1024.
# Up to 65536, or as far as the hard limit allows (20,000 on the development machine).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
(($(ulimit -n) >= CONNECTIONS + 1024)) ||
    die "ulimit -n is $(ulimit -n): too few file descriptors for $CONNECTIONS connections (raise the hard limit)"

LOADGEN_DLL="$REPO/samples/LoadGen/bin/Release/net10.0/CityOps.LoadGen.dll"
GENERATOR_DLL="$REPO/samples/CityGenerator/bin/Release/net10.0/CityOps.CityGenerator.dll"
SILO_DLL="$REPO/src/Silo/bin/Release/net10.0/CityOps.Silo.dll"

STATE=$(mktemp -d "${TMPDIR:-/tmp}/cityops-bench.XXXX")
chmod 755 "$STATE"
OUT=${OUT:-$CACHE/runs/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
MOSQUITTO_PID=""
ENGINE_PID=""

cleanup() {
    if [[ -n $ENGINE_PID ]]; then stop_process "$ENGINE_PID" engine 60; fi
    if [[ -n $MOSQUITTO_PID ]]; then stop_process "$MOSQUITTO_PID" mosquitto 10; fi
    rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nothing listens on, away from the defaults and from scripts/services.sh's fixed ones, and below the
# ephemeral range (32768 and up), where the load's own outgoing connections would otherwise hold it.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 12000))
        port_open "$port" || { printf '%s\n' "$port"; return; }
    done
}

# SIGTERM to the process itself, then waits; KILL only after SECONDS (the engine writes what it holds as it stops).
stop_process() {
    local pid=$1 what=$2 seconds=$3 i
    kill -0 "$pid" 2>/dev/null || return 0
    log "stopping $what (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < seconds * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "warning: $what did not stop within ${seconds} s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

rss_mb() { awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"; }

# ---------------------------------------------------------------- 1. build

log "building the city generator, the load generator and the engine (Release)"
for project in samples/CityGenerator samples/LoadGen src/Silo; do
    dotnet build "$project" -c Release -v q -nologo >"$OUT/build.log" 2>&1 ||
        { tail -n 30 "$OUT/build.log" >&2; die "building $project failed"; }
done

# ---------------------------------------------------------------- 2. the city

CITY="$CACHE/city-$DEVICES-s$SEED"
if [[ ! -s $CITY/devices.json ]]; then
    log "generating a city of $DEVICES devices into $CITY"
    rm -rf "$CITY.partial"
    mkdir -p "$CACHE"
    dotnet "$GENERATOR_DLL" --seed "$SEED" --devices "$DEVICES" --out "$CITY.partial" >"$OUT/generator.log" 2>&1 ||
        { cat "$OUT/generator.log" >&2; die "the city generator failed"; }
    mv "$CITY.partial" "$CITY"
else
    log "reusing the city in $CITY"
fi

# The generator writes no aggregators: give the city bench ones, one per district in turn.
gateway_count() { if [[ -s $1 ]]; then grep -c '"id"' "$1" || true; else echo 0; fi; }
WANTED_GATEWAYS=$((AGGREGATORS > 4 ? AGGREGATORS : 4))
if (($(gateway_count "$CITY/gateways.json") < AGGREGATORS)); then
    log "writing $WANTED_GATEWAYS bench aggregators into $CITY/gateways.json"
    mapfile -t DISTRICTS < <(grep -o '"cellCode":"[0-9]\{6\}' "$CITY/devices.json" | cut -d'"' -f4 | sort -u)
    ((${#DISTRICTS[@]} > 0)) || die "no districts found in $CITY/devices.json"
    {
        printf '[\n'
        for ((i = 1; i <= WANTED_GATEWAYS; i++)); do
            secret=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
            printf '  {"id":"GW-BENCH-%02d","secret":"%s","regions":["%s"]}%s\n' \
                "$i" "$secret" "${DISTRICTS[$(((i - 1) % ${#DISTRICTS[@]}))]}" "$( ((i < WANTED_GATEWAYS)) && echo ,)"
        done
        printf ']\n'
    } >"$CITY/gateways.json"
fi

LOAD_ARGS=(--city "$CITY" --devices "$CONNECTIONS" --aggregators "$AGGREGATORS" --rate "$RATE" --batch-rate "$BATCH_RATE"
    --duration "$DURATION" --warmup "$WARMUP" --qos "$QOS" --connect-rate "$CONNECT_RATE" --aggregator-devices "$AGGREGATOR_DEVICES")

# A fifth of a rate, at least 1 a second; "max" stays "max".
fifth() { if [[ $1 == max ]]; then echo max; else echo $(($1 / 5 > 0 ? $1 / 5 : 1)); fi; }

# --prewarm: the same connections at a fifth of the rates before the measured load; MODE, PORT and the rest are passed on.
prewarm() {
    [[ -n $PREWARM ]] || return 0
    local mode=$1
    shift
    log "prewarming $mode for $PREWARM"
    dotnet "$LOADGEN_DLL" --city "$CITY" --devices "$CONNECTIONS" --aggregators "$AGGREGATORS" --rate "$(fifth "$RATE")" \
        --batch-rate "$(fifth "$BATCH_RATE")" --duration "$PREWARM" --warmup 0s --qos "$QOS" --connect-rate "$CONNECT_RATE" \
        --aggregator-devices "$AGGREGATOR_DEVICES" --mode "$mode" "$@" >"$OUT/$mode-prewarm.txt" 2>&1 ||
        log "warning: the prewarm against $mode ended with an error (see $OUT/$mode-prewarm.txt)"
}

# ---------------------------------------------------------------- 3. mosquitto

if ! command -v mosquitto >/dev/null 2>&1 || ! deb_installed mosquitto; then
    log "installing Debian's mosquitto"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mosquitto
fi

MOSQUITTO_PORT=$(free_port)
mkdir -p "$STATE/mosquitto"
# No persistence, an anonymous listener, Nagle off as the engine's broker has it, and room for the
# counting subscriber's queue so that the broker never drops what it acknowledged.
cat >"$STATE/mosquitto/mosquitto.conf" <<EOF
persistence false
log_dest stdout
log_type error
log_type warning
listener $MOSQUITTO_PORT 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
max_queued_messages 1000000
EOF
is_root && id mosquitto >/dev/null 2>&1 && chown -R mosquitto: "$STATE/mosquitto"
log "starting mosquitto on 127.0.0.1:$MOSQUITTO_PORT ($(mosquitto -h 2>/dev/null | head -n 1 || true))"
mosquitto -c "$STATE/mosquitto/mosquitto.conf" >"$OUT/mosquitto.log" 2>&1 &
MOSQUITTO_PID=$!
wait_until 30 mosquitto "$MOSQUITTO_PID" "$OUT/mosquitto.log" port_open "$MOSQUITTO_PORT"

prewarm mosquitto --port "$MOSQUITTO_PORT"
log "load against mosquitto"
LOAD_BEFORE_MOSQUITTO=$(loadavg)
dotnet "$LOADGEN_DLL" "${LOAD_ARGS[@]}" --mode mosquitto --port "$MOSQUITTO_PORT" --watch-pid "$MOSQUITTO_PID" \
    --json "$OUT/mosquitto.json" | tee "$OUT/mosquitto.txt"
LOAD_AFTER_MOSQUITTO=$(loadavg)
stop_process "$MOSQUITTO_PID" mosquitto 10
MOSQUITTO_PID=""

# ---------------------------------------------------------------- 4. the engine

HTTP_PORT=$(free_port)
MQTT_PORT=$(free_port)
SILO_PORT=$(free_port)
GATEWAY_PORT=$(free_port)
log "starting the engine: HTTP 127.0.0.1:$HTTP_PORT, MQTT 127.0.0.1:$MQTT_PORT, data $STATE/engine-data"
ENGINE_LOG="$OUT/engine.log"
started=$(date +%s.%N)
# The engine runs with the collector setting it is deployed with (docs/deployment.md, "The collector").
env Simulator__Enabled=false Sip__Enabled=false \
    DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x10000000}" \
    Http__Urls="http://127.0.0.1:$HTTP_PORT" \
    Mqtt__Port="$MQTT_PORT" Mqtt__BindAddress=127.0.0.1 \
    Orleans__SiloPort="$SILO_PORT" Orleans__GatewayPort="$GATEWAY_PORT" \
    Storage__DataPath="$STATE/engine-data" \
    City__Path="$CITY" City__PrintDemoSignIns=false \
    dotnet "$SILO_DLL" >"$ENGINE_LOG" 2>&1 &
ENGINE_PID=$!

healthy() { curl -sf --max-time 5 "http://127.0.0.1:$HTTP_PORT/health" >/dev/null; }
registered() { grep -q "Registered [0-9,]* devices" "$ENGINE_LOG"; }
# Registering 100,000 devices took about two minutes on the 2-core development machine.
wait_until $((DEVICES / 400 + 180)) "the engine (registering $DEVICES devices)" "$ENGINE_PID" "$ENGINE_LOG" registered
wait_until 120 "the engine's /health" "$ENGINE_PID" "$ENGINE_LOG" healthy
ready=$(date +%s.%N)
# The first " in N s" of the line is the whole registration; the steps' times follow it.
REGISTRATION_SECONDS=$(grep -m 1 "Registered [0-9,]* devices from " "$ENGINE_LOG" | sed -n 's/.*Registered [0-9,]* devices from [^ ]* in \([0-9.]*\) s.*/\1/p')
START_TO_READY=$(awk -v a="$started" -v b="$ready" 'BEGIN { printf "%.1f", b - a }')
RSS_AFTER_REGISTRATION=$(rss_mb "$ENGINE_PID")
log "engine ready: registration ${REGISTRATION_SECONDS} s (its log), ${START_TO_READY} s from start to healthy; RSS ${RSS_AFTER_REGISTRATION} MB"

prewarm engine --port "$MQTT_PORT" --http "http://127.0.0.1:$HTTP_PORT"
log "load against the engine"
LOAD_BEFORE_ENGINE=$(loadavg)
dotnet "$LOADGEN_DLL" "${LOAD_ARGS[@]}" --mode engine --port "$MQTT_PORT" --http "http://127.0.0.1:$HTTP_PORT" \
    --watch-pid "$ENGINE_PID" --json "$OUT/engine.json" | tee "$OUT/engine.txt"

LOAD_AFTER_ENGINE=$(loadavg)
stopping=$(date +%s.%N)
stop_process "$ENGINE_PID" engine 60
ENGINE_PID=""
STOP_SECONDS=$(awk -v a="$stopping" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# ---------------------------------------------------------------- 5. the table

{
    printf 'City of %s devices: %s on their own connections, %s aggregator(s) over %s devices each; rate %s msg/s, %s batches/s; QoS %s; %s measured after %s warm-up%s.\n' \
        "$DEVICES" "$CONNECTIONS" "$AGGREGATORS" "$( ((AGGREGATOR_DEVICES > 0)) && echo "$AGGREGATOR_DEVICES" || echo "all the district's")" "$RATE" "$BATCH_RATE" "$QOS" "$DURATION" "$WARMUP" \
        "$([[ -n $PREWARM ]] && echo ", after a prewarm of $PREWARM at a fifth of the rates")"
    printf 'Engine: %s s from start to healthy and registered; stopped in %s s.\n' "$START_TO_READY" "$STOP_SECONDS"
    printf 'Load average (1, 5, 15 min) before and after each load: mosquitto %s → %s; engine %s → %s (%s cores).\n\n' \
        "$LOAD_BEFORE_MOSQUITTO" "$LOAD_AFTER_MOSQUITTO" "$LOAD_BEFORE_ENGINE" "$LOAD_AFTER_ENGINE" "$(nproc)"
    dotnet "$LOADGEN_DLL" compare --engine "$OUT/engine.json" --mosquitto "$OUT/mosquitto.json" \
        --registration-seconds "$REGISTRATION_SECONDS" --rss-mb "$RSS_AFTER_REGISTRATION"
    printf '\nEngine log: %s warning, %s error and %s critical lines.\n' \
        "$(grep -c 'warn:' "$ENGINE_LOG" || true)" "$(grep -c 'fail:' "$ENGINE_LOG" || true)" "$(grep -c 'crit:' "$ENGINE_LOG" || true)"
} | tee "$OUT/table.md"
log "reports, logs and the table are in $OUT"

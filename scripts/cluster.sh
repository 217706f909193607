#!/usr/bin/env bash
# A whole cluster on this machine (docs/deployment.md): PostgreSQL, 3 silos, 2 device gateways,
# 2 dashboard hosts and the device simulator, each its own process on loopback.
#
#   scripts/cluster.sh            # build, start everything, print where to look, run until Ctrl-C / SIGTERM
#   scripts/cluster.sh --check    # start everything, wait until telemetry reaches the twins through
#                                 # both gateways and both dashboard hosts answer, then stop
#
# Ports (127.0.0.1 only):
#   PostgreSQL 25432 · Azurite (evidence photos) 10200
#   silos: Orleans 11111-11113 / client gateways 30000-30002, HTTP 5091-5093 (API, pages, /health)
#   device gateways: MQTT 1883 and 1884, HTTP 5081 and 5084 (/health, /metrics)
#   dashboard hosts: HTTP 5082 and 5083
# State and logs live in CITYOPS_CLUSTER_DIR (default /tmp/cityops-cluster), emptied at each start.
# Stopping sends SIGTERM to each program in turn (dashboards, gateways, silos), waits, then stops
# PostgreSQL and Azurite: the gateways deliver what they acknowledged and the silos write what is in memory.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/services.sh
source scripts/services.sh
log() { printf '[cluster] %s\n' "$*"; }

CHECK=""
case "${1:-}" in
    --check) CHECK=1 ;;
    "") ;;
    *) die "unknown option $1 (use --check or nothing)" ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
CITYOPS_PG_PORT=25432
CITYOPS_BLOB_PORT=10200
DIR=${CITYOPS_CLUSTER_DIR:-/tmp/cityops-cluster}
BIN=src/Silo/bin/Release/net10.0
SILO_DLL=$PWD/src/Silo/bin/Release/net10.0/CityOps.Silo.dll
GATEWAY_DLL=$PWD/src/DeviceGateway/bin/Release/net10.0/CityOps.DeviceGateway.dll
DASHBOARD_DLL=$PWD/src/DashboardHost/bin/Release/net10.0/CityOps.DashboardHost.dll
SILO_HTTP=(5091 5092 5093)
GATEWAY_MQTT=(1883 1884)
GATEWAY_HTTP=(5081 5084)
DASHBOARD_HTTP=(5082 5083)

PIDS=()   # every program started, in start order
NAMES=()

stop_all() {
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        stop_program "${PIDS[i]}" "${NAMES[i]}"
    done
    PIDS=()
    stop_azurite || true
    stop_postgres || true
}

# SIGTERM to the program itself (dotnet passes no signal on), up to 60 s to finish, then SIGKILL.
stop_program() {
    local pid=$1 what=$2 i
    kill -0 "$pid" 2>/dev/null || return 0
    log "stopping $what (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$what did not stop within 60 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

healthy() { http_get_headers "$1" /health | head -n 1 | grep -q ' 200'; }

# start NAME DLL ENV… - starts one program with its own environment and log file.
start() {
    local name=$1 dll=$2
    shift 2
    env "$@" dotnet "$dll" >"$DIR/$name.log" 2>&1 &
    PIDS+=($!)
    NAMES+=("$name")
    log "started $name (pid $!), log $DIR/$name.log"
}

trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for port in "$CITYOPS_PG_PORT" "$CITYOPS_BLOB_PORT" "${SILO_HTTP[@]}" "${GATEWAY_MQTT[@]}" "${GATEWAY_HTTP[@]}" "${DASHBOARD_HTTP[@]}" 11111 11112 11113 30000 30001 30002; do
    require_port_free "$port" "the cluster"
done

log "building (Release)"
dotnet build CityOps.slnx -c Release -nologo -clp:ErrorsOnly >"${TMPDIR:-/tmp}/cityops-cluster-build.log" 2>&1 ||
    { show_log "${TMPDIR:-/tmp}/cityops-cluster-build.log"; die "the build failed"; }
cityops_services_install

rm -rf "$DIR"
mkdir -p "$DIR"
CITYOPS_STATE_DIR=$DIR/services
mkdir -p "$CITYOPS_STATE_DIR"
chmod 711 "$DIR" "$CITYOPS_STATE_DIR"
start_postgres
start_azurite
cityops_services_export_env

# One signing key for every host, so a token issued by one dashboard host is good at all of them.
SIGNING_KEY=$(head -c 32 /dev/urandom | base64)
COMMON=(
    Profile=cluster
    "ConnectionStrings__Orleans=$CITYOPS_TEST_POSTGRES"
    "Auth__SigningKey=$SIGNING_KEY"
    "City__Path=$PWD/samples/city"
    "Evidence__BlobConnectionString=$CITYOPS_TEST_BLOBS"
)
BROKERS="127.0.0.1:${GATEWAY_MQTT[0]},127.0.0.1:${GATEWAY_MQTT[1]}"

# Silos: the first alone, so that it applies the schema and registers the city before the others join.
for i in 0 1 2; do
    start "silo$((i + 1))" "$SILO_DLL" "${COMMON[@]}" \
        "Storage__DataPath=$DIR/silo$((i + 1))" \
        "Orleans__SiloPort=$((11111 + i))" "Orleans__GatewayPort=$((30000 + i))" \
        "Http__Urls=http://127.0.0.1:${SILO_HTTP[i]}" \
        Mqtt__Enabled=false \
        "Simulator__Enabled=$([[ $i == 0 ]] && echo true || echo false)" \
        "Simulator__Brokers=$BROKERS"
    wait_until 300 "silo$((i + 1))" "${PIDS[-1]}" "$DIR/silo$((i + 1)).log" healthy "${SILO_HTTP[i]}"
done

for i in 0 1; do
    start "gateway$((i + 1))" "$GATEWAY_DLL" "${COMMON[@]}" \
        "Mqtt__Port=${GATEWAY_MQTT[i]}" "Mqtt__BindAddress=127.0.0.1" "Mqtt__GatewayId=gateway$((i + 1))" \
        "Http__Urls=http://127.0.0.1:${GATEWAY_HTTP[i]}"
done

for i in 0 1; do
    start "dashboard$((i + 1))" "$DASHBOARD_DLL" "${COMMON[@]}" \
        "Storage__DataPath=$DIR/dashboard$((i + 1))" \
        "Http__Urls=http://127.0.0.1:${DASHBOARD_HTTP[i]}"
done

for i in 0 1; do
    wait_until 120 "gateway$((i + 1))" "${PIDS[3 + i]}" "$DIR/gateway$((i + 1)).log" healthy "${GATEWAY_HTTP[i]}"
    wait_until 120 "dashboard$((i + 1))" "${PIDS[5 + i]}" "$DIR/dashboard$((i + 1)).log" healthy "${DASHBOARD_HTTP[i]}"
done

cat <<EOF

City operations engine is running as a cluster (state and logs in $DIR)
  Big screen      http://127.0.0.1:${DASHBOARD_HTTP[0]}/   http://127.0.0.1:${DASHBOARD_HTTP[1]}/
  Console         http://127.0.0.1:${DASHBOARD_HTTP[0]}/console
  Silos (health)  http://127.0.0.1:${SILO_HTTP[0]}/health  :${SILO_HTTP[1]}  :${SILO_HTTP[2]}
  MQTT gateways   mqtt://127.0.0.1:${GATEWAY_MQTT[0]}  mqtt://127.0.0.1:${GATEWAY_MQTT[1]}  (health :${GATEWAY_HTTP[0]} :${GATEWAY_HTTP[1]})
  Metrics         /metrics on every HTTP port above
  PostgreSQL      $CITYOPS_TEST_POSTGRES
  Simulator       in silo1, devices spread over both gateways
  Sign in         the sample city's demo users (see README); every host accepts the same token

EOF

if [[ -n $CHECK ]]; then
    # Both gateways hold devices and have handed telemetry on (each counts its own in /metrics).
    metrics() {
        (
            exec 3<>"/dev/tcp/127.0.0.1/$1"
            printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$1" >&3
            timeout 10 cat <&3
        )
    }
    accepted() { metrics "$1" | tr -d '\r' | awk '/^cityops_gateway_messages_accepted_total\{/ && /channel="Telemetry"/ && $2 + 0 > 0 { found = 1 } END { exit !found }'; }
    for i in 0 1; do
        wait_until 180 "telemetry through gateway$((i + 1))" "${PIDS[3 + i]}" "$DIR/gateway$((i + 1)).log" accepted "${GATEWAY_HTTP[i]}"
        log "check: gateway$((i + 1)) has accepted telemetry"
    done
    log "check: every program is healthy; stopping"
    exit 0
fi

log "running; Ctrl-C stops the cluster"
wait -n "${PIDS[@]}" || true
log "a program ended on its own; stopping the rest"

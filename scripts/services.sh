#!/usr/bin/env bash
# Throw-away backing services for the integration tests: PostgreSQL, mosquitto and
# Azurite (blob), each on loopback, on a non-default port and in a fresh temporary
# state directory, so they never clash with a developer's own servers or with the
# state of an earlier run. Headless Chromium is installed and checked, not started.
#
# Two ways to use it:
#   source scripts/services.sh      # library: scripts/test.sh does this
#   scripts/services.sh [COMMAND…]  # start everything, run COMMAND (default: a shell)
#                                   # with the CITYOPS_TEST_* variables exported, then
#                                   # stop everything - handy for running one test
#                                   # from an editor or `dotnet test --filter`.
#
# Ports (127.0.0.1 only; CITYOPS_PG_PORT, CITYOPS_MQTT_PORT, CITYOPS_MQTT_ANON_PORT and CITYOPS_BLOB_PORT move them):
#   55432 PostgreSQL   18830 MQTT with password   18831 MQTT anonymous   10100 Azurite blob
#
# Needs root for the first run (apt-get); later runs only check what is there.
# As root PostgreSQL runs as the `postgres` user, because it refuses to run as root.

# Only the library part runs when sourced; strict mode is the caller's business then,
# but every function below is written to work under `set -euo pipefail`.

CITYOPS_PG_PORT=${CITYOPS_PG_PORT:-55432}
CITYOPS_MQTT_PORT=${CITYOPS_MQTT_PORT:-18830}
CITYOPS_MQTT_ANON_PORT=${CITYOPS_MQTT_ANON_PORT:-18831}
CITYOPS_BLOB_PORT=${CITYOPS_BLOB_PORT:-10100}
CITYOPS_MQTT_USER=gateway
CITYOPS_MQTT_PASSWORD=gateway-secret
CITYOPS_CHROMIUM=/usr/bin/chromium
# Azurite's well-known development account: public, documented, only valid against Azurite.
CITYOPS_AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

CITYOPS_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CITYOPS_TOOLS_DIR="$CITYOPS_REPO_ROOT/tools"

# Filled in as services come up; cityops_services_stop only touches what is set here.
CITYOPS_STATE_DIR=""
CITYOPS_PG_BIN=""
CITYOPS_PG_DATA=""
CITYOPS_PG_STARTED=""
CITYOPS_MOSQUITTO_PID=""
CITYOPS_AZURITE_PID=""

log() { printf '[test] %s\n' "$*"; }
die() { printf '[test] ERROR: %s\n' "$*" >&2; exit 1; }

# Prints the last lines of a service's log, so a failure explains itself in CI output.
show_log() {
    local file=$1
    if [[ -s $file ]]; then
        printf '[test] --- last lines of %s ---\n' "$file" >&2
        tail -n 30 "$file" >&2 || true
        printf '[test] ---\n' >&2
    fi
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# apt-get needs root; a developer working as a normal user with sudo still gets the
# one-time install, everyone else gets a clear message instead of a permission error.
as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $* (install it once by hand, or run as root)"
    fi
}

# Runs a PostgreSQL program as the user that owns the data directory.
as_pg() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_open() {
    # A subshell, so the probe's file descriptor is closed again straight away.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

require_port_free() {
    local port=$1 what=$2
    if port_open "$port"; then
        die "127.0.0.1:$port is already in use, so $what cannot start there (is another test run still going?)"
    fi
}

# wait_until SECONDS DESCRIPTION PID LOGFILE COMMAND… - polls COMMAND until it succeeds;
# gives up early if the service's process (PID, may be empty) has died.
wait_until() {
    local seconds=$1 what=$2 pid=$3 logfile=$4
    shift 4
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
            show_log "$logfile"
            die "$what exited during start-up"
        fi
        if ((SECONDS >= deadline)); then
            show_log "$logfile"
            die "$what was not ready after ${seconds}s"
        fi
        sleep 0.3
    done
}

# ---------------------------------------------------------------- install

deb_installed() {
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# fonts-wqy-microhei: a CJK font, so the pages' Chinese renders in headless screenshots.
DEBIAN_PACKAGES=(postgresql mosquitto mosquitto-clients chromium fonts-wqy-microhei)

install_debian_packages() {
    local missing=() pkg
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        deb_installed "$pkg" || missing+=("$pkg")
    done
    if ((${#missing[@]} == 0)); then
        log "Debian packages present: ${DEBIAN_PACKAGES[*]}"
        return
    fi
    log "installing Debian packages: ${missing[*]} (first run only; takes a few minutes)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# npm ci wipes node_modules, so it only runs when the lock file differs from the one
# the current node_modules was installed from. Besides Azurite it brings @microsoft/signalr,
# the client the pages use, which the hub tests run under node in a process of its own.
install_npm_tools() {
    local stamp="$CITYOPS_TOOLS_DIR/node_modules/.cityops-installed-lock.json"
    if [[ -x $CITYOPS_TOOLS_DIR/node_modules/.bin/azurite-blob ]] &&
        cmp -s "$CITYOPS_TOOLS_DIR/package-lock.json" "$stamp"; then
        log "npm tools present (tools/node_modules)"
        return
    fi
    command -v npm >/dev/null 2>&1 || die "npm is not on PATH (node 20 and npm are needed for Azurite and the hub tests)"
    log "installing npm tools from tools/package-lock.json"
    (cd "$CITYOPS_TOOLS_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$CITYOPS_TOOLS_DIR/package-lock.json" "$stamp"
}

cityops_services_install() {
    install_debian_packages
    install_npm_tools
}

# ---------------------------------------------------------------- PostgreSQL

find_pg_bin() {
    # The versioned directory, not whatever pg_ctl is first on PATH: the server, initdb
    # and pg_ctl must all be the same major version as the data directory they make.
    local dir
    dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    [[ -n $dir && -x $dir/pg_ctl ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
    printf '%s\n' "$dir"
}

start_postgres() {
    local port=$CITYOPS_PG_PORT
    log "starting PostgreSQL on 127.0.0.1:$port"
    CITYOPS_PG_BIN=$(find_pg_bin)
    CITYOPS_PG_DATA="$CITYOPS_STATE_DIR/postgres/data"
    local sockdir="$CITYOPS_STATE_DIR/postgres/run" logfile="$CITYOPS_STATE_DIR/postgres/server.log"
    mkdir -p "$CITYOPS_PG_DATA" "$sockdir"
    if is_root; then
        chown -R postgres: "$CITYOPS_STATE_DIR/postgres"
        runuser -u postgres -- test -w "$CITYOPS_PG_DATA" ||
            die "the postgres user cannot reach $CITYOPS_PG_DATA (is a parent of \$TMPDIR private to root?)"
    fi
    chmod 700 "$CITYOPS_PG_DATA"

    # Unix socket (used only by this script, as the superuser): trust. TCP: passwords,
    # so a wrong connection string in a test fails here as it would against a real server.
    as_pg "$CITYOPS_PG_BIN/initdb" -D "$CITYOPS_PG_DATA" -U postgres -E UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 >"$CITYOPS_STATE_DIR/postgres/initdb.log" 2>&1 ||
        { show_log "$CITYOPS_STATE_DIR/postgres/initdb.log"; die "initdb failed"; }

    # Durability is worthless for a database that is deleted after the run; speed is not.
    cat >>"$CITYOPS_PG_DATA/postgresql.conf" <<EOF

# scripts/services.sh: throw-away test server
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockdir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF
    as_pg "$CITYOPS_PG_BIN/pg_ctl" -D "$CITYOPS_PG_DATA" -l "$logfile" -w -t 30 start >/dev/null ||
        { show_log "$logfile"; die "PostgreSQL did not start"; }
    CITYOPS_PG_STARTED=1
    wait_until 30 PostgreSQL "" "$logfile" "$CITYOPS_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"

    as_pg "$CITYOPS_PG_BIN/psql" -h "$sockdir" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE cityops LOGIN CREATEDB PASSWORD 'cityops'" \
        -c "CREATE DATABASE cityops_test OWNER cityops" ||
        die "could not create the cityops role and cityops_test database"
    log "PostgreSQL ready: database cityops_test, role cityops"
}

stop_postgres() {
    [[ -n $CITYOPS_PG_STARTED ]] || return 0
    log "stopping PostgreSQL"
    as_pg "$CITYOPS_PG_BIN/pg_ctl" -D "$CITYOPS_PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
        log "warning: pg_ctl stop failed"
    CITYOPS_PG_STARTED=""
}

# ---------------------------------------------------------------- mosquitto

start_mosquitto() {
    log "starting mosquitto on 127.0.0.1:$CITYOPS_MQTT_PORT (password) and 127.0.0.1:$CITYOPS_MQTT_ANON_PORT (anonymous)"
    local dir="$CITYOPS_STATE_DIR/mosquitto"
    local conf="$dir/mosquitto.conf" passwd="$dir/passwd" logfile="$dir/mosquitto.log"
    mkdir -p "$dir"
    mosquitto_passwd -b -c "$passwd" "$CITYOPS_MQTT_USER" "$CITYOPS_MQTT_PASSWORD" >/dev/null 2>&1 ||
        die "mosquitto_passwd failed"
    chmod 600 "$passwd"
    # Started as root, mosquitto switches to its own user before it reads the password file.
    if is_root && id mosquitto >/dev/null 2>&1; then
        chown -R mosquitto: "$dir"
    fi
    # per_listener_settings: each listener has its own allow_anonymous / password_file.
    cat >"$conf" <<EOF
per_listener_settings true
persistence false
log_dest stdout
log_type error
log_type warning
log_type notice

listener $CITYOPS_MQTT_PORT 127.0.0.1
allow_anonymous false
password_file $passwd

listener $CITYOPS_MQTT_ANON_PORT 127.0.0.1
allow_anonymous true
EOF
    mosquitto -c "$conf" >"$logfile" 2>&1 &
    CITYOPS_MOSQUITTO_PID=$!
    wait_until 30 "mosquitto (port $CITYOPS_MQTT_PORT)" "$CITYOPS_MOSQUITTO_PID" "$logfile" port_open "$CITYOPS_MQTT_PORT"
    wait_until 30 "mosquitto (port $CITYOPS_MQTT_ANON_PORT)" "$CITYOPS_MOSQUITTO_PID" "$logfile" port_open "$CITYOPS_MQTT_ANON_PORT"
    log "mosquitto ready (pid $CITYOPS_MOSQUITTO_PID)"
}

# Sends TERM, waits up to 10 s, then KILL: a stuck process must not outlive the run.
stop_pid() {
    local pid=$1 what=$2 i
    kill -0 "$pid" 2>/dev/null || return 0
    log "stopping $what"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

stop_mosquitto() {
    [[ -n $CITYOPS_MOSQUITTO_PID ]] || return 0
    stop_pid "$CITYOPS_MOSQUITTO_PID" mosquitto
    CITYOPS_MOSQUITTO_PID=""
}

# ---------------------------------------------------------------- Azurite

start_azurite() {
    log "starting Azurite (blob) on 127.0.0.1:$CITYOPS_BLOB_PORT"
    local dir="$CITYOPS_STATE_DIR/azurite" logfile="$CITYOPS_STATE_DIR/azurite.log"
    mkdir -p "$dir"
    # --skipApiVersionCheck: the Azure SDK may be newer than this Azurite;
    # --loose: accept headers Azurite does not implement instead of failing the request;
    # --disableTelemetry: otherwise it keeps trying to send usage data to the internet.
    "$CITYOPS_TOOLS_DIR/node_modules/.bin/azurite-blob" \
        --blobHost 127.0.0.1 --blobPort "$CITYOPS_BLOB_PORT" \
        --location "$dir" --silent --skipApiVersionCheck --loose --disableTelemetry \
        >"$logfile" 2>&1 &
    CITYOPS_AZURITE_PID=$!
    wait_until 30 Azurite "$CITYOPS_AZURITE_PID" "$logfile" port_open "$CITYOPS_BLOB_PORT"
    log "Azurite ready (pid $CITYOPS_AZURITE_PID)"
}

stop_azurite() {
    [[ -n $CITYOPS_AZURITE_PID ]] || return 0
    stop_pid "$CITYOPS_AZURITE_PID" Azurite
    CITYOPS_AZURITE_PID=""
}

# ---------------------------------------------------------------- Chromium

check_chromium() {
    local version
    version=$("$CITYOPS_CHROMIUM" --version 2>/dev/null) || die "$CITYOPS_CHROMIUM --version failed"
    log "Chromium present: $version"
}

# ---------------------------------------------------------------- all together

cityops_services_export_env() {
    export CITYOPS_TEST_POSTGRES="Host=127.0.0.1;Port=$CITYOPS_PG_PORT;Database=cityops_test;Username=cityops;Password=cityops"
    # How a test stops and starts this server underneath a running engine: append "stop -m fast -w" or "start -w".
    if is_root; then
        export CITYOPS_TEST_PG_CTL="runuser -u postgres -- $CITYOPS_PG_BIN/pg_ctl -D $CITYOPS_PG_DATA -l $CITYOPS_STATE_DIR/postgres/server.log"
    else
        export CITYOPS_TEST_PG_CTL="$CITYOPS_PG_BIN/pg_ctl -D $CITYOPS_PG_DATA -l $CITYOPS_STATE_DIR/postgres/server.log"
    fi
    export CITYOPS_TEST_MQTT_HOST=127.0.0.1
    export CITYOPS_TEST_MQTT_PORT=$CITYOPS_MQTT_PORT
    export CITYOPS_TEST_MQTT_USER=$CITYOPS_MQTT_USER
    export CITYOPS_TEST_MQTT_PASSWORD=$CITYOPS_MQTT_PASSWORD
    export CITYOPS_TEST_MQTT_ANON_PORT=$CITYOPS_MQTT_ANON_PORT
    export CITYOPS_TEST_BLOBS="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$CITYOPS_AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$CITYOPS_BLOB_PORT/devstoreaccount1;"
    export CITYOPS_TEST_CHROMIUM=$CITYOPS_CHROMIUM
    export CITYOPS_TEST_NODE_SIGNALR="$CITYOPS_TOOLS_DIR/node_modules/@microsoft/signalr"
    CITYOPS_TEST_MOSQUITTO_PUB=$(command -v mosquitto_pub)
    CITYOPS_TEST_MOSQUITTO_SUB=$(command -v mosquitto_sub)
    export CITYOPS_TEST_MOSQUITTO_PUB CITYOPS_TEST_MOSQUITTO_SUB
}

# Starts everything; the caller must have `trap cityops_services_stop EXIT` (or call it)
# so that a failure half-way still stops what did start.
cityops_services_start() {
    # All ports first, so that a clash is reported before anything has started.
    require_port_free "$CITYOPS_PG_PORT" PostgreSQL
    require_port_free "$CITYOPS_MQTT_PORT" mosquitto
    require_port_free "$CITYOPS_MQTT_ANON_PORT" mosquitto
    require_port_free "$CITYOPS_BLOB_PORT" Azurite
    CITYOPS_STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cityops-test.XXXX")
    # The postgres user has to reach its data directory inside this one.
    chmod 711 "$CITYOPS_STATE_DIR"
    log "state directory $CITYOPS_STATE_DIR"
    check_chromium
    start_postgres
    start_mosquitto
    start_azurite
    cityops_services_export_env
}

# Safe to call more than once and from a trap: each service is stopped at most once.
cityops_services_stop() {
    stop_azurite || true
    stop_mosquitto || true
    stop_postgres || true
    if [[ -n $CITYOPS_STATE_DIR && -d $CITYOPS_STATE_DIR ]]; then
        rm -rf "$CITYOPS_STATE_DIR" || log "warning: could not remove $CITYOPS_STATE_DIR"
    fi
    CITYOPS_STATE_DIR=""
}

# Prints the response head of a plain GET on loopback; bash's /dev/tcp, because curl is
# not on every machine this runs on and is not needed for anything else.
http_get_headers() {
    local port=$1 path=$2
    (
        exec 3<>"/dev/tcp/127.0.0.1/$port"
        printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
        timeout 10 cat <&3
    ) | tr -d '\r' | sed '/^$/q'
}

# A quick end-to-end look at each service, with the same credentials the tests get.
cityops_services_smoke() {
    local out
    log "smoke: PostgreSQL select 1 as cityops over TCP"
    out=$(PGPASSWORD=cityops "$CITYOPS_PG_BIN/psql" -X -At -h 127.0.0.1 -p "$CITYOPS_PG_PORT" \
        -U cityops -d cityops_test -c 'select 1') || die "smoke: psql as cityops failed"
    [[ $out == 1 ]] || die "smoke: psql returned '$out', expected 1"
    if PGPASSWORD=wrong "$CITYOPS_PG_BIN/psql" -X -At -h 127.0.0.1 -p "$CITYOPS_PG_PORT" \
        -U cityops -d cityops_test -c 'select 1' >/dev/null 2>&1; then
        die "smoke: PostgreSQL accepted a wrong password"
    fi

    log "smoke: MQTT retained message from the anonymous port, read back with the gateway login"
    mosquitto_pub -h 127.0.0.1 -p "$CITYOPS_MQTT_ANON_PORT" -t cityops/smoke -m ping -r -q 1 ||
        die "smoke: anonymous publish on $CITYOPS_MQTT_ANON_PORT failed"
    out=$(mosquitto_sub -h 127.0.0.1 -p "$CITYOPS_MQTT_PORT" -u "$CITYOPS_MQTT_USER" -P "$CITYOPS_MQTT_PASSWORD" \
        -t cityops/smoke -C 1 -W 10) || die "smoke: subscribe with the gateway login on $CITYOPS_MQTT_PORT failed"
    [[ $out == ping ]] || die "smoke: MQTT returned '$out', expected ping"
    if mosquitto_pub -h 127.0.0.1 -p "$CITYOPS_MQTT_PORT" -u "$CITYOPS_MQTT_USER" -P wrong \
        -t cityops/smoke -m x >/dev/null 2>&1; then
        die "smoke: mosquitto accepted a wrong password on $CITYOPS_MQTT_PORT"
    fi
    if mosquitto_pub -h 127.0.0.1 -p "$CITYOPS_MQTT_PORT" -t cityops/smoke -m x >/dev/null 2>&1; then
        die "smoke: mosquitto accepted an anonymous client on $CITYOPS_MQTT_PORT"
    fi

    log "smoke: Azurite answers HTTP on $CITYOPS_BLOB_PORT"
    out=$(http_get_headers "$CITYOPS_BLOB_PORT" "/devstoreaccount1?comp=list") ||
        die "smoke: no HTTP answer from Azurite"
    grep -qi '^server: azurite' <<<"$out" || die "smoke: port $CITYOPS_BLOB_PORT did not answer as Azurite"

    log "smoke: all services answer"
}

# ---------------------------------------------------------------- run directly

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    trap cityops_services_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    cityops_services_install
    cityops_services_start
    env | grep '^CITYOPS_TEST_' | sort | sed 's/^/[test]   /'
    if (($# == 0)); then
        log "services are up; leave the shell to stop them"
        set -- "${SHELL:-/bin/bash}"
    fi
    rc=0
    "$@" || rc=$?
    exit "$rc"
fi

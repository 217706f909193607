#!/usr/bin/env bash
# The project's test command: ./scripts/test.sh [extra dotnet test arguments]
#
#   ./scripts/test.sh                              # everything
#   ./scripts/test.sh --filter Category=Unit       # arguments go on to `dotnet test`
#   CITYOPS_TEST_SERVICES_ONLY=1 ./scripts/test.sh # install, start, smoke-check and stop
#                                                  # the services; no build, no tests
#   CITYOPS_TEST_RESULTS=dir ./scripts/test.sh     # keep the .trx files in dir
#   CITYOPS_TEST_SKIP_CHECKS=1 ./scripts/test.sh   # without the format, API types and TypeScript checks
#
# First it checks the code (check_code: `dotnet format --verify-no-changes`, whitespace and the
# style rules .editorconfig marks as warnings; the pages' API types: a build of src/DashboardHost
# regenerates the engine's OpenAPI document and the types generated from it, which must come out as they
# were; then the pages' `tsc --noEmit`) and stops with the files to fix and the command that fixes them.
#
# What it does: installs what is missing (Debian packages postgresql, mosquitto,
# mosquitto-clients, chromium; Azurite from tools/package-lock.json), starts PostgreSQL,
# mosquitto and Azurite on loopback-only, non-default ports in a fresh temporary
# directory (see scripts/services.sh), exports their addresses as CITYOPS_TEST_*,
# runs `dotnet test CityOps.slnx -c Release`, stops the services and prints
#   Tests: N passed, N failed, N skipped
# as its last line. The exit code is dotnet test's.
#
# To keep the services up while running single tests by hand: scripts/services.sh

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/services.sh
source scripts/services.sh

# Telemetry has nowhere to go on a closed network, and the first-run banner is noise in logs.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Sums one counter attribute over all .trx files (VSTest writes one per test project).
trx_sum() {
    local attr=$1 dir=$2
    { find "$dir" -name '*.trx' -print0 2>/dev/null |
        xargs -0 -r grep -ho "<Counters [^>]*" || true; } |
        sed -n "s/.* $attr=\"\([0-9]*\)\".*/\1/p" |
        awk '{ n += $1 } END { print n + 0 }'
}

print_summary() {
    local dir=$1 total executed passed failed skipped
    if [[ -z $(find "$dir" -name '*.trx' -print -quit 2>/dev/null) ]]; then
        log "no test results were written (did the build fail?)"
    fi
    total=$(trx_sum total "$dir")
    executed=$(trx_sum executed "$dir")
    passed=$(trx_sum passed "$dir")
    # A test that errored, timed out or was aborted did not pass either.
    failed=$(($(trx_sum failed "$dir") + $(trx_sum error "$dir") + $(trx_sum timeout "$dir") + $(trx_sum aborted "$dir")))
    # Skipped tests are counted in total but not in executed.
    skipped=$((total - executed))
    print_failures "$dir"
    printf 'Tests: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
}

# Names each test that did not pass just above the summary, so that the last lines of a log say
# what failed (its message is in the log further up).
print_failures() {
    local dir=$1
    { find "$dir" -name '*.trx' -print0 2>/dev/null |
        xargs -0 -r grep -ho '<UnitTestResult [^>]*>' || true; } |
        grep -v 'outcome="Passed"\|outcome="NotExecuted"' |
        sed -n 's/.*testName="\([^"]*\)".*outcome="\([^"]*\)".*/FAILED (\2) \1/p; s/.*outcome="\([^"]*\)".*testName="\([^"]*\)".*/FAILED (\1) \2/p' || true
}

# Fails fast, before any service starts or test runs, when the code is not as the repository keeps it:
# C# formatted as .editorconfig says (whitespace, and the style rules it marks as warnings), the pages'
# types generated from the engine's OpenAPI document current (docs/architecture.md#contracts), and the
# pages' TypeScript accepted by its checker. CITYOPS_TEST_SKIP_CHECKS=1 leaves the checks out (a
# developer running one test again).
check_code() {
    [[ ${CITYOPS_TEST_SKIP_CHECKS:-} == 1 ]] && return 0
    local fix="dotnet format CityOps.slnx whitespace && dotnet format CityOps.slnx style --severity warn"
    log "checking the C# format (dotnet format --verify-no-changes)"
    if ! dotnet format CityOps.slnx whitespace --verify-no-changes -v q; then
        die "C# files are not formatted as .editorconfig says (listed above); run: $fix"
    fi
    if ! dotnet format CityOps.slnx style --severity warn --verify-no-changes -v q; then
        die "C# files break a style rule of .editorconfig (listed above); run: $fix"
    fi
    local frontend=src/DashboardHost/frontend
    if [[ ! -d $frontend/node_modules ]]; then
        (cd "$frontend" && npm ci --no-audit --no-fund >/dev/null) || die "npm ci failed in $frontend"
    fi
    log "checking the pages' API types against the engine's OpenAPI document"
    local api=$frontend/src/api before after
    # A missing file hashes as empty, so that the build's writing it fails the check rather than this line.
    before=$({ cat "$api/openapi.json" "$api/schema.d.ts" 2>/dev/null || true; } | sha256sum)
    # The build writes both files when the engine's contract says something else (DashboardHost.csproj, OpenApiDocument).
    dotnet build src/DashboardHost -c Release -nologo -v q || die "the build of src/DashboardHost failed (errors above)"
    after=$({ cat "$api/openapi.json" "$api/schema.d.ts" 2>/dev/null || true; } | sha256sum)
    if [[ $before != "$after" ]]; then
        git --no-pager diff --stat -- "$api" || true
        die "the engine's HTTP or hub contract changed without the pages' types: the build has now rewritten $api/openapi.json and schema.d.ts; make the pages follow them (tsc --noEmit) and commit both"
    fi
    log "checking the pages' TypeScript (tsc --noEmit)"
    if ! (cd "$frontend" && npx --no-install tsc --noEmit); then
        die "the pages' TypeScript does not type-check (errors above); fix them in $frontend/src"
    fi
}

DOTNET_PID=""

# Ends a still-running dotnet test and everything it started (its process group).
stop_dotnet() {
    [[ -n $DOTNET_PID ]] || return 0
    log "stopping dotnet test"
    kill -TERM -- "-$DOTNET_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do
        kill -0 -- "-$DOTNET_PID" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL -- "-$DOTNET_PID" 2>/dev/null || true
    wait "$DOTNET_PID" 2>/dev/null || true
    DOTNET_PID=""
}

main() {
    trap 'stop_dotnet; cityops_services_stop' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    [[ ${CITYOPS_TEST_SERVICES_ONLY:-} == 1 ]] || check_code
    cityops_services_install
    cityops_services_start

    if [[ ${CITYOPS_TEST_SERVICES_ONLY:-} == 1 ]]; then
        cityops_services_smoke
        cityops_services_stop
        log "services-only run finished"
        return 0
    fi

    local results=${CITYOPS_TEST_RESULTS:-$CITYOPS_STATE_DIR/results}
    # A kept results directory must not mix in .trx files of an earlier run.
    if [[ -n ${CITYOPS_TEST_RESULTS:-} ]]; then
        mkdir -p "$results"
        find "$results" -name '*.trx' -delete
        results=$(cd "$results" && pwd)
    fi

    log "running dotnet test CityOps.slnx -c Release $*"
    local rc=0
    # -m:1 runs the test projects one after another: they share one database, one broker
    # and one blob account, two cores are already busy with one Orleans test cluster, and
    # the .trx logger names files by the second, so parallel projects could overwrite
    # each other's results (and lose them from the totals).
    # In the background and in a process group of its own, so that an interrupt or a CI
    # time-out reaches this script at once (bash defers traps while a foreground command
    # runs) and can end dotnet together with its build nodes and test hosts.
    setsid dotnet test CityOps.slnx -c Release -m:1 \
        --logger "console;verbosity=normal" \
        --logger trx \
        --results-directory "$results" \
        "$@" &
    DOTNET_PID=$!
    wait "$DOTNET_PID" || rc=$?
    DOTNET_PID=""

    # Totals are read before the state directory (and default results) are removed, but
    # printed after the services' stop messages so that they are the run's last line.
    local summary
    summary=$(print_summary "$results")
    cityops_services_stop
    printf '%s\n' "$summary"
    return "$rc"
}

main "$@"

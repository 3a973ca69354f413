# shellcheck shell=bash
# A script's session: its data directory, and whatever it starts, stopped in reverse order when it exits (normally,
# on an error, on Ctrl-C or SIGTERM). Sourced after common.sh; the caller sets `set -euo pipefail`.

_session_hooks=()

# session_data_dir DEFAULT : Registry__DataDirectory, or DEFAULT when it is unset, created, made absolute and exported.
session_data_dir() {
    local dir=${Registry__DataDirectory:-$1}
    mkdir -p "$dir"
    Registry__DataDirectory=$(cd "$dir" && pwd)
    export Registry__DataDirectory
}

# on_exit COMMAND [ARG...] : runs COMMAND at exit, after every command registered later (last started, first stopped).
# The arguments are taken as they are now; a function reads its variables when it runs.
on_exit() {
    _session_hooks+=("$(printf '%q ' "$@")")
}

# session_start : from now on the exit runs the on_exit commands. INT and TERM exit with 128 + the signal's number
# (130, 143), the status a shell reports for a process those signals stopped.
session_start() {
    trap _session_end EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

_session_end() {
    local status=$? i
    trap - EXIT
    # A second Ctrl-C or SIGTERM must not cut the stop short and leave processes behind.
    trap '' INT TERM
    for ((i = ${#_session_hooks[@]} - 1; i >= 0; i--)); do
        eval "${_session_hooks[i]}" || true
    done
    exit "$status"
}

# session_database : unless ConnectionStrings__Registry names a PostgreSQL, the private one under the data directory
# (start_private_postgres), stopped at exit after everything started later.
session_database() {
    [ -z "${ConnectionStrings__Registry:-}" ] || return 0
    on_exit stop_private_postgres
    start_private_postgres "$Registry__DataDirectory"
}

# running PID : true while the process runs, i.e. is not gone and not a zombie (an exited child stays a zombie until
# `wait` reaps it).
running() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# stop_processes SECONDS PID... : sends TERM to the processes (children of this shell), waits up to SECONDS for them to
# exit, SIGKILLs what is left and reaps all.
stop_processes() {
    local bound=$1 deadline=$((SECONDS + $1)) pid left
    shift
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null || true
    while [ "$SECONDS" -lt "$deadline" ]; do
        left=0
        for pid in "$@"; do if running "$pid"; then left=1; fi; done
        [ "$left" -eq 1 ] || break
        sleep 0.1
    done
    for pid in "$@"; do
        if running "$pid"; then
            echo "session: pid $pid did not stop within $bound s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
}

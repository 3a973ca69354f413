# shellcheck shell=bash
# Shared set-up for scripts/run, scripts/cluster, scripts/test and scripts/bench: Debian packages, a private
# PostgreSQL 15, the server's Release build and its schema step.
# Sourced, not executed; the caller sets `set -euo pipefail`.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
_PRIVATE_PG_DIR=""

_is_root() { [ "$(id -u)" -eq 0 ]; }

_as_root() {
    if _is_root; then "$@"; else sudo "$@"; fi
}

# PostgreSQL refuses to run as root, so as root its tools run as the postgres user.
_as_pg() {
    if _is_root; then
        su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

_apt_install() {
    # The lock timeout lets a concurrent apt/dpkg run finish instead of failing at once.
    _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o DPkg::Lock::Timeout=600 "$@"
}

# ensure_packages pkg... : installs the Debian packages that are not installed yet.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]; then
            missing+=("$pkg")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "common.sh: installing ${missing[*]}" >&2
    if ! _apt_install "${missing[@]}"; then
        # Usually a stale or empty package list: refresh it once and retry.
        _as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=600
        _apt_install "${missing[@]}"
    fi
}

# The postgres user must be able to reach its directory; a checkout under a root-only path would stop it.
# Directories we own get o+x (traverse only, no listing); anything else is reported.
_ensure_pg_can_reach() {
    local target=$1 d
    _is_root || return 0
    su postgres -s /bin/sh -c "test -x $(printf '%q' "$target")" && return 0
    d=$target
    while [ "$d" != "/" ]; do
        d=$(dirname "$d")
        if ! su postgres -s /bin/sh -c "test -x $(printf '%q' "$d")"; then
            if [ "$(stat -c %u "$d")" = "$(id -u)" ]; then
                echo "common.sh: chmod o+x $d so the postgres user can reach $target" >&2
                chmod o+x "$d"
            else
                echo "common.sh: the postgres user cannot traverse $d; choose a data directory it can reach" >&2
                return 1
            fi
        fi
    done
    su postgres -s /bin/sh -c "test -x $(printf '%q' "$target")" || {
        echo "common.sh: the postgres user still cannot reach $target" >&2
        return 1
    }
}

# port_in_use PORT : true when something accepts connections on 127.0.0.1:PORT.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A port below the kernel's ephemeral range: one inside it can be taken as a client connection's local port between
# the check and the server's bind (a bench's load generators open thousands). Room is left for scripts/cluster's
# offsets (port + 200 + i).
_free_port() {
    local port low _
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    [ "$low" -gt 20500 ] || low=60000
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % (low - 20300)))
        if ! port_in_use "$port"; then echo "$port"; return 0; fi
    done
    echo "common.sh: no free port found" >&2
    return 1
}

_repo_root() {
    cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd
}

# build_server : builds the server (Release) and prints the path of its dll.
build_server() {
    local project
    project=$(_repo_root)/src/OrleansRegistry.Server
    # Explicit return: errexit does not reach into the caller's $(...).
    dotnet build "$project" -c Release -nologo -v quiet >&2 || return 1
    dotnet msbuild "$project" -nologo -getProperty:TargetPath -p:Configuration=Release
}

# migrate_schema SERVER-DLL : applies sql/ to the database of ConnectionStrings__Registry with the server's own
# `migrate` verb, as a deployment's migrate Job does: every file in name order (each idempotent), each recorded with its
# SHA-256 in schema_scripts. Quiet unless it fails.
migrate_schema() {
    local out
    out=$(DOTNET_gcServer=0 dotnet "$1" migrate 2>&1) || { echo "$out" >&2; return 1; }
}

# start_private_postgres DATADIR : a private PostgreSQL 15 under DATADIR/postgres (created on first use, reused
# when already running) with a database `registry` (created when missing; migrate_schema applies the schema to it);
# exports ConnectionStrings__Registry.
start_private_postgres() {
    local base=$1 dir pgdata port socket_opt status=0 running_port
    [ -x "$PG_BIN/pg_ctl" ] || { echo "common.sh: $PG_BIN/pg_ctl not found (install postgresql-15)" >&2; return 1; }
    mkdir -p "$base"
    base=$(cd "$base" && pwd)
    dir=$base/postgres
    pgdata=$dir/data
    mkdir -p "$dir"
    if _is_root; then
        id postgres >/dev/null 2>&1 || { echo "common.sh: no 'postgres' OS user (install postgresql)" >&2; return 1; }
        chown postgres:postgres "$dir"
        chmod 700 "$dir"
        _ensure_pg_can_reach "$dir"
    fi
    _PRIVATE_PG_DIR=$dir

    if [ ! -f "$pgdata/PG_VERSION" ]; then
        _as_pg "$PG_BIN/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            return 1
        }
    fi

    _as_pg "$PG_BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
        # Reuse the server of an earlier run; postmaster.pid line 4 is the port it listens on.
        running_port=$(sed -n 4p "$pgdata/postmaster.pid")
        port=$running_port
        echo "$port" >"$dir/port"
        echo "common.sh: reusing PostgreSQL already running on 127.0.0.1:$port" >&2
    else
        # pg_ctl says no server runs: a postmaster.pid left by a crash would only block the start.
        rm -f "$pgdata/postmaster.pid"
        if [ -n "${REGISTRY_PG_PORT:-}" ]; then
            port=$REGISTRY_PG_PORT
        elif [ -s "$dir/port" ] && ! port_in_use "$(cat "$dir/port")"; then
            port=$(cat "$dir/port")
        else
            port=$(_free_port)
        fi
        echo "$port" >"$dir/port"
        # Unix socket paths are limited to ~107 bytes; everything here connects over TCP anyway.
        if [ "${#dir}" -le 90 ]; then socket_opt="-k $(printf '%q' "$dir")"; else socket_opt="-k ''"; fi
        _as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$dir/postgres.log" -w -t 60 \
            -o "$socket_opt -p $port -c listen_addresses=127.0.0.1 -c max_connections=${REGISTRY_PG_MAX_CONNECTIONS:-100}" \
            start >/dev/null || {
            echo "common.sh: PostgreSQL did not start; last log lines:" >&2
            tail -n 20 "$dir/postgres.log" >&2 || true
            return 1
        }
    fi

    local conn=(-h 127.0.0.1 -p "$port" -U postgres)
    if [ "$("$PG_BIN/psql" -X -tA "${conn[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'registry'")" != "1" ]; then
        "$PG_BIN/createdb" "${conn[@]}" registry
    fi
    export ConnectionStrings__Registry="Host=127.0.0.1;Port=$port;Username=postgres;Database=registry"
}

# stop_private_postgres : stops the server started (or reused) by start_private_postgres, if any.
stop_private_postgres() {
    [ -n "$_PRIVATE_PG_DIR" ] || return 0
    if _as_pg "$PG_BIN/pg_ctl" -D "$_PRIVATE_PG_DIR/data" status >/dev/null 2>&1; then
        _as_pg "$PG_BIN/pg_ctl" -D "$_PRIVATE_PG_DIR/data" -m fast -w stop >/dev/null || true
    fi
    _PRIVATE_PG_DIR=""
}

# shellcheck shell=bash
# scripts/bench's servers and databases: each measurement that needs a server of its own (auth on, the collector's)
# starts it here, on a fresh database of the bench's PostgreSQL and a data directory of its own.
# Sourced by scripts/bench after common.sh and session.sh; it provides SERVER_DLL, PG_BIN, pg_port and say.

# bench_connection NAME : the connection string of database NAME on the bench's PostgreSQL.
bench_connection() {
    echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$1"
}

# bench_database NAME : drops database NAME if it exists, creates it and applies the schema with the server's migrate,
# so no figure depends on what an earlier run left behind.
bench_database() {
    local pg=(-h 127.0.0.1 -p "$pg_port" -U postgres)
    "$PG_BIN/psql" -X -q "${pg[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null || return 1
    "$PG_BIN/createdb" "${pg[@]}" "$1" || return 1
    ConnectionStrings__Registry=$(bench_connection "$1") migrate_schema "$SERVER_DLL"
}

# bench_wait_ready WHAT PID URL CODE LOG : waits up to 180 s until GET URL/v2/ answers CODE (200; 401 with
# authentication on); exits the bench, with the end of LOG, when the process exits first or the time is up.
bench_wait_ready() {
    local what=$1 pid=$2 url=$3 code=$4 log=$5 _
    for _ in $(seq 1 900); do
        kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; say "$what exited at start"; exit 1; }
        [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$url/v2/" || true)" = "$code" ] && return 0
        sleep 0.2
    done
    tail -n 30 "$log" >&2
    say "$what did not answer GET /v2/ with $code within 180 s"
    exit 1
}

# bench_server URL LOG [VAR=VALUE...] : starts the server on URL with the settings given, on silo and gateway ports
# chosen free (a scripts/run instance may hold the defaults, 11111 and 30000); sets bench_server_pid.
bench_server() {
    local url=$1 log=$2
    shift 2
    env Registry__SiloPort="$(_free_port)" Registry__GatewayPort="$(_free_port)" "$@" \
        dotnet "$SERVER_DLL" --urls "$url" >"$log" 2>&1 &
    bench_server_pid=$!
}

# bench_stop PID : stops a server (its graceful stop takes about 2 s) within 30 s, then kills it.
bench_stop() {
    stop_processes 30 "$1"
}

# shellcheck shell=bash
# scripts/bench's figures for the cost of token authentication. A second server with token auth on (htpasswd + the
# built-in token endpoint), on its own database and data directory, beside the auth-off server: the same image in both,
# then manifest GET (wrk) and blob HEAD (ab) against each, alternating, AUTH_ROUNDS times; the medians are compared.
# The authenticated requests carry one token fetched beforehand (a client's cached token). Target: auth on keeps
# >= 0.8x of the auth-off rate.
# Sourced by scripts/bench, which provides the auth-off server (server_pid, BASE, HOSTPORT), IMAGES, BENCH_WORK, RUN_ID,
# free_port, say and bench-server.sh; auth_pid is the auth-on server's pid while it runs (scripts/bench stops it at exit).
# Environment: AUTH_ROUNDS [3] alternating auth-off/auth-on runs of each rate, WRK_DURATION [10] seconds per run,
# WRK_CONNS [32] connections.

bench_auth() {
    AUTH_WORK=$BENCH_WORK/auth-$RUN_ID
    mkdir -p "$AUTH_WORK/data"
    htpasswd -Bbc "$AUTH_WORK/htpasswd" bench bench-secret 2>/dev/null
    bench_database bench_auth
    APORT=$(free_port)
    ABASE=http://127.0.0.1:$APORT
    local log=$BENCH_WORK/logs/auth-$RUN_ID.log
    say "starting an auth-on server on 127.0.0.1:$APORT (log $log)"
    bench_server "$ABASE" "$log" ConnectionStrings__Registry="$(bench_connection bench_auth)" \
        Registry__DataDirectory="$AUTH_WORK/data" Registry__ClusterId="bench-auth-$RUN_ID" \
        Registry__Auth__Htpasswd="$AUTH_WORK/htpasswd" Registry__Auth__Token__Lifetime=01:00:00
    auth_pid=$bench_server_pid
    bench_wait_ready "the auth-on server" "$auth_pid" "$ABASE" 401 "$log"
    repo=bench/auth-cost
    skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$IMAGES/big:v1" "docker://$HOSTPORT/$repo:v1" >/dev/null
    skopeo --insecure-policy copy -q --dest-tls-verify=false --dest-creds bench:bench-secret \
        "oci:$IMAGES/big:v1" "docker://127.0.0.1:$APORT/$repo:v1" >/dev/null
    token=$(curl -fsS -m 10 -u bench:bench-secret "$ABASE/token?service=orleans-registry&scope=repository:$repo:pull" | jq -r .token)
    [ -n "$token" ] && [ "$token" != null ] || { say "no token from $ABASE/token"; exit 1; }
    mt=application/vnd.oci.image.manifest.v1+json
    layer=$(jq -r '.layers | max_by(.size) | .digest' \
        "$IMAGES/big/blobs/sha256/$(jq -r '.manifests[0].digest' "$IMAGES/big/index.json" | cut -d: -f2)")
    # The same request must succeed before it is hammered, with the token and only with it.
    [ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Accept: $mt" "$ABASE/v2/$repo/manifests/v1")" = 401 ] \
        || { say "the auth-on server served a manifest without a token"; exit 1; }
    [ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Accept: $mt" -H "Authorization: Bearer $token" "$ABASE/v2/$repo/manifests/v1")" = 200 ] \
        || { say "the auth-on server refused the token"; exit 1; }
    cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
    # One load run: "REQ/S CPU_US" (the server's CPU time per request, which other load on the machine does not
    # change much, unlike the rate).
    load_run() { # PID BASE get|head [HEADER]
        local t0 out n rps
        t0=$(cpu_ticks "$1")
        if [ "$3" = get ]; then
            out=$(timeout $((${WRK_DURATION:-10} + 60)) wrk -t2 -c"${WRK_CONNS:-32}" -d"${WRK_DURATION:-10}s" --timeout 10s \
                -H "Accept: $mt" ${4:+-H "$4"} "$2/v2/$repo/manifests/v1")
            n=$(awk '/requests in/{print $1}' <<<"$out"); rps=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' <<<"$out")
        else
            out=$(timeout $((${WRK_DURATION:-10} + 60)) ab -i -k -q -c "${WRK_CONNS:-32}" -t "${WRK_DURATION:-10}" -n 5000000 \
                ${4:+-H "$4"} "$2/v2/$repo/blobs/$layer")
            n=$(awk '/^Complete requests:/{print $3}' <<<"$out"); rps=$(awk '/^Requests per second:/{printf "%.0f", $4}' <<<"$out")
        fi
        awk -v r="$rps" -v n="$n" -v a="$t0" -v b="$(cpu_ticks "$1")" -v t="$(getconf CLK_TCK)" \
            'BEGIN{printf "%s %.1f", r, (n > 0 ? (b - a) * 1e6 / t / n : 0)}'
    }
    bearer="Authorization: Bearer $token"
    declare -A runs=()
    for ((r = 1; r <= ${AUTH_ROUNDS:-3}; r++)); do
        for kind in get head; do
            runs[off_$kind]+="$(load_run "$server_pid" "$BASE" $kind)"$'\n'
            runs[on_$kind]+="$(load_run "$auth_pid" "$ABASE" $kind "$bearer")"$'\n'
        done
    done
    median_col() { # COLUMN < lines
        awk -v c="$1" 'NF {print $c}' | sort -g | awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'
    }
    echo
    echo "== cost of token auth: auth off vs on (a cached bearer token), median of ${AUTH_ROUNDS:-3} alternating runs"
    printf '%-16s %10s %10s %8s %14s %14s  %s\n' request off_rps on_rps on/off off_cpu_us/req on_cpu_us/req "target on/off >= 0.80"
    for kind in get head; do
        name=manifest_get; [ "$kind" = head ] && name=blob_head_ab
        awk -v n="$name" -v o="$(median_col 1 <<<"${runs[off_$kind]}")" -v a="$(median_col 1 <<<"${runs[on_$kind]}")" \
            -v oc="$(median_col 2 <<<"${runs[off_$kind]}")" -v ac="$(median_col 2 <<<"${runs[on_$kind]}")" \
            'BEGIN{r = a/o; printf "%-16s %10.0f %10.0f %8.2f %14.1f %14.1f  %s\n", n, o, a, r, oc, ac, (r >= 0.8 ? "ok" : "UNDER")}'
    done
    bench_stop "$auth_pid"
    auth_pid=""
    [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$AUTH_WORK"
}

# shellcheck shell=bash
# scripts/bench's pull-through mirror figures. One upstream, a plain distribution 2.8.2 on loopback holding the big
# image, with its access log on (every response's bytes); in front of it our registry mirroring it under hub/
# (Registry:Mirrors:0) and distribution 2.8.2 in its own proxy mode (proxy.remoteurl). MIRROR_ROUNDS rounds, each with
# both mirrors started fresh (ours on a new database and data directory, distribution on a new storage directory):
# a pull straight from the upstream (the baseline), then, the two mirrors taking turns to go first, the first pull
# through each (cold) and the second (warm); last the same image is pushed to our mirror server outside the mirrored
# prefix and pulled from there (our ordinary pull, by the same process from the same disk). Each fresh mirror first
# pulls MIRROR_WARMUP small images (the harness's many:t00 ...), untimed, so a cold pull measures an empty cache rather
# than a process whose mirror code never ran (our JIT; distribution is compiled ahead). The mirrors' CPU seconds per
# cold pull are shown too (less dependent on the machine's other load than the time). Then MIRROR_CLIENTS skopeo
# clients pull at once through each, again fresh: the bytes the upstream served them, from its access log, against
# the image's size. skopeo pulls into a fresh OCI layout with a private blob-info cache each time. The direct and cold
# pulls are then measured again over the upstream behind nginx holding each response to MIRROR_UPSTREAM_RATE, as an
# upstream across a network is: on loopback the machine's two cores, shared by skopeo, the upstream and the mirror, set
# the pace, and a mirror's extra pass over every byte (receive, hash, write, read, send) costs time a link would hide.
# Targets, reported (not asserted): cold through ours >= 0.9x direct from the upstream; warm >= our ordinary pull;
# MIRROR_CLIENTS concurrent cold clients cost the upstream 1x the image's bytes.
# Sourced by scripts/bench after bench-server.sh and bench-client.sh; it provides IMAGES, BENCH_WORK, RUN_ID, free_port
# and say.
# Environment: MIRROR_ROUNDS [3], MIRROR_CLIENTS [8], MIRROR_WARMUP [8] (0: none), MIRROR_UPSTREAM_RATE [40m] (nginx's
# limit_rate per response; 0: no throttled rounds).

mirror_pids=()

# mirror_stop_all : stops whatever bench_mirror left running (the bench's exit).
mirror_stop_all() {
    [ "${#mirror_pids[@]}" -eq 0 ] || stop_processes 30 "${mirror_pids[@]}"
    mirror_pids=()
}

# mirror_distribution NAME PORT [REMOTE] : starts distribution 2.8.2 on PORT with fresh storage under MIRROR_WORK/NAME,
# as a proxy of REMOTE when given; its access log (stdout) goes to MIRROR_WORK/NAME.access; sets mirror_last_pid.
mirror_distribution() {
    local name=$1 port=$2 remote=${3:-} dir=$MIRROR_WORK/$1 _
    rm -rf "$dir"
    mkdir -p "$dir/storage"
    {
        printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: false\n'
        printf 'storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory\n' "$dir/storage"
        printf 'http:\n  addr: 127.0.0.1:%s\n  secret: bench-only-not-a-secret\n' "$port"
        [ -z "$remote" ] || printf 'proxy:\n  remoteurl: %s\n' "$remote"
    } >"$dir/config.yml"
    docker-registry serve "$dir/config.yml" >"$dir.access" 2>"$dir.log" &
    mirror_last_pid=$!
    mirror_pids+=("$mirror_last_pid")
    for _ in $(seq 1 100); do
        curl -s -m 1 -o /dev/null "http://127.0.0.1:$port/v2/" && return 0
        kill -0 "$mirror_last_pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$dir.log" >&2
    say "distribution ($name) did not start on 127.0.0.1:$port"
    exit 1
}

# mirror_ours NAME URL UPSTREAM : our server on URL, on a new database and data directory, mirroring UPSTREAM under hub/;
# sets mirror_last_pid.
mirror_ours() {
    local name=$1 url=$2 upstream=$3 log=$BENCH_WORK/logs/mirror-$1-$RUN_ID.log
    bench_database "$name"
    rm -rf "${MIRROR_WORK:?}/$name"
    mkdir -p "$MIRROR_WORK/$name"
    bench_server "$url" "$log" ConnectionStrings__Registry="$(bench_connection "$name")" \
        Registry__DataDirectory="$MIRROR_WORK/$name" Registry__ClusterId="bench-$name-$RUN_ID" \
        Registry__Mirrors__0__Url="$upstream" Registry__Mirrors__0__Prefix=hub
    mirror_last_pid=$bench_server_pid
    mirror_pids+=("$mirror_last_pid")
    bench_wait_ready "our mirror ($name)" "$mirror_last_pid" "$url" 200 "$log"
}

# mirror_stop PID... : stops those servers and forgets them.
mirror_stop() {
    local pid keep=()
    stop_processes 30 "$@"
    for pid in "${mirror_pids[@]}"; do [[ " $* " == *" $pid "* ]] || keep+=("$pid"); done
    mirror_pids=("${keep[@]}")
}

# mirror_upstream_mark : the number of lines of the upstream's access log (where a phase's requests start).
mirror_upstream_mark() {
    wc -l <"$MIRROR_WORK/upstream.access"
}

# mirror_upstream_served MARK : "BYTES BLOB_GETS" the upstream answered after line MARK, once its log has stood still
# for 2 s (a proxy may still be storing what it fetched beside the stream it served; at most 60 s).
mirror_upstream_served() {
    local log=$MIRROR_WORK/upstream.access n last=-1 still=0 _
    for _ in $(seq 1 120); do
        n=$(wc -l <"$log")
        if [ "$n" = "$last" ]; then still=$((still + 1)); [ "$still" -ge 4 ] && break; else still=0; last=$n; fi
        sleep 0.5
    done
    # Combined log format: ... "GET /v2/NAME/blobs/DIGEST HTTP/1.1" STATUS BYTES ...
    tail -n +"$(($1 + 1))" "$log" | awk '$9 ~ /^[0-9]+$/ { b += ($10 ~ /^[0-9]+$/ ? $10 : 0) }
        $6 == "\"GET" && $7 ~ /\/blobs\// { g++ } END { printf "%.0f %d", b, g }'
}

# mirror_pull NAME SOURCE : one timed pull of SOURCE (docker://...) into a fresh layout; the seconds on stdout, or
# FAILED (with skopeo's words on stderr).
mirror_pull() {
    local dst=$MIRROR_WORK/pull-$1 s
    rm -rf "$dst"
    sync
    if s=$(timed skopeo_fresh copy --src-tls-verify=false "$2" "oci:$dst:v1"); then echo "$s"; else echo FAILED; fi
    rm -rf "$dst"
}

# mirror_cpu PID : the CPU seconds (user + system) the process has used so far.
mirror_cpu() {
    awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"
}

# mirror_warm_up HOSTPORT PREFIX : pulls the warm-up images through the mirror at HOSTPORT (repositories PREFIXbench/many).
mirror_warm_up() {
    local i tag
    for ((i = 0; i < MIRROR_WARMUP; i++)); do
        printf -v tag 't%02d' "$i"
        skopeo_fresh copy --src-tls-verify=false "docker://$1/${2}bench/many:$tag" "oci:$MIRROR_WORK/warm-up:$tag" \
            || { say "mirror: warm-up pull of $tag through $1 failed"; exit 1; }
    done
    rm -rf "$MIRROR_WORK/warm-up"
}

# mirror_concurrent NAME SOURCE : MIRROR_CLIENTS pulls of SOURCE at once; "WALL_SECONDS FAILED_CLIENTS UPSTREAM_BYTES
# BLOB_GETS" on stdout.
mirror_concurrent() {
    local name=$1 src=$2 mark t0 pids=() failed=0 i
    mark=$(mirror_upstream_mark)
    sync
    t0=$EPOCHREALTIME
    for ((i = 1; i <= MIRROR_CLIENTS; i++)); do
        skopeo_fresh copy --src-tls-verify=false "$src" "oci:$MIRROR_WORK/conc-$name-$i:v1" 2>"$MIRROR_WORK/conc-$name-$i.err" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || failed=$((failed + 1)); done
    local wall
    wall=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.3f", b-a}')
    [ "$failed" -eq 0 ] || { say "$failed of $MIRROR_CLIENTS concurrent pulls through $name failed:"; cat "$MIRROR_WORK"/conc-"$name"-*.err >&2; }
    rm -rf "$MIRROR_WORK"/conc-"$name"-*
    echo "$wall $failed $(mirror_upstream_served "$mark")"
}

# mirror_rounds SET UPSTREAM ROUNDS WHAT : ROUNDS rounds over the upstream at UPSTREAM (HOST:PORT), each with both mirrors
# started fresh: a direct pull, then each mirror's cold pull (and, WHAT=full, its warm pull and our ordinary pull);
# seconds into t[SETkind], upstream bytes into up[SETkind], mirror CPU seconds into cpu[SETkind] (of bench_mirror).
mirror_rounds() {
    local set=$1 upstream=$2 rounds=$3 what=$4 repo=bench/big r oport pport opid ppid mark kind src pid c0
    for ((r = 1; r <= rounds; r++)); do
        oport=$(free_port)
        mirror_ours "bench_mirror_$set$r" "http://127.0.0.1:$oport" "http://$upstream"
        opid=$mirror_last_pid
        pport=$(free_port)
        mirror_distribution "proxy-$set$r" "$pport" "http://$upstream"
        ppid=$mirror_last_pid
        mirror_warm_up "127.0.0.1:$oport" hub/
        mirror_warm_up "127.0.0.1:$pport" ""
        say "mirror: ${set:+$set }round $r of $rounds (upstream $upstream, ours on $oport, distribution proxy on $pport)"
        t[${set}direct]+="$(mirror_pull direct "docker://$upstream/$repo:v1") "
        # The two mirrors take turns to go first.
        for kind in $( ((r % 2)) && echo "ours proxy" || echo "proxy ours"); do
            if [ "$kind" = ours ]; then src=docker://127.0.0.1:$oport/hub/$repo:v1 pid=$opid
            else src=docker://127.0.0.1:$pport/$repo:v1 pid=$ppid; fi
            mark=$(mirror_upstream_mark)
            c0=$(mirror_cpu "$pid")
            t[${set}${kind}_cold]+="$(mirror_pull "$kind-cold" "$src") "
            cpu[$set$kind]+="$(awk -v a="$c0" -v b="$(mirror_cpu "$pid")" 'BEGIN{printf "%.2f", b - a}') "
            up[$set$kind]+="$(mirror_upstream_served "$mark" | cut -d' ' -f1) "
            [ "$what" != full ] || t[${set}${kind}_warm]+="$(mirror_pull "$kind-warm" "$src") "
        done
        if [ "$what" = full ]; then
            skopeo_fresh copy --dest-tls-verify=false "oci:$IMAGES/big:v1" "docker://127.0.0.1:$oport/$repo:v1" \
                || { say "mirror: push to our server failed"; exit 1; }
            t[${set}ordinary]+="$(mirror_pull ordinary "docker://127.0.0.1:$oport/$repo:v1") "
        fi
        mirror_stop "$opid" "$ppid"
    done
}

# mirror_throttle PORT UPSTREAM_PORT RATE : nginx on 127.0.0.1:PORT passing every request to the upstream, each
# response sent at most RATE bytes a second (nginx's limit_rate: 40m = 40 MiB/s), nothing spooled to disk.
mirror_throttle() {
    local port=$1 upstream=$2 rate=$3 dir=$MIRROR_WORK/throttle user="" _
    mkdir -p "$dir/temp"
    if [ "$(id -u)" -eq 0 ]; then user="user $(id -un) $(id -gn);"; fi
    cat >"$dir/nginx.conf" <<EOF
$user
worker_processes 1;
pid "$dir/nginx.pid";
error_log "$dir/error.log" warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path "$dir/temp/client_body";
    proxy_temp_path "$dir/temp/proxy";
    fastcgi_temp_path "$dir/temp/fastcgi";
    uwsgi_temp_path "$dir/temp/uwsgi";
    scgi_temp_path "$dir/temp/scgi";
    server {
        listen 127.0.0.1:$port;
        client_max_body_size 0;
        proxy_request_buffering off;
        # limit_rate holds back only a buffered response; buffered in memory alone, so nginx reads the upstream as
        # fast as it sends.
        proxy_buffering on;
        proxy_max_temp_file_size 0;
        proxy_http_version 1.1;
        proxy_set_header Host \$http_host;
        limit_rate $rate;
        location / { proxy_pass http://127.0.0.1:$upstream; }
    }
}
EOF
    nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' 2>"$dir/stderr.log" &
    mirror_last_pid=$!
    mirror_pids+=("$mirror_last_pid")
    for _ in $(seq 1 50); do
        curl -s -m 1 -o /dev/null "http://127.0.0.1:$port/v2/" && return 0
        sleep 0.1
    done
    cat "$dir/stderr.log" "$dir/error.log" >&2 2>/dev/null || true
    say "mirror: the throttling nginx did not start on 127.0.0.1:$port"
    exit 1
}

bench_mirror() {
    MIRROR_WORK=$BENCH_WORK/mirror-$RUN_ID
    MIRROR_CLIENTS=${MIRROR_CLIENTS:-8}
    MIRROR_WARMUP=${MIRROR_WARMUP:-8}
    local rounds=${MIRROR_ROUNDS:-3} repo=bench/big
    mkdir -p "$MIRROR_WORK"
    on_exit mirror_stop_all
    CLIENT_DIR=$MIRROR_WORK
    big_bytes=$(bench_image_bytes "$IMAGES/big")

    local uport; uport=$(free_port)
    say "mirror: upstream distribution 2.8.2 on 127.0.0.1:$uport, the big image pushed to it"
    mirror_distribution upstream "$uport"
    local upstream=http://127.0.0.1:$uport
    skopeo_fresh copy --dest-tls-verify=false "oci:$IMAGES/big:v1" "docker://127.0.0.1:$uport/$repo:v1" \
        || { say "mirror: push to the upstream failed"; exit 1; }
    local i tag
    for ((i = 0; i < MIRROR_WARMUP; i++)); do
        printf -v tag 't%02d' "$i"
        skopeo_fresh copy --dest-tls-verify=false "oci:$IMAGES/many:$tag" "docker://127.0.0.1:$uport/bench/many:$tag" \
            || { say "mirror: push of the warm-up images to the upstream failed"; exit 1; }
    done

    declare -A t=() up=() cpu=()
    mirror_rounds "" "127.0.0.1:$uport" "$rounds" full
    # The same over an upstream held to MIRROR_UPSTREAM_RATE per connection, as a registry across a network is: then the
    # link, not the loopback machine's two cores (shared by skopeo, the upstream and the mirror), sets the pace.
    MIRROR_UPSTREAM_RATE=${MIRROR_UPSTREAM_RATE:-40m}
    local tport
    if [ "$MIRROR_UPSTREAM_RATE" != 0 ]; then
        tport=$(free_port)
        mirror_throttle "$tport" "$uport" "$MIRROR_UPSTREAM_RATE"
        mirror_rounds "slow_" "127.0.0.1:$tport" "$rounds" cold
    fi

    say "mirror: $MIRROR_CLIENTS concurrent cold pulls through each"
    local oport pport opid ppid
    oport=$(free_port)
    mirror_ours bench_mirror_conc "http://127.0.0.1:$oport" "$upstream"
    opid=$mirror_last_pid
    pport=$(free_port)
    mirror_distribution proxy-conc "$pport" "$upstream"
    ppid=$mirror_last_pid
    mirror_warm_up "127.0.0.1:$oport" hub/
    mirror_warm_up "127.0.0.1:$pport" ""
    local conc_ours conc_proxy
    conc_ours=$(mirror_concurrent ours "docker://127.0.0.1:$oport/hub/$repo:v1")
    conc_proxy=$(mirror_concurrent proxy "docker://127.0.0.1:$pport/$repo:v1")
    mirror_stop "$opid" "$ppid"
    mirror_stop_all

    if [ "$rounds" -gt 0 ]; then mirror_rounds_table "$rounds"; fi
    mirror_concurrent_table
    [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$MIRROR_WORK"
}

# mirror_rounds_table ROUNDS : the cold and warm pulls' figures (t, up, cpu of bench_mirror).
mirror_rounds_table() {
    local rounds=$1
    # median of the seconds in "$1", a space-separated list (FAILED when any run failed)
    # shellcheck disable=SC2086
    med() { if [[ "$1" == *FAILED* ]]; then echo FAILED; else median $1; fi; }
    local d o oc ow pc pw
    d=$(med "${t[direct]}"); o=$(med "${t[ordinary]}")
    oc=$(med "${t[ours_cold]}"); ow=$(med "${t[ours_warm]}"); pc=$(med "${t[proxy_cold]}"); pw=$(med "${t[proxy_warm]}")
    echo
    echo "== pull-through mirror: big image ($big_bytes bytes), ours (Registry:Mirrors) vs distribution 2.8.2 proxy over one"
    echo "   upstream (distribution 2.8.2), median of $rounds alternated rounds (MB = 1e6 bytes; x = speed vs direct)"
    printf '%-28s %9s %9s %9s %16s %11s  %s\n' pull seconds MB/s x "upstream_bytes" mirror_cpu_s "runs (s)"
    row() { # NAME MEDIAN RUNS [UPSTREAM_BYTES_RUNS CPU_SECONDS_RUNS]
        local ub=- c=-
        # shellcheck disable=SC2086
        [ -z "${4:-}" ] || { ub=$(median $4 | cut -d. -f1); c=$(median $5 | awk '{printf "%.2f", $1}'); }
        if [ "$2" = FAILED ]; then printf '%-28s %9s %9s %9s %16s %11s  %s\n' "$1" FAILED - - "$ub" "$c" "$3"; return; fi
        awk -v n="$1" -v s="$2" -v d="$d" -v b="$big_bytes" -v u="$ub" -v c="$c" -v runs="$3" \
            'BEGIN{printf "%-28s %9.3f %9.1f %9s %16s %11s  %s\n", n, s, b/1e6/s, (d == "FAILED" ? "-" : sprintf("%.2f", d/s)), u, c, runs}'
    }
    row "direct from upstream" "$d" "${t[direct]}"
    row "ours, ordinary (pushed)" "$o" "${t[ordinary]}"
    row "ours mirror, cold" "$oc" "${t[ours_cold]}" "${up[ours]}" "${cpu[ours]}"
    row "ours mirror, warm" "$ow" "${t[ours_warm]}"
    row "distribution proxy, cold" "$pc" "${t[proxy_cold]}" "${up[proxy]}" "${cpu[proxy]}"
    row "distribution proxy, warm" "$pw" "${t[proxy_warm]}"
    ratio() { # LABEL SECONDS_A SECONDS_B TARGET : A's speed over B's (B's seconds / A's)
        if [ "$2" = FAILED ] || [ "$3" = FAILED ]; then printf '  %-44s %6s\n' "$1" FAILED; return; fi
        awk -v n="$1" -v a="$2" -v b="$3" -v tg="$4" \
            'BEGIN{r = b/a; printf "  %-44s %6.2f  target >= %.2f: %s\n", n, r, tg, (r >= tg ? "ok" : "UNDER")}'
    }
    echo "speed ratios:"
    ratio "ours cold / direct from upstream" "$oc" "$d" 0.90
    ratio "ours warm / ours ordinary pull" "$ow" "$o" 1.00
    ratio "ours cold / distribution proxy cold" "$oc" "$pc" 0
    ratio "ours warm / distribution proxy warm" "$ow" "$pw" 0
    [ -n "${t[slow_direct]:-}" ] || return 0
    local sd so sp
    sd=$(med "${t[slow_direct]}"); so=$(med "${t[slow_ours_cold]}"); sp=$(med "${t[slow_proxy_cold]}")
    echo
    echo "== the same, cold, over the upstream held to $MIRROR_UPSTREAM_RATE bytes/s per connection (nginx limit_rate), median of $rounds rounds"
    printf '%-28s %9s %9s %9s %16s %11s  %s\n' pull seconds MB/s x "upstream_bytes" mirror_cpu_s "runs (s)"
    d=$sd
    row "direct from upstream" "$sd" "${t[slow_direct]}"
    row "ours mirror, cold" "$so" "${t[slow_ours_cold]}" "${up[slow_ours]}" "${cpu[slow_ours]}"
    row "distribution proxy, cold" "$sp" "${t[slow_proxy_cold]}" "${up[slow_proxy]}" "${cpu[slow_proxy]}"
    echo "speed ratios:"
    ratio "ours cold / direct from upstream" "$so" "$sd" 0.90
    ratio "ours cold / distribution proxy cold" "$so" "$sp" 0
}

# mirror_concurrent_table : the concurrent cold clients' figures (conc_ours, conc_proxy of bench_mirror).
mirror_concurrent_table() {
    local kind v name wall failed ub gets
    echo
    echo "== $MIRROR_CLIENTS concurrent cold clients: bytes the upstream served (its access log) / the image's bytes"
    printf '%-22s %9s %8s %16s %10s %8s\n' mirror wall_s failed upstream_bytes blob_GETs "x image"
    for kind in ours proxy; do
        v=conc_$kind name=ours; [ "$kind" = proxy ] && name="distribution proxy"
        read -r wall failed ub gets <<<"${!v}"
        awk -v n="$name" -v w="$wall" -v f="$failed" -v u="$ub" -v g="$gets" -v b="$big_bytes" \
            'BEGIN{printf "%-22s %9.3f %8d %16.0f %10d %8.2f\n", n, w, f, u, g, u/b}'
    done
    read -r _ _ ub _ <<<"$conc_ours"
    awk -v u="$ub" -v b="$big_bytes" 'BEGIN{r = u/b; printf "  ours: %.2fx the image  target 1.00x: %s\n", r, (r <= 1.005 ? "ok" : "OVER")}'
}

# shellcheck shell=bash
# scripts/bench's memory figures: the server's memory while one large blob (MEM_BLOB_MIB, 1 GiB by default) is pushed
# and pulled, monolithic and in MEM_CHUNK_MIB chunks.
# VmRSS of the server sampled every 20 ms during each transfer; "idle" is the value just before it starts,
# after a short settle. Target: the increase stays under 64 MiB (bytes stream; nothing buffers a whole blob).
# Sourced by scripts/bench, which provides BASE, server_pid, BENCH_WORK, RESULTS, RUN_ID, SERVER_LOG, say, and
# sampler_pid (the RSS sampler's pid while it runs, stopped at exit).
# Environment: MEM_BLOB_MIB [1024], MEM_CHUNK_MIB [64].

rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$server_pid/status"; }

start_sampler() { # FILE
    ( while [ -r "/proc/$server_pid/status" ]; do
          awk '/^VmRSS:/{print $2}' "/proc/$server_pid/status" 2>/dev/null || break
          sleep 0.02
      done ) >"$1" &
    sampler_pid=$!
}
stop_sampler() {
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    sampler_pid=""
}

# absolute URL of a Location header value
absolute() { case "$1" in http://*|https://*) echo "$1";; *) echo "$BASE$1";; esac; }
with_digest() { case "$1" in *\?*) echo "$1&digest=$BLOB_DIGEST";; *) echo "$1?digest=$BLOB_DIGEST";; esac; }
header_of() { # NAME FILE : a response header's value
    tr -d '\r' <"$2" | awk -v n="$(tr '[:upper:]' '[:lower:]' <<<"$1")" 'BEGIN{FS=": "} tolower($1)==n {v=substr($0, length($1)+3)} END{print v}'
}

push_monolithic() { # REPO
    local code
    # -T streams the file with its Content-Length; --data-binary @file would load it into curl's memory, which
    # curl refuses at 1 GiB ("out of memory"). -T also appends the file name to a URL whose path ends in "/"
    # (as .../uploads/ does), so the spec's path goes in --request-target. "Expect:" off: no 100-continue wait.
    code=$(curl -sS -m 900 -o "$MEM_DIR/resp.body" -w '%{http_code}' -X POST -T "$BLOB" -H 'Expect:' \
        -H 'Content-Type: application/octet-stream' \
        --request-target "/v2/$1/blobs/uploads/?digest=$BLOB_DIGEST" "$BASE/v2/$1/blobs/uploads")
    [ "$code" = 201 ] || { say "monolithic POST returned $code: $(cat "$MEM_DIR/resp.body")"; return 1; }
}

push_chunked() { # REPO
    local code location off len
    code=$(curl -sS -m 60 -D "$MEM_DIR/resp.headers" -o "$MEM_DIR/resp.body" -w '%{http_code}' -X POST \
        "$BASE/v2/$1/blobs/uploads/")
    [ "$code" = 202 ] || { say "POST upload returned $code: $(cat "$MEM_DIR/resp.body")"; return 1; }
    location=$(absolute "$(header_of Location "$MEM_DIR/resp.headers")")
    for ((off = 0; off < BLOB_SIZE; off += CHUNK)); do
        len=$((BLOB_SIZE - off < CHUNK ? BLOB_SIZE - off : CHUNK))
        # dd, not tail|head: head closing the pipe early would SIGPIPE tail and fail the pipeline (pipefail).
        code=$(dd if="$BLOB" bs=1M iflag=skip_bytes,count_bytes skip="$off" count="$len" status=none \
            | curl -sS -m 300 -D "$MEM_DIR/resp.headers" -o "$MEM_DIR/resp.body" -w '%{http_code}' -X PATCH \
                -H 'Content-Type: application/octet-stream' -H "Content-Range: $off-$((off + len - 1))" \
                -H 'Expect:' -H "Content-Length: $len" -T - "$location")
        [ "$code" = 202 ] || { say "PATCH at $off returned $code: $(cat "$MEM_DIR/resp.body")"; return 1; }
        location=$(absolute "$(header_of Location "$MEM_DIR/resp.headers")")
    done
    code=$(curl -sS -m 300 -o "$MEM_DIR/resp.body" -w '%{http_code}' -X PUT -H 'Content-Length: 0' \
        "$(with_digest "$location")")
    [ "$code" = 201 ] || { say "PUT finish returned $code: $(cat "$MEM_DIR/resp.body")"; return 1; }
}

pull() { # REPO : GET the blob and check its digest
    local got
    got=$(curl -fsS -m 900 "$BASE/v2/$1/blobs/$BLOB_DIGEST" | openssl dgst -sha256 -r | cut -d' ' -f1)
    [ "sha256:$got" = "$BLOB_DIGEST" ] || { say "pulled blob digest sha256:$got != $BLOB_DIGEST"; return 1; }
}

measure() { # NAME cmd... : idle RSS, peak RSS and increase while cmd runs
    local name=$1 samples=$MEM_DIR/samples-$1 idle peak t0 t1 secs
    shift
    sleep 2
    idle=$(rss_kib)
    start_sampler "$samples"
    t0=$EPOCHREALTIME
    "$@"
    t1=$EPOCHREALTIME
    stop_sampler
    peak=$(awk -v p="$idle" '$1+0 > p {p = $1+0} END{print p}' "$samples")
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
    printf '%s_idle_kib %s KiB\n%s_peak_kib %s KiB\n%s_increase_kib %s KiB\n%s_s %s s\n' \
        "$name" "$idle" "$name" "$peak" "$name" $((peak - idle)) "$name" "$secs" >>"$MEM_OUT"
    mem_rows+=("$(awk -v n="$name" -v i="$idle" -v p="$peak" -v s="$secs" -v b="$BLOB_SIZE" 'BEGIN{
        d = (p - i) / 1024; printf "%-22s %9.1f %9.1f %9.1f %8.2f %8.0f  %s", n, i/1024, p/1024, d, s, b/1e6/s, (d < 64 ? "ok" : "OVER")}')")
}

bench_memory() {
    MEM_DIR=$BENCH_WORK/mem
    mkdir -p "$MEM_DIR"
    BLOB=$MEM_DIR/blob-${MEM_BLOB_MIB}m.bin
    if [ ! -f "$BLOB.sha256" ] || [ ! -f "$BLOB" ]; then
        say "writing the ${MEM_BLOB_MIB} MiB test blob (seeded, incompressible)"
        head -c $((MEM_BLOB_MIB << 20)) /dev/zero \
            | openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff -iv 0f0e0d0c0b0a09080706050403020100 >"$BLOB"
        sha256sum "$BLOB" | cut -d' ' -f1 >"$BLOB.sha256"
    fi
    BLOB_DIGEST=sha256:$(cat "$BLOB.sha256")
    BLOB_SIZE=$(stat -c %s "$BLOB")
    CHUNK=$((MEM_CHUNK_MIB << 20))

    MEM_OUT=$RESULTS/ours-mem-$RUN_ID.txt
    : >"$MEM_OUT"
    mem_rows=()

    say "memory: ${MEM_BLOB_MIB} MiB blob, monolithic and in ${MEM_CHUNK_MIB} MiB chunks"
    # Warm-up with a small blob through both paths, so JIT compilation is not counted as upload memory.
    warm=$MEM_DIR/warm.bin
    head -c 1048576 "$BLOB" >"$warm"
    warm_digest=sha256:$(sha256sum "$warm" | cut -d' ' -f1)
    curl -fsS -m 60 -o /dev/null -X POST -H 'Content-Type: application/octet-stream' --data-binary "@$warm" \
        "$BASE/v2/bench/mem-warm-$RUN_ID/blobs/uploads/?digest=$warm_digest"
    curl -fsS -m 60 -o /dev/null "$BASE/v2/bench/mem-warm-$RUN_ID/blobs/$warm_digest"

    measure push_monolithic push_monolithic "bench/mem-mono-$RUN_ID"
    measure pull_monolithic pull "bench/mem-mono-$RUN_ID"
    measure push_chunked push_chunked "bench/mem-chunked-$RUN_ID"
    measure pull_chunked pull "bench/mem-chunked-$RUN_ID"

    echo
    echo "== memory of OrleansRegistry (pid $server_pid, VmRSS sampled every 20 ms), ${MEM_BLOB_MIB} MiB blob, chunks of ${MEM_CHUNK_MIB} MiB, blob store ${BENCH_BLOB_STORE:-filesystem}"
    printf '%-22s %9s %9s %9s %8s %8s  %s\n' step idle_MiB peak_MiB incr_MiB secs MB/s "target <64 MiB over idle"
    printf '%s\n' "${mem_rows[@]}"
    echo "VmHWM (peak RSS) of the server over this whole run: $(awk '/^VmHWM:/{printf "%.1f MiB", $2/1024}' "/proc/$server_pid/status")"
    echo "(memory figures: $MEM_OUT; server log: $SERVER_LOG)"
}

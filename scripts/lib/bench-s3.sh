# shellcheck shell=bash
# scripts/bench's S3 mode (BENCH_BLOB_STORE=s3): moto's S3 server on loopback with a fresh bucket, and the settings
# that put the servers the bench starts on it (exported, so every server started afterwards inherits them).
# Sourced by scripts/bench after common.sh and moto.sh.

_bench_s3_pid=""

# bench_s3_start WORKDIR LOG : starts moto_server on a free loopback port and exports Registry__BlobStore__*.
bench_s3_start() {
    local work=$1 log=$2 port bucket
    ensure_moto
    port=$(_free_port)
    bucket=bench-$(date -u +%Y%m%d%H%M%S)-$$
    mkdir -p "$work"
    "$MOTO_SERVER" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    _bench_s3_pid=$!
    local _i
    for _i in $(seq 1 300); do
        curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break
        kill -0 "$_bench_s3_pid" 2>/dev/null || { tail -n 20 "$log" >&2; echo "bench-s3: moto_server exited" >&2; return 1; }
        sleep 0.1
    done
    # moto takes unsigned requests: a plain PUT creates the bucket.
    curl -fsS -m 10 -o /dev/null -X PUT "http://127.0.0.1:$port/$bucket"
    export Registry__BlobStore__Type=S3 Registry__BlobStore__S3__Bucket=$bucket Registry__BlobStore__S3__Region=us-east-1 \
        Registry__BlobStore__S3__ServiceUrl=http://127.0.0.1:$port Registry__BlobStore__S3__ForcePathStyle=true \
        Registry__BlobStore__S3__AccessKey=bench Registry__BlobStore__S3__SecretKey=bench
    echo "bench-s3: moto_server (pid $_bench_s3_pid) on 127.0.0.1:$port, bucket $bucket (log $log)" >&2
}

# bench_s3_stop : stops the moto_server bench_s3_start started (TERM, then KILL after 10 s).
bench_s3_stop() {
    [ -n "$_bench_s3_pid" ] || return 0
    kill -TERM "$_bench_s3_pid" 2>/dev/null || true
    local _i
    for _i in $(seq 1 100); do kill -0 "$_bench_s3_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$_bench_s3_pid" 2>/dev/null || true
    wait "$_bench_s3_pid" 2>/dev/null || true
    _bench_s3_pid=""
}

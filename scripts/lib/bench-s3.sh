# shellcheck shell=bash
# scripts/bench's S3 mode (BENCH_BLOB_STORE=s3): moto's S3 server on loopback with a fresh bucket, and the settings
# that put the servers the bench starts on it (exported, so every server started afterwards inherits them).
# Sourced by scripts/bench after common.sh, session.sh and moto.sh.

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
    stop_processes 10 "$_bench_s3_pid"
    _bench_s3_pid=""
}

# bench_s3_reference OUT : the reference run of S3 mode. distribution 2.8.2 on a bucket of its own on the same moto
# (its s3 driver; run-reference.sh only knows the filesystem), then the harness's bench.sh against it, so that both
# registries are measured on the same store. Needs bench_s3_start first.
bench_s3_reference() {
    local out=$1 work=$BENCH_WORK/reference-s3 port bucket pid log _i
    port=$(_free_port)
    bucket=ref-$(date -u +%Y%m%d%H%M%S)-$$
    mkdir -p "$work" "$BENCH_WORK/logs"
    curl -fsS -m 10 -o /dev/null -X PUT "$Registry__BlobStore__S3__ServiceUrl/$bucket"
    cat >"$work/config.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  s3:
    accesskey: bench
    secretkey: bench
    region: us-east-1
    regionendpoint: $Registry__BlobStore__S3__ServiceUrl
    bucket: $bucket
    secure: false
    v4auth: true
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
  # Blobs through the registry, as ours serves them (distribution's default answers 307 to a presigned URL).
  redirect:
    disable: true
http:
  addr: 127.0.0.1:$port
  secret: bench-only-not-a-secret
YML
    log=$BENCH_WORK/logs/reference-s3-$RUN_ID.log
    # The Go AWS SDK in distribution panics on AWS_CA_BUNDLE with its own HTTP transport; moto is plain HTTP anyway.
    env -u AWS_CA_BUNDLE docker-registry serve "$work/config.yml" >"$log" 2>&1 &
    pid=$!
    for _i in $(seq 1 100); do
        curl -s -m 1 -o /dev/null "http://127.0.0.1:$port/v2/" && break
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; echo "bench-s3: distribution exited at start" >&2; return 1; }
        sleep 0.1
    done
    echo "bench-s3: $(docker-registry --version) pid $pid on 127.0.0.1:$port, bucket $bucket" >&2
    BENCH_WORK=$work REGISTRY_PID=$pid OUT=$out "$BENCH_DIR/bench.sh" "127.0.0.1:$port" >&2 || { stop_processes 10 "$pid"; return 1; }
    stop_processes 10 "$pid"
}

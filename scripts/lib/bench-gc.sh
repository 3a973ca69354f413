# shellcheck shell=bash
# scripts/bench's garbage-collection figures: the time a collection takes over GC_MANIFESTS manifests with nothing to
# collect, and again once half of them are deleted (their unique layers to collect).
# Sourced by scripts/bench, which provides BENCH_WORK, RUN_ID, free_port, say and bench-server.sh. `bench_gc` runs in a
# subshell with a server of its own (own database and data directory, GracePeriod 0 so deleted images are garbage at
# once, no schedule, no fsync per blob: the set-up is not what is measured), stopped when it returns.
#
# Environment: GC_MANIFESTS [10000] images (one shared config, one small unique layer each, tag v<i>),
# GC_REPOSITORIES [100] they are spread over, GC_PARALLEL [8] concurrent transfers while pushing and deleting.

bench_gc() (
    set -Eeuo pipefail
    local n=${GC_MANIFESTS:-10000} repos=${GC_REPOSITORIES:-100} parallel=${GC_PARALLEL:-8}
    local work=$BENCH_WORK/gc-$RUN_ID port base gc_pid="" log
    ensure_packages python3 curl jq
    mkdir -p "$work/data" "$work/files"
    log=$BENCH_WORK/logs/gc-$RUN_ID.log
    stop_gc_server() {
        if [ -n "$gc_pid" ]; then bench_stop "$gc_pid"; fi
        [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$work"
    }
    trap stop_gc_server EXIT

    bench_database bench_gc
    port=$(free_port)
    base=http://127.0.0.1:$port
    say "gc: starting a server on 127.0.0.1:$port (log $log)"
    bench_server "$base" "$log" ConnectionStrings__Registry="$(bench_connection bench_gc)" \
        Registry__DataDirectory="$work/data" Registry__ClusterId="bench-gc-$RUN_ID" \
        Registry__GarbageCollection__GracePeriod=00:00:00 Registry__GarbageCollection__Enabled=false \
        Registry__FlushBlobsToDisk=false
    gc_pid=$bench_server_pid
    bench_wait_ready "gc: the server" "$gc_pid" "$base" 200 "$log"

    # Every file and every request up front (curl configs), so the timed parts are only HTTP and the collector.
    python3 - "$work/files" "$base" "$n" "$repos" <<'EOF'
import hashlib, json, sys
out, base, n, repos = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def write(name, data):
    with open(f"{out}/{name}", "wb") as f: f.write(data)
    return "sha256:" + hashlib.sha256(data).hexdigest()
def request(cfg, method, url, body=None, media=None):
    if cfg.tell(): cfg.write("next\n")
    cfg.write(f'url = "{url}"\nrequest = "{method}"\noutput = "/dev/null"\nwrite-out = "%{{http_code}}\\n"\n')
    if body: cfg.write(f'data-binary = "@{out}/{body}"\nheader = "Content-Type: {media}"\n')
config = b'{"architecture":"amd64","os":"linux","bench":"gc"}'
config_digest = write("config", config)
repo = lambda i: f"bench/gc{i % repos:03d}"
with open(f"{out}/config.cfg", "w") as cfg:
    for r in range(min(n, repos)):
        request(cfg, "POST", f"{base}/v2/{repo(r)}/blobs/uploads/?digest={config_digest}", "config", "application/octet-stream")
with open(f"{out}/layers.cfg", "w") as layers, open(f"{out}/manifests.cfg", "w") as manifests, open(f"{out}/deletes.cfg", "w") as deletes:
    for i in range(n):
        layer = (f"gc bench layer {i}\n".encode() * 64)[:1024]
        layer_digest = write(f"l{i}", layer)
        request(layers, "POST", f"{base}/v2/{repo(i)}/blobs/uploads/?digest={layer_digest}", f"l{i}", "application/octet-stream")
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": len(layer)}]},
            separators=(",", ":")).encode()
        manifest_digest = write(f"m{i}", manifest)
        request(manifests, "PUT", f"{base}/v2/{repo(i)}/manifests/v{i}", f"m{i}", "application/vnd.oci.image.manifest.v1+json")
        if i % 2: request(deletes, "DELETE", f"{base}/v2/{repo(i)}/manifests/{manifest_digest}")
EOF

    run_requests() { # NAME CFG EXPECTED-CODE : parallel transfers; every one must answer EXPECTED-CODE
        local codes t0 bad
        t0=$EPOCHREALTIME
        # The parallel progress meter ignores -s; its stderr is kept only for a failure message.
        codes=$(curl -sS -m 3600 --parallel --parallel-max "$parallel" -K "$2" 2>"$work/curl.err" || true)
        bad=$(grep -cv "^$3\$" <<<"$codes" || true)
        [ "$bad" = 0 ] || { say "gc: $bad of the $1 requests did not answer $3: $(sort <<<"$codes" | uniq -c | tr '\n' ' ') $(tail -c 300 "$work/curl.err")"; return 1; }
        awk -v a="$t0" -v b="$EPOCHREALTIME" -v c="$(wc -l <<<"$codes")" -v w="$1" 'BEGIN{printf "gc: %d %s in %.1f s\n", c, w, b-a}' >&2
    }
    collect() { # DRY-RUN : prints "WALL_S REPORT_S BLOBS BYTES"
        local t0 report
        t0=$EPOCHREALTIME
        report=$(curl -fsS -m 3600 -X POST "$base/admin/gc?dry-run=$1")
        jq -r --arg w "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.3f", b-a}')" \
            '"\($w) \(.durationSeconds) \(.blobsDeleted) \(.bytesReclaimed)"' <<<"$report"
    }

    say "gc: pushing $n images over $repos repositories ($parallel at a time)"
    run_requests "config uploads" "$work/files/config.cfg" 201
    run_requests "layer uploads" "$work/files/layers.cfg" 201
    run_requests "manifest PUTs" "$work/files/manifests.cfg" 201
    local nothing dry half
    nothing=$(collect false)
    run_requests "manifest DELETEs (half)" "$work/files/deletes.cfg" 202
    dry=$(collect true)
    half=$(collect false)

    echo
    echo "== garbage collection over $n manifests in $repos repositories (GracePeriod 0; wall = the POST /admin/gc round trip)"
    printf '%-34s %8s %10s %8s %12s\n' run wall_s report_s blobs bytes
    printf '%-34s %8s %10s %8s %12s\n' "nothing to collect" $nothing
    printf '%-34s %8s %10s %8s %12s\n' "half deleted, dry run" $dry
    printf '%-34s %8s %10s %8s %12s\n' "half deleted ($((n / 2)) manifests)" $half
    echo "(server log: $log)"
)

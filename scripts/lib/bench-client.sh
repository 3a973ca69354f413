# shellcheck shell=bash
# scripts/bench's client figures: oreg against skopeo on our registry. The shared harness's big image pushed to a fresh
# repository and pulled into a fresh layout, RUNS times each, alternating the two clients; the medians are compared.
# skopeo gets a private blob-info cache per call, as in the harness (otherwise it turns pushes into mounts).
# Sourced by scripts/bench, which provides IMAGES, HOSTPORT, OREG_DLL, BENCH_WORK and RUN_ID.
# Environment: RUNS [3].
# Also the timing helpers bench-mirror.sh uses: skopeo_fresh (skopeo with a private blob-info cache under CLIENT_DIR),
# timed, median and bench_image_bytes.

# bench_image_bytes LAYOUT : the bytes of the config and layers of the layout's first image.
bench_image_bytes() {
    jq '[.config.size] + [.layers[].size] | add' \
        "$1/blobs/sha256/$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)"
}
skopeo_fresh() {
    local c; c=$(mktemp -d "$CLIENT_DIR/bic.XXXXXX"); mkdir -m 0700 "$c/run"
    _CONTAINERS_ROOTLESS_UID=65534 XDG_DATA_HOME="$c" XDG_CONFIG_HOME="$c/config" XDG_RUNTIME_DIR="$c/run" \
        timeout 600 skopeo --insecure-policy "$@" >/dev/null
    local rc=$?; rm -rf "$c"; return $rc
}
timed() { local t0=$EPOCHREALTIME; "$@" >/dev/null || return 1; awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.3f", b-a}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{ if (NR%2) printf "%.3f", v[(NR+1)/2]; else printf "%.3f", (v[NR/2]+v[NR/2+1])/2 }'; }

bench_client() {
    CLIENT_DIR=$BENCH_WORK/client-$RUN_ID
    mkdir -p "$CLIENT_DIR"
    big_bytes=$(bench_image_bytes "$IMAGES/big")
    runs=${RUNS:-3}
    oreg_push=(); skopeo_push=(); oreg_pull=(); skopeo_pull=()
    for ((r = 1; r <= runs; r++)); do
        sync; oreg_push+=("$(timed timeout 600 dotnet "$OREG_DLL" --quiet push "$IMAGES/big:v1" "$HOSTPORT/bench/oreg-push-$RUN_ID-$r:v1")")
        sync; skopeo_push+=("$(timed skopeo_fresh copy --dest-tls-verify=false "oci:$IMAGES/big:v1" "docker://$HOSTPORT/bench/skopeo-push-$RUN_ID-$r:v1")")
        rm -rf "$CLIENT_DIR/oreg-pull" "$CLIENT_DIR/skopeo-pull"
        sync; oreg_pull+=("$(timed timeout 600 dotnet "$OREG_DLL" --quiet pull "$HOSTPORT/bench/oreg-push-$RUN_ID-$r:v1" "$CLIENT_DIR/oreg-pull:v1")")
        sync; skopeo_pull+=("$(timed skopeo_fresh copy --src-tls-verify=false "docker://$HOSTPORT/bench/oreg-push-$RUN_ID-$r:v1" "oci:$CLIENT_DIR/skopeo-pull:v1")")
    done
    echo
    echo "== oreg vs skopeo against OrleansRegistry, big image ($big_bytes bytes), median of $runs (MB = 1e6 bytes)"
    printf '%-12s %10s %10s %10s %10s %14s\n' step oreg_s skopeo_s oreg_MBps skopeo_MBps "oreg/skopeo"
    for step in push pull; do
        o="oreg_${step}[@]"; k="skopeo_${step}[@]"
        mo=$(median "${!o}"); mk=$(median "${!k}")
        awk -v n="$step" -v o="$mo" -v k="$mk" -v b="$big_bytes" 'BEGIN{printf "%-12s %10.3f %10.3f %10.1f %10.1f %14.2f  (speed ratio; >= 1: oreg at least as fast)\n", n, o, k, b/1e6/o, b/1e6/k, k/o}'
    done
    rm -rf "$CLIENT_DIR"
}

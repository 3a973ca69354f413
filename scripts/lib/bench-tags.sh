# shellcheck shell=bash
# scripts/bench's figures for the cost of a tag write as one repository grows: a write must not cost more as the
# repository grows, the 10,000th tag what the 10th does. TAG_COUNT tags are written to one repository in batches of
# 100 PUTs over one keep-alive connection (one curl per batch); the ms per tag of each batch is kept.
# Sourced by scripts/bench, which provides BASE, BENCH_WORK, RUN_ID and say.
# Environment: TAG_COUNT [10000] tags written (under 200: skipped).

bench_tags() {
    local TAG_COUNT=${TAG_COUNT:-10000}
    [ "$TAG_COUNT" -ge 200 ] || return 0
    TAG_DIR=$BENCH_WORK/tags-$RUN_ID
    mkdir -p "$TAG_DIR"
    repo=bench/tags-$RUN_ID
    printf '{"tag-cost":"%s"}' "$RUN_ID" >"$TAG_DIR/config"
    cdig=sha256:$(sha256sum "$TAG_DIR/config" | cut -d' ' -f1)
    csize=$(stat -c %s "$TAG_DIR/config")
    curl -fsS -m 30 -o /dev/null -X POST -H 'Content-Type: application/octet-stream' \
        --data-binary @"$TAG_DIR/config" "$BASE/v2/$repo/blobs/uploads/?digest=$cdig"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[]}' \
        "$cdig" "$csize" >"$TAG_DIR/manifest"
    batches=$(( (TAG_COUNT + 99) / 100 ))
    : >"$TAG_DIR/batches"
    for ((b = 0; b < batches; b++)); do
        cfg=$TAG_DIR/batch.cfg
        : >"$cfg"
        for ((i = b * 100; i < (b + 1) * 100 && i < TAG_COUNT; i++)); do
            [ "$i" -eq $((b * 100)) ] || echo next >>"$cfg"
            printf 'url = "%s/v2/%s/manifests/t%05d"\nrequest = "PUT"\nupload-file = "%s"\nheader = "Content-Type: application/vnd.oci.image.manifest.v1+json"\noutput = "/dev/null"\nfail\n' \
                "$BASE" "$repo" "$i" "$TAG_DIR/manifest" >>"$cfg"
        done
        t0=$EPOCHREALTIME
        curl -sS -m 120 -K "$cfg" || { say "tag batch $b failed"; exit 1; }
        awk -v a="$t0" -v b="$EPOCHREALTIME" -v n=$((i - b * 100)) 'BEGIN{printf "%.3f\n", (b-a)*1000/n}' >>"$TAG_DIR/batches"
    done
    ntags=$(curl -fsS -m 60 "$BASE/v2/$repo/tags/list?n=10000" | jq '.tags | length')
    # The first batch also pays for JIT and connection warm-up, so the early figure is the second batch.
    first=$(sed -n 2p "$TAG_DIR/batches"); last=$(tail -n 1 "$TAG_DIR/batches")
    mid=$(sed -n "$(( (batches + 1) / 2 ))p" "$TAG_DIR/batches")
    echo
    echo "== cost of a tag write (PUT manifest by tag) as one repository grows to $TAG_COUNT tags ($ntags listed)"
    printf 'tags 101-200: %s ms/tag   middle batch: %s ms/tag   last 100: %s ms/tag   last/early: %s\n' \
        "$first" "$mid" "$last" "$(awk -v a="$first" -v b="$last" 'BEGIN{printf "%.2f", b/a}')"
    rm -rf "$TAG_DIR"
}

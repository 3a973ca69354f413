# shellcheck shell=bash
# scripts/bench's API throughput figures: the shared harness (BENCH_DIR/bench.sh) against distribution 2.8.2 (the
# reference, unless SKIP_REFERENCE=1) and against ours, in the same run on this machine, then compare.sh's table.
# In S3 mode the reference runs on a bucket of its own on the same moto (bench-s3.sh), so both use the same store.
# Sourced by scripts/bench, which provides BENCH_DIR, RESULTS, RUN_ID, HOSTPORT, server_pid, free_port and say.
# Environment: REF_PORT [a free port] the reference's port; RUNS, WRK_DURATION ... reach the harness unchanged.

bench_throughput() {
    local ref_out=$RESULTS/ref-$RUN_ID.txt ours_out=$RESULTS/ours-$RUN_ID.txt
    if [ "${SKIP_REFERENCE:-0}" != 1 ]; then
        if [ "${BENCH_BLOB_STORE:-filesystem}" = s3 ]; then
            say "reference run (distribution 2.8.2 on its own bucket of the same moto)"
            bench_s3_reference "$ref_out"
        else
            say "reference run (distribution 2.8.2)"
            PORT=${REF_PORT:-$(free_port)} OUT=$ref_out "$BENCH_DIR/run-reference.sh" >&2
        fi
    fi

    say "OrleansRegistry run"
    # Process figures (RSS, CPU) only for one server process; a cluster is several.
    if [ -n "${BENCH_CLUSTER:-}" ]; then OUT=$ours_out "$BENCH_DIR/bench.sh" "$HOSTPORT" >&2
    else REGISTRY_PID=$server_pid OUT=$ours_out "$BENCH_DIR/bench.sh" "$HOSTPORT" >&2; fi

    echo
    if [ "${SKIP_REFERENCE:-0}" != 1 ]; then
        echo "== throughput: run1 = distribution 2.8.2 (reference), run2 = OrleansRegistry; 2/1 = ours/reference"
        "$BENCH_DIR/compare.sh" "$ref_out" "$ours_out"
        echo "(results: $ref_out $ours_out)"
    else
        echo "== throughput of OrleansRegistry (no reference run)"
        grep -v '^#' "$ours_out"
        echo "(results: $ours_out)"
    fi
}

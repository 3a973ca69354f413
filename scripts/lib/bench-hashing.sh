# shellcheck shell=bash
# scripts/bench's hashing figures (tests/OrleansRegistry.Bench.Hashing): DigestHasher against IncrementalHash.
# An upload's SHA-256/512 state is saved after every chunk so any silo continues it: DigestHasher (OpenSSL's low-level
# SHA-2 through libcrypto, state exportable) must hash as fast as IncrementalHash (OpenSSL EVP, state sealed).
# Sourced by scripts/bench, which provides ARTIFACTS.
# Environment: HASH_MIB [1024] MiB hashed per run, HASH_RUNS [5] interleaved runs.
bench_hashing() {
    echo
    echo "== hashing throughput, 1 MiB appends (GB/s; best and median of interleaved runs)"
    dotnet run -c Release --artifacts-path "$ARTIFACTS" --project tests/OrleansRegistry.Bench.Hashing -- \
        --mib "${HASH_MIB:-1024}" --runs "${HASH_RUNS:-5}"
}

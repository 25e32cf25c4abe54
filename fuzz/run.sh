#!/bin/sh
# npm run fuzz [-- SECONDS]: fuzzes the pgp driver's parser with libFuzzer
# (clang -fsanitize=fuzzer,address,undefined) for SECONDS (default 60, or
# FUZZ_SECONDS) from the corpus in fuzz/corpus. New inputs go to
# fuzz/work/ (not kept); a crash is written to fuzz/crashes/ and should be
# copied to fuzz/regressions/, which the test suite replays.
# Needs clang: apt-get install -y clang.
set -e
cd "$(dirname "$0")"
seconds=${1:-${FUZZ_SECONDS:-60}}
command -v clang >/dev/null || { echo "fuzz: clang is not installed (apt-get install -y clang)" >&2; exit 2; }
mkdir -p bin work crashes
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I../drivers/include \
	-o bin/pgp_fuzz pgp_fuzz.c ../drivers/pgp/pgp_parse.c ../drivers/pgp/pgp_packets.c ../drivers/pgp/pgp_text.c
ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64} ./bin/pgp_fuzz -max_total_time="$seconds" -max_len=65536 -timeout=5 -rss_limit_mb=4096 -dict=pgp.dict \
	-artifact_prefix=crashes/ work corpus regressions

#!/usr/bin/env bash
# ESP data plane vs `openssl speed`, interleaved per (suite, size) so both see the same machine
# load (docs/benchmarks.md, "ESP data plane").
# Build first:  mvn -B -o -ntp -pl bench -am package -DskipTests
# Usage:        bench/esp-vs-openssl.sh [outdir]
set -euo pipefail
out=${1:-bench/target/results}
mkdir -p "$out"
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jmh_opts=(-f 1 -wi 2 -w 2s -i 3 -r 2s -prof gc)

ossl() { # prints packets/s for one openssl speed run: $1 = bytes, rest = openssl speed args
  local bytes=$1; shift
  openssl speed -elapsed "$@" -bytes "$bytes" 2>/dev/null | tail -1 \
    | awk -v b="$bytes" '{ v=$NF; sub(/k$/, "", v); printf "%.0f\n", v * 1000 / b }'
}

printf 'suite size esp_encap_ops esp_decap_ops openssl_pkts\n' | tee "$out/summary.txt"
for suite in aes-128-gcm aes-256-gcm aes-256-cbc+hmac-sha1-96; do
  for size in 64 512 1400; do
    tag="${suite//+/_}-$size"
    "$java" -jar bench/target/benchmarks.jar 'EspBenchmark' -p suite="$suite" -p size="$size" "${jmh_opts[@]}" \
      -rf json -rff "$out/$tag.json" > "$out/$tag.txt" 2>&1
    enc=$(grep -E '^EspBenchmark.encapsulate ' "$out/$tag.txt" | awk '{print $(NF-3)}')
    dec=$(grep -E '^EspBenchmark.decapsulate ' "$out/$tag.txt" | awk '{print $(NF-3)}')
    # OpenSSL sees the inner packet plus ESP trailer: the ciphertext size of the ESP packet.
    case $suite in
      aes-128-gcm|aes-256-gcm) o=$(ossl "$size" -aead -evp "$suite") ;;
      *) c=$(ossl "$size" -evp aes-256-cbc); h=$(ossl "$size" -hmac sha1)
         o=$(awk -v c="$c" -v h="$h" 'BEGIN { printf "%.0f", 1 / (1 / c + 1 / h) }') ;;
    esac
    printf '%s %s %s %s %s\n' "$suite" "$size" "$enc" "$dec" "$o" | tee -a "$out/summary.txt"
  done
done

#!/usr/bin/env bash
# Generates an API client from openapi.json with a generator no one here wrote:
# openapi-generator (https://openapi-generator.tech), the jar from Maven Central, run on
# the machine's JDK (17+). The jar is downloaded once and cached like Kafka's jars
# (scripts/services.sh): ${SKYRO_CACHE_DIR:-$HOME/.cache/skyro}/openapi-generator/.
#
#   scripts/openapi-client.sh fetch                          download the jar (first run only)
#   scripts/openapi-client.sh generate <out-dir> [document]  typescript-fetch client of
#                                                            the document (default: openapi.json)
#   scripts/openapi-client.sh jar                            print the cached jar's path
#
# SKYRO_OPENAPI_GENERATOR_VERSION picks another release; SKYRO_OPENAPI_GENERATOR=<name>
# another generator (typescript-fetch by default).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${SKYRO_OPENAPI_GENERATOR_VERSION:-7.25.0}"
GENERATOR="${SKYRO_OPENAPI_GENERATOR:-typescript-fetch}"
CACHE_DIR="${SKYRO_CACHE_DIR:-$HOME/.cache/skyro}/openapi-generator"
JAR="$CACHE_DIR/openapi-generator-cli-$VERSION.jar"
URL="https://repo1.maven.org/maven2/org/openapitools/openapi-generator-cli/$VERSION/openapi-generator-cli-$VERSION.jar"

log() { printf '[openapi-client] %s\n' "$*" >&2; }
die() { printf '[openapi-client] ERROR: %s\n' "$*" >&2; exit 1; }

fetch() {
  [[ -s "$JAR" ]] && return 0
  command -v curl >/dev/null || die "curl not found (needed once to fetch the generator)"
  mkdir -p "$CACHE_DIR"
  log "fetching openapi-generator-cli $VERSION from Maven Central into $CACHE_DIR (first run only)"
  # Into a temp file, checked against Maven Central's published SHA-1, then renamed: an
  # interrupted or corrupt download is fetched again rather than run.
  local tmp="$JAR.$$.tmp"
  trap 'rm -f "$tmp" "$tmp.sha1"' EXIT
  curl -fsSL --retry 3 --retry-delay 2 -o "$tmp" "$URL" || die "download failed: $URL"
  curl -fsSL --retry 3 --retry-delay 2 -o "$tmp.sha1" "$URL.sha1" || die "download failed: $URL.sha1"
  local expected actual
  expected=$(tr -dc '0-9a-f' <"$tmp.sha1" | cut -c1-40)
  actual=$(sha1sum "$tmp" | cut -d' ' -f1)
  [[ "$expected" == "$actual" ]] || die "checksum mismatch for $URL (expected $expected, got $actual)"
  mv "$tmp" "$JAR"
  rm -f "$tmp.sha1"
  trap - EXIT
}

java_ok() {
  command -v java >/dev/null || die "java not found (openapi-generator needs a JDK 11+; apt-get install openjdk-17-jre-headless)"
}

generate() {
  local out="${1:-}" document="${2:-openapi.json}"
  [[ -n "$out" ]] || die "usage: $0 generate <out-dir> [document]"
  [[ -f "$document" ]] || die "no OpenAPI document at $document"
  fetch
  java_ok
  # The generator validates the document first and refuses an invalid one (no
  # --skip-validate-spec): a broken document must fail here, not produce a client.
  # A short-lived JVM: C1 only and the serial collector start fastest on two shared cores.
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m -jar "$JAR" generate \
    --generator-name "$GENERATOR" \
    --input-spec "$document" \
    --output "$out" \
    --additional-properties=supportsES6=true \
    --global-property=apiTests=false,modelTests=false,apiDocs=false,modelDocs=false \
    >"$out.log" 2>&1 || { tail -n 40 "$out.log" >&2; die "generation failed; see $out.log"; }
  log "generated a $GENERATOR client (openapi-generator $VERSION) in $out"
}

case "${1:-}" in
  fetch) fetch; printf '%s\n' "$JAR" ;;
  jar) fetch; printf '%s\n' "$JAR" ;;
  generate) shift; generate "$@" ;;
  version) printf '%s\n' "$VERSION" ;;
  *) die "usage: $0 fetch | jar | version | generate <out-dir> [document]" ;;
esac

#!/usr/bin/env bash
# Builds upbit-lab/flink:2.0.0 (npm run flink:image): Flink 2.0 jars from Maven Central laid
# out by pom.xml, on the course's local Debian + OpenJDK 17 base. Stages are skipped when
# their output is already there, so a second run takes seconds. Last line of output:
# FLINK_IMAGE=<tag>; the same line is added to (or replaced in) compose/.env, other lines kept.
#
# Base image: upbit-lab/debian-jre:bookworm-17, the one the Kafka image uses, made by chapter
# 2's platform.sh if missing (debootstrap as root on Debian/Ubuntu; otherwise, e.g. Docker
# Desktop on a Mac, from the registry's debian:bookworm-slim for the machine's own
# architecture). The jars are portable, so the same script gives a native arm64 image on a
# Mac, or a cross-built one here with UPBIT_IMAGE_ARCH=arm64.
# Maven: the host's `mvn` (JDK 17+). Without one, Maven runs in a throwaway container
# (needs the registry image maven:3.9-eclipse-temurin-17), with ~/.m2 as its cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$here/../../.." && pwd)
env_file="$repo_root/compose/.env"
flink_version=$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' "$here/pom.xml")
log() { printf '[flink:image] %s\n' "$*" >&2; }
# Base image and target architecture, shared with chapter 2's build (UPBIT_IMAGE_ARCH=arm64
# cross-builds for Apple silicon).
. "$repo_root/chapters/02-kafka/image/platform.sh"
image="${UPBIT_FLINK_IMAGE:-upbit-lab/flink:$flink_version}$image_tag_suffix"
started=$(date +%s)

if ! docker info >/dev/null 2>&1; then
  log "Docker 엔진에 연결할 수 없습니다. Docker Desktop을 켜거나 'sudo dockerd &'로 엔진을 시작한 뒤 다시 실행하세요."
  exit 1
fi

ensure_base_image

stamp="$here/target/flink/.complete"
if [ ! -f "$stamp" ] || [ "$here/pom.xml" -nt "$stamp" ]; then
  log "resolving Flink $flink_version jars with Maven (about 420 MB the first time)"
  rm -rf "$here/target/flink"
  mkdir -p "$here/target"
  # Maven's output goes to a file and is shown only when it fails (it is long, and its
  # terminal escapes would end up in the lab's output).
  mvn_log="$here/target/maven.log"
  if command -v mvn >/dev/null 2>&1; then
    mvn -q -B -Dstyle.color=never -f "$here/pom.xml" package >"$mvn_log" 2>&1 || { cat "$mvn_log" >&2; exit 1; }
  else
    log "mvn not found; running Maven in a container"
    mkdir -p "$HOME/.m2"
    docker run --rm -v "$here:/build" -v "$HOME/.m2:/root/.m2" -w /build \
      maven:3.9-eclipse-temurin-17 mvn -q -B -Dstyle.color=never package >"$mvn_log" 2>&1 || { cat "$mvn_log" >&2; exit 1; }
  fi
  touch "$stamp"
fi

log "docker build $image"
# The legacy builder works on every engine the course meets (20.10 here, Docker Desktop);
# its deprecation notice is dropped unless the build fails.
if ! build_out=$(DOCKER_BUILDKIT=0 docker build -q "${platform_args[@]}" \
    --build-arg "BASE_IMAGE=$base_image" --build-arg "FLINK_VERSION=$flink_version" \
    -t "$image" "$here" 2>&1); then
  printf '%s\n' "$build_out" >&2
  exit 1
fi

# Replaces only our own line, so the Kafka (and other) image lines stay.
image_env_set "$env_file" FLINK_IMAGE "$image"
log "done in $(( $(date +%s) - started )) s; FLINK_IMAGE=$image ($image_arch$([ "$cross_build" = 1 ] && echo ', compose/.env unchanged'))"
echo "FLINK_IMAGE=$image"

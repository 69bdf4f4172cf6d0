#!/usr/bin/env bash
# Builds upbit-lab/flink:2.0.0 (npm run flink:image): Flink 2.0 jars from Maven Central laid
# out by pom.xml, on the course's local Debian + OpenJDK 17 base. Stages are skipped when
# their output is already there, so a second run takes seconds. Last line of output:
# FLINK_IMAGE=<tag>; the same line is added to (or replaced in) compose/.env, other lines kept.
#
# Base image: upbit-lab/debian-jre:bookworm-17, the one the Kafka image uses. If it is
# missing, it is made here the same way (debootstrap as root on Debian/Ubuntu; otherwise,
# e.g. Docker Desktop on a Mac, from the registry's debian:bookworm-slim, which Docker pulls
# for the machine's own architecture, arm64 on Apple silicon). The jars are portable, so the
# same script gives a native arm64 image on a Mac.
# Maven: the host's `mvn` (JDK 17+). Without one, Maven runs in a throwaway container
# (needs the registry image maven:3.9-eclipse-temurin-17), with ~/.m2 as its cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$here/../../.." && pwd)
env_file="$repo_root/compose/.env"
flink_version=$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' "$here/pom.xml")
base_image="${UPBIT_BASE_IMAGE:-upbit-lab/debian-jre:bookworm-17}"
image="${UPBIT_FLINK_IMAGE:-upbit-lab/flink:$flink_version}"
log() { printf '[flink:image] %s\n' "$*" >&2; }
started=$(date +%s)

if ! docker info >/dev/null 2>&1; then
  log "Docker 엔진에 연결할 수 없습니다. Docker Desktop을 켜거나 'sudo dockerd &'로 엔진을 시작한 뒤 다시 실행하세요."
  exit 1
fi

# Same recipe as the Kafka image's build script (kept in step by hand; both make one tag).
if ! docker image inspect "$base_image" >/dev/null 2>&1; then
  if command -v debootstrap >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "making $base_image with debootstrap (about a minute)"
    rootfs=$(mktemp -d)
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$rootfs" >/dev/null
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import --change 'ENV LANG=C.UTF-8' - "$base_image" >/dev/null
    rm -rf "$rootfs"
    trap - EXIT
  else
    log "debootstrap is not available; building $base_image from debian:bookworm-slim (needs a registry)"
    printf 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates && rm -rf /var/lib/apt/lists/*\n' \
      | docker build -q -t "$base_image" - >/dev/null
  fi
fi

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
if ! build_out=$(DOCKER_BUILDKIT=0 docker build -q \
    --build-arg "BASE_IMAGE=$base_image" --build-arg "FLINK_VERSION=$flink_version" \
    -t "$image" "$here" 2>&1); then
  printf '%s\n' "$build_out" >&2
  exit 1
fi

# Replace only our own line, so the Kafka (and other) image lines stay.
mkdir -p "$(dirname "$env_file")"
touch "$env_file"
grep -v '^FLINK_IMAGE=' "$env_file" >"$env_file.tmp" || true
printf 'FLINK_IMAGE=%s\n' "$image" >>"$env_file.tmp"
mv "$env_file.tmp" "$env_file"
log "done in $(( $(date +%s) - started )) s; compose/.env now has FLINK_IMAGE=$image"
echo "FLINK_IMAGE=$image"

#!/usr/bin/env bash
# Builds the offline Kafka image (npm run cluster:image) from Apache Kafka's jars on Maven
# Central, on a Debian base with a JRE made locally. No registry image is pulled when
# debootstrap is available. Each stage is skipped when its output already exists, so a
# second run takes seconds. Last line of output: KAFKA_IMAGE=<tag>; the same line is
# written to compose/.env (other chapters' lines kept) so `docker compose` in compose/ uses it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
compose_dir=$(cd "$here/../../../compose" && pwd)
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
base_image="${UPBIT_BASE_IMAGE:-upbit-lab/debian-jre:bookworm-17}"
image="${UPBIT_KAFKA_IMAGE:-upbit-lab/kafka:$kafka_version}"
log() { printf '[cluster:image] %s\n' "$*" >&2; }
started=$(date +%s)

if ! docker info >/dev/null 2>&1; then
  log "Docker 엔진에 연결할 수 없습니다. Docker Desktop을 켜거나 'sudo dockerd &'로 엔진을 시작한 뒤 다시 실행하세요."
  exit 1
fi

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

if [ ! -f "$here/target/libs/kafka_2.13-$kafka_version.jar" ] || [ "$here/pom.xml" -nt "$here/target/libs" ]; then
  log "resolving Apache Kafka $kafka_version jars with Maven"
  rm -rf "$here/target/libs"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies
fi

log "docker build $image"
DOCKER_BUILDKIT=0 docker build -q \
  --build-arg "BASE_IMAGE=$base_image" --build-arg "KAFKA_VERSION=$kafka_version" \
  -t "$image" "$here" >/dev/null

env_file="$compose_dir/.env"
{ grep -v '^KAFKA_IMAGE=' "$env_file" 2>/dev/null || true; printf 'KAFKA_IMAGE=%s\n' "$image"; } >"$env_file.tmp"
mv "$env_file.tmp" "$env_file"
log "done in $(( $(date +%s) - started )) s; compose/.env now points docker compose at $image"
echo "KAFKA_IMAGE=$image"

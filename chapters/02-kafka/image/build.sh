#!/usr/bin/env bash
# Builds the offline Kafka image (npm run cluster:image) from Apache Kafka's jars on Maven
# Central, on a Debian base with a JRE made locally. No registry image is pulled when
# debootstrap is available. Each stage is skipped when its output already exists, so a
# second run takes seconds. Last line of output: KAFKA_IMAGE=<tag>; the same line is
# written to compose/.env (other chapters' lines kept) so `docker compose` in compose/ uses it.
# UPBIT_IMAGE_ARCH=arm64 cross-builds for Apple silicon (see platform.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
compose_dir=$(cd "$here/../../../compose" && pwd)
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
log() { printf '[cluster:image] %s\n' "$*" >&2; }
. "$here/platform.sh"
image="${UPBIT_KAFKA_IMAGE:-upbit-lab/kafka:$kafka_version}$image_tag_suffix"
started=$(date +%s)

if ! docker info >/dev/null 2>&1; then
  log "Docker 엔진에 연결할 수 없습니다. Docker Desktop을 켜거나 'sudo dockerd &'로 엔진을 시작한 뒤 다시 실행하세요."
  exit 1
fi

ensure_base_image

if [ ! -f "$here/target/libs/kafka_2.13-$kafka_version.jar" ] || [ "$here/pom.xml" -nt "$here/target/libs" ]; then
  log "resolving Apache Kafka $kafka_version jars with Maven"
  rm -rf "$here/target/libs"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies
fi

log "docker build $image"
DOCKER_BUILDKIT=0 docker build -q "${platform_args[@]}" \
  --build-arg "BASE_IMAGE=$base_image" --build-arg "KAFKA_VERSION=$kafka_version" \
  -t "$image" "$here" >/dev/null

image_env_set "$compose_dir/.env" KAFKA_IMAGE "$image"
if [ "$cross_build" = 1 ]; then log "done in $(( $(date +%s) - started )) s; $image is for $image_arch (compose/.env unchanged)"
else log "done in $(( $(date +%s) - started )) s; compose/.env now points docker compose at $image"; fi
echo "KAFKA_IMAGE=$image"

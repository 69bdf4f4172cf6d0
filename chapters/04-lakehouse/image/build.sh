#!/usr/bin/env bash
# Builds chapter 4's images from local parts: the object store (S3Proxy from Maven Central on
# the course's Debian base) and the S3 tool (`mc` from Debian trixie's minio-client package).
# Makes this install's S3 keys first (credentials.sh). Stages whose output exists are
# skipped, so a second run takes seconds. Writes S3_TOOLS_IMAGE and S3PROXY_IMAGE into
# compose/.env (other lines kept); the last line of output is S3PROXY_IMAGE=<tag>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chapter=$(dirname "$here")
root=$(cd "$chapter/../.." && pwd)
env_file="${UPBIT_ENV_FILE:-$root/compose/.env}"
s3proxy_version=$(sed -n 's:.*<s3proxy.version>\(.*\)</s3proxy.version>.*:\1:p' "$here/pom.xml")
log() { printf '[lakehouse:image] %s\n' "$*" >&2; }
# Target architecture and base image tag, shared with chapter 2's build (UPBIT_IMAGE_ARCH=arm64
# cross-builds for Apple silicon; mc then comes from Debian's arm64 package).
. "$root/chapters/02-kafka/image/platform.sh"
image="${UPBIT_S3PROXY_IMAGE:-upbit-lab/s3proxy:$s3proxy_version}$image_tag_suffix"
tools_image="${UPBIT_S3_TOOLS_IMAGE:-upbit-lab/s3-tools:1}$image_tag_suffix"
started=$(date +%s)

if ! docker info >/dev/null 2>&1; then
  log "Docker 엔진에 연결할 수 없습니다. Docker Desktop을 켜거나 'sudo dockerd &'로 엔진을 시작한 뒤 다시 실행하세요."
  exit 1
fi
if ! docker image inspect "$base_image" >/dev/null 2>&1; then
  log "베이스 이미지 $base_image 가 없습니다. 먼저 Kafka 이미지 빌드(npm run cluster:image)로 만드세요."
  exit 1
fi

"$chapter/credentials.sh"

if [ ! -f "$here/target/libs/s3proxy.jar" ] || [ "$here/pom.xml" -nt "$here/target/libs/s3proxy.jar" ]; then
  log "resolving S3Proxy $s3proxy_version from Maven Central"
  rm -rf "$here/target/libs"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy >&2
fi

log "docker build $image"
DOCKER_BUILDKIT=0 docker build -q "${platform_args[@]}" \
  --build-arg "BASE_IMAGE=$base_image" --build-arg "S3PROXY_VERSION=$s3proxy_version" \
  -t "$image" "$here" >/dev/null

if ! docker image inspect "$tools_image" >/dev/null 2>&1 \
   || [ "$here/s3-tools/Dockerfile" -nt "$here/target/.s3-tools-built$image_tag_suffix" ] \
   || [ "$here/s3-tools/entrypoint" -nt "$here/target/.s3-tools-built$image_tag_suffix" ]; then
  log "docker build $tools_image (mc from Debian trixie's minio-client)"
  DOCKER_BUILDKIT=0 docker build -q "${platform_args[@]}" --build-arg "BASE_IMAGE=$base_image" \
    -t "$tools_image" "$here/s3-tools" >/dev/null
  mkdir -p "$here/target" && touch "$here/target/.s3-tools-built$image_tag_suffix"
fi

image_env_set "$env_file" S3_TOOLS_IMAGE "$tools_image"
image_env_set "$env_file" S3PROXY_IMAGE "$image"
if [ "$cross_build" = 0 ]; then
  log "done in $(( $(date +%s) - started )) s; compose/.env now names $image and $tools_image"
else
  log "done in $(( $(date +%s) - started )) s; $image and $tools_image are for $image_arch (compose/.env unchanged)"
fi
echo "S3PROXY_IMAGE=$image"

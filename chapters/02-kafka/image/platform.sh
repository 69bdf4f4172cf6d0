# Sourced by every chapter's image build: which CPU architecture the images are for, and the
# course's Debian + JRE base image for it. Chapter 2 owns the base because it is the first
# chapter that needs one; chapters 3 and 4 build on it.
#
# UPBIT_IMAGE_ARCH=arm64 on an amd64 machine (or the reverse) makes a cross build for a
# workshop bundle (npm run images -- --arch arm64): Debian's own arm64 packages, installed by
# debootstrap and run under qemu-user emulation (apt install qemu-user-static; the kernel's
# binfmt_misc hands arm64 programs to qemu, also inside `docker build`). Cross-built tags end
# in -arm64 so they sit beside the machine's own images, and compose/.env is left alone: a
# laptop of that architecture gets them under their plain names from workshop:install.

machine_arch() {
  case "$(uname -m)" in
    x86_64|amd64) echo amd64 ;;
    aarch64|arm64) echo arm64 ;;
    *) echo "지원하지 않는 CPU 아키텍처입니다: $(uname -m)" >&2; return 1 ;;
  esac
}

image_arch="${UPBIT_IMAGE_ARCH:-$(machine_arch)}"
case "$image_arch" in
  amd64|arm64) ;;
  *) echo "UPBIT_IMAGE_ARCH는 amd64나 arm64여야 합니다 (받은 값: $image_arch)" >&2; exit 2 ;;
esac
if [ "$image_arch" != "$(machine_arch)" ]; then
  cross_build=1
  image_tag_suffix="-$image_arch"
else
  cross_build=0
  image_tag_suffix=""
fi
# The architecture of a built image comes from its base (see load_rootfs_for_arch); --platform
# makes the builder and `docker run` insist on that base's architecture instead of warning,
# so a missing or wrong base fails the build. A native build passes it too, harmlessly.
platform_args=(--platform "linux/$image_arch")
base_image="${UPBIT_BASE_IMAGE:-upbit-lab/debian-jre:bookworm-17}$image_tag_suffix"

# Writes KEY=value into compose/.env unless this is a cross build (whose images this machine's
# compose must not use), through the private writer chapter 4's keys also use: the file holds
# the object store's keys, so rewriting it must not make it readable to others.
. "$(dirname "${BASH_SOURCE[0]}")/env-file.sh"
image_env_set() {
  [ "$cross_build" = 1 ] && return 0
  env_file_set "$1" "$2" "$3"
}

# `docker import` labels an image with the engine's own architecture (its --platform needs an
# experimental engine on Docker 20.10), so a cross-built root filesystem is loaded as a
# one-layer `docker save` archive whose config names the architecture. Builds FROM it then
# inherit that architecture and run their RUN steps through qemu.
load_rootfs_for_arch() {
  local rootfs=$1 tag=$2 dir diff_id created
  dir=$(mktemp -d)
  tar -C "$rootfs" -cf "$dir/layer.tar" .
  diff_id=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  printf '{"architecture":"%s","variant":"%s","os":"linux","created":"%s","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"debootstrap --arch=%s --variant=minbase bookworm (openjdk-17-jre-headless, ca-certificates)"}]}' \
    "$image_arch" "$([ "$image_arch" = arm64 ] && echo v8)" "$created" "$diff_id" "$created" "$image_arch" >"$dir/config.json"
  printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]' "$tag" >"$dir/manifest.json"
  tar -C "$dir" -c manifest.json config.json layer.tar | docker load >/dev/null
  rm -rf "$dir"
}

# Makes $base_image if it is missing: debootstrap as root where it exists (no registry needed),
# otherwise the registry's debian:bookworm-slim (e.g. Docker Desktop on a Mac, where Docker
# pulls the machine's own architecture). Logs through the caller's `log`.
ensure_base_image() {
  docker image inspect "$base_image" >/dev/null 2>&1 && return 0
  if command -v debootstrap >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    if [ "$cross_build" = 1 ] && [ ! -e "/proc/sys/fs/binfmt_misc/qemu-aarch64" ] && [ "$image_arch" = arm64 ]; then
      log "arm64 프로그램을 실행할 qemu가 등록돼 있지 않습니다. 'apt install qemu-user-static binfmt-support'로 설치한 뒤 다시 실행하세요."
      return 1
    fi
    log "making $base_image with debootstrap ($([ "$cross_build" = 1 ] && echo "under qemu, about 10 minutes" || echo "about a minute"))"
    local rootfs
    rootfs=$(mktemp -d)
    # shellcheck disable=SC2064 # the path is fixed now, on purpose
    trap "rm -rf '$rootfs'" EXIT
    debootstrap --arch="$image_arch" --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$rootfs" >/dev/null
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    if [ "$cross_build" = 1 ]; then
      load_rootfs_for_arch "$rootfs" "$base_image"
    else
      tar -C "$rootfs" -c . | docker import --change 'ENV LANG=C.UTF-8' - "$base_image" >/dev/null
    fi
    rm -rf "$rootfs"
    trap - EXIT
  else
    if [ "$cross_build" = 1 ]; then
      log "다른 아키텍처($image_arch)의 베이스 이미지는 debootstrap이 있는 Debian/Ubuntu에서 root로 만듭니다."
      return 1
    fi
    log "debootstrap is not available; building $base_image from debian:bookworm-slim (needs a registry)"
    printf 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates && rm -rf /var/lib/apt/lists/*\n' \
      | docker build -q -t "$base_image" - >/dev/null
  fi
}

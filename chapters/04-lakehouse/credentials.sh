#!/usr/bin/env bash
# Makes this install's object-store keys: S3_ACCESS_KEY and S3_SECRET_KEY in compose/.env,
# random per machine, only when they are not there yet (re-running changes nothing, so the
# store, the Flink config and the S3 tool keep agreeing). compose/.env is git-ignored; the
# keys never enter the repository and no well-known default (minioadmin, ...) exists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
env_file="${UPBIT_ENV_FILE:-$root/compose/.env}"
. "$root/chapters/02-kafka/image/env-file.sh"

# Hex from the kernel's CSPRNG: URL-safe (mc's MC_HOST_ alias carries the keys in a URL)
# and the same commands on Linux and macOS.
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

made=()
if [ -z "$(env_file_get "$env_file" S3_ACCESS_KEY)" ]; then
  env_file_set "$env_file" S3_ACCESS_KEY "lab$(random_hex 9)"        # 21 chars, like an AWS key id
  made+=(S3_ACCESS_KEY)
fi
if [ -z "$(env_file_get "$env_file" S3_SECRET_KEY)" ]; then
  env_file_set "$env_file" S3_SECRET_KEY "$(random_hex 20)"          # 160 bits
  made+=(S3_SECRET_KEY)
fi
if [ ${#made[@]} -gt 0 ]; then
  printf '[lakehouse:credentials] %s 새로 만들어 %s 에 적었습니다\n' "${made[*]}" "$env_file" >&2
else
  printf '[lakehouse:credentials] %s 에 키가 이미 있어 그대로 둡니다\n' "$env_file" >&2
fi

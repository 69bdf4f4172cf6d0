#!/usr/bin/env bash
# Builds upbit-lab/node:24, a Node 24 runtime image with the upbit-replay stand-in inside,
# from the local base image (no registry pulls): the Node binary comes from the npm package
# node-linux-<arch>@24, the server's only runtime dependency (ws) from this checkout's
# node_modules. Ends by printing NODE_IMAGE=... and writing that line into compose/.env.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../../.." && pwd)"
# Target architecture and base image tag, shared with chapter 2's build (UPBIT_IMAGE_ARCH=arm64
# cross-builds for Apple silicon: Node's own arm64 binary from npm, verified under qemu).
. "$ROOT/chapters/02-kafka/image/platform.sh"
TAG="${NODE_IMAGE_TAG:-upbit-lab/node:24}$image_tag_suffix"
BASE="${BASE_IMAGE:-$base_image}"
case "$image_arch" in amd64) ARCH=x64 ;; arm64) ARCH=arm64 ;; esac
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  echo "베이스 이미지 $BASE가 없습니다. 먼저 npm run cluster:image(또는 compose/kafka-image/build.sh)로 만드세요." >&2
  exit 1
fi
for dep in ws; do
  [ -d "$ROOT/node_modules/$dep" ] || { echo "node_modules/$dep가 없습니다. 저장소 루트에서 npm install을 먼저 실행하세요." >&2; exit 1; }
done

WORK="$HERE/target"
CTX="$WORK/context"
rm -rf "$CTX"
mkdir -p "$CTX/app/chapters/03-flink/upbit" "$CTX/app/chapters/03-flink/upbit-replay" "$CTX/app/node_modules" "$WORK/npm"

# The Node binary, once per version (npm pack uses the registry or npm's cache).
if [ ! -x "$WORK/npm/node-$ARCH" ]; then
  (cd "$WORK/npm" && rm -rf package ./*.tgz && npm pack --silent "node-linux-$ARCH@24" >/dev/null && tar -xzf node-linux-"$ARCH"-*.tgz package/bin/node && mv package/bin/node "node-$ARCH" && rm -rf package ./*.tgz)
fi
cp "$WORK/npm/node-$ARCH" "$CTX/node"

cp "$ROOT"/chapters/03-flink/upbit/{fields,tick-size,decimal}.ts "$CTX/app/chapters/03-flink/upbit/"
cp "$ROOT"/chapters/03-flink/upbit-replay/{server,replay,generator}.ts "$ROOT/chapters/03-flink/upbit-replay/markets.json" "$CTX/app/chapters/03-flink/upbit-replay/"
cp -r "$ROOT/node_modules/ws" "$CTX/app/node_modules/"
printf '{ "name": "upbit-replay", "private": true, "type": "module" }\n' > "$CTX/app/package.json"
cat > "$CTX/Dockerfile" <<DOCKERFILE
FROM $BASE
COPY node /usr/local/bin/node
COPY app /app
WORKDIR /app
USER nobody
EXPOSE 8765
CMD ["node", "/app/chapters/03-flink/upbit-replay/server.ts", "--host", "0.0.0.0", "--port", "8765"]
DOCKERFILE
docker build -q "${platform_args[@]}" -t "$TAG" "$CTX" >/dev/null
docker run --rm "${platform_args[@]}" "$TAG" node -e 'console.log(process.version)' | grep -q '^v24\.' || { echo "이미지 안의 node가 24가 아닙니다" >&2; exit 1; }

image_env_set "$ROOT/compose/.env" NODE_IMAGE "$TAG"
echo "NODE_IMAGE=$TAG"

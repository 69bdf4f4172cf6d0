#!/usr/bin/env bash
# Smoke test for images cross-built for another CPU (npm run images -- --arch arm64), run on
# the build machine under qemu-user emulation before they go into a workshop bundle. Each
# image must say it is for that architecture and do its own job once:
#   kafka     a one-node KRaft broker starts; a topic is created; a record goes in and out
#   flink     a JobManager starts and its REST API answers /overview
#   node      Node 24 runs and the Upbit stand-in serves its market list
#   s3proxy   S3Proxy starts and answers; s3-tools' mc lists its buckets through it
# Emulated JVMs are slow (a broker takes minutes, not seconds), so the waits are long. Prints
# one line per image with its time; exits 1 at the first image that fails.
#   usage: bash tools/verify-arch-images.sh [arm64]
set -uo pipefail
arch=${1:-arm64}
suffix="-$arch"
network="upbit-verify-$arch-$$"
started_all=$(date +%s)
containers=()
cleanup() {
  for name in "${containers[@]}"; do docker rm -f -v "$name" >/dev/null 2>&1; done
  docker network rm "$network" >/dev/null 2>&1
}
trap cleanup EXIT
fail() { echo "FAIL $*" >&2; exit 1; }
ok() { echo "ok   $1 ($(( $(date +%s) - $2 )) s) $3"; }
wait_for() { # seconds, command...
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do [ "$(date +%s)" -lt "$deadline" ] || return 1; sleep 3; done
}
image_arch() { docker image inspect -f '{{.Architecture}}' "$1" 2>/dev/null; }
for image in "upbit-lab/kafka:4.4.0$suffix" "upbit-lab/flink:2.0.0$suffix" "upbit-lab/node:24$suffix" "upbit-lab/s3proxy:4.1.0$suffix" "upbit-lab/s3-tools:1$suffix"; do
  [ "$(image_arch "$image")" = "$arch" ] || fail "$image is missing or not $arch (npm run images -- --arch $arch)"
done
docker network create "$network" >/dev/null || fail "docker network create"

# Kafka: the image's own entrypoint (config wrapper, format, broker), one combined node.
t=$(date +%s)
containers+=("verify-kafka-$$")
docker run -d --name "verify-kafka-$$" --network "$network" --memory 1g \
  -e KAFKA_NODE_ID=1 -e KAFKA_PROCESS_ROLES=broker,controller -e CLUSTER_ID=MkU3OEVBNTcwNTJENDM2Qk \
  -e KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093 -e KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://localhost:9092 \
  -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT \
  -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@localhost:9093 -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 \
  -e KAFKA_HEAP_OPTS="-Xmx256m -Xms128m" "upbit-lab/kafka:4.4.0$suffix" >/dev/null || fail "kafka: docker run"
wait_for 900 sh -c "docker logs verify-kafka-$$ 2>&1 | grep -q 'Kafka Server started'" || { docker logs --tail 30 "verify-kafka-$$" >&2; fail "kafka: broker did not start in 15 min"; }
uname_k=$(docker exec "verify-kafka-$$" uname -m)
docker exec "verify-kafka-$$" kafka-topics.sh --bootstrap-server localhost:9092 --create --topic verify --partitions 1 --replication-factor 1 >/dev/null || fail "kafka: topic create"
echo "KRW-BTC:verify-$$" | docker exec -i "verify-kafka-$$" kafka-console-producer.sh --bootstrap-server localhost:9092 --topic verify --reader-property parse.key=true --reader-property key.separator=: || fail "kafka: produce"
got=$(docker exec "verify-kafka-$$" kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic verify --from-beginning --max-messages 1 --timeout-ms 120000 2>/dev/null)
[ "$got" = "verify-$$" ] || fail "kafka: consumed '$got', expected 'verify-$$'"
ok kafka "$t" "(uname -m: $uname_k; broker started, topic created, 1 record produced and consumed)"

# Flink: JobManager REST.
t=$(date +%s)
containers+=("verify-flink-$$")
docker run -d --name "verify-flink-$$" --network "$network" --memory 1g "upbit-lab/flink:2.0.0$suffix" jobmanager >/dev/null || fail "flink: docker run"
wait_for 900 docker exec "verify-flink-$$" /opt/flink/bin/healthcheck.sh jobmanager || { docker logs --tail 30 "verify-flink-$$" >&2; fail "flink: REST /overview did not answer in 15 min"; }
ok flink "$t" "(uname -m: $(docker exec "verify-flink-$$" uname -m); JobManager REST /overview answered)"

# Node + the Upbit stand-in.
t=$(date +%s)
containers+=("verify-node-$$")
docker run -d --name "verify-node-$$" --network "$network" "upbit-lab/node:24$suffix" >/dev/null || fail "node: docker run"
version=$(docker exec "verify-node-$$" node -e 'console.log(process.version, process.arch)') || fail "node: node -e"
wait_for 300 docker exec "verify-node-$$" node -e "fetch('http://127.0.0.1:8765/v1/market/all').then(r=>r.json()).then(m=>process.exit(m.length>0?0:1),()=>process.exit(1))" \
  || { docker logs --tail 30 "verify-node-$$" >&2; fail "node: /v1/market/all did not answer"; }
ok node "$t" "($version; upbit-replay served /v1/market/all)"

# S3Proxy + mc.
t=$(date +%s)
containers+=("verify-s3-$$")
docker run -d --name "verify-s3-$$" --network "$network" -e S3PROXY_IDENTITY=verifykey -e S3PROXY_CREDENTIAL=verifysecret12345 \
  "upbit-lab/s3proxy:4.1.0$suffix" >/dev/null || fail "s3proxy: docker run"
wait_for 900 docker exec "verify-s3-$$" /opt/s3proxy/healthcheck || { docker logs --tail 30 "verify-s3-$$" >&2; fail "s3proxy: not healthy in 15 min"; }
listing=$(docker run --rm --network "$network" -e "S3_ENDPOINT=http://verify-s3-$$:9000" -e S3_ACCESS_KEY=verifykey \
  -e S3_SECRET_KEY=verifysecret12345 "upbit-lab/s3-tools:1$suffix" mb lake/verify 2>&1) || fail "s3-tools: mc mb through s3proxy: $listing"
ok s3proxy+mc "$t" "($listing)"
echo "all $arch images verified in $(( $(date +%s) - started_all )) s"

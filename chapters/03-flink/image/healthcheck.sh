#!/usr/bin/env bash
# Container healthcheck without curl or a JVM (the base has neither curl nor a reason to
# start a second JVM every few seconds): a plain HTTP/1.0 GET over bash's /dev/tcp.
#   healthcheck.sh jobmanager   REST answers /overview on 8081
#   healthcheck.sh taskmanager  the JobManager lists a TaskManager at this container's IP,
#                               i.e. healthy means registered, not just "JVM started"
#   healthcheck.sh sql-gateway  REST answers /v1/info on 8083
set -euo pipefail

http_get() { # host port path -> response (headers + body) on stdout
  exec 3<>"/dev/tcp/$1/$2"
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$3" "$1" >&3
  timeout 4 cat <&3
  exec 3<&-
}

case "${1:-}" in
  jobmanager)
    http_get 127.0.0.1 8081 /overview | grep -q '"slots-total"'
    ;;
  taskmanager)
    ip=$(hostname -i | awk '{print $1}')
    http_get "${JOB_MANAGER_HOST:-jobmanager}" 8081 /taskmanagers | grep -q "\"id\":\"$ip:"
    ;;
  sql-gateway)
    http_get 127.0.0.1 8083 /v1/info | grep -q '"productName"'
    ;;
  *)
    echo "usage: healthcheck.sh jobmanager|taskmanager|sql-gateway" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Entrypoint of upbit-lab/flink: one image, four roles.
#   jobmanager   session cluster JobManager (REST + web UI on 8081)
#   taskmanager  TaskManager that registers with the JobManager at jobmanager:6123
#   sql-client   interactive SQL client, or `sql-client -f /sql/file.sql` for a script
#   sql-gateway  SQL gateway REST endpoint on 8083
# Anything else is run as a command (`docker compose run --rm sql-client bash`).
#
# The distribution's bin/ scripts are not on Maven Central, so this script does what they
# do for these roles: apply FLINK_PROPERTIES to config.yaml, ask Flink's own BashJavaUtils
# for the JVM memory flags and the derived memory options (the same numbers Flink's scripts
# would compute from config.yaml), add the Java 17 module options from env.java.opts.all,
# and write logs to /opt/flink/log so the web UI's log tabs can show them.
set -euo pipefail

FLINK_HOME=${FLINK_HOME:-/opt/flink}
conf_dir=${FLINK_CONF_DIR:-$FLINK_HOME/conf}
lib_dir=${FLINK_LIB_DIR:-$FLINK_HOME/lib}
opt_dir=${FLINK_OPT_DIR:-$FLINK_HOME/opt}
log_dir=${FLINK_LOG_DIR:-$FLINK_HOME/log}
config="$conf_dir/config.yaml"

usage() {
  cat <<'TEXT'
usage: (jobmanager | taskmanager | sql-gateway | sql-client [SQL client options] | help | COMMAND...)
  jobmanager    Flink 세션 클러스터의 JobManager (웹 UI/REST 8081)
  taskmanager   JobManager(jobmanager:6123)에 등록하는 TaskManager
  sql-client    SQL 클라이언트. 스크립트 실행: sql-client -f /sql/10-candles-1m.sql
  sql-gateway   SQL 게이트웨이 REST (8083)
environment:
  FLINK_PROPERTIES   "키: 값" 줄들. 시작할 때 config.yaml의 같은 키를 바꿉니다
  SQL_CLIENT_HEAP    SQL 클라이언트 JVM 힙 (기본 256m)
  SQL_GATEWAY_HEAP   SQL 게이트웨이 JVM 힙 (기본 320m)
TEXT
}

# Replace (or add) each "key: value" line of FLINK_PROPERTIES in config.yaml. The file uses
# flat keys, so a key is one line; removing the old line first keeps the YAML free of
# duplicate keys, which Flink's parser rejects. Idempotent across container restarts.
apply_flink_properties() {
  [ -n "${FLINK_PROPERTIES:-}" ] || return 0
  local line key value tmp
  tmp=$(mktemp)
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [ -z "$line" ] && continue
    case "$line" in \#*) continue ;; esac
    key="${line%%:*}"
    value="${line#*:}"
    value="${value#"${value%%[![:space:]]*}"}"
    if [ "$key" = "$line" ] || [ -z "$key" ]; then
      echo "FLINK_PROPERTIES: '$line' is not 'key: value'; skipped" >&2
      continue
    fi
    awk -v k="$key" 'index($0, k ":") != 1' "$config" >"$tmp"
    printf '%s: %s\n' "$key" "$value" >>"$tmp"
    cat "$tmp" >"$config"
  done <<<"$FLINK_PROPERTIES"
  rm -f "$tmp"
}

# Jars of a folder joined with ':' in a stable (sorted) order, as Flink's scripts build it.
jar_path() {
  local dir jar out=""
  for dir in "$@"; do
    for jar in "$dir"/*.jar; do
      [ -e "$jar" ] && out="${out:+$out:}$jar"
    done
  done
  printf '%s' "$out"
}

java_opts_all() {
  sed -n 's/^env\.java\.opts\.all:[[:space:]]*//p' "$config" | tail -n 1
}

# Runs BashJavaUtils (GET_JM_RESOURCE_PARAMS or GET_TM_RESOURCE_PARAMS) and sets
# mem_jvm_flags (line 1: -Xmx/-Xms/-XX:Max*) and mem_dynamic (line 2: "-D key=value ...").
memory_params() {
  local command=$1; shift
  local out results=()
  if ! out=$(java -Xmx64m -Dlog.file="$log_dir/bash-java-utils.log" \
      -Dlog4j.configurationFile="file:$conf_dir/log4j-cli.properties" \
      -classpath "$(jar_path "$lib_dir")" \
      org.apache.flink.runtime.util.bash.BashJavaUtils "$command" --configDir "$conf_dir" "$@" 2>&1); then
    echo "Flink 메모리 설정을 계산하지 못했습니다 ($command). config.yaml의 *.memory.* 값을 확인하세요:" >&2
    printf '%s\n' "$out" >&2
    exit 1
  fi
  mapfile -t results < <(printf '%s\n' "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')
  if [ "${#results[@]}" -lt 2 ]; then
    printf '%s\n' "$out" >&2
    echo "BashJavaUtils printed no memory settings" >&2
    exit 1
  fi
  mem_jvm_flags=${results[0]}
  mem_dynamic=${results[1]}
}

# Long-running roles: stdout also goes to <log>.out, the file behind the web UI's Stdout tab
# (the print connector writes there). The JVM replaces this shell as PID 1, so `docker stop`
# reaches it directly; tee ends when the JVM closes its stdout.
start_daemon() {
  local name=$1 main=$2; shift 2
  local log="$log_dir/$name.log"
  mkdir -p "$log_dir"
  exec > >(tee -a "$log_dir/$name.out")
  # shellcheck disable=SC2086  # flag strings are meant to split into words
  exec java $JVM_FLAGS $(java_opts_all) \
    -Dlog.file="$log" \
    -Dlog4j.configuration="file:$conf_dir/log4j-console.properties" \
    -Dlog4j.configurationFile="file:$conf_dir/log4j-console.properties" \
    -classpath "$CLASSPATH" "$main" "$@"
}

role=${1:-help}
[ $# -gt 0 ] && shift

case "$role" in
  jobmanager)
    apply_flink_properties
    memory_params GET_JM_RESOURCE_PARAMS
    JVM_FLAGS=$mem_jvm_flags
    CLASSPATH=$(jar_path "$lib_dir")
    echo "JobManager: $mem_jvm_flags"
    # shellcheck disable=SC2086
    start_daemon jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      --configDir "$conf_dir" $mem_dynamic "$@"
    ;;
  taskmanager)
    apply_flink_properties
    # The JobManager connects back to this address for RPC and data exchange; the container's
    # own IP works for one TaskManager or many (docker compose up --scale taskmanager=2).
    tm_host=$(hostname -i | awk '{print $1}')
    memory_params GET_TM_RESOURCE_PARAMS -D "taskmanager.host=$tm_host"
    JVM_FLAGS=$mem_jvm_flags
    CLASSPATH=$(jar_path "$lib_dir")
    echo "TaskManager $tm_host: $mem_jvm_flags"
    # shellcheck disable=SC2086
    start_daemon taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
      --configDir "$conf_dir" -D "taskmanager.host=$tm_host" $mem_dynamic "$@"
    ;;
  sql-gateway)
    apply_flink_properties
    JVM_FLAGS="-Xms${SQL_GATEWAY_HEAP:-320m} -Xmx${SQL_GATEWAY_HEAP:-320m}"
    CLASSPATH=$(jar_path "$opt_dir" "$lib_dir")
    start_daemon sql-gateway org.apache.flink.table.gateway.SqlGateway "$@"
    ;;
  sql-client)
    apply_flink_properties
    mkdir -p "$log_dir"
    # A short-lived client: the C1 compiler alone starts it faster and with less CPU (the
    # planner's code runs a few times, not for hours). dumb=true only silences jline's
    # warning when there is no TTY (docker compose run -T, lab scripts); a TTY still works.
    # shellcheck disable=SC2086
    exec java -Xmx"${SQL_CLIENT_HEAP:-256m}" -XX:TieredStopAtLevel=1 -Dorg.jline.terminal.dumb=true $(java_opts_all) \
      -Dlog.file="$log_dir/sql-client.log" \
      -Dlog4j.configuration="file:$conf_dir/log4j-cli.properties" \
      -Dlog4j.configurationFile="file:$conf_dir/log4j-cli.properties" \
      -classpath "$(jar_path "$opt_dir" "$lib_dir")" \
      org.apache.flink.table.client.SqlClient embedded "$@"
    ;;
  help | --help | -h)
    usage
    ;;
  *)
    exec "$role" "$@"
    ;;
esac

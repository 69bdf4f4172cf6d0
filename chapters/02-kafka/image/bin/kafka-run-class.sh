#!/usr/bin/env bash
# Minimal stand-in for Apache Kafka's kafka-run-class.sh: same env variables
# (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_LOG4J_OPTS, KAFKA_OPTS), same libs layout.
set -euo pipefail
base_dir=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] [-name servicename] classname [opts]" >&2
  exit 1
fi
CLASSPATH="${CLASSPATH:+$CLASSPATH:}$base_dir/libs/*"
: "${KAFKA_HEAP_OPTS:=-Xmx256M}"
# The broker keeps upstream's JVM options. Every other main class here (the config wrapper at
# each start, the command-line tools the labs run) lives for seconds: the optimizing compiler
# (C2) and G1's worker threads would only compete for the CPU the three brokers need, so they
# get the quick compiler only and the serial collector (on 2 cores, the wrapper's start under
# load went from 2.8-4.2 s to 2.2-2.6 s). Each kind also has its own class-data archive (below).
case "$1" in
  kafka.Kafka)
    : "${KAFKA_JVM_PERFORMANCE_OPTS:=-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"
    cds_archive=server ;;
  *)
    : "${KAFKA_JVM_PERFORMANCE_OPTS:=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true}"
    if [ "$1" = kafka.docker.KafkaDockerWrapper ]; then cds_archive=wrapper; else cds_archive=tools; fi ;;
esac
: "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.yaml}"
: "${KAFKA_OPTS:=}"
# Class-data sharing: the image carries an archive of the classes each kind of JVM here
# loads (made at build time by /opt/kafka/cds/make-archives). Mapping it skips parsing and
# verifying those classes from the jars again, the largest part of a start on a small
# machine. A JVM that cannot use it (another classpath) or is told not to (CDS_ARCHIVES=off;
# not a KAFKA_ name, which the config wrapper would turn into a broker setting) starts the
# usual way; -Xlog:cds=off keeps that silent, so tool output stays exactly Kafka's.
cds_opts=
if [ "${CDS_ARCHIVES:-on}" != off ] && [ -r "$base_dir/cds/$cds_archive.jsa" ]; then
  cds_opts="-XX:SharedArchiveFile=$base_dir/cds/$cds_archive.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
fi
# shellcheck disable=SC2086 # option strings are word lists by design, as in upstream.
exec java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $cds_opts $KAFKA_LOG4J_OPTS \
  -Dkafka.logs.dir="$base_dir/logs" $KAFKA_OPTS -cp "$CLASSPATH" "$@"

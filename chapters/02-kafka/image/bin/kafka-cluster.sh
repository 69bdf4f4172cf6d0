#!/usr/bin/env bash
# Same name and behaviour as Apache Kafka's bin/kafka-cluster.sh.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.ClusterTool "$@"

#!/usr/bin/env bash
# Same name and behaviour as Apache Kafka's bin/kafka-storage.sh.
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"

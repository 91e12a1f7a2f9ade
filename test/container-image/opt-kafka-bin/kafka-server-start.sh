#!/bin/sh
# Stand-in for the distribution's kafka-server-start.sh: kafka-server-start.sh server.properties
[ $# -lt 1 ] && { echo "USAGE: $0 server.properties" >&2; exit 1; }
: "${KAFKA_HEAP_OPTS:=-Xmx1G -Xms1G}"
export KAFKA_HEAP_OPTS
exec "$(dirname "$0")/kafka-run-class.sh" kafka.Kafka "$@"

#!/bin/sh
# Stand-in for the distribution's kafka-storage.sh (format, info, random-uuid).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"

#!/bin/sh
# Starts the service's Quarkus fast-jar. JAVA_OPTS is split on spaces, as every JVM image does.
# Writable places (read-only root file system): /tmp for Vert.x and the JVM, DJL_CACHE_DIR for DJL.
set -eu
mkdir -p "${DJL_CACHE_DIR:-/tmp/djl}" 2>/dev/null || true
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} \
  -Djava.io.tmpdir=/tmp \
  -Dvertx.cacheDirBase=/tmp/vertx-cache \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -jar /deployments/quarkus-run.jar "$@"

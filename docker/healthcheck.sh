#!/bin/bash
# Docker HEALTHCHECK without curl: GET /q/health/live over bash's /dev/tcp, healthy on HTTP 200.
set -u
exec 3<>"/dev/tcp/127.0.0.1/${QUARKUS_HTTP_PORT:-8080}" || exit 1
printf 'GET /q/health/live HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r -t 3 status_line <&3 || exit 1
exec 3<&-
case "$status_line" in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) exit 1 ;;
esac

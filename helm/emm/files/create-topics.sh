#!/bin/sh
# Creates the EMM topics with kafka-topics.sh and raises partition counts that are too low.
# Input: TOPICS_FILE (lines "name partitions"), TOPIC_REPLICAS, TOPIC_CONFIG ("key=value key=value"),
#        KAFKA_BOOTSTRAP_SERVERS, optional KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM,
#        KAFKA_SASL_JAAS_CONFIG, KAFKA_SSL_TRUSTSTORE_TYPE, KAFKA_SSL_TRUSTSTORE_LOCATION;
#        KAFKA_BIN (default /opt/kafka/bin), WAIT_SECONDS (default 300), RETRY_SECONDS (default 5).
# Idempotent: run it again after changing partitions (partitions only ever grow in Kafka).
set -eu
bin="${KAFKA_BIN:-/opt/kafka/bin}"
bootstrap="${KAFKA_BOOTSTRAP_SERVERS:?KAFKA_BOOTSTRAP_SERVERS is not set}"
topics_file="${TOPICS_FILE:?TOPICS_FILE is not set}"
replicas="${TOPIC_REPLICAS:-1}"
client_config="${TMPDIR:-/tmp}/emm-topics-client.properties"

: > "$client_config"
if [ -n "${KAFKA_SECURITY_PROTOCOL:-}" ]; then echo "security.protocol=$KAFKA_SECURITY_PROTOCOL" >> "$client_config"; fi
if [ -n "${KAFKA_SASL_MECHANISM:-}" ]; then echo "sasl.mechanism=$KAFKA_SASL_MECHANISM" >> "$client_config"; fi
if [ -n "${KAFKA_SASL_JAAS_CONFIG:-}" ]; then echo "sasl.jaas.config=$KAFKA_SASL_JAAS_CONFIG" >> "$client_config"; fi
if [ -n "${KAFKA_SSL_TRUSTSTORE_TYPE:-}" ]; then echo "ssl.truststore.type=$KAFKA_SSL_TRUSTSTORE_TYPE" >> "$client_config"; fi
if [ -n "${KAFKA_SSL_TRUSTSTORE_LOCATION:-}" ]; then echo "ssl.truststore.location=$KAFKA_SSL_TRUSTSTORE_LOCATION" >> "$client_config"; fi

topics() { "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$client_config" "$@"; }

deadline=$(( $(date +%s) + ${WAIT_SECONDS:-300} ))
until topics --list > /dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then echo "Kafka at $bootstrap is not reachable" >&2; exit 1; fi
  echo "waiting for Kafka at $bootstrap"; sleep "${RETRY_SECONDS:-5}"
done

config_args=""
if [ -n "${TOPIC_CONFIG:-}" ]; then
  for kv in $TOPIC_CONFIG; do config_args="$config_args --config $kv"; done
fi

while read -r topic partitions; do
  case "$topic" in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086
  topics --create --if-not-exists --topic "$topic" --partitions "$partitions" \
    --replication-factor "$replicas" $config_args
  current=$(topics --describe --topic "$topic" \
    | awk '{ for (i = 1; i < NF; i++) if ($i == "PartitionCount:") { print $(i + 1); exit } }')
  if [ -z "$current" ]; then echo "cannot read the partition count of $topic" >&2; exit 1; fi
  if [ "$current" -lt "$partitions" ]; then
    echo "$topic: $current -> $partitions partitions"
    topics --alter --topic "$topic" --partitions "$partitions"
  else
    echo "$topic: $current partitions (wanted $partitions)"
  fi
done < "$topics_file"
echo "topics ready"

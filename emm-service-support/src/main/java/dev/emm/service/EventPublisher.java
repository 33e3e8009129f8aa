package dev.emm.service;

import dev.emm.core.json.Json;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes an event as keyed JSON and waits for the broker's acknowledgement, so a handler acks
 * its input only after its output is durable (at-least-once end to end).
 */
public final class EventPublisher {

    private EventPublisher() {
    }

    public static void publish(MutinyEmitter<Record<String, String>> emitter, String key, Object event) {
        emitter.sendAndAwait(Record.of(key, Json.toString(event)));
    }

    /** As {@link #publish}, to the given partition instead of the one the key hashes to. */
    public static void publish(MutinyEmitter<Record<String, String>> emitter, String key, Object event, int partition) {
        emitter.sendMessageAndAwait(Message.of(Record.of(key, Json.toString(event)))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withPartition(partition).build()));
    }
}

package dev.emm.service;

import dev.emm.core.json.Json;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.MutinyEmitter;

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
}

package dev.emm.service;

import dev.emm.core.events.UnreadableEventException;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * The failure strategy {@value #NAME} of every internal channel: a record no retry could read
 * ({@link UnreadableEventException} anywhere in the failure's causes) goes to the channel's
 * dead-letter topic, as SmallRye's {@code dead-letter-queue} strategy sends it, and the channel
 * goes on; any other failure (the store or broker unreachable) stops the channel as the
 * {@code fail} strategy does, so the service restarts and the record comes back. Dead-lettering
 * those too would throw away work whenever the store blinked.
 */
@ApplicationScoped
@Identifier(DeadLetterUnreadable.NAME)
public class DeadLetterUnreadable implements KafkaFailureHandler.Factory {

    public static final String NAME = "dead-letter-unreadable";

    private static final Logger LOG = Logger.getLogger(DeadLetterUnreadable.class);

    @Inject
    @Identifier(KafkaFailureHandler.Strategy.DEAD_LETTER_QUEUE)
    KafkaFailureHandler.Factory deadLetterQueue;

    @Inject
    @Identifier(KafkaFailureHandler.Strategy.FAIL)
    KafkaFailureHandler.Factory failStop;

    @Inject
    EventMeters meters;

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx,
            KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        KafkaFailureHandler deadLetter = deadLetterQueue.create(config, vertx, consumer, reportFailure);
        KafkaFailureHandler fail = failStop.create(config, vertx, consumer, reportFailure);
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                if (unreadable(reason)) {
                    LOG.warnf("unreadable record at %s-%d offset %d (key %s) goes to %s: %s", record.getTopic(),
                            record.getPartition(), record.getOffset(), record.getKey(),
                            config.getDeadLetterQueueTopic().orElse("the dead-letter topic"), reason.getMessage());
                    meters.handled(record.getTopic(), "dead_lettered");
                    return deadLetter.handle(record, reason, metadata);
                }
                return fail.handle(record, reason, metadata);
            }

            @Override
            public void terminate() {
                deadLetter.terminate();
                fail.terminate();
            }
        };
    }

    private static boolean unreadable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnreadableEventException) {
                return true;
            }
        }
        return false;
    }
}

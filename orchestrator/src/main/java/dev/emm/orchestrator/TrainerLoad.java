package dev.emm.orchestrator;

import dev.emm.core.events.Topics;
import dev.emm.core.orchestration.TrainPlacement;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reads the trainers' load from Kafka and places train requests with {@link TrainPlacement}. The
 * trainer group's committed offsets are what the trainers publish: a trainer acknowledges a
 * request only when its training has ended, so end offset minus committed offset is the number
 * of requests a partition has in training or queued; the group's assignment says which trainer
 * consumes which partitions. When the broker does not answer within the timeout, the requests are
 * left to the producer's key hash (logged), as before this placement existed.
 */
@ApplicationScoped
public class TrainerLoad {

    private static final Logger LOG = Logger.getLogger(TrainerLoad.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    /** The trainers' consumer group (trainer-service's mp.messaging.incoming.train-requests.group.id). */
    @ConfigProperty(name = "emm.orchestrator.trainer-group", defaultValue = "emm-trainer")
    String trainerGroup;

    @ConfigProperty(name = "emm.orchestrator.trainer-load-timeout-millis", defaultValue = "5000")
    long timeoutMillis;

    private Admin admin;

    /** The partition of each of {@code requests} new train requests, in order; empty when the load is unknown. */
    public synchronized Optional<List<Integer>> place(int requests) {
        if (requests == 0) {
            return Optional.of(List.of());
        }
        try {
            Admin client = admin();
            TopicDescription topic = client.describeTopics(List.of(Topics.TRAIN_REQUESTS)).allTopicNames()
                    .get(timeoutMillis, TimeUnit.MILLISECONDS).get(Topics.TRAIN_REQUESTS);
            int partitions = topic.partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(Topics.TRAIN_REQUESTS, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = client.listOffsets(latest).all()
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
            List<MemberDescription> members = List.of();
            try {
                committed = client.listConsumerGroupOffsets(trainerGroup).partitionsToOffsetAndMetadata()
                        .get(timeoutMillis, TimeUnit.MILLISECONDS);
                members = List.copyOf(client.describeConsumerGroups(List.of(trainerGroup)).describedGroups()
                        .get(trainerGroup).get(timeoutMillis, TimeUnit.MILLISECONDS).members());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                // no trainer has joined yet (a fresh cluster, KEDA at zero): nothing committed, nobody consuming
            }
            long[] pending = new long[partitions];
            for (int p = 0; p < partitions; p++) {
                TopicPartition partition = new TopicPartition(Topics.TRAIN_REQUESTS, p);
                OffsetAndMetadata done = committed.get(partition);
                // a partition the group never committed is read from its start (auto.offset.reset=earliest)
                pending[p] = Math.max(0, ends.get(partition).offset() - (done == null ? 0 : done.offset()));
            }
            List<Set<Integer>> trainers = new ArrayList<>();
            members.forEach(member -> trainers.add(member.assignment().topicPartitions().stream()
                    .filter(partition -> partition.topic().equals(Topics.TRAIN_REQUESTS))
                    .map(TopicPartition::partition)
                    .collect(Collectors.toSet())));
            List<Integer> placed = TrainPlacement.place(pending, trainers, requests);
            LOG.debugf("train requests placed on partitions %s (pending %s, %d trainers)", placed,
                    Arrays.toString(pending), trainers.size());
            return Optional.of(placed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            LOG.warnf("trainer load unknown (%s); %d train request(s) partitioned by run id", e, requests);
            return Optional.empty();
        }
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>();
            kafkaConfig.forEach((key, value) -> {
                if (AdminClientConfig.configNames().contains(key)) {
                    config.put(key, value);
                }
            });
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "emm-orchestrator-trainer-load");
            admin = Admin.create(config);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}

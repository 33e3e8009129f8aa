package dev.emm.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.emm.core.events.Topics;
import dev.emm.store.ObjectStore;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackTest {

    private static StackDescriptor stack;

    @TempDir
    Path directory;

    @BeforeAll
    static void connect() {
        stack = SharedLocalStack.get();
    }

    @Test
    void everyCallerGetsTheSameStack() {
        assertEquals(stack, SharedLocalStack.get());
        assertEquals(ProcessHandle.current().pid(), stack.pid());
    }

    /** What Quarkus does per test profile: the same classes again, from a class loader of their own. */
    @Test
    void aClassLoaderOfItsOwnFindsTheSameStack() throws Exception {
        List<URL> classpath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classpath.add(Path.of(entry).toUri().toURL());
        }
        try (URLClassLoader isolated = new URLClassLoader(classpath.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            Class<?> isolatedShared = isolated.loadClass(SharedLocalStack.class.getName());
            assertNotSame(SharedLocalStack.class, isolatedShared);

            Object descriptor = isolatedShared.getMethod("get").invoke(null);

            assertEquals(stack.bootstrapServers(), descriptor.getClass().getMethod("bootstrapServers").invoke(descriptor));
            assertEquals(stack.s3Endpoint(), descriptor.getClass().getMethod("s3Endpoint").invoke(descriptor));
        }
    }

    @Test
    void ownStackCreatesTrainRequestsWithTheConfiguredPartitionsAndStops() throws Exception {
        LocalStackSettings settings = new LocalStackSettings(directory, 0, 0, S3Credentials.generate(), 2);
        try (LocalStack own = LocalStack.start(settings)) {
            System.out.printf("LocalStack.start took %d ms%n", own.startupTime().toMillis());
            assertEquals(2, partitionCounts(own.bootstrapServers()).get(Topics.TRAIN_REQUESTS));
            try (ObjectStore store = new ObjectStore(own.storeConfig())) {
                store.put("probe", new byte[] {1, 2, 3});
                assertEquals(3, store.size("probe"));
            }
        }
    }

    @Test
    void everyTopicExistsWithItsPartitionCount() throws Exception {
        Map<String, Integer> partitions = partitionCounts(stack.bootstrapServers());

        assertEquals(Topics.ALL.size(), partitions.size());
        assertEquals(LocalStackSettings.DEFAULT_TRAIN_REQUEST_PARTITIONS, partitions.get(Topics.TRAIN_REQUESTS));
        assertEquals(Topics.ALL.size() - 1, partitions.values().stream().filter(p -> p == 1).count());
    }

    private static Map<String, Integer> partitionCounts(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return admin.describeTopics(Topics.ALL).allTopicNames().get().values().stream()
                    .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
        }
    }
}

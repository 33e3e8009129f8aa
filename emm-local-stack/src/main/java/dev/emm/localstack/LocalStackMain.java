package dev.emm.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The process behind {@code ./emm up}: runs a {@link LocalStack} on a directory until SIGTERM.
 * Usage: {@code --dir DIR [--kafka-port P] [--s3-port P]} (ports default to free ones).
 * Once everything is ready it writes {@code DIR/stack.json} and prints one line, {@code ready}.
 * The S3 credentials are generated on the first start and reused from stack.json afterwards,
 * so services configured against an earlier run keep working; they are never printed.
 */
public final class LocalStackMain {

    private LocalStackMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: LocalStackMain --dir DIR [--kafka-port P] [--s3-port P]");
            System.exit(2);
            return;
        }
        Path directory = Path.of(options.get("--dir")).toAbsolutePath();
        Files.createDirectories(directory);
        Path stackFile = directory.resolve(StackDescriptor.FILE_NAME);
        S3Credentials credentials = StackDescriptor.read(stackFile)
                .map(StackDescriptor::credentials)
                .orElseGet(S3Credentials::generate);
        LocalStackSettings settings = new LocalStackSettings(directory,
                Integer.parseInt(options.getOrDefault("--kafka-port", "0")),
                Integer.parseInt(options.getOrDefault("--s3-port", "0")),
                credentials, LocalStackSettings.DEFAULT_TRAIN_REQUEST_PARTITIONS);

        LocalStack stack;
        try {
            stack = LocalStack.start(settings);
        } catch (RuntimeException e) {
            System.err.println("local stack failed to start: " + e);
            // Threads the broker left behind would otherwise keep a failed process alive.
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "emm-local-stack-shutdown"));

        StackDescriptor.of(stack).write(stackFile);
        System.err.println("local stack started in " + stack.startupTime().toMillis() + " ms: Kafka at "
                + stack.bootstrapServers() + ", S3 at " + stack.storeConfig().endpoint());
        System.out.println("ready");
        System.out.flush();
        stopped.await();
    }

    private static Map<String, String> parse(String[] args) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("every option needs a value");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!Set.of("--dir", "--kafka-port", "--s3-port").contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--dir")) {
            throw new IllegalArgumentException("--dir is required");
        }
        return options;
    }
}

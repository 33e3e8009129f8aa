package dev.emm.cli;

import dev.emm.core.data.DatasetManifest;
import dev.emm.datasets.DatasetFormat;
import dev.emm.datasets.DatasetRegistry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code emm dataset import|list|show}: datasets registered in a running stack, through its REST API. */
@Command(name = "dataset", mixinStandardHelpOptions = true, description = "Import, list and show the datasets registered in a running stack.",
        subcommands = {DatasetCommand.Import.class, DatasetCommand.ListDatasets.class, DatasetCommand.Show.class})
final class DatasetCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    static DatasetClient client(OrchestratorOption orchestrator) {
        return new DatasetClient(orchestrator.client().baseUrl());
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Import a dataset file (CIFAR-10/100 python or binary tar.gz, EDM zip, "
            + "MNIST IDX) or an image folder and register it under NAME.")
    static final class Import implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "FILE", description = "The dataset file, or a folder.")
        Path file;

        @Option(names = "--name", required = true, description = "Name to register it under (a-z 0-9 . _ -).")
        String name;

        @Option(names = "--format", description = "One of: ${COMPLETION-CANDIDATES}; default: detected from the "
                + "content.", completionCandidates = FormatNames.class)
        String format;

        @Option(names = "--split", description = "train (default) or test (CIFAR, MNIST).")
        String split;

        @Option(names = "--cifar100-labels", description = "fine (default, 100 classes) or coarse (20).")
        String cifar100Labels;

        @Option(names = "--labels", description = "MNIST: the labels IDX file, when it is not beside the images.")
        Path labels;

        @Option(names = "--license", description = "A license note for the manifest (default: the format's note).")
        String license;

        @Option(names = "--center-crop", paramLabel = "SIDE", description = "Image folders and EDM zips: crop each "
                + "image to its central square and LANCZOS-resize it to SIDE x SIDE (the paper's dataset_tool.py "
                + "--transform=center-crop), so images of many sizes make one dataset.")
        Integer centerCrop;

        @Option(names = "--replace", description = "Replace a dataset already registered under NAME.")
        boolean replace;

        @Mixin
        OrchestratorOption orchestrator;

        @Override
        public Integer call() throws IOException {
            if (!Files.exists(file)) {
                throw new CliException("no such file or folder: " + file);
            }
            if (labels != null && !Files.isRegularFile(labels)) {
                throw new CliException("no such labels file: " + labels);
            }
            try {
                DatasetRegistry.validateName(name);
                if (format != null) {
                    format = DatasetFormat.fromWire(format).wireName();
                }
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            checkChoice("--split", split, "train", "test");
            checkChoice("--cifar100-labels", cifar100Labels, "fine", "coarse");
            DatasetClient client = client(orchestrator);
            if (!replace && client.find(name).isPresent()) {
                throw new CliException("a dataset named '" + name + "' is already registered; pass --replace to "
                        + "replace it, or choose another --name");
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("format", format);
            parameters.put("replace", replace ? "true" : null);
            parameters.put("split", split);
            parameters.put("cifar100Labels", cifar100Labels);
            parameters.put("license", license);
            parameters.put("centerCrop", centerCrop == null ? null : centerCrop.toString());
            Path body = file;
            Path bundle = null;
            try {
                List<Path> members = bundleMembers();
                if (members.isEmpty()) {
                    parameters.put("filename", file.getFileName().toString());
                } else {
                    bundle = Files.createTempFile("emm-dataset-", ".tar");
                    writeTar(members, bundle);
                    body = bundle;
                    parameters.put("filename", file.getFileName() + ".tar");
                    parameters.put("bundle", "true");
                    parameters.put("entry", file.getFileName().toString());
                    if (labels != null) {
                        parameters.put("labels", labels.getFileName().toString());
                    }
                }
                System.err.printf("importing %s (%s) as '%s' at %s%n", file, size(body), name, client.baseUrl());
                DatasetManifest manifest = client.importFile(name, body, parameters);
                System.out.print(Show.describe(manifest));
                return 0;
            } finally {
                if (bundle != null) {
                    Files.deleteIfExists(bundle);
                }
            }
        }

        /**
         * What goes into a tar bundle: the files of a folder, or an MNIST IDX file with its
         * companion (images and labels); empty when the file is sent as it is.
         */
        private List<Path> bundleMembers() throws IOException {
            if (Files.isDirectory(file)) {
                try (Stream<Path> walk = Files.walk(file)) {
                    return walk.filter(Files::isRegularFile).sorted().toList();
                }
            }
            String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
            boolean idx = "mnist-idx".equals(format) || lower.contains("idx3-ubyte") || lower.contains("idx1-ubyte");
            if (!idx) {
                return List.of();
            }
            List<Path> members = new ArrayList<>(List.of(file));
            if (labels != null) {
                members.add(labels);
            } else {
                companion(file).ifPresent(members::add);
            }
            return members;
        }

        /** The labels file beside an images file (or the reverse), by the importer's naming rule. */
        private static Optional<Path> companion(Path idxFile) {
            String fileName = idxFile.getFileName().toString();
            String stem = fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
            String other = stem.contains("idx3") ? stem.replace("images", "labels").replace("idx3", "idx1")
                    : stem.replace("labels", "images").replace("idx1", "idx3");
            for (String candidate : List.of(other, other + ".gz")) {
                Path path = idxFile.resolveSibling(candidate);
                if (!other.equals(stem) && Files.isRegularFile(path)) {
                    return Optional.of(path);
                }
            }
            return Optional.empty();
        }

        /** A plain tar: a folder's files under the folder's name, or single files at the top. */
        private void writeTar(List<Path> members, Path tarFile) throws IOException {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tarFile), 1 << 16);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                boolean folder = Files.isDirectory(file);
                for (Path member : members) {
                    String entryName = folder
                            ? file.getFileName() + "/" + file.relativize(member).toString().replace('\\', '/')
                            : member.getFileName().toString();
                    TarArchiveEntry entry = new TarArchiveEntry(entryName);
                    entry.setSize(Files.size(member));
                    tar.putArchiveEntry(entry);
                    Files.copy(member, tar);
                    tar.closeArchiveEntry();
                }
            }
        }

        private static void checkChoice(String option, String value, String... choices) {
            if (value != null && !List.of(choices).contains(value.toLowerCase(Locale.ROOT))) {
                throw new CliException(option + " must be one of " + String.join(", ", choices) + ", got '" + value
                        + "'");
            }
        }

        private static String size(Path path) {
            try {
                long bytes = Files.size(path);
                return bytes < 1 << 20 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                        : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the registered datasets.")
    static final class ListDatasets implements Callable<Integer> {

        @Mixin
        OrchestratorOption orchestrator;

        @Override
        public Integer call() {
            List<DatasetManifest> manifests = client(orchestrator).list();
            if (manifests.isEmpty()) {
                System.out.println("no datasets registered (import one with: emm dataset import FILE --name NAME)");
                return 0;
            }
            int width = Math.max(4, manifests.stream().mapToInt(m -> m.name().length()).max().orElse(4));
            String row = "%-" + width + "s  %8s  %-10s  %7s  %-15s  %s%n";
            System.out.printf(row, "NAME", "IMAGES", "SHAPE", "CLASSES", "FORMAT", "SHA-256");
            for (DatasetManifest m : manifests) {
                System.out.printf(row, m.name(), m.count(), shape(m), m.classCount(), m.sourceFormat(),
                        m.sourceSha256().length() > 12 ? m.sourceSha256().substring(0, 12) : m.sourceSha256());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a dataset: counts per class, shape, format, source hash, license; "
            + "writes a preview grid PNG (first images of each class, one row per class).")
    static final class Show implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--preview", paramLabel = "PNG", description = "Where to write the preview grid (default: "
                + "NAME-preview.png in the current folder).")
        Path preview;

        @Option(names = "--no-preview", description = "Do not write a preview.")
        boolean noPreview;

        @Option(names = "--per-class", defaultValue = "8", description = "Images per class in the preview "
                + "(default: ${DEFAULT-VALUE}).")
        int perClass;

        @Option(names = "--scale", defaultValue = "1", description = "Enlarge each preview image this many times "
                + "(default: ${DEFAULT-VALUE}).")
        int scale;

        @Mixin
        OrchestratorOption orchestrator;

        @Override
        public Integer call() throws IOException {
            try {
                DatasetRegistry.validateName(name);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            DatasetClient client = client(orchestrator);
            DatasetManifest manifest = client.find(name).orElseThrow(() -> new CliException("no dataset named '"
                    + name + "' is registered at " + client.baseUrl() + " (see: emm dataset list)"));
            System.out.print(describe(manifest));
            if (!noPreview) {
                Path png = preview != null ? preview : Path.of(name + "-preview.png");
                byte[] bytes = client.preview(name, perClass, scale);
                Path parent = png.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.write(png, bytes);
                System.out.printf("preview:  %s (%d per class, one row per class, class 0 on top)%n", png, perClass);
            }
            return 0;
        }

        static String describe(DatasetManifest m) {
            StringBuilder out = new StringBuilder();
            out.append(String.format("name:     %s%n", m.name()));
            out.append(String.format("images:   %d, each %s (channels x height x width)%n", m.count(), shape(m)));
            out.append(String.format("format:   %s%n", m.sourceFormat()));
            out.append(String.format("sha256:   %s%n", m.sourceSha256()));
            out.append(String.format("license:  %s%n", m.license()));
            out.append(String.format("classes:  %d%n", m.classCount()));
            int nameWidth = m.classNames().stream().mapToInt(String::length).max().orElse(1);
            for (int c = 0; c < m.classCount(); c++) {
                String className = c < m.classNames().size() ? m.classNames().get(c) : "";
                out.append(String.format("  %3d  %-" + Math.max(1, nameWidth) + "s  %d%n", c, className,
                        m.countPerClass().get(c)));
            }
            return out.toString();
        }
    }

    static String shape(DatasetManifest m) {
        return m.channels() + "x" + m.height() + "x" + m.width();
    }

    /** The --format names, for help and completion. */
    static final class FormatNames extends ArrayList<String> {
        FormatNames() {
            super(Stream.of(DatasetFormat.values()).map(DatasetFormat::wireName).toList());
        }
    }
}

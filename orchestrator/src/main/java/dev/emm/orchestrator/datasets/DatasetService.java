package dev.emm.orchestrator.datasets;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.datasets.DatasetFormat;
import dev.emm.datasets.DatasetImportException;
import dev.emm.datasets.DatasetRegistry;
import dev.emm.datasets.ImportOptions;
import dev.emm.datasets.PreviewGrid;
import dev.emm.store.ObjectStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jboss.logging.Logger;

/**
 * Dataset imports over REST: the uploaded body is spooled to a temporary folder under the name the
 * client gave, imported by {@link DatasetRegistry#importFile} (which writes the store only after the
 * whole input was read and validated), and the folder is removed. Registrations are serialised in
 * this process, as the registry asks; two orchestrator replicas could still race on one name.
 */
@ApplicationScoped
public class DatasetService {

    private static final Logger LOG = Logger.getLogger(DatasetService.class);

    @Inject
    ObjectStore store;

    private DatasetRegistry registry;
    private final ReentrantLock registrations = new ReentrantLock();

    /** What the client sent besides the bytes. */
    public record Upload(String fileName, Optional<String> format, ImportOptions options, boolean replace,
            boolean bundle, Optional<String> entry, Optional<String> labelsEntry) {
    }

    /** The input is unusable; the message names the file and the problem (HTTP 400). */
    public static final class BadUpload extends RuntimeException {
        public BadUpload(String message) {
            super(message);
        }
    }

    @PostConstruct
    void init() {
        registry = new DatasetRegistry(store);
    }

    public DatasetRegistry registry() {
        return registry;
    }

    public List<DatasetManifest> list() {
        return registry.manifests();
    }

    public Optional<DatasetManifest> find(String name) {
        return registry.find(DatasetRegistry.validateName(name));
    }

    /**
     * Spools {@code body} and imports it under {@code name}.
     *
     * @throws BadUpload                                when the input or a parameter is unusable
     * @throws dev.emm.datasets.DatasetExistsException   when the name is taken and replace was not asked
     */
    public DatasetManifest importUpload(String name, Upload upload, InputStream body) throws IOException {
        DatasetRegistry.validateName(name);
        String fileName = safeFileName(upload.fileName());
        upload.format().filter(f -> !f.isBlank()).ifPresent(DatasetFormat::fromWire);
        if (!upload.replace()) {
            registry.requireFree(name);
        }
        Path folder = Files.createTempDirectory("emm-upload-");
        try {
            Path spooled = folder.resolve(fileName);
            long bytes = Files.copy(body, spooled, StandardCopyOption.REPLACE_EXISTING);
            if (bytes == 0) {
                throw new BadUpload(fileName + ": the request body is empty; send the dataset file as the body");
            }
            Path input = spooled;
            ImportOptions options = upload.options();
            if (upload.bundle()) {
                Path unpacked = folder.resolve("bundle");
                unpack(spooled, unpacked, fileName);
                Files.delete(spooled);
                input = resolveInside(unpacked, upload.entry().orElse("."), "entry");
                if (upload.labelsEntry().isPresent()) {
                    options = options.withLabelsFile(resolveInside(unpacked, upload.labelsEntry().get(), "labels"));
                }
            }
            LOG.infof("importing dataset %s from %s (%d bytes%s)", name, fileName, bytes,
                    upload.format().map(f -> ", format " + f).orElse(""));
            registrations.lock();
            try {
                DatasetManifest manifest = registry.importFile(name, input, upload.format(), options,
                        upload.replace());
                LOG.infof("dataset %s registered: %d images of %dx%dx%d in %d classes", name, manifest.count(),
                        manifest.channels(), manifest.height(), manifest.width(), manifest.classCount());
                return manifest;
            } finally {
                registrations.unlock();
            }
        } catch (DatasetImportException e) {
            throw new BadUpload(withoutTemporaryPath(e.getMessage(), folder));
        } finally {
            deleteRecursively(folder);
        }
    }

    /** A PNG with the first {@code perClass} images of each class, one row per class. */
    public byte[] preview(String name, int perClass, int scale) throws IOException {
        ImageSet set = registry.load(DatasetRegistry.validateName(name));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(PreviewGrid.render(set, perClass, scale), "png", png)) {
            throw new IOException("no PNG writer available");
        }
        return png.toByteArray();
    }

    public boolean delete(String name) {
        registrations.lock();
        try {
            return registry.delete(DatasetRegistry.validateName(name));
        } finally {
            registrations.unlock();
        }
    }

    /** The client's file name, reduced to a plain name (no folders), or "upload" when it gave none. */
    static String safeFileName(String requested) {
        if (requested == null || requested.isBlank()) {
            return "upload";
        }
        String base = requested.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._+-]", "_");
        if (base.isEmpty() || base.equals(".") || base.equals("..") || base.equals("bundle")) {
            return "upload";
        }
        return base.length() > 200 ? base.substring(base.length() - 200) : base;
    }

    /** Extracts a tar (gzipped or not) of plain files and folders; links and paths leaving the folder are refused. */
    private static void unpack(Path tarFile, Path target, String fileName) throws IOException {
        Files.createDirectories(target);
        try (InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(tarFile), 1 << 16)) {
            raw.mark(2);
            boolean gzipped = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream content = gzipped ? new java.util.zip.GZIPInputStream(raw, 1 << 16) : raw;
            try (TarArchiveInputStream tar = new TarArchiveInputStream(content)) {
                TarArchiveEntry entry;
                int files = 0;
                while ((entry = tar.getNextEntry()) != null) {
                    Path path = target.resolve(entry.getName()).normalize();
                    if (!path.startsWith(target)) {
                        throw new BadUpload(fileName + " [" + entry.getName() + "]: entry leaves the bundle's folder");
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(path);
                    } else if (entry.isFile()) {
                        Files.createDirectories(path.getParent());
                        Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                        files++;
                    } else {
                        throw new BadUpload(fileName + " [" + entry.getName() + "]: links and special files are not "
                                + "accepted in a bundle");
                    }
                }
                if (files == 0) {
                    throw new BadUpload(fileName + ": the bundle holds no files");
                }
            }
        } catch (IOException e) {
            if (e instanceof DatasetImportException) {
                throw e;
            }
            throw new BadUpload(fileName + ": not a readable tar bundle (" + e.getMessage() + ")");
        }
    }

    private static Path resolveInside(Path folder, String relative, String what) {
        Path path = folder.resolve(relative).normalize();
        if (!path.startsWith(folder) || !Files.exists(path)) {
            throw new BadUpload("the bundle has no " + what + " '" + relative + "'");
        }
        return path;
    }

    private static String withoutTemporaryPath(String message, Path folder) {
        return message.replace(folder.resolve("bundle") + "/", "").replace(folder.resolve("bundle").toString(), ".")
                .replace(folder + "/", "");
    }

    private static void deleteRecursively(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warnf("cannot remove the upload folder %s: %s", folder, e.getMessage());
        }
    }
}

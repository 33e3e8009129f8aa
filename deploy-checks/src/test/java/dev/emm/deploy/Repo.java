package dev.emm.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths inside the repository, wherever the tests run from. */
final class Repo {

    private Repo() {
    }

    static Path root() {
        String configured = System.getProperty("emm.repo.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("helm/emm")) && Files.isDirectory(p.resolve("k8s"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (helm/emm and k8s/) above " + start);
    }

    static Path chart() {
        return root().resolve("helm/emm");
    }

    static Path k8s() {
        return root().resolve("k8s");
    }

    static Path dashboard() {
        return chart().resolve("files/dashboards/emm-overview.json");
    }
}

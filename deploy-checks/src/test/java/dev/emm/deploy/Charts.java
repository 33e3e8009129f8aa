package dev.emm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** helm template / helm lint of helm/emm through helm-java (Helm as a native library, offline). */
final class Charts {

    static final String RELEASE = "emm";
    static final String NAMESPACE = "emm";

    /** The value sets the tests render: name to values file (null: the chart's defaults). */
    static Map<String, Path> valueSets() {
        Map<String, Path> sets = new LinkedHashMap<>();
        sets.put("default", null);
        sets.put("dev", Repo.chart().resolve("values-dev.yaml"));
        sets.put("prod", Repo.chart().resolve("values-prod.yaml"));
        return sets;
    }

    private Charts() {
    }

    static String template(Path valuesFile, Map<String, Object> set) {
        return template(NAMESPACE, valuesFile, set);
    }

    static String template(String namespace, Path valuesFile, Map<String, Object> set) {
        TemplateCommand cmd = new Helm(Repo.chart()).template()
                .withName(RELEASE)
                .withNamespace(namespace)
                .withKubeVersion("1.31.0");
        if (valuesFile != null) {
            cmd = cmd.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, Object> e : set.entrySet()) {
            cmd = cmd.set(e.getKey(), e.getValue());
        }
        return cmd.call();
    }

    /** The chart's NOTES.txt as `helm install --dry-run` prints it (client only, no cluster). */
    static String notes(Map<String, Object> set) {
        InstallCommand cmd = new Helm(Repo.chart()).install()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion("1.31.0")
                .clientOnly()
                .dryRun();
        for (Map.Entry<String, Object> e : set.entrySet()) {
            cmd = cmd.set(e.getKey(), e.getValue());
        }
        String output = cmd.call().getOutput();
        int start = output.indexOf("NOTES:");
        if (start < 0) {
            throw new AssertionError("no NOTES in the install output:\n" + output);
        }
        return output.substring(start + "NOTES:".length());
    }

    static List<JsonNode> render(Path valuesFile, Map<String, Object> set) {
        return Yaml.documents(template(valuesFile, set));
    }

    static List<StrictManifests.Manifest> renderStrict(String name, Path valuesFile, Map<String, Object> set) {
        return StrictManifests.parseAll(render(valuesFile, set), "helm template (" + name + " values)");
    }

    /**
     * helm lint --strict. helm-java's lint takes no values file, so the chart is copied and the
     * extra values are merged into the copy's values.yaml (as Helm itself would coalesce them).
     */
    static LintResult lint(Path valuesFile) {
        Path copy = copyChart();
        try {
            if (valuesFile != null) {
                JsonNode merged = Yaml.merge(Yaml.documents(copy.resolve("values.yaml")).get(0),
                        Yaml.documents(valuesFile).get(0));
                Files.writeString(copy.resolve("values.yaml"), Yaml.write(merged));
            }
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(copy.getParent());
        }
    }

    private static Path copyChart() {
        try {
            Path dir = Files.createTempDirectory("emm-chart").resolve("emm");
            Path src = Repo.chart();
            try (Stream<Path> files = Files.walk(src)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Path target = dir.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One license, said the same way in LICENSE, the parent pom, the README and the chart. */
class LicenseTest {

    @Test
    void apacheTwoEverywhere() {
        String license = Yaml.read(Repo.root().resolve("LICENSE"));
        assertTrue(license.contains("Apache License\n                           Version 2.0, January 2004"), "LICENSE is Apache-2.0");
        assertTrue(license.contains("END OF TERMS AND CONDITIONS"), "the full text");
        assertTrue(Yaml.read(Repo.root().resolve("pom.xml")).contains("<name>Apache-2.0</name>"), "pom <licenses>");
        assertTrue(Yaml.read(Repo.root().resolve("README.md")).contains("Apache License 2.0 ([LICENSE](LICENSE))"));
        assertEquals("Apache-2.0", Yaml.documents(Repo.chart().resolve("Chart.yaml")).get(0)
                .path("annotations").path("licenses").asText());
    }
}

package dev.emm.cli;

import dev.emm.core.spec.Presets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "presets", mixinStandardHelpOptions = true,
        description = "List the presets a spec may start from, one line each ('./emm spec show NAME' prints one resolved).")
final class PresetsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        int width = Presets.NAMES.stream().mapToInt(String::length).max().orElse(0);
        for (String name : Presets.NAMES) {
            System.out.println(String.format("%-" + width + "s  %s", name, Presets.about(name)));
        }
        return 0;
    }
}

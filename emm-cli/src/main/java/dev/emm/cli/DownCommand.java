package dev.emm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop what 'emm up' started; experiments and datasets stay in .emm/.")
final class DownCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        new StackControl().down();
        return 0;
    }
}

package dev.emm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "up", mixinStandardHelpOptions = true, description = "Start the local stack and the four services in the background "
        + "(state, logs and pid files under .emm/).")
final class UpCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        StackControl control = new StackControl();
        control.up();
        System.out.println(control.orchestratorUrl().orElseThrow());
        return 0;
    }
}

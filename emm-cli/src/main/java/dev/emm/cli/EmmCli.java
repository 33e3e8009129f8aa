package dev.emm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code emm} command line. */
@Command(name = "emm", mixinStandardHelpOptions = true, version = "emm 0.1.0",
        description = "Measure Effective Model Memorization (EMM) of a diffusion-model recipe.",
        subcommands = {RunCommand.class, UpCommand.class, DownCommand.class, SubmitCommand.class,
                StatusCommand.class, WaitCommand.class, CancelCommand.class, ListCommand.class, DatasetCommand.class,
                ExportCommand.class, ReportCommand.class, BenchCommand.class, SpecCommand.class, PresetsCommand.class})
public final class EmmCli {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new EmmCli());
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            if (error instanceof CliException) {
                cmd.getErr().println("emm: " + error.getMessage());
                return 1;
            }
            throw error;
        });
        return commandLine.execute(args);
    }
}

package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code emm bench} hands every argument, options and --help included, to the driver unparsed. */
class BenchCommandTest {

    @Test
    void passesEveryArgumentThroughInOrder() {
        List<String> arguments = List.of("metric", "--quick", "--samples", "2000", "--kernel=int8", "--help");
        CommandLine cli = new CommandLine(new EmmCli());
        List<CommandLine> parsed = cli.parseArgs(Stream.concat(Stream.of("bench"), arguments.stream())
                .toArray(String[]::new)).asCommandLineList();
        BenchCommand bench = parsed.get(parsed.size() - 1).getCommand();
        assertEquals(arguments, bench.arguments);
    }
}

package dev.emm.cli;

import picocli.CommandLine.Option;

/** {@code --url}: which orchestrator to talk to; by default the one 'emm up' started. */
final class OrchestratorOption {

    @Option(names = "--url", description = "Orchestrator base URL (default: the stack started by 'emm up').")
    String url;

    OrchestratorClient client() {
        String resolved = url != null ? url : new StackControl().orchestratorUrl().orElseThrow(() ->
                new CliException("no running stack: start one with './emm up' or pass --url"));
        return new OrchestratorClient(resolved);
    }
}

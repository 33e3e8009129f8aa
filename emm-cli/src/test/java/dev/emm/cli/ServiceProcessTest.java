package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A service's command line: the thread plan's priority reaches the trainer's JVM and no other. */
class ServiceProcessTest {

    @Test
    void theTrainersJvmStartsUnderNiceAndTheOthersAtNormalPriority() {
        ThreadPlan plan = ThreadPlan.forMachine(2, 1);
        Path jar = Path.of("service.jar");
        List<String> trainer = ServiceProcess.commandLine("trainer-service", jar, true, plan);
        assertEquals(List.of("setsid", "nice", "-n", "10"), trainer.subList(0, 4));
        assertTrue(trainer.get(4).endsWith("/bin/java"), trainer.toString());
        assertEquals(jar.toString(), trainer.get(trainer.size() - 1));
        List<String> sampler = ServiceProcess.commandLine("sampler-service", jar, false, plan);
        assertTrue(sampler.get(0).endsWith("/bin/java"), sampler.toString());
        assertEquals(trainer.subList(4, trainer.size()), sampler);
    }
}

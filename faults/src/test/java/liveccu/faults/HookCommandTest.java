package liveccu.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's hook is called as HOOK ACTION ROLE ID, waited for, and its failure stops the fault. */
class HookCommandTest {

    @TempDir
    Path dir;

    private Path hook(String body) throws Exception {
        Path hook = dir.resolve("hook.sh");
        Files.writeString(hook, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        return hook;
    }

    @Test
    void eachActionRunsTheHookWithActionRoleAndId() throws Exception {
        Path calls = dir.resolve("calls");
        HookCommand command = new HookCommand(hook("echo \"$@\" >> " + calls));
        command.kill(Target.parse("broker:2"));
        command.stop(Target.parse("aggregator:aggregator-0"));
        command.start(Target.parse("api:1"));
        assertEquals(List.of("kill broker 2", "stop aggregator aggregator-0", "start api 1"), Files.readAllLines(calls));
    }

    @Test
    void aHookThatFailsStopsTheFaultWithItsExitStatus() throws Exception {
        HookCommand command = new HookCommand(hook("exit 3"));
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> command.kill(Target.parse("collector:1")));
        assertTrue(error.getMessage().contains("kill collector 1 exited with 3"), error.getMessage());
    }
}

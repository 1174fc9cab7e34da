package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's memory rule ({@code herald_heap_opts} in {@code bin/jdk.sh}, used by {@code bin/herald}, the
 * Docker image and the benchmarks): half of a container's limit, 256m without one, {@code HERALD_HEAP} wins; on a
 * JDK of 22 or newer, freed native memory is handed back to the system.
 */
class LauncherMemoryTest {
    private static final Path JDK_SH = Path.of("..", "bin", "jdk.sh").toAbsolutePath().normalize();

    @TempDir
    Path cgroup;

    @Test
    void withoutAContainerLimitTheHeapFitsA512MiBContainer() throws Exception {
        assertEquals("-Xmx256m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC", heapOptions(Map.of()));
    }

    @Test
    void aCgroupV2LimitGivesHalfToTheHeapAndAnEighthToDirectBuffers() throws Exception {
        Files.writeString(cgroup.resolve("memory.max"), "536870912\n");
        assertEquals("-Xmx256m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC", heapOptions(Map.of()));
        Files.writeString(cgroup.resolve("memory.max"), String.valueOf(4L << 30));
        assertEquals("-Xmx2048m -XX:MaxDirectMemorySize=512m", heapOptions(Map.of()));
    }

    @Test
    void aCgroupV1LimitCountsAndItsUnlimitedValueDoesNot() throws Exception {
        Files.createDirectories(cgroup.resolve("memory"));
        Files.writeString(cgroup.resolve("memory/memory.limit_in_bytes"), String.valueOf(1L << 30));
        assertEquals("-Xmx512m -XX:MaxDirectMemorySize=128m -XX:+UseSerialGC", heapOptions(Map.of()));
        Files.writeString(cgroup.resolve("memory/memory.limit_in_bytes"), "9223372036854771712");
        assertEquals("-Xmx256m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC", heapOptions(Map.of()));
    }

    @Test
    void maxMeansNoLimitAndTinyLimitsKeepAWorkableFloor() throws Exception {
        Files.writeString(cgroup.resolve("memory.max"), "max\n");
        assertEquals("-Xmx256m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC", heapOptions(Map.of()));
        Files.writeString(cgroup.resolve("memory.max"), String.valueOf(64L << 20));
        assertEquals("-Xmx64m -XX:MaxDirectMemorySize=32m -XX:+UseSerialGC", heapOptions(Map.of()));
    }

    @Test
    void heraldHeapOverridesAndNonsenseIsRefused() throws Exception {
        Files.writeString(cgroup.resolve("memory.max"), "536870912\n");
        assertEquals("-Xmx1g -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC", heapOptions(Map.of("HERALD_HEAP", "1g")));
        assertEquals("exit 1", heapOptions(Map.of("HERALD_HEAP", "lots; rm -rf /")));
    }

    @Test
    void aHeapOfAtMost1GiBGetsTheSerialCollectorUnlessTheOperatorNamesOne() throws Exception {
        assertEquals("-Xmx2g -XX:MaxDirectMemorySize=64m", heapOptions(Map.of("HERALD_HEAP", "2g")));
        assertEquals("-Xmx1536m -XX:MaxDirectMemorySize=64m", heapOptions(Map.of("HERALD_HEAP", "1536m")));
        assertEquals("-Xmx256m -XX:MaxDirectMemorySize=64m",
                heapOptions(Map.of("HERALD_JAVA_OPTS", "-Dx=1 -XX:+UseZGC")), "the JVM refuses two collectors");
        assertEquals("-Xmx256m -XX:MaxDirectMemorySize=64m",
                heapOptions(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC")));
        assertEquals("-Xmx08g -XX:MaxDirectMemorySize=64m", heapOptions(Map.of("HERALD_HEAP", "08g")), "not octal");
        assertEquals("-Xmx512M -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC",
                heapOptions(Map.of("HERALD_HEAP", "512M")));
        assertEquals("exit 1", heapOptions(Map.of("HERALD_HEAP", "1mg")));
    }

    @Test
    void aJdkOf22OrNewerAlsoHandsFreedNativeMemoryBack() throws Exception {
        assertEquals("-Xmx256m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:TrimNativeHeapInterval=1000",
                heapOptions(Map.of(), "25"));
        assertEquals("-Xmx256m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:TrimNativeHeapInterval=1000",
                heapOptions(Map.of(), "22"));
        assertEquals("-Xmx256m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC",
                heapOptions(Map.of(), "21"), "21 has no such option");
    }

    private String heapOptions(Map<String, String> env) throws IOException, InterruptedException {
        return heapOptions(env, "");
    }

    /** {@code herald_heap_opts} for a JDK of major version {@code jdkVersion} ("" when the caller gives none). */
    private String heapOptions(Map<String, String> env, String jdkVersion) throws IOException, InterruptedException {
        var pb = new ProcessBuilder("bash", "-c", ". \"$1\"; herald_heap_opts \"$2\" || echo \"exit $?\"", "bash",
                JDK_SH.toString(), jdkVersion).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("HERALD_HEAP");
        pb.environment().remove("HERALD_JAVA_OPTS");
        pb.environment().remove("HERALD_BENCH_JVM_OPTS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().put("HERALD_CGROUP_ROOT", cgroup.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }
}

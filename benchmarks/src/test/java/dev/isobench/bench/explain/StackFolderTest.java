package dev.isobench.bench.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackFolderTest {
    /**
     * perf script output recorded on dev-c (2026-12-07): a JVM (PreserveFramePointer) running a loop, its compiled
     * methods named by {@code jcmd PID Compiler.perfmap}; its GC and VM threads in the kernel.
     */
    private static Map<String, Long> fixture() throws Exception {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                StackFolderTest.class.getResourceAsStream("/explain/perf-script-jvm.txt"), StandardCharsets.UTF_8))) {
            return StackFolder.fold(in, "cpu-clock");
        }
    }

    @Test
    void aRecordedJvmFoldsIntoStacksRootFirstWithEverySampleCounted() throws Exception {
        Map<String, Long> folded = fixture();
        long samples;
        try (var in = StackFolderTest.class.getResourceAsStream("/explain/perf-script-jvm.txt")) {
            samples = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> l.endsWith("cpu-clock: ")).count();
        }
        assertTrue(samples > 10);
        assertEquals(samples, folded.values().stream().mapToLong(Long::longValue).sum(), "one count per sample in the recording");
        String main = "java;start_thread;ThreadJavaMain;JavaMain;jni_CallStaticVoidMethod;jni_invoke_static;JavaCalls::call_helper;"
                + "StubRoutines_(1)_[j];Spin2.main_[j]";
        assertEquals(6, folded.get(main), "the six samples in the loop, the Java method named without return type and parameters");
        String futex = "VM_Thread;__futex_abstimed_wait_common;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__x64_sys_futex_[k];"
                + "do_futex_[k];futex_wait_[k];__futex_wait_[k];futex_do_wait_[k];schedule_[k];__schedule_[k];finish_task_switch.isra.0_[k]";
        assertTrue(folded.containsKey(futex), "a thread's name with its space, kernel frames marked: " + folded.keySet());
    }

    @Test
    void framesPerfCannotNameSayWhereTheyAreAndARunOfThemIsOne() throws Exception {
        for (String stack : fixture().keySet()) {
            assertTrue(!stack.contains("[unknown];[unknown]") && !stack.contains("[libjvm.so];[libjvm.so]"), stack);
            for (String frame : stack.split(";")) assertTrue(!frame.isBlank() && !frame.contains(" "), "a folded frame: '" + frame + "'");
        }
        String perf = "java 7 cpu-clock: \n\t  7f00 [unknown] (/usr/bin/runc)\n\t  7f01 [unknown] (/usr/bin/runc)\n\t  7f02 Interpreter (/tmp/perf-7.map)\n"
                + "\t  7f03 Interpreter (/tmp/perf-7.map)\n\t  7f04 main (/usr/bin/runc)\n\n";
        Map<String, Long> folded = StackFolder.fold(new BufferedReader(new StringReader(perf)), "cpu-clock");
        assertEquals(Map.of("java;main;Interpreter_[j];[runc]", 1L), folded);
    }

    @Test
    void onlyTheAskedEventIsFolded() throws Exception {
        String perf = "probe 9 raw_syscalls:sys_enter: \n\t  ffff0 do_syscall_64 ([kernel.kallsyms])\n\n"
                + "probe 9 cpu-clock: \n\t  ffff1 clear_page_erms ([kernel.kallsyms])\n\t  400 main (/probe)\n\n";
        assertEquals(Map.of("probe;main;clear_page_erms_[k]", 1L), StackFolder.fold(new BufferedReader(new StringReader(perf)), "cpu-clock"));
    }

    @Test
    void aJavaMethodLosesItsSignatureAndAStubKeepsItsName() {
        assertEquals("java.lang.String.hashCode", StackFolder.javaMethod("int java.lang.String.hashCode()"));
        assertEquals("dev.isobench.engine.Engine.run", StackFolder.javaMethod("dev.isobench.engine.runtime.Container dev.isobench.engine.Engine.run(dev.isobench.engine.spec.ContainerSpec)"));
        assertEquals("StubRoutines (1)", StackFolder.javaMethod("StubRoutines (1)"));
        assertEquals("Interpreter", StackFolder.javaMethod("Interpreter"));
    }
}

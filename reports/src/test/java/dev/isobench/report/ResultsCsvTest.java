package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsCsvTest {
    @TempDir
    Path dir;

    @Test
    void rowsRoundTripAndTheFileIsRenamedWhenComplete() {
        ResultRow a = ResultRow.of("startup", "start-to-exit", "engine", "", "", "median", "ms", 21.5, 40).withCi(20.1, 23.4);
        ResultRow b = ResultRow.of("rootfs", "provision", "engine", "copy", "size=10m,x=\"q\"", "bytes_written", "bytes", 10485760, 3);
        try (ResultsCsv.Writer w = new ResultsCsv.Writer(dir, "startup")) {
            w.write(a);
            assertTrue(Files.exists(dir.resolve("startup.csv.partial")), "partial while running");
            w.write(b);
        }
        assertFalse(Files.exists(dir.resolve("startup.csv.partial")));
        ResultsCsv.Read read = ResultsCsv.read(dir.resolve("startup.csv"));
        assertEquals(List.of(), read.problems());
        assertEquals(a, read.rows().get(0));
        assertEquals(b, read.rows().get(1));
    }

    @Test
    void aTruncatedFileKeepsItsCompleteRowsAndSaysWhatIsMissing() throws Exception {
        Files.writeString(dir.resolve("s.csv"), String.join(",", ResultRow.HEADER) + "\n"
                + "s,b,host,,,median,ms,1.5,1,2,10\n" + "s,b,engine,,,median,ms,notanumber,1,2,10\n" + "s,b,engine,,,med");
        ResultsCsv.Read read = ResultsCsv.read(dir.resolve("s.csv"));
        assertEquals(1, read.rows().size());
        assertEquals(2, read.problems().size(), read.problems().toString());
    }
}

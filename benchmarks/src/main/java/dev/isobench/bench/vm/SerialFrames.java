package dev.isobench.bench.vm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Reads what the guest's /init wrote on the serial console: "@@ISOBENCH INIT nanos" (the guest's boot clock
 * when /init started), then per command a frame "@@ISOBENCH BEGIN index exit length crc32", the output,
 * "@@ISOBENCH END", and finally "@@ISOBENCH DONE". A frame whose length or checksum does not match is
 * reported as damaged, never used.
 */
public final class SerialFrames {
    private static final Pattern BEGIN = Pattern.compile("@@ISOBENCH BEGIN (\\d+) (\\d+) (\\d+) ([0-9a-f]{8})\n");
    private static final Pattern INIT = Pattern.compile("@@ISOBENCH INIT (\\d+)");

    /** One command's result. */
    public record Frame(int index, int exitCode, String output) {}

    private SerialFrames() {}

    /** The frames, in order; throws when one is damaged. */
    public static List<Frame> parse(byte[] console) {
        String text = new String(console, StandardCharsets.ISO_8859_1); // byte-for-byte, for the lengths
        List<Frame> frames = new ArrayList<>();
        Matcher m = BEGIN.matcher(text);
        int from = 0;
        while (m.find(from)) {
            int start = m.end();
            int length = Integer.parseInt(m.group(3));
            if (start + length > text.length()) throw new IllegalStateException("frame " + m.group(1) + " is cut off on the console");
            byte[] payload = text.substring(start, start + length).getBytes(StandardCharsets.ISO_8859_1);
            CRC32 crc = new CRC32();
            crc.update(payload);
            if (!String.format("%08x", crc.getValue()).equals(m.group(4))) {
                throw new IllegalStateException("frame " + m.group(1) + " arrived damaged (checksum mismatch)");
            }
            frames.add(new Frame(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), new String(payload, StandardCharsets.UTF_8)));
            from = start + length;
        }
        return frames;
    }

    /** The guest's boot clock at /init, in nanoseconds, if it got that far. */
    public static OptionalLong initNanos(byte[] console) {
        Matcher m = INIT.matcher(new String(console, StandardCharsets.ISO_8859_1));
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    public static boolean done(byte[] console) {
        return new String(console, StandardCharsets.ISO_8859_1).contains("@@ISOBENCH DONE");
    }
}

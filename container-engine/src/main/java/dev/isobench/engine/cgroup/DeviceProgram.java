package dev.isobench.engine.cgroup;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A v1 device list as a cgroup v2 device program (eBPF, BPF_PROG_TYPE_CGROUP_DEVICE): the kernel runs it on each
 * open and mknod of a device node in the group and allows the access when it returns 1. The rules are checked last
 * first, so the last rule that matches decides, as rules written one after another to devices.allow and
 * devices.deny read; no rule matching denies. The context is {@code struct bpf_cgroup_dev_ctx {u32 access_type; u32
 * major; u32 minor;}}, the access type's low half the node's type, its high half the access asked for.
 */
final class DeviceProgram {
    /** One rule: allow or deny, type 'a' (any), 'b' or 'c', major and minor (-1: any), access as the kernel's bits. */
    record Rule(boolean allow, char type, long major, long minor, int access) {
        static final int MKNOD = 1, READ = 2, WRITE = 4, ALL = 7;

        /** "c 1:3 rwm", "b *:* m", "a". */
        static Rule parse(boolean allow, String text) {
            String[] p = text.trim().split("\\s+");
            if (p.length == 1 && p[0].equals("a")) return new Rule(allow, 'a', -1, -1, ALL);
            if (p.length != 3 || !p[0].matches("[abc]") || !p[1].matches("(\\d+|\\*):(\\d+|\\*)") || !p[2].matches("[rwm]+")) {
                throw new IllegalArgumentException("device rule '" + text + "' is not TYPE MAJOR:MINOR ACCESS (e.g. c 1:3 rwm)");
            }
            String[] mm = p[1].split(":");
            int access = (p[2].contains("m") ? MKNOD : 0) | (p[2].contains("r") ? READ : 0) | (p[2].contains("w") ? WRITE : 0);
            return new Rule(allow, p[0].charAt(0), mm[0].equals("*") ? -1 : Long.parseLong(mm[0]), mm[1].equals("*") ? -1 : Long.parseLong(mm[1]), access);
        }
    }

    private static final int BLOCK = 1, CHAR = 2;

    private DeviceProgram() {}

    /** The program for the rules in the order they were given. */
    static byte[] compile(List<Rule> rules) {
        Asm a = new Asm();
        a.ldxw(2, 1, 0); // r2 = access_type
        a.mov32(3, 2);
        a.and32(2, 0xffff); // r2: the node's type
        a.rsh32(3, 16); // r3: the access asked for
        a.ldxw(4, 1, 4); // r4 = major
        a.ldxw(5, 1, 8); // r5 = minor
        for (int i = rules.size() - 1; i >= 0; i--) {
            Rule r = rules.get(i);
            List<long[]> checks = new ArrayList<>(); // each a jump to the next rule; its offset is set once the block's length is known
            int start = a.size();
            if (r.type() != 'a') checks.add(a.jneImm(2, r.type() == 'b' ? BLOCK : CHAR));
            if (r.access() != Rule.ALL) {
                a.mov32(1, 3);
                a.and32(1, r.access());
                checks.add(a.jneReg(1, 3)); // an access outside the rule's: not this rule
            }
            if (r.major() >= 0) checks.add(a.jneImm(4, (int) r.major()));
            if (r.minor() >= 0) checks.add(a.jneImm(5, (int) r.minor()));
            a.mov64(0, r.allow() ? 1 : 0);
            a.exit();
            int end = a.size();
            for (long[] jump : checks) a.setOffset((int) jump[0], end - (int) jump[0] - 1);
            if (end == start) throw new IllegalStateException("empty block");
        }
        a.mov64(0, 0);
        a.exit();
        return a.bytes();
    }

    /** Just the eBPF instructions the program needs, encoded as the kernel takes them (little-endian). */
    private static final class Asm {
        private final List<long[]> insns = new ArrayList<>(); // {opcode, dst, src, off, imm}

        int size() {
            return insns.size();
        }

        private long[] add(int op, int dst, int src, int off, int imm) {
            long[] i = {insns.size(), op, dst, src, off, imm};
            insns.add(i);
            return i;
        }

        void ldxw(int dst, int src, int off) { add(0x61, dst, src, off, 0); }
        void mov32(int dst, int src) { add(0xbc, dst, src, 0, 0); }
        void and32(int dst, int imm) { add(0x54, dst, 0, 0, imm); }
        void rsh32(int dst, int imm) { add(0x74, dst, 0, 0, imm); }
        void mov64(int dst, int imm) { add(0xb7, dst, 0, 0, imm); }
        long[] jneImm(int dst, int imm) { return add(0x55, dst, 0, 0, imm); }
        long[] jneReg(int dst, int src) { return add(0x5d, dst, src, 0, 0); }
        void exit() { add(0x95, 0, 0, 0, 0); }

        void setOffset(int index, int off) {
            insns.get(index)[4] = off;
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (long[] i : insns) {
                out.write((int) i[1]);
                out.write(((int) i[3] << 4) | (int) i[2]);
                out.write((int) i[4] & 0xff);
                out.write(((int) i[4] >> 8) & 0xff);
                int imm = (int) i[5];
                for (int b = 0; b < 4; b++) out.write((imm >> (8 * b)) & 0xff);
            }
            return out.toByteArray();
        }
    }
}

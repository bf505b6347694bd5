package dev.isobench.engine.net;

import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few rtnetlink requests a container's network needs, sent from Java over a NETLINK_ROUTE socket
 * (rtnetlink(7)): a veth pair created on the bridge with its peer already in the container's namespace,
 * and, through a socket opened in that namespace, the peer's link, address and default route. No process
 * is started: about a millisecond in all, where three {@code ip} processes cost tens.
 */
final class Rtnetlink implements AutoCloseable {
    static final int AF_NETLINK = 16, NETLINK_ROUTE = 0, SOCK_RAW = 3, AF_INET = 2, CLONE_NEWNET = 0x40000000;
    static final short RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_NEWADDR = 20, RTM_NEWROUTE = 24, NLMSG_ERROR = 2;
    static final short F_REQUEST = 1, F_ACK = 4, F_EXCL = 0x200, F_CREATE = 0x400;
    static final short IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MASTER = 10, IFLA_LINKINFO = 18, IFLA_NET_NS_PID = 19;
    static final short IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, VETH_INFO_PEER = 1;
    static final short IFA_ADDRESS = 1, IFA_LOCAL = 2, RTA_OIF = 4, RTA_GATEWAY = 5;
    static final int IFF_UP = 1;
    /** The container end's interface index: a new namespace holds only lo (1), so eth0 can be 2. */
    static final int PEER_INDEX = 2;

    private final int fd;
    private int seq;

    private Rtnetlink(int fd) {
        this.fd = fd;
    }

    /** A socket in this thread's network namespace. */
    static Rtnetlink open() {
        return new Rtnetlink(Native.socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
    }

    /**
     * A socket in the network namespace of a process: opened by a short-lived thread that joins the namespace
     * (setns of a network namespace moves only the calling thread) and the socket stays bound to it.
     */
    static Rtnetlink openIn(int pid) {
        int[] result = {-1};
        RuntimeException[] failure = {null};
        Thread t = new Thread(() -> {
            int target = -1;
            try {
                target = Native.openReadOnly("/proc/" + pid + "/ns/net");
                Native.setns(target, CLONE_NEWNET);
                result[0] = Native.socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
            } catch (RuntimeException e) {
                failure[0] = e;
            } finally {
                Native.close(target); // the thread ends here, in whichever namespace it is
            }
        }, "isobench-netns");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while opening a socket in the namespace of " + pid, e);
        }
        if (failure[0] != null) throw new EngineException("cannot open a netlink socket in the network namespace of " + pid + ": " + failure[0].getMessage(), failure[0]);
        return new Rtnetlink(result[0]);
    }

    /**
     * Creates host end {@code host} on the bridge, up, with its peer {@code eth0} in the namespace of {@code pid}.
     * The peer's MAC address is derived from its IPv4 address (02:42 and the four octets, as Docker does): an
     * address handed to a new container after an old one had it then keeps its MAC, so the host's neighbour
     * cache, which outlives the old veth, stays right instead of sending to a dead MAC for tens of seconds.
     */
    void createVeth(String host, int bridgeIndex, String peer, int pid, String peerAddress) {
        Message m = new Message(RTM_NEWLINK, (short) (F_REQUEST | F_ACK | F_CREATE | F_EXCL), ++seq);
        m.ifinfo(0, IFF_UP, IFF_UP);
        m.attr(IFLA_IFNAME, cstring(host));
        m.attrInt(IFLA_MASTER, bridgeIndex);
        int info = m.begin(IFLA_LINKINFO);
        m.attr(IFLA_INFO_KIND, cstring("veth"));
        int data = m.begin(IFLA_INFO_DATA);
        int peerInfo = m.begin(VETH_INFO_PEER);
        m.ifinfo(PEER_INDEX, 0, 0);
        m.attr(IFLA_IFNAME, cstring(peer));
        byte[] ip = ipv4(peerAddress);
        m.attr(IFLA_ADDRESS, new byte[] {0x02, 0x42, ip[0], ip[1], ip[2], ip[3]});
        m.attrInt(IFLA_NET_NS_PID, pid);
        m.end(peerInfo);
        m.end(data);
        m.end(info);
        request(m, "create veth " + host + " / " + peer);
    }

    /** Brings the container end up with its address and a default route through the bridge. */
    void configurePeer(String address, int prefix, String gateway) {
        Message up = new Message(RTM_NEWLINK, (short) (F_REQUEST | F_ACK), ++seq);
        up.ifinfo(PEER_INDEX, IFF_UP, IFF_UP);
        request(up, "set eth0 up");
        Message addr = new Message(RTM_NEWADDR, (short) (F_REQUEST | F_ACK | F_CREATE | F_EXCL), ++seq);
        addr.buf.put((byte) AF_INET).put((byte) prefix).put((byte) 0).put((byte) 0).putInt(PEER_INDEX);
        addr.attr(IFA_LOCAL, ipv4(address));
        addr.attr(IFA_ADDRESS, ipv4(address));
        request(addr, "add address " + address + "/" + prefix);
        Message route = new Message(RTM_NEWROUTE, (short) (F_REQUEST | F_ACK | F_CREATE | F_EXCL), ++seq);
        // rtmsg: family, dst_len, src_len, tos, table main, protocol boot, scope universe, type unicast, flags
        route.buf.put((byte) AF_INET).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 254).put((byte) 3).put((byte) 0).put((byte) 1).putInt(0);
        route.attr(RTA_GATEWAY, ipv4(gateway));
        route.attrInt(RTA_OIF, PEER_INDEX);
        request(route, "add default route via " + gateway);
    }

    /** Deletes a link by name; returns false when there is none. */
    boolean deleteLink(String name) {
        Message m = new Message(RTM_DELLINK, (short) (F_REQUEST | F_ACK), ++seq);
        m.ifinfo(0, 0, 0);
        m.attr(IFLA_IFNAME, cstring(name));
        int err = send(m);
        if (err == 19 /* ENODEV */) return false;
        if (err != 0) throw new EngineException("rtnetlink: delete link " + name + " failed: " + Native.strerror(err));
        return true;
    }

    private void request(Message m, String what) {
        int err = send(m);
        if (err != 0) throw new EngineException("rtnetlink: " + what + " failed: " + Native.strerror(err));
    }

    /** Sends one request and reads its acknowledgement; returns the errno (0: done). */
    private int send(Message m) {
        byte[] bytes = m.finish();
        Native.writeFully(fd, bytes);
        byte[] reply = new byte[8192];
        while (true) {
            int n = Native.read(fd, reply);
            ByteBuffer b = ByteBuffer.wrap(reply, 0, n).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 16) {
                int start = b.position();
                int len = b.getInt();
                short type = b.getShort();
                b.getShort();
                int s = b.getInt();
                b.getInt();
                if (type == NLMSG_ERROR && s == m.seq) return -b.getInt();
                b.position(start + align(len));
            }
        }
    }

    @Override
    public void close() {
        Native.close(fd);
    }

    private static byte[] cstring(String s) {
        byte[] raw = s.getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(raw, raw.length + 1);
    }

    private static byte[] ipv4(String dotted) {
        String[] p = dotted.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(p[i]);
        return b;
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** A netlink message under construction: header, family struct, attributes (nested ones by begin/end). */
    private static final class Message {
        final ByteBuffer buf = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
        final int seq;

        Message(short type, short flags, int seq) {
            this.seq = seq;
            buf.putInt(0).putShort(type).putShort(flags).putInt(seq).putInt(0);
        }

        void ifinfo(int index, int flags, int change) {
            buf.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
        }

        void attr(short type, byte[] payload) {
            buf.putShort((short) (4 + payload.length)).putShort(type).put(payload);
            pad();
        }

        void attrInt(short type, int value) {
            buf.putShort((short) 8).putShort(type).putInt(value);
        }

        int begin(short type) {
            int at = buf.position();
            buf.putShort((short) 0).putShort(type);
            return at;
        }

        void end(int at) {
            buf.putShort(at, (short) (buf.position() - at));
        }

        private void pad() {
            while (buf.position() % 4 != 0) buf.put((byte) 0);
        }

        byte[] finish() {
            buf.putInt(0, buf.position());
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }
}

package dev.tcplat.exporter.bpf;

/**
 * The few Linux errno values the probe reacts to, with advice an operator can act on; the numbers come
 * from {@code <errno.h>} through {@link TcplatAbi}.
 */
final class Errno {
    static final int EPERM = TcplatAbi.EPERM;
    static final int ENOENT = TcplatAbi.ENOENT;
    static final int EINTR = TcplatAbi.EINTR;
    static final int ENXIO = TcplatAbi.ENXIO;
    static final int ENOMEM = TcplatAbi.ENOMEM;
    static final int EACCES = TcplatAbi.EACCES;
    static final int EBUSY = TcplatAbi.EBUSY;
    static final int EEXIST = TcplatAbi.EEXIST;
    static final int ENODEV = TcplatAbi.ENODEV;
    static final int EINVAL = TcplatAbi.EINVAL;
    static final int EOPNOTSUPP = TcplatAbi.EOPNOTSUPP;
    static final int EALREADY = TcplatAbi.EALREADY;

    private Errno() {}

    /** What to do about an errno, when there is a generic answer; empty otherwise. */
    static String advice(int errno) {
        switch (errno) {
            case EPERM:
            case EACCES:
                return "run as root, or grant CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON"
                        + " (systemd: AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON)";
            case ENOMEM:
                return "raise RLIMIT_MEMLOCK (systemd: LimitMEMLOCK=infinity) or lower --ringbuf.size";
            case ENODEV:
            case ENXIO:
                return "check the interface name with 'ip link'";
            default:
                return "";
        }
    }

    static String name(int errno) {
        switch (errno) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case EINTR: return "EINTR";
            case ENXIO: return "ENXIO";
            case ENOMEM: return "ENOMEM";
            case EACCES: return "EACCES";
            case EBUSY: return "EBUSY";
            case EEXIST: return "EEXIST";
            case ENODEV: return "ENODEV";
            case EINVAL: return "EINVAL";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            case EALREADY: return "EALREADY";
            default: return "errno " + errno;
        }
    }
}

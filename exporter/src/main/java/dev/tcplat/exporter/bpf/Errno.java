package dev.tcplat.exporter.bpf;

/** The few Linux errno values the probe reacts to, with advice an operator can act on. */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EOPNOTSUPP = 95;
    static final int EALREADY = 114;

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

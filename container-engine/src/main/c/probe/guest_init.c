/* The probe as the init of a guest that runs isobench itself: the host's files read-only over virtio-9p, a
 * writable share for the job, cgroup v2 alone, the kernel modules the engine needs loaded from the initramfs. */
#define _GNU_SOURCE
#include "probe.h"
#include <net/if.h>
#include <sys/ioctl.h>

static void say(const char *what, const char *detail) {
    printf("@@GUEST %s %s\n", what, detail ? detail : "");
    fflush(stdout);
}

static int must_mount(const char *src, const char *dst, const char *type, unsigned long flags, const char *data) {
    mkdir(dst, 0755); /* on the read-only share this fails where the directory is missing: the mount names it */
    if (mount(src, dst, type, flags, data) == 0) return 0;
    char msg[512];
    snprintf(msg, sizeof msg, "mount %s on %s (%s): %s", src, dst, type, strerror(errno));
    say("ERROR", msg);
    return -1;
}

/* Every /modules/NN-name.ko in name order: the host numbered them so each module's dependencies come first. */
static int load_modules(void) {
    struct dirent **names;
    int n = scandir("/modules", &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "/modules/%s", names[i]->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)) {
            char msg[600];
            snprintf(msg, sizeof msg, "module %s: %s", path, strerror(errno));
            say("ERROR", msg);
            return -1;
        }
        close(fd);
    }
    return 0;
}

/* The loopback interface up, as a booted system has it: JMH's forks and the app suite's servers talk over it. */
static int loopback_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    int ok = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
    if (fd >= 0) close(fd);
    if (!ok) say("ERROR", "cannot bring lo up");
    return ok ? 0 : -1;
}

/* argv: /init guest JOBDIR [HOSTNAME] — JOBDIR is a host path, shared writable as mount tag "job", holding run.sh.
 * The job's exit code goes to JOBDIR/exit; the machine is reset after (QEMU runs with -no-reboot: the reset ends it). */
int guest_init(int argc, char **argv) {
    if (argc < 3) return 2;
    const char *job = argv[2];
    if (argc > 3) sethostname(argv[3], strlen(argv[3]));
    mount("proc", "/proc", "proc", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    struct timespec boot;
    clock_gettime(CLOCK_BOOTTIME, &boot);
    char ms[32];
    snprintf(ms, sizeof ms, "%lld", boot.tv_sec * 1000LL + boot.tv_nsec / 1000000);
    say("INIT", ms);
    int ok = load_modules() == 0 && loopback_up() == 0
            && must_mount("host", "/host", "9p", MS_RDONLY, "trans=virtio,version=9p2000.L,msize=262144,cache=loose") == 0;
    /* what the host's programs write: the engine's root, podman's and the run's own state */
    const char *tmpfs[] = {"/host/run", "/host/var/tmp", "/host/var/lib/isobench", "/host/var/lib/containers", "/host/dev/shm"};
    ok = ok && must_mount("proc", "/host/proc", "proc", 0, NULL) == 0 && must_mount("sysfs", "/host/sys", "sysfs", 0, NULL) == 0
            && must_mount("devtmpfs", "/host/dev", "devtmpfs", 0, NULL) == 0
            && must_mount("devpts", "/host/dev/pts", "devpts", 0, "newinstance,ptmxmode=0666") == 0
            && must_mount("cgroup2", "/host/sys/fs/cgroup", "cgroup2", 0, NULL) == 0;
    for (size_t i = 0; ok && i < sizeof tmpfs / sizeof tmpfs[0]; i++) ok = must_mount("tmpfs", tmpfs[i], "tmpfs", 0, "mode=755") == 0;
    /* /tmp writable with the host's own files still seen (a build or a test may live there): an overlay whose upper
     * layer is a tmpfs, on the read-only share */
    ok = ok && must_mount("tmpfs", "/upper", "tmpfs", 0, "mode=755") == 0 && mkdir("/upper/tmp", 01777) == 0 && chmod("/upper/tmp", 01777) == 0
            && mkdir("/upper/work", 0755) == 0
            && must_mount("overlay", "/host/tmp", "overlay", 0, "lowerdir=/host/tmp,upperdir=/upper/tmp,workdir=/upper/work") == 0;
    /* last: the job's directory may lie under one of the writable mounts (a host's /tmp), made there as the mount point */
    char jobdir[1024];
    snprintf(jobdir, sizeof jobdir, "/host%s", job);
    for (char *p = jobdir + 6; ok && (p = strchr(p, '/')); p++) {
        *p = 0;
        mkdir(jobdir, 0755);
        *p = '/';
    }
    ok = ok && must_mount("job", jobdir, "9p", 0, "trans=virtio,version=9p2000.L,msize=262144") == 0;
    int code = 125;
    /* switch_root, not a bare chroot: the host's tree moved over / is this mount namespace's root, so the kernel does
     * not count the job as chrooted (a chrooted process may not make a user namespace) */
    if (ok && (chdir("/host") < 0 || mount("/host", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir(job) < 0)) {
        say("ERROR", strerror(errno));
        ok = 0;
    }
    if (ok) {
        say("RUN", job);
        pid_t pid = fork();
        if (pid == 0) {
            char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/var/tmp", "TMPDIR=/var/tmp", "LANG=C.UTF-8", NULL};
            execle("/bin/sh", "sh", "run.sh", (char *)NULL, envp);
            _exit(127);
        }
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        FILE *f = fopen("exit", "w");
        if (f) {
            fprintf(f, "%d\n", code);
            fclose(f);
        }
    }
    snprintf(ms, sizeof ms, "%d", code);
    say("EXIT", ms);
    sync();
    reboot(RB_AUTOBOOT);
    return 0;
}

/* The probe as a VM's /init: commands from the kernel command line, results as frames on the console. */
#define _GNU_SOURCE
#include "probe.h"


/* CRC-32 (IEEE), as java.util.zip.CRC32 computes it: the frame checksum on the serial console. */
static unsigned crc32(const unsigned char *p, size_t n) {
    unsigned c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1u));
    }
    return ~c;
}

/* Runs one probe command in a child with its output captured; writes it to the console as a frame:
 *   @@ISOBENCH BEGIN index exit length crc32
 *   <length bytes>
 *   @@ISOBENCH END
 * so the host can tell a complete, intact result from kernel noise or a cut-off line. */
static void vm_run(int index, int argc, char **argv) {
    int pipefd[2];
    if (pipe(pipefd) < 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        char *args[64];
        int n = 0;
        args[n++] = "/probe";
        for (int i = 0; i < argc && n < 63; i++) args[n++] = argv[i];
        args[n] = NULL;
        fflush(stdout);
        _exit(probe_main(n, args));
    }
    close(pipefd[1]);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (ssize_t r; (r = read(pipefd[0], buf + len, cap - len)) > 0;) {
        len += r;
        if (len == cap) buf = realloc(buf, cap *= 2);
    }
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("\n@@ISOBENCH BEGIN %d %d %zu %08x\n", index, code, len, crc32((unsigned char *)buf, len));
    fwrite(buf, 1, len, stdout);
    printf("\n@@ISOBENCH END\n");
    fflush(stdout);
    free(buf);
}

/* The probe as a VM's /init: the kernel passes what follows "--" on its command line, one argument per
 * command. Reports the guest's boot time, runs each command as a frame, then resets the machine
 * (QEMU runs with -no-reboot, so a reset ends it). */
int vm_init(int argc, char **argv) {
    mount("proc", "/proc", "proc", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
    struct termios raw;
    if (tcgetattr(1, &raw) == 0) { /* bytes as written: no \n -> \r\n on the serial line, so lengths and checksums hold */
        raw.c_oflag &= ~OPOST;
        tcsetattr(1, TCSANOW, &raw);
    }
    struct timespec boot;
    clock_gettime(CLOCK_BOOTTIME, &boot);
    printf("\n@@ISOBENCH INIT %lld\n", boot.tv_sec * 1000000000LL + boot.tv_nsec);
    fflush(stdout);
    /* One init argument per command, its words joined by ',' (the kernel passes at most 32 to init). */
    for (int i = 1; i < argc; i++) {
        char *words[64];
        int n = 0;
        for (char *save, *w = strtok_r(argv[i], ",", &save); w && n < 63; w = strtok_r(NULL, ",", &save)) words[n++] = w;
        if (n > 0) vm_run(i - 1, n, words);
    }
    printf("\n@@ISOBENCH DONE\n");
    fflush(stdout);
    sync();
    reboot(RB_AUTOBOOT);
    return 0;
}

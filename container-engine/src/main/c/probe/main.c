/*
 * probe: the static workload and checker binary. The same binary runs on the host, in every engine and in
 * every peer, so differences in what it measures come from the environment, not the code.
 * Usage: probe SUBCOMMAND [ARGS]; "probe help" lists them. Output is plain text, one fact a line.
 * Each concept lives in a file of its own (workloads, inspect, bench, rootfs, disk, tcp, escape, vm_init);
 * this file holds the command table.
 */
#define _GNU_SOURCE
#include "probe.h"

static const char *usage_text =
    "usage: probe COMMAND [ARGS]\n"
    "  true | false | exit N | sleep SECONDS | spin SECONDS | kill-self SIGNAL\n"
    "  hostname | pid | ppid | id | cwd | env | ps | fds | mounts | status\n"
    "  cat FILE | write FILE TEXT | ls DIR | stat PATH | mkdir PATH | symlink TARGET LINK | mount-tmpfs PATH | chroot DIR\n"
    "  alloc MIB | forks N | syscalls N | echo ARGS...\n"
    "  bench OP BATCHES ITERS [OP BATCHES ITERS]... (OP: getpid getppid read write open-close stat mmap pipe-pingpong fork)\n"
    "  bench-slots T0_NS K INDEX OP BATCHES ITERS SLOT_NS [OP BATCHES ITERS SLOT_NS]... (batches in turns with K-1 other probes)\n"
    "  first-write FILE | lookup PATH N | read-file FILE [cold|warm [REPS]]\n"
    "  try unshare-user|keyctl|clone-newuts|getpid|mount|module|settime | try open-write|open-read|chroot-out PATH\n"
    "  dio-write FILE MIB | mount-time mount SOURCE TARGET FSTYPE FLAGS DATA | chdir DIR ...\n"
    "  tcp-echo serve ADDR PORT CONNS TIMEOUT | tcp-echo ping HOST PORT N\n"
    "  tcp-stream serve ADDR PORT CONNS TIMEOUT | tcp-stream send HOST PORT SECONDS\n"
    "  try mknod-open b|c MAJOR MINOR | try ptrace|kill PID | try exe-watch SECONDS\n";


/* A command, and the argc it needs at least (2: the name alone; 3: one argument). */
struct command { const char *name; int min_argc; command_fn *run; };

static const struct command commands[] = {
    {"true", 2, cmd_true},
    {"false", 2, cmd_false},
    {"exit", 2, cmd_exit},
    {"sleep", 2, cmd_sleep},
    {"spin", 2, cmd_spin},
    {"kill-self", 2, cmd_kill_self},
    {"hostname", 2, cmd_hostname},
    {"pid", 2, cmd_pid},
    {"ppid", 2, cmd_ppid},
    {"id", 2, cmd_id},
    {"cwd", 2, cmd_cwd},
    {"env", 2, cmd_env},
    {"ps", 2, cmd_ps},
    {"fds", 2, cmd_fds},
    {"mounts", 2, cmd_mounts},
    {"status", 2, cmd_status},
    {"echo", 2, cmd_echo},
    {"cat", 3, cmd_cat},
    {"write", 3, cmd_write},
    {"ls", 3, cmd_ls},
    {"stat", 3, cmd_stat},
    {"symlink", 3, cmd_symlink},
    {"mkdir", 3, cmd_mkdir},
    {"mount-tmpfs", 3, cmd_mount_tmpfs},
    {"chroot", 3, cmd_chroot},
    {"alloc", 3, cmd_alloc},
    {"forks", 3, cmd_forks},
    {"syscalls", 3, cmd_syscalls},
    {"bench", 3, cmd_bench},
    {"bench-slots", 3, cmd_bench_slots},
    {"first-write", 3, cmd_first_write},
    {"lookup", 3, cmd_lookup},
    {"read-file", 3, cmd_read_file},
    {"tcp-echo", 3, cmd_tcp_echo},
    {"tcp-stream", 3, cmd_tcp_stream},
    {"mount-time", 3, cmd_mount_time},
    {"dio-write", 4, cmd_dio_write},
    {"try", 3, cmd_try},
};

int usage(void) {
    fputs(usage_text, stderr);
    return 2;
}

int probe_main(int argc, char **argv) {
    if (argc < 2) return usage();
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(argv[1], commands[i].name)) return argc >= commands[i].min_argc ? commands[i].run(argc, argv) : usage();
    }
    return usage();
}

int main(int argc, char **argv) {
    if (getpid() == 1 && !strcmp(argv[0], "/init")) return argc > 1 && !strcmp(argv[1], "guest") ? guest_init(argc, argv) : vm_init(argc, argv);
    return probe_main(argc, argv);
}

/* What the probe's files share: the helpers every command uses and each command's entry point. */
#ifndef PROBE_H
#define PROBE_H

#include <arpa/inet.h>
#include <dirent.h>
#include <sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/reboot.h>
#include <termios.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int fail(const char *what, const char *arg);
double now_s(void);
long long now_ns(void);
long arg_long(int argc, char **argv, int i, long dflt);
/* A probe's client pins to the first CPU it may use, a server to the last (see util.c). */
void pin_first_cpu(void);
void pin_last_cpu(void);
/* Prints the usage to stderr; returns 2, the exit code of a command line the probe does not take. */
int usage(void);
/* Runs one command line (argv[1] is the command), as main does outside a VM. */
int probe_main(int argc, char **argv);
int vm_init(int argc, char **argv);
int guest_init(int argc, char **argv);

/* Each command: argv[1] is its name, argv[2] on its arguments; returns the exit code. */
typedef int command_fn(int argc, char **argv);
command_fn cmd_true;
command_fn cmd_false;
command_fn cmd_exit;
command_fn cmd_sleep;
command_fn cmd_spin;
command_fn cmd_kill_self;
command_fn cmd_hostname;
command_fn cmd_pid;
command_fn cmd_ppid;
command_fn cmd_id;
command_fn cmd_cwd;
command_fn cmd_env;
command_fn cmd_ps;
command_fn cmd_fds;
command_fn cmd_mounts;
command_fn cmd_status;
command_fn cmd_echo;
command_fn cmd_cat;
command_fn cmd_write;
command_fn cmd_ls;
command_fn cmd_stat;
command_fn cmd_symlink;
command_fn cmd_mkdir;
command_fn cmd_mount_tmpfs;
command_fn cmd_chroot;
command_fn cmd_alloc;
command_fn cmd_forks;
command_fn cmd_syscalls;
command_fn cmd_bench;
command_fn cmd_bench_slots;
command_fn cmd_first_write;
command_fn cmd_lookup;
command_fn cmd_read_file;
command_fn cmd_tcp_echo;
command_fn cmd_tcp_stream;
command_fn cmd_mount_time;
command_fn cmd_dio_write;
command_fn cmd_try;

#endif

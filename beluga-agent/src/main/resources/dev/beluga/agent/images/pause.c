/*
 * Beluga's pause program: PID 1 of every pod sandbox.
 *
 * It holds the sandbox's namespaces open and does nothing else, except what PID 1 must do:
 *   - reap zombies: children re-parented to it (when the pod shares one PID namespace) are collected on SIGCHLD;
 *   - exit 0 on SIGTERM or SIGINT, so stopping the sandbox is quick and reports success.
 * Otherwise it sleeps. The signals are blocked except while it sleeps in sigsuspend() (pause() with the signal mask
 * swapped atomically), so a SIGTERM that arrives between the loop's check and the sleep is not lost.
 * Any argument is ignored. Built by the node agent with: gcc -Os -static -s -o pause pause.c
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig) {
    (void) sig;
    stop_requested = 1;
}

static void on_child(int sig) {
    (void) sig;
    int saved = errno;
    /* several children may have ended behind one signal: collect every one that has */
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

static int handle(int sig, void (*handler)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

int main(void) {
    sigset_t handled, during_sleep;
    sigemptyset(&handled);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &handled, &during_sleep) != 0
            || handle(SIGTERM, on_stop, 0) != 0 || handle(SIGINT, on_stop, 0) != 0
            || handle(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) != 0) {
        static const char msg[] = "pause: cannot set up signal handling\n";
        (void) write(2, msg, sizeof msg - 1);
        return 1;
    }
    sigdelset(&during_sleep, SIGTERM);
    sigdelset(&during_sleep, SIGINT);
    sigdelset(&during_sleep, SIGCHLD);
    /* returns after every handled signal (with them blocked again); only a stop request ends the loop */
    while (!stop_requested) {
        sigsuspend(&during_sleep);
    }
    return 0;
}

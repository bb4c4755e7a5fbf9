/*
 * rtp-floor: the kernel floor of RTP echo I/O shapes on loopback (issue 13), without any Swift processing.
 *
 * Why: `deploy/bench-media.sh` compares `switchboard serve`'s echo with sipp's `-rtp_echo` per call-second of
 * CPU. sipp echoes with ONE UDP socket for all calls and a thread blocking in recvfrom/sendto; Switchboard gives
 * every call its own RTP socket (symmetric RTP, latching per call) and its media clock (MediaEngine.swift,
 * MediaEngine+Sockets.swift) cuts the 20 ms cycle into 40 phases of 0.5 ms and, per call and phase, does one
 * recvmmsg(MSG_DONTWAIT, 16 messages, SO_TIMESTAMPNS) and one sendto of the call's packet. This program measures
 * what such shapes cost in C, so the Swift figures can be read against the floor of the I/O pattern itself.
 *
 * What: `rtp-floor MODE N SECONDS [PORT_BASE [WARMUP_S]]` forks a reflector (the process under test) running
 * MODE, then acts as the caller: one thread with one UDP socket on 127.0.0.1:PORT_BASE that sends N streams of
 * 172-byte RTP packets (12-byte header + 160 bytes of PCMU) every 20 ms, each stream on its own schedule spread
 * over the cycle (slots of SLOT_US µs, default 100, one sendmmsg per slot), and counts the echoes (it drains
 * its socket with recvmmsg after each slot; SO_TIMESTAMPNS gives the echo's arrival for the round trip).
 * Streams go to port PORT_BASE+10+i (per-call modes) or all to PORT_BASE+10 (one-socket modes).
 * After WARMUP_S (default 2) it measures, over SECONDS, the reflector's CPU as the sum of sum_exec_runtime in
 * /proc/PID/task/ * /schedstat (as bench-media.sh does), its own CPU and the machine's (/proc/stat), then stops
 * sending, waits 300 ms for the last echoes and prints one line of key=value results.
 *
 * Reflector modes (every mode echoes each packet it receives, unchanged, to where it came from):
 *   sipp-like           one socket, blocking recvfrom + sendto (sipp's -rtp_echo thread). No timestamps.
 *   per-call-phased     N sockets (SO_TIMESTAMPNS, SO_RCVBUF 512 KiB), 40 phases of 0.5 ms on absolute
 *                       deadlines (clock_nanosleep TIMER_ABSTIME, timer slack 1 ns); call i is in phase i % 40;
 *                       per call per phase: recvmmsg(MSG_DONTWAIT, vlen 16) and a sendto per datagram read,
 *                       clock_gettime around it as MediaEngine does (Switchboard's pattern).
 *   per-call-phased-10  the same with 10 phases of 2 ms.
 *   per-call-epoll      N sockets in one epoll set (level-triggered); per ready socket one recvmsg + sendto.
 *   shared-phased       one socket (SO_TIMESTAMPNS), 40 phases: recvmmsg of everything waiting (vlen 64) into
 *                       per-call queues (by SSRC), then ONE sendmmsg of the phase's calls' packets.
 *   shared-phased-10    the same with 10 phases of 2 ms.
 *   per-call-uring      N sockets, 40 phases, io_uring (raw syscalls): per call a RECVMSG(MSG_DONTWAIT) linked
 *                       to a SENDMSG of that buffer to its source, one io_uring_enter per phase.
 *   per-call-uring-10   the same with 10 phases of 2 ms.
 *   per-call-phased-epollwait  as per-call-phased, but the phase wake-up is epoll_wait on a timerfd (NIO's way).
 *   per-call-phased-recvmsg    as per-call-phased, but one recvmsg (vlen 1) per call per phase, and another only
 *                       when the packet read is older than a cycle (its SO_TIMESTAMPNS says a backlog waits):
 *                       recvmmsg(16) always makes a second, empty receive attempt in the kernel.
 *
 * The phased loops wake at every phase even when it has no call (MediaEngine skips empty ones; the same for
 * N >= the phase count), so `rtp-floor per-call-phased 1 5` measures what a phase's timer wake-up alone costs.
 *
 * Output: mode= n= seconds= refl_cpu_ns= sender_cpu_ns= machine_busy_ticks= ticks_per_s= sent= echoed= lost=
 * (sent - echoed over the whole run, after the tail) win_sent= win_echoed= (sent in the window, and of those the
 * ones echoed) win_arrived= (echoes that arrived in the window: the reflector's work in it) rtt_p50_us=
 * rtt_p99_us= rtt_max_us= (send to echo arrival, packets sent in the window) slot_us= refl_slices= (times the
 * reflector's threads were scheduled in during the window: its wake-ups).
 * Only 127.0.0.1 is used. Build: cc -O2 -o rtp-floor rtp-floor.c (deploy/bench-floor.sh does it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if __has_include(<linux/io_uring.h>)
#include <linux/io_uring.h>
#define HAVE_URING 1
#endif

#define PKT 172
#define SLOT 2048
#define CYCLE_NS 20000000LL
#define CTRL 64

enum mode {
    SIPP_LIKE, PHASED, PHASED10, EPOLL, SHARED_PHASED, URING, PHASED_EPOLLWAIT, PHASED_RECVMSG, SHARED_PHASED10,
    URING10
};
static const char *mode_names[] = {"sipp-like",        "per-call-phased", "per-call-phased-10",
                                   "per-call-epoll",   "shared-phased",   "per-call-uring",
                                   "per-call-phased-epollwait", "per-call-phased-recvmsg", "shared-phased-10",
                                   "per-call-uring-10"};

static int n_calls;
static uint16_t sender_port, refl_base;
static volatile uint64_t sink; /* keeps the timestamp parsing from being optimized away */

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int64_t now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(int64_t deadline) {
    struct timespec ts = {.tv_sec = deadline / 1000000000LL, .tv_nsec = deadline % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

static struct sockaddr_in loopback(uint16_t port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int udp_socket(uint16_t port, int rcvbuf, int timestamps, int nonblock) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (rcvbuf) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (timestamps) setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    struct sockaddr_in a = loopback(port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        fprintf(stderr, "bind 127.0.0.1:%u: %s\n", port, strerror(errno));
        exit(1);
    }
    return fd;
}

/* SO_TIMESTAMPNS arrival (CLOCK_REALTIME ns) of a received message, 0 when absent. */
static int64_t kernel_timestamp(struct msghdr *h) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
        }
    return 0;
}

/* ---------------------------------------------------------------- reflectors */

/* Receive side shared by the phased modes: vlen message headers over vlen buffers (like RTPSocketReader). */
struct reader {
    int vlen;
    struct mmsghdr *msgs;
    struct iovec *iov;
    struct sockaddr_in *names;
    char *bufs, *ctrl;
};

static void reader_init(struct reader *r, int vlen) {
    r->vlen = vlen;
    r->msgs = calloc(vlen, sizeof *r->msgs);
    r->iov = calloc(vlen, sizeof *r->iov);
    r->names = calloc(vlen, sizeof *r->names);
    r->bufs = calloc(vlen, SLOT);
    r->ctrl = calloc(vlen, CTRL);
}

static int reader_recv(struct reader *r, int fd, int vlen) {
    for (int i = 0; i < vlen; i++) {
        r->iov[i] = (struct iovec){r->bufs + (size_t)i * SLOT, SLOT};
        struct msghdr *h = &r->msgs[i].msg_hdr;
        h->msg_name = &r->names[i];
        h->msg_namelen = sizeof r->names[i];
        h->msg_iov = &r->iov[i];
        h->msg_iovlen = 1;
        h->msg_control = r->ctrl + (size_t)i * CTRL;
        h->msg_controllen = CTRL;
        h->msg_flags = 0;
    }
    return recvmmsg(fd, r->msgs, vlen, MSG_DONTWAIT, NULL);
}

static void refl_sipp_like(int fd) {
    char buf[SLOT];
    for (;;) {
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t got = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (got <= 0) continue;
        sendto(fd, buf, got, 0, (struct sockaddr *)&from, len);
    }
}

/* Waits for a phase deadline: clock_nanosleep, or (epollwait) epoll_wait on an armed timerfd as NIO does. */
struct waiter {
    int epoll, timer;
};

static void wait_phase(struct waiter *w, int64_t deadline) {
    if (w->epoll < 0) {
        sleep_until(deadline);
        return;
    }
    struct itimerspec it = {.it_value = {deadline / 1000000000LL, deadline % 1000000000LL}};
    timerfd_settime(w->timer, TFD_TIMER_ABSTIME, &it, NULL);
    struct epoll_event ev;
    while (epoll_wait(w->epoll, &ev, 1, -1) < 1) {
    }
    uint64_t expirations;
    if (read(w->timer, &expirations, sizeof expirations) < 0) sink++;
}

static void refl_per_call_phased(int *fds, int phases, int use_epoll, int single) {
    struct reader r;
    reader_init(&r, 16);
    struct sockaddr_in *peer = calloc(n_calls, sizeof *peer);
    struct waiter w = {-1, -1};
    if (use_epoll) {
        w.epoll = epoll_create1(EPOLL_CLOEXEC);
        w.timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = w.timer};
        epoll_ctl(w.epoll, EPOLL_CTL_ADD, w.timer, &ev);
    }
    int64_t phase_ns = CYCLE_NS / phases, deadline = now_ns(CLOCK_MONOTONIC) + phase_ns;
    for (int p = 0;; p = (p + 1) % phases, deadline += phase_ns) {
        wait_phase(&w, deadline);
        int64_t start = now_ns(CLOCK_MONOTONIC), late = 0;
        for (int i = p; i < n_calls; i += phases) {
            int64_t real = 0;
            for (int round = 0; round < 32; round++) {
                int got = reader_recv(&r, fds[i], single ? 1 : r.vlen), backlog = 0;
                if (got <= 0) break;
                for (int k = 0; k < got; k++) {
                    int64_t t = kernel_timestamp(&r.msgs[k].msg_hdr);
                    if (t && !real) real = now_ns(CLOCK_REALTIME);
                    sink += real - t;
                    backlog = real - t > CYCLE_NS;
                    peer[i] = r.names[k]; /* latch */
                    sendto(fds[i], r.bufs + (size_t)k * SLOT, r.msgs[k].msg_len, MSG_DONTWAIT,
                           (struct sockaddr *)&peer[i], sizeof peer[i]);
                    late = now_ns(CLOCK_MONOTONIC) - deadline;
                }
                if (single ? !backlog : got < r.vlen) break;
            }
        }
        sink += late + start;
        int64_t now = now_ns(CLOCK_MONOTONIC);
        if (now - deadline > 60000000LL) deadline += ((now - deadline) / CYCLE_NS + 1) * CYCLE_NS;
    }
}

static void refl_per_call_epoll(int *fds) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < n_calls; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) die("epoll_ctl");
    }
    struct epoll_event events[256];
    char buf[SLOT], ctrl[CTRL];
    for (;;) {
        int ready = epoll_wait(ep, events, 256, -1);
        for (int e = 0; e < ready; e++) {
            int fd = fds[events[e].data.u32];
            struct sockaddr_in from;
            struct iovec iov = {buf, sizeof buf};
            struct msghdr h = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
                               .msg_control = ctrl, .msg_controllen = sizeof ctrl};
            ssize_t got = recvmsg(fd, &h, MSG_DONTWAIT);
            if (got <= 0) continue;
            sink += kernel_timestamp(&h);
            sendto(fd, buf, got, MSG_DONTWAIT, (struct sockaddr *)&from, sizeof from);
        }
    }
}

#define QDEPTH 8
static void refl_shared_phased(int fd, int phases) {
    struct reader r;
    reader_init(&r, 64);
    char *queue = calloc((size_t)n_calls * QDEPTH, PKT);
    int *qlen = calloc(n_calls, sizeof *qlen), *qhead = calloc(n_calls, sizeof *qhead);
    uint16_t *qsize = calloc((size_t)n_calls * QDEPTH, sizeof *qsize);
    struct sockaddr_in *peer = calloc(n_calls, sizeof *peer);
    int per_phase = (n_calls + phases - 1) / phases;
    struct mmsghdr *out = calloc(per_phase * QDEPTH, sizeof *out);
    struct iovec *oiov = calloc(per_phase * QDEPTH, sizeof *oiov);
    int64_t phase_ns = CYCLE_NS / phases, deadline = now_ns(CLOCK_MONOTONIC) + phase_ns;
    for (int p = 0;; p = (p + 1) % phases, deadline += phase_ns) {
        sleep_until(deadline);
        sink += now_ns(CLOCK_MONOTONIC);
        int64_t real = 0;
        for (int round = 0; round < 64; round++) {
            int got = reader_recv(&r, fd, r.vlen);
            if (got <= 0) break;
            for (int k = 0; k < got; k++) {
                int64_t t = kernel_timestamp(&r.msgs[k].msg_hdr);
                if (t && !real) real = now_ns(CLOCK_REALTIME);
                sink += real - t;
                const unsigned char *b = (const unsigned char *)r.bufs + (size_t)k * SLOT;
                uint32_t ssrc = (uint32_t)b[8] << 24 | b[9] << 16 | b[10] << 8 | b[11];
                int call = (int)(ssrc - 0x1000), len = r.msgs[k].msg_len;
                if (call < 0 || call >= n_calls || len > PKT) continue;
                peer[call] = r.names[k];
                if (qlen[call] == QDEPTH) { /* full: drop the oldest */
                    qhead[call] = (qhead[call] + 1) % QDEPTH;
                    qlen[call]--;
                }
                int at = call * QDEPTH + (qhead[call] + qlen[call]) % QDEPTH;
                memcpy(queue + (size_t)at * PKT, b, len);
                qsize[at] = len;
                qlen[call]++;
            }
            if (got < r.vlen) break;
        }
        int count = 0;
        for (int i = p; i < n_calls; i += phases) /* the phase's calls: everything queued for them */
            while (qlen[i] > 0) {
                int at = i * QDEPTH + qhead[i];
                oiov[count] = (struct iovec){queue + (size_t)at * PKT, qsize[at]};
                out[count].msg_hdr = (struct msghdr){.msg_name = &peer[i], .msg_namelen = sizeof peer[i],
                                                     .msg_iov = &oiov[count], .msg_iovlen = 1};
                count++;
                qhead[i] = (qhead[i] + 1) % QDEPTH;
                qlen[i]--;
            }
        for (int sent = 0; sent < count;) {
            int s = sendmmsg(fd, out + sent, count - sent, MSG_DONTWAIT);
            if (s <= 0) break;
            sent += s;
        }
        int64_t now = now_ns(CLOCK_MONOTONIC);
        if (now - deadline > 60000000LL) deadline += ((now - deadline) / CYCLE_NS + 1) * CYCLE_NS;
    }
}

#ifdef HAVE_URING
struct uring {
    int fd;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    unsigned sq_local_tail;
};

static int uring_setup(struct uring *u, unsigned entries) {
    struct io_uring_params params;
    unsigned flag_sets[] = {IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
                            IORING_SETUP_SUBMIT_ALL, 0};
    u->fd = -1;
    for (int i = 0; i < 3 && u->fd < 0; i++) {
        memset(&params, 0, sizeof params);
        params.flags = flag_sets[i];
        params.cq_entries = entries * 2;
        params.flags |= IORING_SETUP_CQSIZE;
        u->fd = (int)syscall(__NR_io_uring_setup, entries, &params);
    }
    if (u->fd < 0) return -1;
    size_t sq_size = params.sq_off.array + params.sq_entries * sizeof(unsigned);
    size_t cq_size = params.cq_off.cqes + params.cq_entries * sizeof(struct io_uring_cqe);
    if (params.features & IORING_FEAT_SINGLE_MMAP) sq_size = cq_size = sq_size > cq_size ? sq_size : cq_size;
    char *sq = mmap(0, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQ_RING);
    if (sq == MAP_FAILED) return -1;
    char *cq = sq;
    if (!(params.features & IORING_FEAT_SINGLE_MMAP)) {
        cq = mmap(0, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_CQ_RING);
        if (cq == MAP_FAILED) return -1;
    }
    u->sqes = mmap(0, params.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQES);
    if (u->sqes == MAP_FAILED) return -1;
    u->sq_tail = (unsigned *)(sq + params.sq_off.tail);
    u->sq_mask = (unsigned *)(sq + params.sq_off.ring_mask);
    u->sq_array = (unsigned *)(sq + params.sq_off.array);
    u->cq_head = (unsigned *)(cq + params.cq_off.head);
    u->cq_tail = (unsigned *)(cq + params.cq_off.tail);
    u->cq_mask = (unsigned *)(cq + params.cq_off.ring_mask);
    u->cqes = (struct io_uring_cqe *)(cq + params.cq_off.cqes);
    u->sq_local_tail = *u->sq_tail;
    return 0;
}

static struct io_uring_sqe *uring_sqe(struct uring *u) {
    unsigned index = u->sq_local_tail & *u->sq_mask;
    struct io_uring_sqe *sqe = &u->sqes[index];
    memset(sqe, 0, sizeof *sqe);
    u->sq_array[index] = index;
    u->sq_local_tail++;
    return sqe;
}

/* A call's chain: RECVMSG(MSG_DONTWAIT) -> SENDMSG of that buffer -> RECVMSG -> SENDMSG, linked, so the second
 * pair runs only when the first receive got a packet (a backlog after a burst drains by one extra packet per
 * cycle; UDP sets no IORING_CQE_F_SOCK_NONEMPTY here, so there is no cheaper way to know more is waiting). A
 * failed receive cancels the rest of the chain. The send goes to the address the SDP named (the sender), set
 * once: SENDMSG copies its msghdr (and address) when it is submitted, so it cannot take the source the linked
 * receive writes. All packets are PKT bytes, so the send length is fixed. */
#define URING_PAIRS 2
static unsigned queue_chain(struct uring *u, int call, int fd, struct msghdr *rh, struct msghdr *sh) {
    for (int k = 0; k < URING_PAIRS; k++) {
        struct io_uring_sqe *r = uring_sqe(u);
        r->opcode = IORING_OP_RECVMSG;
        r->fd = fd;
        r->addr = (uint64_t)(uintptr_t)rh;
        r->msg_flags = MSG_DONTWAIT;
        r->flags = IOSQE_IO_LINK;
        r->user_data = (uint64_t)call << 1;
        struct io_uring_sqe *s = uring_sqe(u);
        s->opcode = IORING_OP_SENDMSG;
        s->fd = fd;
        s->addr = (uint64_t)(uintptr_t)sh;
        s->msg_flags = MSG_DONTWAIT;
        s->flags = k + 1 < URING_PAIRS ? IOSQE_IO_LINK : 0;
        s->user_data = (uint64_t)call << 1 | 1;
    }
    return 2 * URING_PAIRS;
}

static void refl_per_call_uring(int *fds, int phases) {
    int per_phase = (n_calls + phases - 1) / phases;
    unsigned entries = 64;
    while (entries < (unsigned)per_phase * 2 * URING_PAIRS) entries *= 2;
    struct uring u;
    if (uring_setup(&u, entries) < 0) die("io_uring_setup");
    /* Per call: one buffer, its receive header (source, control) and its send header (to the sender). */
    char *bufs = calloc(n_calls, SLOT), *ctrl = calloc(n_calls, CTRL);
    struct sockaddr_in *names = calloc(n_calls, sizeof *names), peer = loopback(sender_port);
    struct iovec *riov = calloc(n_calls, sizeof *riov), *siov = calloc(n_calls, sizeof *siov);
    struct msghdr *rh = calloc(n_calls, sizeof *rh), *sh = calloc(n_calls, sizeof *sh);
    for (int i = 0; i < n_calls; i++) {
        riov[i] = (struct iovec){bufs + (size_t)i * SLOT, SLOT};
        siov[i] = (struct iovec){bufs + (size_t)i * SLOT, PKT};
        sh[i] = (struct msghdr){.msg_name = &peer, .msg_namelen = sizeof peer, .msg_iov = &siov[i], .msg_iovlen = 1};
    }
    int64_t phase_ns = CYCLE_NS / phases, deadline = now_ns(CLOCK_MONOTONIC) + phase_ns;
    for (int p = 0;; p = (p + 1) % phases, deadline += phase_ns) {
        sleep_until(deadline);
        sink += now_ns(CLOCK_MONOTONIC);
        unsigned queued = 0;
        for (int i = p; i < n_calls; i += phases) {
            rh[i] = (struct msghdr){.msg_name = &names[i], .msg_namelen = sizeof names[i], .msg_iov = &riov[i],
                                    .msg_iovlen = 1, .msg_control = ctrl + (size_t)i * CTRL,
                                    .msg_controllen = CTRL};
            queued += queue_chain(&u, i, fds[i], &rh[i], &sh[i]);
        }
        /* One io_uring_enter submits the phase and reaps it: the ops complete inline, nothing waits. */
        __atomic_store_n(u.sq_tail, u.sq_local_tail, __ATOMIC_RELEASE);
        if (queued) syscall(__NR_io_uring_enter, u.fd, queued, queued, IORING_ENTER_GETEVENTS, NULL, 0);
        unsigned head = *u.cq_head, tail = __atomic_load_n(u.cq_tail, __ATOMIC_ACQUIRE);
        for (; head != tail; head++) {
            struct io_uring_cqe *c = &u.cqes[head & *u.cq_mask];
            if (!(c->user_data & 1) && c->res > 0) sink += kernel_timestamp(&rh[c->user_data >> 1]);
        }
        __atomic_store_n(u.cq_head, head, __ATOMIC_RELEASE);
        int64_t now = now_ns(CLOCK_MONOTONIC);
        if (now - deadline > 60000000LL) deadline += ((now - deadline) / CYCLE_NS + 1) * CYCLE_NS;
    }
}
#endif

static void reflector(enum mode mode, int ready) {
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    int shared = mode == SIPP_LIKE || mode == SHARED_PHASED || mode == SHARED_PHASED10;
    int count = shared ? 1 : n_calls;
    int *fds = calloc(count, sizeof *fds);
    for (int i = 0; i < count; i++)
        fds[i] = mode == SIPP_LIKE ? udp_socket(refl_base, 0, 0, 0)
                                   : udp_socket(refl_base + i, 512 * 1024, 1, 1);
    if (write(ready, "r", 1) != 1) die("ready");
    close(ready);
    switch (mode) {
    case SIPP_LIKE: refl_sipp_like(fds[0]); break;
    case PHASED: refl_per_call_phased(fds, 40, 0, 0); break;
    case PHASED10: refl_per_call_phased(fds, 10, 0, 0); break;
    case PHASED_EPOLLWAIT: refl_per_call_phased(fds, 40, 1, 0); break;
    case PHASED_RECVMSG: refl_per_call_phased(fds, 40, 0, 1); break;
    case EPOLL: refl_per_call_epoll(fds); break;
    case SHARED_PHASED: refl_shared_phased(fds[0], 40); break;
    case SHARED_PHASED10: refl_shared_phased(fds[0], 10); break;
#ifdef HAVE_URING
    case URING: refl_per_call_uring(fds, 40); break;
    case URING10: refl_per_call_uring(fds, 10); break;
#endif
    default: fprintf(stderr, "mode not built\n"); exit(3);
    }
}

/* ---------------------------------------------------------------- caller (sender) and measurement */

/* sum_exec_runtime over all threads, ns; *slices (if given) = times they were scheduled in (schedstat's 3rd
 * field: wake-ups plus preemptions). */
static int64_t cpu_of(pid_t pid, int64_t *slices) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d) return 0;
    int64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char file[320];
        snprintf(file, sizeof file, "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
        FILE *f = fopen(file, "r");
        long long run = 0, wait = 0, count = 0;
        if (f) {
            if (fscanf(f, "%lld %lld %lld", &run, &wait, &count) != 3) run = count = 0;
            fclose(f);
        }
        total += run;
        if (slices) *slices += count;
    }
    closedir(d);
    return total;
}

static long long machine_busy(void) { /* user+nice+system+irq+softirq+steal ticks */
    FILE *f = fopen("/proc/stat", "r");
    long long v[8] = {0};
    if (f) {
        if (fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                   &v[6], &v[7]) != 8)
            memset(v, 0, sizeof v);
        fclose(f);
    }
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
}

#define RTT_BUCKETS 20000 /* 10 µs each, up to 200 ms */
static uint64_t rtt_hist[RTT_BUCKETS];

static int64_t rtt_percentile(double q) {
    uint64_t total = 0, seen = 0;
    for (int i = 0; i < RTT_BUCKETS; i++) total += rtt_hist[i];
    if (!total) return -1;
    for (int i = 0; i < RTT_BUCKETS; i++) {
        seen += rtt_hist[i];
        if (seen >= q * total) return (int64_t)i * 10;
    }
    return (RTT_BUCKETS - 1) * 10;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: rtp-floor MODE N SECONDS [PORT_BASE [WARMUP_S]]\nmodes:");
        for (unsigned i = 0; i < sizeof mode_names / sizeof *mode_names; i++) fprintf(stderr, " %s", mode_names[i]);
        fprintf(stderr, "\n");
        return 2;
    }
    int mode = -1;
    for (unsigned i = 0; i < sizeof mode_names / sizeof *mode_names; i++)
        if (!strcmp(argv[1], mode_names[i])) mode = (int)i;
    if (mode < 0) {
        fprintf(stderr, "unknown mode %s\n", argv[1]);
        return 2;
    }
#ifndef HAVE_URING
    if (mode == URING || mode == URING10) {
        printf("mode=%s skipped=no-io_uring-headers\n", argv[1]);
        return 0;
    }
#endif
    n_calls = atoi(argv[2]);
    double window = atof(argv[3]);
    int port_base = argc > 4 ? atoi(argv[4]) : 29000;
    double warmup = argc > 5 ? atof(argv[5]) : 2.0;
    int slot_us = getenv("SLOT_US") ? atoi(getenv("SLOT_US")) : 100;
    if (n_calls < 1 || window <= 0 || port_base < 1024 || port_base + 10 + n_calls > 65535 || slot_us < 10 ||
        20000 % slot_us) {
        fprintf(stderr, "rtp-floor: bad arguments (SLOT_US must divide 20000)\n");
        return 2;
    }
    sender_port = (uint16_t)port_base;
    refl_base = (uint16_t)(port_base + 10);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    int sfd = udp_socket(sender_port, 4 << 20, 1, 1);
    int pipefd[2];
    if (pipe(pipefd) < 0) die("pipe");
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        close(pipefd[0]);
        close(sfd);
        reflector((enum mode)mode, pipefd[1]);
        _exit(0);
    }
    close(pipefd[1]);
    char c;
    if (read(pipefd[0], &c, 1) != 1) {
        fprintf(stderr, "rtp-floor: reflector %s failed to start\n", argv[1]);
        waitpid(child, NULL, 0);
        return 1;
    }
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

    /* Streams: packet i goes to refl_base + i (per-call) or refl_base (one socket); SSRC 0x1000 + i. */
    int shared = mode == SIPP_LIKE || mode == SHARED_PHASED || mode == SHARED_PHASED10;
    unsigned char *pkts = calloc(n_calls, PKT);
    struct sockaddr_in *dest = calloc(n_calls, sizeof *dest);
    struct iovec *siov = calloc(n_calls, sizeof *siov);
    struct mmsghdr *smsg = calloc(n_calls, sizeof *smsg);
    uint16_t *seq = calloc(n_calls, sizeof *seq);
    uint32_t *ts = calloc(n_calls, sizeof *ts);
    for (int i = 0; i < n_calls; i++) {
        unsigned char *p = pkts + (size_t)i * PKT;
        p[0] = 0x80;
        p[1] = 0;
        uint32_t ssrc = 0x1000 + i;
        p[8] = ssrc >> 24, p[9] = ssrc >> 16, p[10] = ssrc >> 8, p[11] = ssrc;
        memset(p + 12, 0xff, PKT - 12);
        seq[i] = (uint16_t)(i * 7919);
        ts[i] = (uint32_t)i * 160u;
        dest[i] = loopback(shared ? refl_base : refl_base + i);
        siov[i] = (struct iovec){p, PKT};
        smsg[i].msg_hdr = (struct msghdr){.msg_name = &dest[i], .msg_namelen = sizeof dest[i], .msg_iov = &siov[i],
                                          .msg_iovlen = 1};
    }
    struct reader r;
    reader_init(&r, 64);

    int slots = 20000 / slot_us;
    int64_t slot_ns = (int64_t)slot_us * 1000;
    int64_t t0 = now_ns(CLOCK_MONOTONIC) + 10000000LL;
    int64_t wstart = t0 + (int64_t)(warmup * 1e9), wend = wstart + (int64_t)(window * 1e9);
    int64_t wstart_real = 0, wend_real = 0;
    uint64_t sent = 0, echoed = 0, win_sent = 0, win_echoed = 0, win_arrived = 0;
    int64_t refl0 = 0, refl1 = 0, self0 = 0, self1 = 0, rtt_max = 0, slices0 = 0, slices1 = 0;
    long long busy0 = 0, busy1 = 0;
    int measuring = 0;
    int64_t deadline = t0;
    for (uint64_t k = 0;; k++, deadline += slot_ns) {
        if (deadline >= wend + 300000000LL) break;
        sleep_until(deadline);
        if (!measuring && deadline >= wstart) {
            refl0 = cpu_of(child, &slices0), self0 = cpu_of(getpid(), NULL), busy0 = machine_busy();
            wstart_real = now_ns(CLOCK_REALTIME);
            measuring = 1;
        } else if (measuring == 1 && deadline >= wend) {
            refl1 = cpu_of(child, &slices1), self1 = cpu_of(getpid(), NULL), busy1 = machine_busy();
            wend_real = now_ns(CLOCK_REALTIME);
            measuring = 2;
        }
        if (deadline < wend) { /* this slot's streams */
            int slot = (int)(k % slots);
            int first = (int)((int64_t)slot * n_calls / slots), last = (int)((int64_t)(slot + 1) * n_calls / slots);
            int64_t real = now_ns(CLOCK_REALTIME);
            for (int i = first; i < last; i++) {
                unsigned char *p = pkts + (size_t)i * PKT;
                seq[i]++;
                ts[i] += 160;
                p[2] = seq[i] >> 8, p[3] = seq[i];
                p[4] = ts[i] >> 24, p[5] = ts[i] >> 16, p[6] = ts[i] >> 8, p[7] = ts[i];
                memcpy(p + 12, &real, sizeof real); /* send time, for the round trip */
            }
            for (int done = first; done < last;) {
                int s = sendmmsg(sfd, smsg + done, last - done, 0);
                if (s <= 0) break;
                done += s;
            }
            sent += last - first;
            if (measuring == 1) win_sent += last - first;
        }
        for (int round = 0; round < 64; round++) { /* echoes */
            int got = reader_recv(&r, sfd, r.vlen);
            if (got <= 0) break;
            for (int m = 0; m < got; m++) {
                const unsigned char *b = (const unsigned char *)r.bufs + (size_t)m * SLOT;
                if (r.msgs[m].msg_len != PKT) continue;
                int64_t sent_at, arrival = kernel_timestamp(&r.msgs[m].msg_hdr);
                memcpy(&sent_at, b + 12, sizeof sent_at);
                echoed++;
                if (wstart_real && arrival >= wstart_real && (!wend_real || arrival < wend_real)) win_arrived++;
                if (sent_at >= wstart_real && wstart_real && (!wend_real || sent_at < wend_real)) {
                    win_echoed++;
                    int64_t rtt = arrival ? (arrival - sent_at) / 1000 : 0;
                    if (rtt > rtt_max) rtt_max = rtt;
                    int bucket = (int)(rtt / 10);
                    rtt_hist[bucket < 0 ? 0 : bucket >= RTT_BUCKETS ? RTT_BUCKETS - 1 : bucket]++;
                }
            }
            if (got < r.vlen) break;
        }
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    double seconds = (wend_real - wstart_real) / 1e9;
    printf("mode=%s n=%d seconds=%.3f refl_cpu_ns=%lld sender_cpu_ns=%lld machine_busy_ticks=%lld ticks_per_s=%ld "
           "sent=%llu echoed=%llu lost=%lld win_sent=%llu win_echoed=%llu win_arrived=%llu rtt_p50_us=%lld rtt_p99_us=%lld "
           "rtt_max_us=%lld slot_us=%d refl_slices=%lld\n",
           mode_names[mode], n_calls, seconds, (long long)(refl1 - refl0), (long long)(self1 - self0),
           busy1 - busy0, sysconf(_SC_CLK_TCK), (unsigned long long)sent, (unsigned long long)echoed,
           (long long)sent - (long long)echoed, (unsigned long long)win_sent, (unsigned long long)win_echoed, (unsigned long long)win_arrived,
           (long long)rtt_percentile(0.5), (long long)rtt_percentile(0.99), (long long)rtt_max, slot_us, (long long)(slices1 - slices0));
    return 0;
}

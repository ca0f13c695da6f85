/*
 * SMTP load generator in C, for the benchmarks: the same sessions, messages and JSON summary as smtpload.py,
 * at a small fraction of its CPU cost. At one session Python's asyncio spent about 1 ms per message of its own
 * (a third of Tern's whole cycle), and at 20 or 100 sessions it took CPU from the server it measured: on a
 * 2-core machine the client's cost decides much of the result. smtpload.py stays for the crash and fault
 * scripts (ack log, stop file).
 *
 *   cc -O2 -o smtpload scripts/bench/smtpload.c
 *   smtpload --port 2525 --sessions 20 --duration 10 [--size 2048] [--per-connection 1] [--run ID]
 *            [--timeout 10] [--users 10] [--domain bench.test] [--sender-domain sender.test] [--json FILE]
 *            (or --messages N instead of --duration)
 *
 * One thread, epoll, SESSIONS connections at a time to 127.0.0.1 (or --host, IPv4). Each connection: banner,
 * EHLO, then PER-CONNECTION messages (MAIL, RCPT, DATA, body and "." in one write), then QUIT. A message is
 * smtpload.py's `message_bytes`, byte for byte, so maildir_check.py checks what was delivered. The latency is
 * from writing the body's last part (with its ".") to reading the whole reply. A reply that does not come within
 * TIMEOUT seconds, a refused connection or a closed one count as errors named as smtpload.py names them
 * ("banner: TimeoutError", "connect: Connection refused"), and the session starts over after 50 ms.
 * The summary also has "wait_ms" (smtpload.c only): per stage, the mean time the client waited for the server,
 * from connect() to the connection, from the connection to the banner, and from each command to its reply.
 * It shows where a session's cycle goes (at one session, the cycle is nearly their sum).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum stage { IDLE, CONNECTING, BANNER, EHLO, MAIL, RCPT, DATA, DOT, QUIT };
static const char *stage_names[] = {"idle", "connect", "banner", "EHLO", "MAIL", "RCPT", "DATA", "end of DATA", "QUIT"};

struct session {
    int index, fd, sent_here;
    long seq;
    enum stage stage;
    double reply_deadline, retry_at, dot_sent, stage_started;
    char in[16384];
    size_t in_len;
    char *out;
    size_t out_len, out_off, out_cap;
};

static struct {
    const char *host, *domain, *sender_domain, *run, *json;
    int port, sessions, per_connection, size, users;
    double duration, timeout;
    long messages;
} opt = {"127.0.0.1", "bench.test", "sender.test", NULL, NULL, 0, 1, 1, 2048, 10, 0, 10, -1};

static long counter, acked, temp_failed, perm_failed, connections;
/* Per stage: how long the client waited for the server (connect, or the reply), summed, and how often. */
static double stage_wait[QUIT + 1];
static long stage_waits[QUIT + 1];
static double *latencies;
static size_t latency_count, latency_cap;
static struct { char name[96]; long count; } errors[64];
static int error_kinds;
static int epoll_fd;
static double deadline;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void count_error(const char *fmt, ...) {
    char name[96];
    va_list args;
    va_start(args, fmt);
    vsnprintf(name, sizeof name, fmt, args);
    va_end(args);
    for (int i = 0; i < error_kinds; i++)
        if (strcmp(errors[i].name, name) == 0) { errors[i].count++; return; }
    if (error_kinds < 64) {
        snprintf(errors[error_kinds].name, sizeof errors[error_kinds].name, "%s", name);
        errors[error_kinds++].count = 1;
    }
}

/* Whether another message may be sent (before the deadline, within the count); counts it. */
static int take_one(void) {
    if (opt.duration > 0 && now() >= deadline) return 0;
    if (opt.messages >= 0) {
        if (counter >= opt.messages) return 0;
        counter++;
    }
    return 1;
}

static void out_append(struct session *s, const char *bytes, size_t len) {
    if (s->out_len + len > s->out_cap) {
        s->out_cap = (s->out_len + len) * 2;
        s->out = realloc(s->out, s->out_cap);
        if (!s->out) { perror("realloc"); exit(1); }
    }
    memcpy(s->out + s->out_len, bytes, len);
    s->out_len += len;
}

static void out_printf(struct session *s, const char *fmt, ...) {
    char line[512];
    va_list args;
    va_start(args, fmt);
    int len = vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    out_append(s, line, (size_t)len);
}

/* smtpload.py's message_bytes, then the final ".". */
static void append_message(struct session *s, const char *ident, const char *rcpt) {
    size_t start = s->out_len;
    out_printf(s, "From: load <load@%s>\r\nTo: %s\r\nSubject: tern-load %s\r\nMessage-ID: <%s@tern-load.test>\r\n"
                  "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n\r\n", opt.domain, rcpt, ident, ident);
    char end[128];
    int end_len = snprintf(end, sizeof end, "END %s\r\n", ident);
    for (int n = 0;; n++) {
        char line[256];
        int len = snprintf(line, sizeof line, "%s line %05d abcdefghijklmnopqrstuvwxyz0123456789\r\n", ident, n);
        if ((long)(s->out_len - start) + len > (long)opt.size - end_len && n > 0) break;
        out_append(s, line, (size_t)len);
    }
    out_append(s, end, (size_t)end_len);
    out_append(s, ".\r\n", 3);
}

static void watch(struct session *s, int op, unsigned events) {
    struct epoll_event event = {.events = events, .data.ptr = s};
    if (epoll_ctl(epoll_fd, op, s->fd, &event) != 0) { perror("epoll_ctl"); exit(1); }
}

static void flush_out(struct session *s);

static void send_command(struct session *s, enum stage stage, const char *fmt, ...) {
    char line[512];
    va_list args;
    va_start(args, fmt);
    int len = vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    s->stage = stage;
    out_append(s, line, (size_t)len);
    s->stage_started = now();
    s->reply_deadline = s->stage_started + opt.timeout;
    flush_out(s);
}

static void close_session(struct session *s, double retry_after) {
    if (s->fd >= 0) {
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
        close(s->fd);
    }
    s->fd = -1;
    s->stage = IDLE;
    s->in_len = s->out_len = s->out_off = 0;
    s->retry_at = now() + retry_after;
}

static void fail(struct session *s, const char *kind) {
    count_error("%s: %s", stage_names[s->stage], kind);
    close_session(s, 0.05);
}

static void flush_out(struct session *s) {
    while (s->out_off < s->out_len) {
        ssize_t sent = send(s->fd, s->out + s->out_off, s->out_len - s->out_off, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { watch(s, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT); return; }
            fail(s, "ConnectionError");
            return;
        }
        s->out_off += (size_t)sent;
    }
    s->out_len = s->out_off = 0;
}

static void start_connection(struct session *s) {
    if (!take_one()) { s->stage = IDLE; s->retry_at = -1; return; }
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) { perror("socket"); exit(1); }
    int one = 1;
    setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)opt.port)};
    inet_pton(AF_INET, opt.host, &address.sin_addr);
    s->sent_here = 0;
    s->stage = CONNECTING;
    s->stage_started = now();
    s->reply_deadline = s->stage_started + opt.timeout;
    if (connect(s->fd, (struct sockaddr *)&address, sizeof address) != 0 && errno != EINPROGRESS) {
        count_error("connect: %s", strerror(errno));
        counter -= opt.messages >= 0;  /* the message was not sent */
        close_session(s, 0.05);
        return;
    }
    watch(s, EPOLL_CTL_ADD, EPOLLOUT);
}

static void next_message_or_quit(struct session *s) {
    if (s->sent_here < opt.per_connection && (s->sent_here == 0 || take_one())) {
        s->seq++;
        s->sent_here++;
        send_command(s, MAIL, "MAIL FROM:<load%d@%s>\r\n", s->index, opt.sender_domain);
    } else {
        send_command(s, QUIT, "QUIT\r\n");
    }
}

static void record_latency(double seconds) {
    if (latency_count == latency_cap) {
        latency_cap = latency_cap ? latency_cap * 2 : 4096;
        latencies = realloc(latencies, latency_cap * sizeof *latencies);
        if (!latencies) { perror("realloc"); exit(1); }
    }
    latencies[latency_count++] = seconds;
}

/* One whole reply (its last line is `code` followed by a space) for the session's stage. */
static void handle_reply(struct session *s, int code, const char *first_line) {
    char ident[96], rcpt[160];
    double waited = now() - (s->stage == DOT ? s->dot_sent : s->stage_started);
    stage_wait[s->stage] += waited;
    stage_waits[s->stage]++;
    switch (s->stage) {
    case BANNER:
        if (code != 220) { count_error("banner %d", code); close_session(s, 0); return; }
        send_command(s, EHLO, "EHLO load%d.tern-load.test\r\n", s->index);
        return;
    case EHLO:
        if (code != 250) { count_error("EHLO %d", code); close_session(s, 0); return; }
        next_message_or_quit(s);
        return;
    case MAIL:
        if (code != 250) { count_error("MAIL %d", code); send_command(s, QUIT, "QUIT\r\n"); return; }
        snprintf(rcpt, sizeof rcpt, "user%ld@%s", ((long)s->index * 7919 + s->seq) % opt.users, opt.domain);
        send_command(s, RCPT, "RCPT TO:<%s>\r\n", rcpt);
        return;
    case RCPT:
        if (code != 250) { count_error("RCPT %d", code); send_command(s, QUIT, "QUIT\r\n"); return; }
        send_command(s, DATA, "DATA\r\n");
        return;
    case DATA:
        if (code != 354) { count_error("DATA %d", code); send_command(s, QUIT, "QUIT\r\n"); return; }
        snprintf(ident, sizeof ident, "%s.%d.%ld", opt.run, s->index, s->seq);
        snprintf(rcpt, sizeof rcpt, "user%ld@%s", ((long)s->index * 7919 + s->seq) % opt.users, opt.domain);
        s->stage = DOT;
        append_message(s, ident, rcpt);
        s->dot_sent = now();
        s->reply_deadline = s->dot_sent + opt.timeout;
        flush_out(s);
        return;
    case DOT:
        if (code >= 200 && code < 300) {
            acked++;
            record_latency(waited);
        } else {
            if (code >= 400 && code < 500) temp_failed++; else perm_failed++;
            count_error("end of DATA %d %.56s", code, strlen(first_line) > 4 ? first_line + 4 : "");
        }
        next_message_or_quit(s);
        return;
    case QUIT:
        close_session(s, 0);
        return;
    default:
        return;
    }
}

static void readable(struct session *s) {
    while (s->fd >= 0) {
        ssize_t got = recv(s->fd, s->in + s->in_len, sizeof s->in - s->in_len - 1, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return;
            fail(s, "ConnectionError");
            return;
        }
        if (got == 0) {
            if (s->stage == QUIT) close_session(s, 0); else fail(s, "ConnectionError");
            return;
        }
        s->in_len += (size_t)got;
        s->in[s->in_len] = 0;
        /* Handle every complete reply in the buffer (a server may answer several pipelined lines). */
        char *line = s->in;
        char *reply_start = s->in;
        char *eol;
        while (s->fd >= 0 && (eol = strstr(line, "\r\n")) != NULL) {
            if (eol - line < 3) { fail(s, "ValueError"); return; }
            if (eol - line == 3 || line[3] == ' ') {
                int code = atoi(line);
                char first[128];
                size_t first_len = (size_t)(strstr(reply_start, "\r\n") - reply_start);
                snprintf(first, sizeof first, "%.*s", (int)(first_len < 127 ? first_len : 127), reply_start);
                size_t used = (size_t)(eol + 2 - s->in);
                memmove(s->in, s->in + used, s->in_len - used);
                s->in_len -= used;
                s->in[s->in_len] = 0;
                handle_reply(s, code, first);
                line = reply_start = s->in;
            } else {
                line = eol + 2;
            }
        }
        if (s->in_len >= sizeof s->in - 1) { fail(s, "ValueError"); return; }
    }
}

static void writable(struct session *s) {
    if (s->stage == CONNECTING) {
        int error = 0;
        socklen_t len = sizeof error;
        getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0) {
            count_error("connect: %s", strerror(error));
            counter -= opt.messages >= 0;
            close_session(s, 0.05);
            return;
        }
        connections++;
        double connected = now();
        stage_wait[CONNECTING] += connected - s->stage_started;
        stage_waits[CONNECTING]++;
        s->stage = BANNER;
        s->stage_started = connected;
        s->reply_deadline = connected + opt.timeout;
        watch(s, EPOLL_CTL_MOD, EPOLLIN);
        return;
    }
    flush_out(s);
    if (s->fd >= 0 && s->out_len == 0) watch(s, EPOLL_CTL_MOD, EPOLLIN);
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(double fraction) {
    long index = (long)(fraction * latency_count + 0.5 + 0.5) - 1;  /* smtpload.py: round(f * n + 0.5) - 1 */
    if (index < 0) index = 0;
    if (index >= (long)latency_count) index = (long)latency_count - 1;
    return latencies[index];
}

static void usage(void) {
    fprintf(stderr, "usage: smtpload --port PORT [--host IPV4] [--sessions N] (--duration S | --messages N)\n"
                    "       [--per-connection K] [--size BYTES] [--timeout S] [--users N] [--domain D]\n"
                    "       [--sender-domain D] [--run ID] [--json FILE]\n");
    exit(2);
}

int main(int argc, char **argv) {
    char default_run[32];
    snprintf(default_run, sizeof default_run, "r%d", (int)getpid());
    opt.run = default_run;
    for (int i = 1; i < argc; i++) {
        const char *name = argv[i];
        if (i + 1 >= argc) usage();
        const char *value = argv[++i];
        if (!strcmp(name, "--host")) opt.host = value;
        else if (!strcmp(name, "--port")) opt.port = atoi(value);
        else if (!strcmp(name, "--sessions")) opt.sessions = atoi(value);
        else if (!strcmp(name, "--duration")) opt.duration = atof(value);
        else if (!strcmp(name, "--messages")) opt.messages = atol(value);
        else if (!strcmp(name, "--per-connection")) opt.per_connection = atoi(value);
        else if (!strcmp(name, "--size")) opt.size = atoi(value);
        else if (!strcmp(name, "--timeout")) opt.timeout = atof(value);
        else if (!strcmp(name, "--users")) opt.users = atoi(value);
        else if (!strcmp(name, "--domain")) opt.domain = value;
        else if (!strcmp(name, "--sender-domain")) opt.sender_domain = value;
        else if (!strcmp(name, "--run")) opt.run = value;
        else if (!strcmp(name, "--json")) opt.json = value;
        else usage();
    }
    struct in_addr probe;
    if (opt.port <= 0 || opt.sessions <= 0 || opt.per_connection <= 0 || opt.users <= 0
        || (opt.duration <= 0 && opt.messages < 0) || inet_pton(AF_INET, opt.host, &probe) != 1)
        usage();

    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct session *sessions = calloc((size_t)opt.sessions, sizeof *sessions);
    double started = now();
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    deadline = started + opt.duration;
    for (int i = 0; i < opt.sessions; i++) {
        sessions[i].index = i;
        sessions[i].fd = -1;
        start_connection(&sessions[i]);
    }
    struct epoll_event events[256];
    for (;;) {
        int active = 0;
        double t = now();
        for (int i = 0; i < opt.sessions; i++) {
            struct session *s = &sessions[i];
            if (s->stage == IDLE) {
                if (s->retry_at >= 0 && t >= s->retry_at) start_connection(s);
            } else if (t >= s->reply_deadline) {
                fail(s, "TimeoutError");
            }
            if (s->stage != IDLE || s->retry_at >= 0) active++;
        }
        if (active == 0) break;
        int ready = epoll_wait(epoll_fd, events, 256, 20);
        for (int i = 0; i < ready; i++) {
            struct session *s = events[i].data.ptr;
            if (s->fd < 0) continue;
            if (events[i].events & EPOLLOUT) writable(s);
            if (s->fd >= 0 && (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
                if (s->stage == CONNECTING) writable(s); else readable(s);
            }
        }
    }
    double elapsed = now() - started;
    qsort(latencies, latency_count, sizeof *latencies, compare_doubles);

    char text[8192];
    int len = snprintf(text, sizeof text,
        "{\"sessions\": %d, \"seconds\": %.3f, \"acked\": %ld, \"temp_failed\": %ld, \"perm_failed\": %ld, "
        "\"connections\": %ld, \"accepted_per_second\": %.1f, ",
        opt.sessions, elapsed, acked, temp_failed, perm_failed, connections, elapsed > 0 ? acked / elapsed : 0);
    if (latency_count)
        len += snprintf(text + len, sizeof text - (size_t)len, "\"p50_ms\": %.2f, \"p99_ms\": %.2f, ",
                        percentile(0.50) * 1000, percentile(0.99) * 1000);
    else
        len += snprintf(text + len, sizeof text - (size_t)len, "\"p50_ms\": null, \"p99_ms\": null, ");
    len += snprintf(text + len, sizeof text - (size_t)len, "\"errors\": {");
    for (int i = 0; i < error_kinds; i++) {
        char escaped[192];
        size_t e = 0;
        for (const char *c = errors[i].name; *c && e < sizeof escaped - 2; c++) {
            if (*c == '"' || *c == '\\') escaped[e++] = '\\';
            escaped[e++] = (*c >= 0x20 && *c < 0x7f) ? *c : '?';
        }
        escaped[e] = 0;
        len += snprintf(text + len, sizeof text - (size_t)len, "%s\"%s\": %ld", i ? ", " : "", escaped, errors[i].count);
    }
    len += snprintf(text + len, sizeof text - (size_t)len, "}, \"wait_ms\": {");
    for (int stage = CONNECTING, first = 1; stage <= QUIT; stage++) {
        if (!stage_waits[stage]) continue;
        len += snprintf(text + len, sizeof text - (size_t)len, "%s\"%s\": %.3f", first ? "" : ", ", stage_names[stage],
                        stage_wait[stage] * 1000 / stage_waits[stage]);
        first = 0;
    }
    snprintf(text + len, sizeof text - (size_t)len, "}, \"started_epoch\": %.6f, \"client\": \"smtpload.c\"}\n",
             wall.tv_sec + wall.tv_nsec / 1e9);
    if (opt.json) {
        FILE *file = fopen(opt.json, "w");
        if (!file) { perror(opt.json); return 1; }
        fputs(text, file);
        fclose(file);
    } else {
        fputs(text, stdout);
    }
    return 0;
}

/*
 * testapp: a tiny HTTP/1.1 server for dockerera's tests, built static for a FROM-scratch image.
 *
 *   gcc -O2 -static -pthread -DVERSION='"v1"' -o testapp server.c     (add -DBROKEN for the broken variant)
 *
 * GET /            200 "testapp <version> on <hostname>\n"   (version: $VERSION, else the compile-time VERSION)
 * GET /health      200 "ok"
 * GET /env/NAME    200 value of environment variable NAME, 404 if unset
 * GET /sleep?ms=N  200 after N ms (at most 60000): an in-flight request for drain tests
 * GET /headers     200 the request's header block as received (what a router added: X-Forwarded-*, Forwarded …)
 * GET /ws          a websocket (RFC 6455) echoing every text/binary message, answering pings, closing on close
 * HEAD of any of these, anything else 404; keep-alive (HTTP/1.1 default, HTTP/1.0 with the header) and pipelining.
 *
 * Environment: PORT (8080), DRAIN_MS (500), LOG_REQUESTS (1; 0 logs only requests served after SIGTERM),
 * IDLE_TIMEOUT_S (120, keep-alive idle limit).
 * `testapp --check` requests /health on 127.0.0.1:$PORT and exits 0 on a 200: a HEALTHCHECK command for scratch images.
 * `testapp --echo [--exit N] [--lines N] [--sleep-ms MS] WORDS...` (one-off runs): prints "echo WORDS..." and
 * "GREETING=<$GREETING or unset>" on stdout, "stderr: WORDS..." on stderr, then N lines "line 1".."line N" on stdout,
 * sleeps MS, and exits with code N of --exit (0 by default). Every line is one write.
 *
 * SIGTERM/SIGINT: keeps accepting and serving for DRAIN_MS (answering with "Connection: close"), then closes the
 * listening socket, lets in-flight requests finish (at most 5 s more) and exits 0. Each request is logged as one
 * line on stdout (one write, so lines never interleave); after SIGTERM the line starts with "served-after-sigterm".
 * One thread per connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "dev"
#endif

#define BUF_SIZE 8192

static const char *version = VERSION;
static char hostname[256] = "unknown";
static int listen_fd = -1;
static int log_requests = 1;
static int idle_timeout_s = 120;
static atomic_int terminating;        /* set once SIGTERM arrived */
static atomic_int in_flight;          /* requests being handled right now */
static atomic_long served_after_term; /* requests answered after SIGTERM */
static struct timespec term_at;

static long ms_since(const struct timespec *t) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* One log line in one write(2): unbuffered, so it is flushed at once and never interleaves with other threads. */
static void logf_line(const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (n > (int)sizeof line - 2) n = sizeof line - 2;
    line[n++] = '\n';
    ssize_t w = write(STDOUT_FILENO, line, n);
    (void)w;
}

static int env_int(const char *name, int def) {
    const char *v = getenv(name);
    return v && *v ? atoi(v) : def;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= w;
    }
    return 0;
}

/* Case-insensitive search for a header "name: value-containing-token" inside the header block. */
static int header_has(const char *hdrs, const char *name, const char *token) {
    size_t nl = strlen(name);
    for (const char *p = hdrs; p && *p; p = strstr(p, "\r\n"), p = p ? p + 2 : NULL) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *end = strstr(p, "\r\n");
            size_t len = end ? (size_t)(end - p) : strlen(p);
            for (const char *q = p + nl + 1; q + strlen(token) <= p + len; q++)
                if (strncasecmp(q, token, strlen(token)) == 0) return 1;
        }
    }
    return 0;
}

static long header_long(const char *hdrs, const char *name) {
    size_t nl = strlen(name);
    for (const char *p = hdrs; p && *p; p = strstr(p, "\r\n"), p = p ? p + 2 : NULL)
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') return strtol(p + nl + 1, NULL, 10);
    return 0;
}

/* ---- websocket: SHA-1 and base64 for the handshake, then an echo loop ---- */

static uint32_t rol(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

static void sha1(const unsigned char *msg, size_t len, unsigned char out[20]) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    size_t total = ((len + 8) / 64 + 1) * 64;
    unsigned char *m = calloc(total, 1);
    memcpy(m, msg, len);
    m[len] = 0x80;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) m[total - 1 - i] = (unsigned char)(bits >> (8 * i));
    for (size_t off = 0; off < total; off += 64) {
        uint32_t w[80];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)m[off + 4 * i] << 24 | (uint32_t)m[off + 4 * i + 1] << 16 |
                   (uint32_t)m[off + 4 * i + 2] << 8 | m[off + 4 * i + 3];
        for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; i++) {
            uint32_t f, k;
            if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999;
            else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
            else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
            else f = b ^ c ^ d, k = 0xCA62C1D6;
            uint32_t t = rol(a, 5) + f + e + k + w[i];
            e = d, d = c, c = rol(b, 30), b = a, a = t;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
    }
    free(m);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++) out[4 * i + j] = (unsigned char)(h[i] >> (24 - 8 * j));
}

static void base64(const unsigned char *in, size_t len, char *out) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
        out[o++] = t[v >> 18 & 63];
        out[o++] = t[v >> 12 & 63];
        out[o++] = i + 1 < len ? t[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? t[v & 63] : '=';
    }
    out[o] = '\0';
}

/* The value of header name (trimmed) into out, or 0 when absent. */
static int header_value(const char *hdrs, const char *name, char *out, size_t size) {
    size_t nl = strlen(name);
    for (const char *p = hdrs; p && *p; p = strstr(p, "\r\n"), p = p ? p + 2 : NULL) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ' || *v == '\t') v++;
            const char *end = strstr(v, "\r\n");
            size_t len = end ? (size_t)(end - v) : strlen(v);
            while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
            if (len >= size) len = size - 1;
            memcpy(out, v, len);
            out[len] = '\0';
            return 1;
        }
    }
    return 0;
}

/* Reads exactly n bytes: first from what is buffered (pending/plen), then from the socket. */
static int read_exact(int fd, unsigned char *dst, size_t n, const char **pending, size_t *plen) {
    while (n > 0) {
        if (*plen > 0) {
            size_t k = n < *plen ? n : *plen;
            memcpy(dst, *pending, k);
            *pending += k, *plen -= k, dst += k, n -= k;
            continue;
        }
        ssize_t r = recv(fd, dst, n, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        dst += r, n -= (size_t)r;
    }
    return 0;
}

static int ws_send(int fd, int opcode, const unsigned char *payload, size_t len) {
    unsigned char hdr[10];
    size_t h = 0;
    hdr[h++] = (unsigned char)(0x80 | opcode);
    if (len < 126) hdr[h++] = (unsigned char)len;
    else if (len < 65536) hdr[h++] = 126, hdr[h++] = (unsigned char)(len >> 8), hdr[h++] = (unsigned char)len;
    else return -1;
    if (write_all(fd, (const char *)hdr, h) < 0) return -1;
    return len ? write_all(fd, (const char *)payload, len) : 0;
}

/* The websocket at /ws: handshake, then echo frames until close. Returns 1 (the connection ends with it). */
static int websocket(int fd, const char *hdrs, const char *pending, size_t plen) {
    char key[128], accept_src[200], accept[64];
    unsigned char digest[20];
    if (!header_has(hdrs, "Upgrade", "websocket") || !header_value(hdrs, "Sec-WebSocket-Key", key, sizeof key)) {
        static const char no[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 19\r\nConnection: close\r\n\r\n"
                                 "websocket required\n";
        write_all(fd, no, sizeof no - 1);
        return 1;
    }
    snprintf(accept_src, sizeof accept_src, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
    sha1((const unsigned char *)accept_src, strlen(accept_src), digest);
    base64(digest, 20, accept);
    char resp[256];
    int n = snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
    if (write_all(fd, resp, (size_t)n) < 0) return 1;
    if (log_requests) logf_line("GET /ws websocket open");
    unsigned char h2[2], ext[8], mask[4], *payload = malloc(65536);
    for (;;) {
        if (read_exact(fd, h2, 2, &pending, &plen) < 0) break;
        int opcode = h2[0] & 0x0f;
        uint64_t len = h2[1] & 0x7f;
        if (len == 126) {
            if (read_exact(fd, ext, 2, &pending, &plen) < 0) break;
            len = (uint64_t)ext[0] << 8 | ext[1];
        } else if (len == 127) {
            break; /* tests send small messages */
        }
        if (len > 65535) break;
        if ((h2[1] & 0x80) && read_exact(fd, mask, 4, &pending, &plen) < 0) break;
        if (read_exact(fd, payload, (size_t)len, &pending, &plen) < 0) break;
        if (h2[1] & 0x80)
            for (uint64_t i = 0; i < len; i++) payload[i] ^= mask[i % 4];
        if (opcode == 8) { ws_send(fd, 8, payload, len < 2 ? len : 2); break; }
        if (opcode == 9) { if (ws_send(fd, 10, payload, (size_t)len) < 0) break; continue; }
        if (opcode == 10) continue;
        if (ws_send(fd, opcode, payload, (size_t)len) < 0) break;
    }
    free(payload);
    if (log_requests) logf_line("GET /ws websocket closed");
    return 1;
}

/* Builds the response for one request; returns 0 to keep the connection open, 1 to close it after the response. */
static int respond(int fd, const char *method, const char *target, const char *proto, const char *hdrs) {
    char body[BUF_SIZE / 2];
    int status = 200;
    const char *reason = "OK";
    int head = strcmp(method, "HEAD") == 0;

    if (!head && strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0) {
        status = 405, reason = "Method Not Allowed";
        snprintf(body, sizeof body, "method not allowed\n");
    } else if (strcmp(target, "/") == 0) {
        snprintf(body, sizeof body, "testapp %s on %s\n", version, hostname);
    } else if (strcmp(target, "/health") == 0) {
        snprintf(body, sizeof body, "ok");
    } else if (strcmp(target, "/headers") == 0) {
        snprintf(body, sizeof body, "%s", hdrs);
    } else if (strncmp(target, "/env/", 5) == 0 && target[5]) {
        const char *v = getenv(target + 5);
        if (v) snprintf(body, sizeof body, "%s", v);
        else status = 404, reason = "Not Found", snprintf(body, sizeof body, "not set\n");
    } else if (strncmp(target, "/sleep?ms=", 10) == 0) {
        long ms = strtol(target + 10, NULL, 10);
        if (ms < 0) ms = 0;
        if (ms > 60000) ms = 60000;
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
        snprintf(body, sizeof body, "slept %ld ms\n", ms);
    } else {
        status = 404, reason = "Not Found";
        snprintf(body, sizeof body, "not found\n");
    }

    int http10 = strcmp(proto, "HTTP/1.0") == 0;
    int close_conn = http10 ? !header_has(hdrs, "Connection", "keep-alive") : header_has(hdrs, "Connection", "close");
    int term = atomic_load(&terminating);
    if (term) close_conn = 1; /* draining: make keep-alive clients reconnect (and notice when we are gone) */

    char resp[BUF_SIZE];
    size_t blen = strlen(body);
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: %s\r\n\r\n%s",
                     status, reason, blen, close_conn ? "close" : "keep-alive", head ? "" : body);
    int rc = write_all(fd, resp, (size_t)n);

    if (term) {
        atomic_fetch_add(&served_after_term, 1);
        logf_line("served-after-sigterm %s %s %s %d +%ldms", method, target, proto, status, ms_since(&term_at));
    } else if (log_requests) {
        logf_line("%s %s %s %d", method, target, proto, status);
    }
    return rc < 0 || close_conn;
}

static void *serve_conn(void *arg) {
    static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    static const char big[] = "HTTP/1.1 431 Request Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    int fd = (int)(long)arg;
    char buf[BUF_SIZE + 1];
    size_t len = 0;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {idle_timeout_s, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    for (;;) {
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end) {
            /* A complete header block: parse it, wait for a (small) body if announced, answer. */
            size_t hlen = (size_t)(end - buf) + 4;
            end[2] = '\0'; /* the header block keeps its last CRLF */
            char method[16] = "", target[1024] = "", proto[16] = "";
            char *hdrs = strstr(buf, "\r\n") + 2;
            int ok = sscanf(buf, "%15s %1023s %15s", method, target, proto) == 3 && strncmp(proto, "HTTP/1.", 7) == 0;
            long clen = ok ? header_long(hdrs, "Content-Length") : 0;
            if (!ok || clen < 0 || header_has(hdrs, "Transfer-Encoding", "chunked")) {
                write_all(fd, bad, sizeof bad - 1);
                break;
            }
            if (hlen + (size_t)clen > BUF_SIZE) {
                write_all(fd, big, sizeof big - 1);
                break;
            }
            while (len < hlen + (size_t)clen) { /* tests send no bodies; this only keeps the stream in sync */
                ssize_t r = recv(fd, buf + len, BUF_SIZE - len, 0);
                if (r <= 0) goto out;
                len += (size_t)r;
            }
            if (strcmp(target, "/ws") == 0 && strcmp(method, "GET") == 0) {
                websocket(fd, hdrs, buf + hlen + clen, len - hlen - (size_t)clen);
                break;
            }
            atomic_fetch_add(&in_flight, 1);
            int done = respond(fd, method, target, proto, hdrs);
            atomic_fetch_sub(&in_flight, 1);
            if (done) break;
            hlen += (size_t)clen;
            memmove(buf, buf + hlen, len - hlen); /* keep pipelined requests */
            len -= hlen;
            continue;
        }
        if (len >= BUF_SIZE) {
            write_all(fd, big, sizeof big - 1);
            break;
        }
        ssize_t r = recv(fd, buf + len, BUF_SIZE - len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break; /* closed, error or idle timeout */
        len += (size_t)r;
    }
out:
    close(fd);
    return NULL;
}

/* Waits for SIGTERM/SIGINT, drains, then exits 0. All other threads have these signals blocked. */
static void *signal_thread(void *arg) {
    sigset_t *set = arg;
    int sig = 0;
    sigwait(set, &sig);
    int drain_ms = env_int("DRAIN_MS", 500);
    clock_gettime(CLOCK_MONOTONIC, &term_at);
    atomic_store(&terminating, 1);
    logf_line("received %s: draining %d ms", sig == SIGTERM ? "SIGTERM" : "SIGINT", drain_ms);
    struct timespec ts = {drain_ms / 1000, (drain_ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
    shutdown(listen_fd, SHUT_RDWR); /* wakes the accept loop and refuses new connections */
    close(listen_fd);
    for (int i = 0; i < 500 && atomic_load(&in_flight) > 0; i++) usleep(10000);
    logf_line("exiting after drain: %ld request(s) served after %s", atomic_load(&served_after_term),
              sig == SIGTERM ? "SIGTERM" : "SIGINT");
    _exit(0);
    return NULL;
}

/* `testapp --check`: exits 0 if GET /health on 127.0.0.1:$PORT answers 200 within 2 s. */
static int check(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) return 1;
    const char *req = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    if (write_all(fd, req, strlen(req)) < 0) return 1;
    char buf[64] = "";
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    return n > 12 && strncmp(buf + 8, " 200", 4) == 0 ? 0 : 1;
}

/* `testapp --echo ...`: see the top of this file. */
static int echo_mode(int argc, char **argv) {
    char words[2048] = "";
    size_t used = 0;
    int exit_code = 0, lines = 0;
    long sleep_ms = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc) { exit_code = atoi(argv[++i]); continue; }
        if (strcmp(argv[i], "--lines") == 0 && i + 1 < argc) { lines = atoi(argv[++i]); continue; }
        if (strcmp(argv[i], "--sleep-ms") == 0 && i + 1 < argc) { sleep_ms = atol(argv[++i]); continue; }
        int n = snprintf(words + used, sizeof words - used, "%s%s", used ? " " : "", argv[i]);
        if (n < 0 || (size_t)n >= sizeof words - used) break;
        used += (size_t)n;
    }
    const char *greeting = getenv("GREETING");
    logf_line("echo %s", words);
    logf_line("GREETING=%s", greeting ? greeting : "<unset>");
    char err[2100];
    int n = snprintf(err, sizeof err - 1, "stderr: %s", words);
    if (n > (int)sizeof err - 2) n = sizeof err - 2;
    err[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, err, (size_t)n);
    (void)w;
    for (int i = 1; i <= lines; i++) logf_line("line %d", i);
    if (sleep_ms > 0) {
        struct timespec ts = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
    }
    return exit_code;
}

int main(int argc, char **argv) {
#ifdef BROKEN
    /* The broken variant fails at start whatever its environment or arguments. */
    logf_line("testapp %s: broken build, failing at start on purpose", version);
    if (argc >= 0) return 1;
#endif
    const char *v = getenv("VERSION");
    if (v && *v) version = v;
    int port = env_int("PORT", 8080);
    if (argc > 1 && strcmp(argv[1], "--check") == 0) return check(port);
    if (argc > 1 && strcmp(argv[1], "--echo") == 0) return echo_mode(argc, argv);
    log_requests = env_int("LOG_REQUESTS", 1);
    idle_timeout_s = env_int("IDLE_TIMEOUT_S", 120);
    gethostname(hostname, sizeof hostname - 1);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every thread created below */
    signal(SIGPIPE, SIG_IGN);

    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    int rc = bind(listen_fd, (struct sockaddr *)&addr, sizeof addr);
    if (rc < 0 || listen(listen_fd, 1024) < 0) {
        logf_line("testapp: cannot listen on port %d: %s", port, strerror(errno));
        return 1;
    }

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 128 * 1024);
    pthread_t t;
    pthread_create(&t, &attr, signal_thread, &set);
    logf_line("testapp %s on %s listening on :%d", version, hostname, port);

    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (atomic_load(&terminating)) pause(); /* listener closed by the drain: wait for the exit */
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE) { usleep(10000); continue; }
            logf_line("testapp: accept: %s", strerror(errno));
            continue;
        }
        if (pthread_create(&t, &attr, serve_conn, (void *)(long)fd) != 0) close(fd);
    }
}

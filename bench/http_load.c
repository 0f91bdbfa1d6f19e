/*
 * http_load.c — the HTTP ingest benchmark's client (bench/run.sh).
 *
 *   http_load [-c CLIENTS] [-r ROUNDS] [-s SSE_BATCHES] [-p SERVER_PID] [-q]
 *             [-o PREFIX] HOST:PORT TOKEN BATCH.ndjson...
 *
 * Talks to `chiso serve` over plain POSIX sockets: HTTP/1.1 keep-alive,
 * replies framed by Content-Length, the stream by chunked encoding. Every
 * batch file is read into memory before anything is timed.
 *
 * 1. Load, in ROUNDS rounds (default 1): the batch files but the last
 *    SSE_BATCHES are cut into ROUNDS equal runs; in each, CLIENTS threads
 *    (default 4), each on its own connection, take the next file in turn and
 *    POST it to /api/v1/dossiers. A reply must be 200 and account for every
 *    line of the batch (lines = the file's lines = accepted + replaced +
 *    stale + refused, and one result per line); the server answers only once
 *    the batch is durably committed. A round is timed from its first request
 *    sent to its last reply read. Meanwhile one client holds GET
 *    /api/v1/stream?unit=VN&indicator=toan_trinh, as a dashboard would (-q:
 *    no stream during the load). After each round the stream must catch up:
 *    deliver every event the server counted (/metrics,
 *    chiso_sse_events_total) and then stay quiet QUIET_SECONDS; "drain" is
 *    how long after the round's last reply its last event arrived. Rounds,
 *    so that one disturbed by another process on the machine shows as such:
 *    the figure is the median round's, and each round reports the CPU time
 *    the rest of the machine took meanwhile.
 * 2. Stream latency: the last SSE_BATCHES files (default 100) are POSTed one
 *    at a time on one connection, the stream open. The server computes a
 *    commit's events on its stream thread and hands them to the clients
 *    together, under the stream's mutex: so once one event of the commit
 *    has arrived, /metrics counts all of them, and the client waits for
 *    that many. Latency = the arrival of
 *    the commit's last event (apart: its first) minus the moment the POST's
 *    reply was read; 0 when the events came first. One batch at a time,
 *    because the events carry no batch number: under concurrent load they
 *    cannot be matched to a commit, and only the drain above is measured.
 *
 * Both phases also report the server's own mean ingest time per batch, from
 * /metrics (chiso_ingest_seconds: from taking the engine's write lock, the
 * batch already parsed, to the commit done), so that the share of a request
 * spent outside the locked part (parsing, body, reply, HTTP) shows.
 *
 * Standard output: key=value lines (http.*) for bench/run.sh's results file.
 * With -o: PREFIX.requests.tsv (phase, batch, ms, lines, seconds from the
 * phase's start to the reply) and PREFIX.sse.tsv (batch, ms to the last
 * event, ms to the first, events; negative when the events came first).
 * -p: the server's CPU seconds, from /proc/PID/stat. Percentiles: the median
 * (the mean of the middle two for an even count) and the nearest-rank p99
 * (the ceil(0.99 n)-th smallest), as in report.py. Exit status 1 on any
 * failed request or check, 2 on usage errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Largest reply accepted (an ingest reply of 1,000 lines is ~35 KB). */
#define REPLY_LIMIT (64u << 20)
/* How long to wait for a reply, an event or the stream to settle. */
#define WAIT_SECONDS 10.0
/* The stream counts as drained after this long without a new event. */
#define QUIET_SECONDS 0.3

static const char stream_path[] = "/api/v1/stream?unit=VN&indicator=toan_trinh";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* --- batch files ---------------------------------------------------------- */

struct batch {
    const char *path;
    char *data;
    size_t len;
    size_t lines;
};

/* Reads a whole file and counts its lines; false on error. */
static bool batch_read(struct batch *b)
{
    bool ok = false;
    FILE *f = fopen(b->path, "rb");
    if (f == NULL)
        return false;
    if (fseek(f, 0, SEEK_END) != 0)
        goto out;
    long size = ftell(f);
    if (size <= 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    b->len = (size_t)size;
    b->data = malloc(b->len);
    if (b->data == NULL || fread(b->data, 1, b->len, f) != b->len)
        goto out;
    b->lines = 0;
    for (const char *p = b->data, *end = p + b->len; p < end; b->lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    ok = true;
out:
    fclose(f);
    return ok;
}

/* --- connections ---------------------------------------------------------- */

struct conn {
    int fd;
    char *buf; /* bytes read and not yet taken */
    size_t len, cap;
};

static struct sockaddr_in server_addr;

static bool conn_open(struct conn *c)
{
    *c = (struct conn){.fd = socket(AF_INET, SOCK_STREAM, 0)};
    if (c->fd < 0)
        return false;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&server_addr, sizeof server_addr) !=
        0) {
        close(c->fd);
        c->fd = -1;
        return false;
    }
    return true;
}

static void conn_close(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    *c = (struct conn){.fd = -1};
}

static bool send_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t k = writev(fd, iov, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        while (n > 0 && (size_t)k >= iov->iov_len) {
            k -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + k;
            iov->iov_len -= (size_t)k;
        }
    }
    return true;
}

/* Reads more bytes into c->buf; false on error, end of stream or when the
 * buffer would pass REPLY_LIMIT. */
static bool conn_fill(struct conn *c)
{
    if (c->cap - c->len < 65536) {
        size_t cap = c->cap ? c->cap * 2 : 131072;
        if (cap > REPLY_LIMIT)
            return false;
        char *nb = realloc(c->buf, cap);
        if (nb == NULL)
            return false;
        c->buf = nb;
        c->cap = cap;
    }
    for (;;) {
        ssize_t k = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        c->len += (size_t)k;
        c->buf[c->len] = '\0';
        return true;
    }
}

static void conn_take(struct conn *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
    if (c->buf)
        c->buf[c->len] = '\0';
}

/* The value of header `name` in the header block [h, end), or NULL. */
static const char *header_value(const char *h, const char *end,
                                const char *name)
{
    size_t n = strlen(name);
    for (const char *p = h; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            break;
        if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 &&
            p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            return v;
        }
        p = eol + 1;
    }
    return NULL;
}

/* Reads a reply's status line and headers; *status and *head_len set. */
static bool read_head(struct conn *c, unsigned *status, size_t *head_len)
{
    char *end;
    while ((end = c->len ? strstr(c->buf, "\r\n\r\n") : NULL) == NULL)
        if (!conn_fill(c))
            return false;
    *head_len = (size_t)(end - c->buf) + 4;
    if (sscanf(c->buf, "HTTP/1.%*d %u", status) != 1)
        return false;
    return true;
}

/*
 * Sends a request (head, then body) and reads a Content-Length reply. On
 * success *status is set and the reply's body is c->buf[0..*body_len) (until
 * the next call). false on a broken connection or a malformed reply.
 */
static bool http_call(struct conn *c, const char *head, size_t head_len,
                      const char *body, size_t body_len, unsigned *status,
                      size_t *reply_len)
{
    c->len = 0; /* the previous reply; nothing is pipelined */
    struct iovec iov[2] = {{(void *)head, head_len}, {(void *)body, body_len}};
    if (!send_all(c->fd, iov, body_len ? 2 : 1))
        return false;
    size_t hl;
    if (!read_head(c, status, &hl))
        return false;
    const char *cl = header_value(c->buf, c->buf + hl, "Content-Length");
    if (cl == NULL)
        return false;
    size_t n = strtoull(cl, NULL, 10);
    if (n > REPLY_LIMIT)
        return false;
    while (c->len < hl + n)
        if (!conn_fill(c))
            return false;
    conn_take(c, hl); /* the body is now at the start */
    c->len = n;
    c->buf[n] = '\0';
    *reply_len = n;
    return true;
}

/* A top-level integer field of a reply ("key": N); -1 when absent. The
 * per-line results use "outcome":"accepted" (a string), never "accepted":. */
static long long json_int(const char *body, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(body, pat);
    return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static size_t count_of(const char *s, const char *what)
{
    size_t n = 0, k = strlen(what);
    for (const char *p = strstr(s, what); p != NULL; p = strstr(p + k, what))
        n++;
    return n;
}

/* --- the load's shared state ---------------------------------------------- */

struct totals {
    long long lines, accepted, replaced, stale, refused;
};

struct load {
    struct batch *b;
    size_t nb;
    atomic_size_t next;
    char head_fmt[512]; /* the POST head, %zu for Content-Length */
    double *ms;         /* per batch: request latency */
    double *at;         /* per batch: when its reply was read (now_s) */
    atomic_bool failed;
    pthread_mutex_t mu; /* guards sum */
    struct totals sum;
};

/* POSTs one batch on c and checks its reply, adding its counts to *t; the
 * latency in *ms, the moment the reply was read (now_s) in *done. */
static bool post_batch(struct load *L, struct conn *c, const struct batch *b,
                       struct totals *t, double *ms, double *done)
{
    char head[600];
    int hl = snprintf(head, sizeof head, L->head_fmt, b->len);
    unsigned status = 0;
    size_t n = 0;
    double t0 = now_s();
    bool ok = http_call(c, head, (size_t)hl, b->data, b->len, &status, &n);
    *done = now_s();
    *ms = (*done - t0) * 1e3;
    if (!ok) {
        fprintf(stderr, "http_load: %s: no reply (connection lost)\n", b->path);
        return false;
    }
    if (status != 200) {
        fprintf(stderr, "http_load: %s: status %u: %.300s\n", b->path, status,
                c->buf);
        return false;
    }
    long long lines = json_int(c->buf, "lines");
    long long acc = json_int(c->buf, "accepted"),
              rep = json_int(c->buf, "replaced"),
              stale = json_int(c->buf, "stale"),
              ref = json_int(c->buf, "refused");
    size_t results = count_of(c->buf, "\"line\":");
    if (lines != (long long)b->lines || acc < 0 || rep < 0 || stale < 0 ||
        ref < 0 || acc + rep + stale + ref != lines ||
        results != (size_t)lines) {
        fprintf(stderr,
                "http_load: %s: %zu lines sent, the reply accounts "
                "for lines %lld = accepted %lld + replaced %lld + "
                "stale %lld + refused %lld, %zu results\n",
                b->path, b->lines, lines, acc, rep, stale, ref, results);
        return false;
    }
    t->lines += lines;
    t->accepted += acc;
    t->replaced += rep;
    t->stale += stale;
    t->refused += ref;
    return true;
}

static void *load_thread(void *arg)
{
    struct load *L = arg;
    struct conn c;
    struct totals t = {0};
    if (!conn_open(&c)) {
        perror("http_load: connect");
        atomic_store(&L->failed, true);
        return NULL;
    }
    for (;;) {
        size_t i = atomic_fetch_add(&L->next, 1);
        if (i >= L->nb || atomic_load(&L->failed))
            break;
        if (!post_batch(L, &c, &L->b[i], &t, &L->ms[i], &L->at[i])) {
            atomic_store(&L->failed, true);
            break;
        }
    }
    conn_close(&c);
    pthread_mutex_lock(&L->mu);
    L->sum.lines += t.lines;
    L->sum.accepted += t.accepted;
    L->sum.replaced += t.replaced;
    L->sum.stale += t.stale;
    L->sum.refused += t.refused;
    pthread_mutex_unlock(&L->mu);
    return NULL;
}

/* --- the stream ----------------------------------------------------------- */

struct stream {
    struct conn c;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    double *at; /* arrival of every value event, seconds */
    size_t n, cap;
    size_t foreign; /* events not for VN / toan_trinh */
    bool open;      /* headers read: the server has registered the client */
    bool ended;
};

/* Takes the complete events out of text[0..*len); each is "event: value"
 * with a data line, ended by a blank line (comments are pings). */
static void take_events(struct stream *s, char *text, size_t *len, double at)
{
    char *p = text, *end = text + *len;
    for (;;) {
        char *blank = NULL;
        for (char *q = p; q + 1 < end; q++)
            if (q[0] == '\n' && q[1] == '\n') {
                blank = q;
                break;
            }
        if (blank == NULL)
            break;
        *blank = '\0';
        if (strncmp(p, "event: value\n", 13) == 0) {
            bool ours = strstr(p, "\"unit\":\"VN\"") != NULL &&
                        strstr(p, "\"indicator\":\"toan_trinh\"") != NULL;
            pthread_mutex_lock(&s->mu);
            if (s->n == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 4096;
                s->at = realloc(s->at, s->cap * sizeof *s->at);
                if (s->at == NULL) {
                    fprintf(stderr, "http_load: out of memory\n");
                    exit(1);
                }
            }
            s->at[s->n++] = at;
            s->foreign += !ours;
            pthread_cond_broadcast(&s->cv);
            pthread_mutex_unlock(&s->mu);
        }
        p = blank + 2;
    }
    memmove(text, p, (size_t)(end - p));
    *len = (size_t)(end - p);
}

static void *stream_thread(void *arg)
{
    struct stream *s = arg;
    struct conn *c = &s->c;
    char *text = NULL; /* the event text, de-chunked */
    size_t tlen = 0, tcap = 0;
    unsigned status = 0;
    size_t hl;
    if (!read_head(c, &status, &hl) || status != 200) {
        fprintf(stderr, "http_load: the stream answered %u\n", status);
        goto out;
    }
    const char *te = header_value(c->buf, c->buf + hl, "Transfer-Encoding");
    bool chunked = te != NULL && strncasecmp(te, "chunked", 7) == 0;
    conn_take(c, hl);
    pthread_mutex_lock(&s->mu);
    s->open = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    size_t chunk_left = 0; /* data bytes left in the current chunk */
    bool need_crlf = false;
    for (;;) {
        double at = now_s();
        size_t used = 0;
        for (;;) { /* de-chunk what has arrived into text */
            char *p = c->buf + used;
            size_t avail = c->len - used;
            if (!chunked) {
                chunk_left = avail;
            } else if (need_crlf) {
                if (avail < 2)
                    break;
                used += 2;
                need_crlf = false;
                continue;
            } else if (chunk_left == 0) {
                char *eol = memchr(p, '\n', avail);
                if (eol == NULL)
                    break;
                chunk_left = strtoull(p, NULL, 16);
                used += (size_t)(eol - p) + 1;
                if (chunk_left == 0)
                    goto out; /* the last chunk: the stream ended */
                continue;
            }
            size_t k = chunk_left < avail ? chunk_left : avail;
            if (k == 0)
                break;
            if (tcap - tlen < k + 1) {
                tcap = (tlen + k + 1) * 2;
                text = realloc(text, tcap);
                if (text == NULL) {
                    fprintf(stderr, "http_load: out of memory\n");
                    exit(1);
                }
            }
            memcpy(text + tlen, p, k);
            tlen += k;
            used += k;
            chunk_left -= k;
            if (chunked && chunk_left == 0)
                need_crlf = true;
        }
        conn_take(c, used);
        if (tlen > 0)
            take_events(s, text, &tlen, at);
        if (!conn_fill(c))
            break;
    }
out:
    free(text);
    pthread_mutex_lock(&s->mu);
    s->ended = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void stream_close(struct stream *s);

/* Opens the stream and waits until the server has registered it (its reply's
 * head has come); on failure everything is released. */
static bool stream_open(struct stream *s, const char *token)
{
    *s = (struct stream){0};
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "GET %s HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer "
                      "%s\r\nAccept: text/event-stream\r\n\r\n",
                      stream_path, token);
    struct iovec iov = {head, (size_t)hl};
    if (!conn_open(&s->c) || !send_all(s->c.fd, &iov, 1) ||
        pthread_create(&s->thread, NULL, stream_thread, s) != 0) {
        conn_close(&s->c);
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        return false;
    }
    pthread_mutex_lock(&s->mu);
    while (!s->open && !s->ended)
        pthread_cond_wait(&s->cv, &s->mu);
    bool ok = s->open && !s->ended;
    pthread_mutex_unlock(&s->mu);
    if (!ok)
        stream_close(s);
    return ok;
}

static void stream_close(struct stream *s)
{
    shutdown(s->c.fd, SHUT_RDWR);
    pthread_join(s->thread, NULL);
    conn_close(&s->c);
    free(s->at);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
}

/* Waits until the stream has more than n events (or until `deadline`);
 * returns the count. */
static size_t stream_wait(struct stream *s, size_t n, double deadline)
{
    pthread_mutex_lock(&s->mu);
    while (s->n <= n && !s->ended) {
        double left = deadline - now_s();
        if (left <= 0)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 +
                   (left < 0.05 ? left : 0.05);
        ts.tv_sec = (time_t)t;
        ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    }
    size_t got = s->n;
    pthread_mutex_unlock(&s->mu);
    return got;
}

/* The events so far; the last one's arrival in *last, whether the stream
 * has ended in *ended and how many events were not VN / toan_trinh's in
 * *foreign (each may be NULL). */
static size_t stream_count(struct stream *s, double *last, bool *ended,
                           size_t *foreign)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->n;
    if (last)
        *last = n ? s->at[n - 1] : 0;
    if (ended)
        *ended = s->ended;
    if (foreign)
        *foreign = s->foreign;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* The value of the sample `name` (with its labels, if any) in a Prometheus
 * text; false when absent. */
static bool metric(const char *text, const char *name, double *v)
{
    size_t n = strlen(name);
    for (const char *p = strstr(text, name); p != NULL; p = strstr(p + n, name))
        if ((p == text || p[-1] == '\n') && p[n] == ' ') {
            *v = strtod(p + n + 1, NULL);
            return true;
        }
    return false;
}

/* What /metrics says: events queued to streams, open streams, and the
 * ingest time (seconds from asking for the write lock to after the commit,
 * summed) and count of batches. */
struct server_stats {
    long long events, clients, batches;
    double ingest_s;
};

static bool server_stats(struct conn *c, struct server_stats *out)
{
    static const char head[] = "GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n";
    unsigned status;
    size_t n;
    double ev, cl, sum, count;
    if (!http_call(c, head, sizeof head - 1, NULL, 0, &status, &n) ||
        status != 200 || !metric(c->buf, "chiso_sse_events_total", &ev) ||
        !metric(c->buf, "chiso_sse_clients", &cl) ||
        !metric(c->buf, "chiso_ingest_seconds_sum", &sum) ||
        !metric(c->buf, "chiso_ingest_seconds_count", &count)) {
        fprintf(stderr, "http_load: cannot read /metrics\n");
        return false;
    }
    *out = (struct server_stats){.events = (long long)ev,
                                 .clients = (long long)cl,
                                 .batches = (long long)count,
                                 .ingest_s = sum};
    return true;
}

/* --- figures -------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median and nearest-rank p99 of xs[0..n), from a sorted copy. */
static void percentiles(const double *xs, size_t n, double *med, double *p99)
{
    *med = *p99 = NAN;
    double *s = n ? malloc(n * sizeof *s) : NULL;
    if (s == NULL)
        return;
    memcpy(s, xs, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    *med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    size_t r = (size_t)ceil(0.99 * (double)n);
    *p99 = s[r > 0 ? r - 1 : 0];
    free(s);
}

/* User + system CPU seconds of a process, or -1. */
static double proc_cpu(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long long ut, st;
    if (p == NULL || sscanf(p + 2,
                            "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
                            "%*u %llu %llu",
                            &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds the whole machine has spent busy (user, nice, system, irq,
 * softirq: not idle, not waiting for I/O, not stolen), or -1. */
static double machine_cpu(void)
{
    FILE *f = fopen("/proc/stat", "r");
    unsigned long long v[7];
    int got = f ? fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0],
                         &v[1], &v[2], &v[3], &v[4], &v[5], &v[6])
                : 0;
    if (f)
        fclose(f);
    if (got != 7)
        return -1;
    return (double)(v[0] + v[1] + v[2] + v[5] + v[6]) /
           (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* --- the phases ----------------------------------------------------------- */

struct run {
    struct batch *b;
    size_t nb;
    const char *token;
    long clients, server_pid;
    char head_fmt[512];
    double *ms, *at; /* per batch: latency, reply time from phase start */
    struct stream s;
    bool stream_up;
    struct conn mc;    /* for /metrics */
    long long ev_mark; /* the server's event count at the last mark */
    size_t got_mark;   /* the stream's event count at the same moment */
};

struct round {
    double wall, server_cpu, client_cpu, other_cpu, drain_ms;
    double ingest_ms; /* the server's ingest time per batch, mean */
    size_t events;
    struct totals sum;
};

/* The server's mean ingest milliseconds per batch between two readings. */
static double ingest_ms(const struct server_stats *a,
                        const struct server_stats *b)
{
    long long n = b->batches - a->batches;
    return n > 0 ? (b->ingest_s - a->ingest_s) / (double)n * 1e3 : NAN;
}

/* Opens the stream and marks the event counts. */
static bool start_watch(struct run *R)
{
    struct server_stats st;
    if (!stream_open(&R->s, R->token)) {
        fprintf(stderr, "http_load: cannot open the stream\n");
        return false;
    }
    R->stream_up = true;
    if (!server_stats(&R->mc, &st))
        return false;
    R->ev_mark = st.events;
    R->got_mark = stream_count(&R->s, NULL, NULL, NULL);
    if (st.clients != 1) {
        fprintf(stderr,
                "http_load: %lld streams are open on the server, not "
                "1: the stream's events cannot be counted\n",
                st.clients);
        return false;
    }
    return true;
}

/* Waits until the stream has every event the server counted and has been
 * quiet QUIET_SECONDS; *events and *last (the last arrival) set. */
static bool drain(struct run *R, size_t *events, double *last)
{
    double deadline = now_s() + WAIT_SECONDS, changed = now_s();
    size_t seen = stream_count(&R->s, NULL, NULL, NULL);
    struct server_stats st;
    for (;;) {
        if (!server_stats(&R->mc, &st))
            return false;
        bool ended;
        size_t got = stream_count(&R->s, last, &ended, NULL);
        if (got != seen) {
            seen = got;
            changed = now_s();
        }
        if ((long long)(got - R->got_mark) == st.events - R->ev_mark &&
            now_s() - changed >= QUIET_SECONDS)
            break;
        if (now_s() > deadline || ended) {
            fprintf(stderr,
                    "http_load: the stream did not catch up: %zu "
                    "events arrived, the server counts %lld%s\n",
                    got - R->got_mark, st.events - R->ev_mark,
                    ended ? " (the stream ended)" : "");
            return false;
        }
        sleep_s(0.01);
    }
    *events = seen - R->got_mark;
    R->ev_mark = st.events;
    R->got_mark = seen;
    return true;
}

/* One round of the load over batches [first, first + n). */
static bool load_round(struct run *R, size_t first, size_t n, struct round *o)
{
    struct server_stats st0, st1;
    if (!server_stats(&R->mc, &st0))
        return false;
    struct load L = {
        .b = R->b + first, .nb = n, .ms = R->ms + first, .at = R->at + first};
    memcpy(L.head_fmt, R->head_fmt, sizeof L.head_fmt);
    pthread_mutex_init(&L.mu, NULL);
    pthread_t *th = calloc((size_t)R->clients, sizeof *th);
    double srv0 = R->server_pid ? proc_cpu(R->server_pid) : -1;
    double self0 = self_cpu(), all0 = machine_cpu();
    double t0 = now_s();
    long started = 0;
    for (; th && started < R->clients; started++)
        if (pthread_create(&th[started], NULL, load_thread, &L) != 0)
            break;
    for (long i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    double t1 = now_s();
    double srv1 = R->server_pid ? proc_cpu(R->server_pid) : -1;
    double self1 = self_cpu(), all1 = machine_cpu();
    free(th);
    pthread_mutex_destroy(&L.mu);
    if (started < R->clients || atomic_load(&L.failed)) {
        fprintf(stderr, "http_load: the load failed\n");
        return false;
    }
    if (!server_stats(&R->mc, &st1))
        return false;
    for (size_t i = 0; i < n; i++)
        L.at[i] -= t0;
    *o =
        (struct round){.wall = t1 - t0,
                       .client_cpu = self1 - self0,
                       .server_cpu = srv0 >= 0 && srv1 >= 0 ? srv1 - srv0 : NAN,
                       .ingest_ms = ingest_ms(&st0, &st1),
                       .sum = L.sum,
                       .drain_ms = NAN};
    o->other_cpu = all0 >= 0 && all1 >= 0 && !isnan(o->server_cpu)
                       ? all1 - all0 - o->server_cpu - o->client_cpu
                       : NAN;
    if (R->stream_up) {
        double last = 0;
        if (!drain(R, &o->events, &last))
            return false;
        o->drain_ms = last > t1 ? (last - t1) * 1e3 : 0;
    }
    return true;
}

/* The stream's latency over batches [first, first + n), one at a time:
 * per batch, ms from the reply to the last and to the first event (negative
 * when they came first) and the number of events; the server's mean ingest
 * time per batch in *ingest. */
static bool sequential(struct run *R, size_t first, size_t n,
                       struct totals *sum, double *to_last, double *to_first,
                       size_t *events, double *ingest)
{
    struct load L = {0}; /* only its POST head is used */
    memcpy(L.head_fmt, R->head_fmt, sizeof L.head_fmt);
    struct server_stats st0, st;
    struct conn pc;
    bool ok = false;
    if (!server_stats(&R->mc, &st0) || !conn_open(&pc))
        return false;
    double t0 = now_s();
    for (size_t k = 0; k < n; k++) {
        size_t i = first + k, e0 = stream_count(&R->s, NULL, NULL, NULL);
        if (!post_batch(&L, &pc, &R->b[i], sum, &R->ms[i], &R->at[i]))
            goto out;
        double acked = R->at[i];
        R->at[i] -= t0;
        size_t got = stream_wait(&R->s, e0, acked + WAIT_SECONDS);
        if (got == e0) {
            fprintf(stderr,
                    "http_load: %s: no event within %.0f s of the "
                    "reply\n",
                    R->b[i].path, WAIT_SECONDS);
            goto out;
        }
        if (!server_stats(&R->mc, &st))
            goto out;
        size_t want = e0 + (size_t)(st.events - R->ev_mark);
        while (got < want) {
            size_t g = stream_wait(&R->s, got, acked + WAIT_SECONDS);
            if (g == got) {
                fprintf(stderr,
                        "http_load: %s: %zu of the commit's %zu "
                        "events came\n",
                        R->b[i].path, got - e0, want - e0);
                goto out;
            }
            got = g;
        }
        R->ev_mark = st.events;
        R->got_mark = want;
        pthread_mutex_lock(&R->s.mu);
        to_first[k] = (R->s.at[e0] - acked) * 1e3;
        to_last[k] = (R->s.at[want - 1] - acked) * 1e3;
        pthread_mutex_unlock(&R->s.mu);
        events[k] = want - e0;
    }
    *ingest = n > 0 ? ingest_ms(&st0, &st) : NAN;
    ok = true;
out:
    conn_close(&pc);
    return ok;
}

/* --- main ----------------------------------------------------------------- */

static int usage(void)
{
    fprintf(stderr, "usage: http_load [-c CLIENTS] [-r ROUNDS] "
                    "[-s SSE_BATCHES] [-p SERVER_PID] [-q] [-o PREFIX] "
                    "HOST:PORT TOKEN BATCH.ndjson...\n");
    return 2;
}

static void put_totals(const char *prefix, const struct totals *t)
{
    printf("%s.records=%lld\n", prefix, t->lines);
    printf("%s.accepted=%lld\n", prefix, t->accepted);
    printf("%s.replaced=%lld\n", prefix, t->replaced);
    printf("%s.stale=%lld\n", prefix, t->stale);
    printf("%s.refused=%lld\n", prefix, t->refused);
}

int main(int argc, char **argv)
{
    long rounds = 1, sse_batches = 100;
    bool watch_load = true;
    const char *prefix = NULL;
    struct run R = {.clients = 4, .mc = {.fd = -1}};
    int o;
    while ((o = getopt(argc, argv, "c:r:s:p:qo:")) != -1) {
        switch (o) {
        case 'c':
            R.clients = strtol(optarg, NULL, 10);
            break;
        case 'r':
            rounds = strtol(optarg, NULL, 10);
            break;
        case 's':
            sse_batches = strtol(optarg, NULL, 10);
            break;
        case 'p':
            R.server_pid = strtol(optarg, NULL, 10);
            break;
        case 'q':
            watch_load = false;
            break;
        case 'o':
            prefix = optarg;
            break;
        default:
            return usage();
        }
    }
    if (argc - optind < 3 || R.clients < 1 || R.clients > 256 || rounds < 1 ||
        rounds > 100 || sse_batches < 0)
        return usage();
    const char *addr = argv[optind];
    R.token = argv[optind + 1];
    const char *colon = strrchr(addr, ':');
    char host[64];
    if (colon == NULL || (size_t)(colon - addr) >= sizeof host)
        return usage();
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    server_addr = (struct sockaddr_in){
        .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &server_addr.sin_addr) != 1) {
        fprintf(stderr, "http_load: '%s' is not an IPv4 address\n", host);
        return 2;
    }
    R.nb = (size_t)(argc - optind - 2);
    size_t nsse = (size_t)sse_batches < R.nb ? (size_t)sse_batches : R.nb;
    size_t per_round = (R.nb - nsse) / (size_t)rounds;
    size_t nload = per_round * (size_t)rounds; /* the rest is not sent */
    if (per_round == 0) {
        fprintf(stderr,
                "http_load: %zu batch files leave none for %ld "
                "rounds after %zu for the stream\n",
                R.nb, rounds, nsse);
        return 2;
    }
    snprintf(R.head_fmt, sizeof R.head_fmt,
             "POST /api/v1/dossiers HTTP/1.1\r\nHost: bench\r\nAuthorization: "
             "Bearer %s\r\nContent-Type: application/x-ndjson\r\n"
             "Content-Length: %%zu\r\n\r\n",
             R.token);

    int status = 1;
    FILE *tsv = NULL;
    R.b = calloc(R.nb, sizeof *R.b);
    R.ms = calloc(R.nb, sizeof *R.ms);
    R.at = calloc(R.nb, sizeof *R.at);
    struct round *rr = calloc((size_t)rounds, sizeof *rr);
    double *to_last = calloc(nsse + 1, sizeof *to_last);
    double *to_first = calloc(nsse + 1, sizeof *to_first);
    size_t *events = calloc(nsse + 1, sizeof *events);
    if (!R.b || !R.ms || !R.at || !rr || !to_last || !to_first || !events) {
        fprintf(stderr, "http_load: out of memory\n");
        goto out;
    }
    size_t sse_first = R.nb - nsse; /* the stream phase's first batch */
    for (size_t i = 0; i < R.nb; i++) {
        if (i >= nload && i < sse_first)
            continue; /* left over from the rounds: not sent */
        R.b[i].path = argv[optind + 2 + (int)i];
        if (!batch_read(&R.b[i])) {
            fprintf(stderr, "http_load: cannot read %s\n", R.b[i].path);
            goto out;
        }
    }
    if (!conn_open(&R.mc)) {
        fprintf(stderr, "http_load: cannot connect to %s\n", addr);
        goto out;
    }

    /* 1. The load. */
    if (watch_load && !start_watch(&R))
        goto out;
    for (long r = 0; r < rounds; r++) {
        if (!load_round(&R, (size_t)r * per_round, per_round, &rr[r]))
            goto out;
        if (r + 1 < rounds && !R.stream_up)
            sleep_s(QUIET_SECONDS); /* the server settles between rounds */
    }

    /* 2. One batch at a time, the stream's latency. */
    struct totals seq = {0};
    double seq_ingest = NAN;
    if (nsse > 0 && !R.stream_up && !start_watch(&R))
        goto out;
    if (nsse > 0 && !sequential(&R, sse_first, nsse, &seq, to_last, to_first,
                                events, &seq_ingest))
        goto out;
    size_t foreign = 0;
    if (R.stream_up)
        stream_count(&R.s, NULL, NULL, &foreign);
    if (foreign > 0) {
        fprintf(stderr, "http_load: %zu events were not for VN / toan_trinh\n",
                foreign);
        goto out;
    }

    if (prefix) {
        char path[4096];
        snprintf(path, sizeof path, "%s.requests.tsv", prefix);
        tsv = fopen(path, "w");
        if (tsv == NULL) {
            perror(path);
            goto out;
        }
        for (size_t i = 0; i < nload; i++)
            fprintf(tsv, "load%zu\t%zu\t%.3f\t%zu\t%.4f\n", i / per_round + 1,
                    i + 1, R.ms[i], R.b[i].lines, R.at[i]);
        for (size_t i = sse_first; i < R.nb; i++)
            fprintf(tsv, "sequential\t%zu\t%.3f\t%zu\t%.4f\n", i + 1, R.ms[i],
                    R.b[i].lines, R.at[i]);
        snprintf(path, sizeof path, "%s.sse.tsv", prefix);
        FILE *f = fopen(path, "w");
        if (f == NULL) {
            perror(path);
            goto out;
        }
        for (size_t k = 0; k < nsse; k++)
            fprintf(f, "%zu\t%.3f\t%.3f\t%zu\n", sse_first + k + 1, to_last[k],
                    to_first[k], events[k]);
        if (fclose(f) != 0)
            goto out;
    }

    /* The figures. */
    struct totals all = {0};
    double wall = 0, rate[100], srv = 0, cli = 0, drain_max = 0;
    size_t load_events = 0;
    for (long r = 0; r < rounds; r++) {
        const struct round *x = &rr[r];
        rate[r] = (double)x->sum.lines / x->wall;
        all.lines += x->sum.lines;
        all.accepted += x->sum.accepted;
        all.replaced += x->sum.replaced;
        all.stale += x->sum.stale;
        all.refused += x->sum.refused;
        wall += x->wall;
        srv += x->server_cpu;
        cli += x->client_cpu;
        load_events += x->events;
        drain_max = x->drain_ms > drain_max ? x->drain_ms : drain_max;
        printf("http.round.%ld.records_per_s=%.0f\n", r + 1, rate[r]);
        printf("http.round.%ld.wall=%.3f\n", r + 1, x->wall);
        printf("http.round.%ld.server_cpu_s=%.2f\n", r + 1, x->server_cpu);
        printf("http.round.%ld.client_cpu_s=%.2f\n", r + 1, x->client_cpu);
        printf("http.round.%ld.other_cpu_s=%.2f\n", r + 1, x->other_cpu);
        printf("http.round.%ld.server_ingest_ms=%.2f\n", r + 1, x->ingest_ms);
        if (R.stream_up && watch_load)
            printf("http.round.%ld.drain_ms=%.1f\n", r + 1, x->drain_ms);
    }
    double rate_med, rate_p99, lat_med, lat_p99, lat_max = 0, lat_mean = 0;
    percentiles(rate, (size_t)rounds, &rate_med, &rate_p99);
    percentiles(R.ms, nload, &lat_med, &lat_p99);
    for (size_t i = 0; i < nload; i++) {
        lat_mean += R.ms[i] / (double)nload;
        lat_max = R.ms[i] > lat_max ? R.ms[i] : lat_max;
    }
    printf("http.clients=%ld\n", R.clients);
    printf("http.batch_lines=%zu\n", R.b[0].lines);
    printf("http.rounds=%ld\n", rounds);
    printf("http.round_batches=%zu\n", per_round);
    put_totals("http", &all);
    printf("http.wall=%.3f\n", wall);
    printf("http.records_per_s=%.0f\n", rate_med);
    printf("http.req_median_ms=%.2f\n", lat_med);
    printf("http.req_p99_ms=%.2f\n", lat_p99);
    printf("http.req_mean_ms=%.2f\n", lat_mean);
    printf("http.req_max_ms=%.2f\n", lat_max);
    if (R.server_pid)
        printf("http.server_cpu_s=%.2f\n", srv);
    printf("http.client_cpu_s=%.2f\n", cli);
    printf("http.stream_during_load=%s\n", watch_load ? "yes" : "no");
    if (watch_load) {
        printf("http.load_events=%zu\n", load_events);
        printf("http.drain_max_ms=%.1f\n", drain_max);
    }
    printf("http.sse_batches=%zu\n", nsse);
    if (nsse > 0) {
        double m, p, mx = -INFINITY, fm, fp;
        size_t ev = 0, early = 0;
        for (size_t k = 0; k < nsse; k++) {
            ev += events[k];
            early += to_first[k] < 0;
            mx = to_last[k] > mx ? to_last[k] : mx;
            to_last[k] = to_last[k] > 0 ? to_last[k] : 0;
            to_first[k] = to_first[k] > 0 ? to_first[k] : 0;
        }
        put_totals("http.seq", &seq);
        percentiles(R.ms + sse_first, nsse, &m, &p);
        printf("http.seq_req_median_ms=%.2f\n", m);
        printf("http.seq_req_p99_ms=%.2f\n", p);
        printf("http.seq_server_ingest_ms=%.2f\n", seq_ingest);
        printf("http.sse_events_per_batch=%.2f\n", (double)ev / (double)nsse);
        percentiles(to_last, nsse, &m, &p);
        percentiles(to_first, nsse, &fm, &fp);
        printf("http.sse_p50_ms=%.2f\n", m);
        printf("http.sse_p99_ms=%.2f\n", p);
        printf("http.sse_max_ms=%.2f\n", mx > 0 ? mx : 0);
        printf("http.sse_first_p50_ms=%.2f\n", fm);
        printf("http.sse_first_p99_ms=%.2f\n", fp);
        printf("http.sse_before_ack=%zu\n", early);
    }
    status = 0;
out:
    if (tsv && fclose(tsv) != 0)
        status = 1;
    if (R.stream_up)
        stream_close(&R.s);
    conn_close(&R.mc);
    for (size_t i = 0; R.b && i < R.nb; i++)
        free(R.b[i].data);
    free(R.b);
    free(R.ms);
    free(R.at);
    free(rr);
    free(to_last);
    free(to_first);
    free(events);
    return status;
}

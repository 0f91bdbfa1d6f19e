/*
 * sse.c — the live stream (Server-Sent Events) of changed values.
 *
 * Each client has a bounded buffer of event text. The response's content
 * reader hands out what is buffered; with nothing to send it suspends the
 * connection (libmicrohttpd's pattern for "no data yet": no busy loop, no
 * thread held) and a new event resumes it. A client whose buffer overflows
 * (it reads slower than events come) is dropped: its stream ends and it
 * can reconnect; ingest never waits for a client.
 *
 * After a commit the ingest hands over the units and months it changed; a
 * thread of the stream takes the read lock, computes the new value of every
 * indicator some client wants for those units, their ancestors and months,
 * and queues the events. Ingest pays for none of it.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalogue.h"
#include "core/indicator.h"
#include "core/mem.h"
#include "core/unit.h"
#include "core/vtime.h"
#include "engine/chiso.h"
#include "engine/ingest.h"
#include "server/internal.h"

/* Event text a client may have waiting before it is dropped. */
#define CLIENT_BUFFER_BYTES (1u << 20)

struct client {
    struct client *next;
    struct sse *owner;
    struct MHD_Connection *conn;
    char *unit, *indicator; /* filters; NULL: all */
    char *buf;
    size_t len, off, cap;
    bool suspended, closed;
};

struct job {
    struct job *next;
    struct ingest_touch *t;
    size_t n;
};

struct sse {
    struct server *s;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct client *clients;
    struct job *head, *tail;
    bool stop;
    pthread_t thread;
};

/* Appends text to a client (lock held); drops the client when full. */
static void client_put(struct client *c, const char *text, size_t n)
{
    if (c->closed)
        return;
    if (c->len - c->off + n > CLIENT_BUFFER_BYTES) {
        c->closed = true;
        atomic_fetch_add(&c->owner->s->m.sse_dropped, 1);
    } else {
        if (c->off > 0 && c->off == c->len)
            c->off = c->len = 0;
        c->buf = xgrow(c->buf, &c->cap, c->len + n, 1);
        memcpy(c->buf + c->len, text, n);
        c->len += n;
    }
    if (c->suspended) {
        c->suspended = false;
        MHD_resume_connection(c->conn);
    }
}

static bool wants(const struct client *c, const char *unit,
                  const char *indicator)
{
    return !c->closed && (c->unit == NULL || strcmp(c->unit, unit) == 0) &&
           (c->indicator == NULL || strcmp(c->indicator, indicator) == 0);
}

static bool anyone_wants(struct sse *x, const char *unit, const char *indicator)
{
    bool yes = false;
    pthread_mutex_lock(&x->mu);
    for (struct client *c = x->clients; c != NULL && !yes; c = c->next)
        yes = wants(c, unit, indicator);
    pthread_mutex_unlock(&x->mu);
    return yes;
}

/* A commit's events, computed before any is sent. */
struct event {
    const char *unit, *indicator; /* codes, owned by the engine */
    char *text;                   /* "event: value\ndata: {...}\n\n" */
    size_t len;
};

struct events {
    struct event *e;
    size_t n, cap;
};

static void add_event(struct events *ev, const char *unit,
                      const char *indicator, const char *json)
{
    static const char head[] = "event: value\ndata: ";
    size_t jl = strlen(json), n = sizeof head - 1 + jl + 2;
    char *text = xmalloc(n);
    memcpy(text, head, sizeof head - 1);
    memcpy(text + sizeof head - 1, json, jl);
    memcpy(text + sizeof head - 1 + jl, "\n\n", 2);
    ev->e = xgrow(ev->e, &ev->cap, ev->n + 1, sizeof *ev->e);
    ev->e[ev->n++] = (struct event){unit, indicator, text, n};
}

/* Sends a commit's events together: a client sees all of them or none. */
static void publish(struct sse *x, struct events *ev)
{
    pthread_mutex_lock(&x->mu);
    for (size_t i = 0; i < ev->n; i++)
        for (struct client *c = x->clients; c != NULL; c = c->next)
            if (wants(c, ev->e[i].unit, ev->e[i].indicator)) {
                client_put(c, ev->e[i].text, ev->e[i].len);
                atomic_fetch_add(&x->s->m.sse_events, 1);
            }
    pthread_mutex_unlock(&x->mu);
    for (size_t i = 0; i < ev->n; i++)
        free(ev->e[i].text);
    free(ev->e);
}

static int by_month(const void *a, const void *b)
{
    const struct ingest_touch *x = a, *y = b;
    return (x->month > y->month) - (x->month < y->month);
}

/* Computes the events of one commit, month by month, every indicator some
 * client wants for each changed unit and its ancestors, under the engine's
 * read lock; then sends them at once. The stream's lock is not held while
 * computing, so that sending to clients never waits for it. */
static void announce(struct sse *x, struct job *j)
{
    struct server *s = x->s;
    const struct unit_registry *reg = chiso_units(s->c);
    const struct catalogue *cat = chiso_catalogue(s->c);
    qsort(j->t, j->n, sizeof *j->t, by_month);
    unsigned char *seen = xmalloc(units_count(reg));
    struct events ev = {0};
    pthread_rwlock_rdlock(&s->lock);
    for (size_t i = 0; i < j->n;) {
        int32_t month = j->t[i].month;
        struct vt_period p = {.kind = VT_MONTH,
                              .from = vt_month_first_day(month),
                              .to = vt_month_first_day(month + 1) - 1};
        char ptext[VT_PERIOD_TEXT];
        vt_period_format(&p, ptext);
        memset(seen, 0, units_count(reg));
        for (; i < j->n && j->t[i].month == month; i++)
            for (uint32_t u = j->t[i].unit; u != UNIT_NONE && !seen[u];
                 u = unit_at(reg, u)->parent) {
                seen[u] = 1; /* its ancestors follow, once */
                const char *code = unit_at(reg, u)->code;
                for (size_t m = 0; m < catalogue_count(cat); m++) {
                    const struct indicator *ind = catalogue_at(cat, m);
                    if (!anyone_wants(x, code, ind->code))
                        continue;
                    struct indicator_value v;
                    chiso_value(s->c, ind, u, &p, &v);
                    json_t *o = json_value(&v);
                    json_object_set_new(o, "unit", json_string(code));
                    json_object_set_new(o, "indicator", json_string(ind->code));
                    json_object_set_new(o, "period", json_string(ptext));
                    char *text =
                        json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
                    json_decref(o);
                    if (text != NULL)
                        add_event(&ev, code, ind->code, text);
                    free(text);
                }
            }
    }
    pthread_rwlock_unlock(&s->lock);
    free(seen);
    publish(x, &ev);
}

static void *run(void *arg)
{
    struct sse *x = arg;
    pthread_mutex_lock(&x->mu);
    for (;;) {
        while (x->head == NULL && !x->stop)
            pthread_cond_wait(&x->cv, &x->mu);
        if (x->head == NULL)
            break;
        struct job *j = x->head;
        x->head = j->next;
        if (x->head == NULL)
            x->tail = NULL;
        pthread_mutex_unlock(&x->mu);
        announce(x, j);
        free(j->t);
        free(j);
        pthread_mutex_lock(&x->mu);
    }
    pthread_mutex_unlock(&x->mu);
    return NULL;
}

struct sse *sse_create(struct server *s)
{
    struct sse *x = xcalloc(1, sizeof *x);
    x->s = s;
    pthread_mutex_init(&x->mu, NULL);
    pthread_cond_init(&x->cv, NULL);
    if (pthread_create(&x->thread, NULL, run, x) != 0) {
        fprintf(stderr, "chiso serve: cannot start the stream thread\n");
        abort();
    }
    return x;
}

void sse_destroy(struct sse *x)
{
    pthread_mutex_lock(&x->mu);
    x->stop = true;
    pthread_cond_signal(&x->cv);
    pthread_mutex_unlock(&x->mu);
    pthread_join(x->thread, NULL);
    while (x->head != NULL) {
        struct job *j = x->head;
        x->head = j->next;
        free(j->t);
        free(j);
    }
    pthread_mutex_destroy(&x->mu);
    pthread_cond_destroy(&x->cv);
    free(x);
}

void sse_changed(struct server *s, const struct ingest_touch *t, size_t n)
{
    struct sse *x = s->sse;
    pthread_mutex_lock(&x->mu);
    if (x->clients != NULL && n > 0) {
        struct job *j = xmalloc(sizeof *j);
        j->next = NULL;
        j->t = xmalloc(n * sizeof *t);
        memcpy(j->t, t, n * sizeof *t);
        j->n = n;
        if (x->tail)
            x->tail->next = j;
        else
            x->head = j;
        x->tail = j;
        pthread_cond_signal(&x->cv);
    }
    pthread_mutex_unlock(&x->mu);
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct client *c = cls;
    struct sse *x = c->owner;
    pthread_mutex_lock(&x->mu);
    ssize_t n;
    if (c->len > c->off) {
        size_t k = c->len - c->off < max ? c->len - c->off : max;
        memcpy(buf, c->buf + c->off, k);
        c->off += k;
        n = (ssize_t)k;
    } else if (c->closed) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        /* Nothing to send: park the connection until client_put. */
        c->suspended = true;
        MHD_suspend_connection(c->conn);
        n = 0;
    }
    pthread_mutex_unlock(&x->mu);
    return n;
}

static void client_free(void *cls)
{
    struct client *c = cls;
    struct sse *x = c->owner;
    pthread_mutex_lock(&x->mu);
    for (struct client **p = &x->clients; *p != NULL; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    atomic_fetch_sub(&x->s->m.sse_clients, 1);
    pthread_mutex_unlock(&x->mu);
    free(c->unit);
    free(c->indicator);
    free(c->buf);
    free(c);
}

struct MHD_Response *sse_open(struct server *s, struct MHD_Connection *conn,
                              const char *unit, const char *indicator,
                              struct reply *out)
{
    bool old;
    uint32_t u = unit != NULL
                     ? unit_resolve(chiso_units(s->c), unit, strlen(unit), &old)
                     : UNIT_NONE;
    if (unit != NULL && u == UNIT_NONE) {
        reply_error(out, MHD_HTTP_NOT_FOUND, "unknown_unit",
                    "unit: no unit has the code '%s'", unit);
        return NULL;
    }
    if (unit != NULL)
        unit = unit_at(chiso_units(s->c), u)->code; /* an old code: its successor */
    if (indicator != NULL &&
        catalogue_find(chiso_catalogue(s->c), indicator) == NULL) {
        reply_error(out, MHD_HTTP_NOT_FOUND, "unknown_indicator",
                    "indicator: no indicator '%s' in the catalogue", indicator);
        return NULL;
    }
    struct sse *x = s->sse;
    struct client *c = xcalloc(1, sizeof *c);
    c->owner = x;
    c->conn = conn;
    c->unit = unit ? xstrdup(unit) : NULL;
    c->indicator = indicator ? xstrdup(indicator) : NULL;
    static const char hello[] = ": chiso stream\nretry: 2000\n\n";
    c->buf = xmalloc(sizeof hello);
    c->cap = sizeof hello;
    memcpy(c->buf, hello, sizeof hello - 1);
    c->len = sizeof hello - 1;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, c,
                                          client_free);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "text/event-stream");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    pthread_mutex_lock(&x->mu);
    c->next = x->clients;
    x->clients = c;
    atomic_fetch_add(&s->m.sse_clients, 1);
    pthread_mutex_unlock(&x->mu);
    return resp;
}

void sse_ping(struct server *s, bool closing)
{
    struct sse *x = s->sse;
    static const char ping[] = ": ping\n\n";
    pthread_mutex_lock(&x->mu);
    for (struct client *c = x->clients; c != NULL; c = c->next) {
        if (closing) {
            c->closed = true;
            if (c->suspended) {
                c->suspended = false;
                MHD_resume_connection(c->conn);
            }
        } else {
            client_put(c, ping, sizeof ping - 1);
        }
    }
    pthread_mutex_unlock(&x->mu);
}

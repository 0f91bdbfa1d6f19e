/*
 * internal.h — what the server's files share: the server, a request, a
 * reply, and the handlers.
 */
#ifndef CHISO_SERVER_INTERNAL_H
#define CHISO_SERVER_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "server/auth.h"
#include "server/server.h"

struct MHD_Connection;
struct chiso;
struct sse;

/* Batches of at most this many lines are parsed before the write lock; up
 * to SERVER_FREE_BATCHES parsing scratches are kept between requests. */
#define SERVER_PREPARED_LINES 8192u
#define SERVER_FREE_BATCHES 8
struct prep_batch;

/* Prometheus counters (monotonic) and gauges. */
#define LATENCY_BUCKETS 12
struct metrics {
    atomic_ullong requests[6]; /* by status class: 1xx..5xx, [0] other */
    atomic_ullong records[5];  /* by enum ingest_outcome */
    atomic_ullong batches;
    atomic_ullong latency_le[LATENCY_BUCKETS]; /* ingest, cumulative */
    atomic_ullong latency_count;
    atomic_ullong latency_sum_us;
    atomic_uint sse_clients;
    atomic_ullong sse_events, sse_dropped;
};

struct server {
    const struct server_options *opt;
    struct chiso *c;
    /* Queries read the engine under the read lock; a batch is applied and
     * committed under the write lock. */
    pthread_rwlock_t lock;
    struct auth *auth; /* under auth_mu */
    pthread_mutex_t auth_mu;
    time_t auth_loaded;
    struct sse *sse;
    struct metrics m;
    /* Parsing scratch for batches, kept between requests. */
    pthread_mutex_t batch_mu;
    struct prep_batch *free_batches[SERVER_FREE_BATCHES];
    int nfree;
};

/* One request: its body as it arrives, and what the log line needs. */
struct request {
    char *body;
    size_t len, cap;
    bool too_big, sse;
    unsigned status;
    double start; /* seconds, CLOCK_MONOTONIC */
    char method[8];
    char *url;
    size_t dropped;    /* bytes of an oversized body dropped */
    const char *allow; /* the Allow header of a 405 */
    char actor[8 + AUTH_ID_CHARS];
};

/* What a handler answers: status and a JSON document (owned), or its
 * text already written (text, len; owned; then json is NULL). */
struct reply {
    unsigned status;
    json_t *json;
    char *text;
    size_t len;
};

/* Sets an error reply {"error": {"code": code, "message": ...}}. */
void reply_error(struct reply *out, unsigned status, const char *code,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A query parameter, or NULL. */
const char *query_arg(struct MHD_Connection *conn, const char *name);

/* An indicator value as JSON: value, value_text, numerator, denominator,
 * target, target_met (api.c). */
struct indicator_value;
json_t *json_value(const struct indicator_value *v);

/* Handlers (api.c). who is NULL for an anonymous public read. */
void api_units(struct server *s, struct MHD_Connection *conn,
               const char *code, struct reply *out);
void api_indicators(struct server *s, struct reply *out);
void api_values(struct server *s, struct MHD_Connection *conn,
                struct reply *out);
void api_rankings(struct server *s, struct MHD_Connection *conn,
                  struct reply *out);
void api_measures(struct server *s, struct MHD_Connection *conn,
                  struct reply *out);
void api_audit(struct server *s, struct MHD_Connection *conn,
               struct reply *out);
void api_span(struct server *s, struct reply *out);
void api_series(struct server *s, struct MHD_Connection *conn,
                struct reply *out);
void api_ingest(struct server *s, struct request *r,
                const struct auth_who *who, struct reply *out);

/* The stream (sse.c). */
struct sse *sse_create(struct server *s);
void sse_destroy(struct sse *x);
/* Starts a stream response for conn, filtered by unit and indicator codes
 * (NULL: all); returns the MHD response or NULL with *out set. */
struct MHD_Response *sse_open(struct server *s, struct MHD_Connection *conn,
                              const char *unit, const char *indicator,
                              struct reply *out);
/* Tells the stream which units and months a commit changed (copied); a
 * thread of the stream computes the new values, under the read lock, for
 * the clients that want them, and sends them. */
struct ingest_touch;
void sse_changed(struct server *s, const struct ingest_touch *t, size_t n);
/* Sends a comment to every client (keeps connections and proxies alive,
 * finds the dead), or closes them all (closing). */
void sse_ping(struct server *s, bool closing);

/* Prometheus text of s's metrics (metrics.c); owned by the caller. */
char *metrics_text(struct server *s, size_t *len);
void metrics_ingest(struct server *s, double seconds);

#endif

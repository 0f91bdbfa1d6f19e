/*
 * metrics.c — Prometheus text exposition of the server's counters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "engine/chiso.h"
#include "server/internal.h"

/* Ingest latency buckets, seconds. */
static const double bounds[LATENCY_BUCKETS] = {
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};

void metrics_ingest(struct server *s, double seconds)
{
    for (int i = 0; i < LATENCY_BUCKETS; i++)
        if (seconds <= bounds[i])
            atomic_fetch_add(&s->m.latency_le[i], 1);
    atomic_fetch_add(&s->m.latency_count, 1);
    atomic_fetch_add(&s->m.latency_sum_us,
                     (unsigned long long)(seconds * 1e6 + 0.5));
    atomic_fetch_add(&s->m.batches, 1);
}

char *metrics_text(struct server *s, size_t *len)
{
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    if (f == NULL) {
        fprintf(stderr, "chiso serve: out of memory\n");
        abort();
    }
    struct metrics *m = &s->m;
    fprintf(f, "# HELP chiso_http_requests_total HTTP requests answered, by "
               "status class.\n# TYPE chiso_http_requests_total counter\n");
    static const char *const classes[] = {"other", "1xx", "2xx",
                                          "3xx",   "4xx", "5xx"};
    for (int i = 0; i < 6; i++)
        fprintf(f, "chiso_http_requests_total{code=\"%s\"} %llu\n", classes[i],
                atomic_load(&m->requests[i]));
    fprintf(f, "# HELP chiso_records_total Records received over HTTP, by "
               "outcome.\n# TYPE chiso_records_total counter\n");
    static const char *const outcomes[] = {"accepted", "replaced", "stale",
                                           "refused", "blank"};
    for (int i = 0; i < 5; i++)
        fprintf(f, "chiso_records_total{outcome=\"%s\"} %llu\n", outcomes[i],
                atomic_load(&m->records[i]));
    fprintf(f, "# HELP chiso_ingest_seconds Time to apply and durably commit "
               "a batch.\n# TYPE chiso_ingest_seconds histogram\n");
    for (int i = 0; i < LATENCY_BUCKETS; i++)
        fprintf(f, "chiso_ingest_seconds_bucket{le=\"%g\"} %llu\n", bounds[i],
                atomic_load(&m->latency_le[i]));
    unsigned long long count = atomic_load(&m->latency_count);
    fprintf(f, "chiso_ingest_seconds_bucket{le=\"+Inf\"} %llu\n", count);
    fprintf(f, "chiso_ingest_seconds_sum %.6f\n",
            (double)atomic_load(&m->latency_sum_us) / 1e6);
    fprintf(f, "chiso_ingest_seconds_count %llu\n", count);
    fprintf(f, "# HELP chiso_sse_clients Open event streams.\n"
               "# TYPE chiso_sse_clients gauge\nchiso_sse_clients %u\n",
            atomic_load(&m->sse_clients));
    fprintf(f, "# HELP chiso_sse_events_total Events queued to streams.\n"
               "# TYPE chiso_sse_events_total counter\n"
               "chiso_sse_events_total %llu\n",
            atomic_load(&m->sse_events));
    fprintf(f, "# HELP chiso_sse_dropped_total Streams dropped for reading "
               "too slowly.\n# TYPE chiso_sse_dropped_total counter\n"
               "chiso_sse_dropped_total %llu\n",
            atomic_load(&m->sse_dropped));
    pthread_rwlock_rdlock(&s->lock);
    size_t dossiers = chiso_dossiers(s->c), table, counters;
    chiso_memory(s->c, &table, &counters);
    pthread_rwlock_unlock(&s->lock);
    fprintf(f, "# HELP chiso_dossiers Dossiers in the live state.\n"
               "# TYPE chiso_dossiers gauge\nchiso_dossiers %zu\n",
            dossiers);
    fprintf(f, "# HELP chiso_memory_bytes Live state memory, by part.\n"
               "# TYPE chiso_memory_bytes gauge\n"
               "chiso_memory_bytes{part=\"table\"} %zu\n"
               "chiso_memory_bytes{part=\"counters\"} %zu\n",
            table, counters);
    fclose(f);
    *len = size;
    return out;
}

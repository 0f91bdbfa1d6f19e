/*
 * fresh.c — chiso's side of the freshness benchmark (bench/run.sh).
 *
 *   fresh DB RANKS_OUT TIMES_OUT ARRIVAL_UNIX BATCH.ndjson...
 *
 * Opens the bulk-loaded database once (chiso_open rebuilds the live state),
 * then for every batch file, timed from before the file is read to after the
 * ranking is in hand:
 *   read the file; ingest_begin; ingest_buffer (its lines parsed on every
 *   core, applied in order); ingest_finish (one durable commit: WAL,
 *   synchronous=FULL); chiso_rank of toan_trinh
 *   over the 34 provinces for 2025-12.
 * Writes one line per batch to TIMES_OUT ("batch<TAB>milliseconds") and every
 * batch's ranking to RANKS_OUT as CSV: batch,pos,unit,numerator,denominator
 * (0,0 when the province has no value), in chiso's ranking order. Batch i
 * arrives at ARRIVAL_UNIX + 60 × i. Exit status 1 on any error. With
 * BENCH_TRACE set, each batch's steps are timed on standard error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/catalogue.h"
#include "core/indicator.h"
#include "core/rational.h"
#include "core/unit.h"
#include "core/vtime.h"
#include "engine/chiso.h"
#include "engine/ingest.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int die(const char *what, const char *detail)
{
    fprintf(stderr, "fresh: %s%s%s\n", what, detail && *detail ? ": " : "",
            detail ? detail : "");
    return 1;
}

/* The whole file in a malloc'd buffer; NULL on error. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* An integer-valued rational as text (the parts of toan_trinh are counts). */
static void q_int_text(struct rational q, char *out, size_t size)
{
    q_format(q, 0, '.', out, size);
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: fresh DB RANKS_OUT TIMES_OUT ARRIVAL_UNIX "
                        "BATCH.ndjson...\n");
        return 2;
    }
    char detail[512] = "";
    struct chiso_options opt = {.db_path = argv[1]};
    struct chiso *c = NULL;
    double t0 = now_ms();
    if (chiso_open(&opt, &c, detail, sizeof detail) != CHISO_OK)
        return die("cannot open the database", detail);
    double open_ms = now_ms() - t0;
    const struct indicator *ind =
        catalogue_find(chiso_catalogue(c), "toan_trinh");
    if (!ind)
        return die("no indicator toan_trinh in the catalogue", NULL);
    struct vt_period month;
    if (vt_period_parse("2025-12", &month, detail, sizeof detail) != CHISO_OK)
        return die("bad period", detail);
    FILE *ranks = fopen(argv[2], "w");
    FILE *times = fopen(argv[3], "w");
    if (!ranks || !times)
        return die("cannot write the outputs", NULL);
    fprintf(ranks, "batch,pos,unit,numerator,denominator\n");
    int64_t arrival0 = strtoll(argv[4], NULL, 10);
    const char *trace = getenv("BENCH_TRACE"); /* per-step times on stderr */

    for (int b = 5; b < argc; b++) {
        int batch = b - 4;
        double start = now_ms();
        size_t len;
        char *buf = slurp(argv[b], &len);
        if (!buf)
            return die("cannot read", argv[b]);
        struct ingest *in = NULL;
        if (ingest_begin(c, argv[b], &in, detail, sizeof detail) != CHISO_OK)
            return die("ingest_begin", detail);
        int64_t arrival = arrival0 + 60 * (int64_t)batch;
        if (ingest_buffer(in, buf, len, arrival, detail, sizeof detail) !=
            CHISO_OK)
            return die("ingest_buffer", detail);
        double fed = now_ms();
        struct ingest_report report;
        memset(&report, 0, sizeof report);
        if (ingest_finish(in, &report, detail, sizeof detail) != CHISO_OK)
            return die("ingest_finish", detail);
        double committed = now_ms();
        struct rank_entry *entries = NULL;
        size_t n = 0;
        chiso_rank(c, ind, UNIT_PROVINCE, UNIT_ROOT, &month, &entries, &n);
        double ms = now_ms() - start;
        if (trace)
            fprintf(stderr, "batch %d: lines %.1f commit %.1f rank %.1f ms\n",
                    batch, fed - start, committed - fed, start + ms - committed);

        if (report.counts.refused)
            fprintf(stderr, "fresh: %s: %" PRIu64 " lines refused\n",
                    argv[b], report.counts.refused);
        fprintf(times, "%d\t%.3f\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
                       "\t%" PRIu64 "\n",
                batch, ms, report.counts.accepted, report.counts.replaced,
                report.counts.stale, report.counts.refused);
        for (size_t i = 0; i < n; i++) {
            char num[64] = "0", den[64] = "0";
            const struct expr_result *r = &entries[i].v.r;
            if (r->has_value && r->has_parts && r->has_ratio) {
                q_int_text(r->numerator, num, sizeof num);
                q_int_text(r->denominator, den, sizeof den);
            }
            fprintf(ranks, "%d,%zu,%s,%s,%s\n", batch, i + 1,
                    entries[i].code, num, den);
        }
        free(entries);
        ingest_report_free(&report);
        free(buf);
    }
    size_t table = 0, counters = 0;
    chiso_memory(c, &table, &counters);
    fprintf(stderr, "fresh: open %.0f ms, %zu dossiers, table %zu B, "
                    "counters %zu B\n",
            open_ms, chiso_dossiers(c), table, counters);
    chiso_close(c);
    if (fclose(ranks) != 0 || fclose(times) != 0)
        return die("cannot write the outputs", NULL);
    return 0;
}

/*
 * load_report.c — the summary of a load: a paragraph for people, a table of
 * refusals for CSV, one object for JSON.
 */
#include "cli/load_report.h"

#include <inttypes.h>
#include <jansson.h>

#include "engine/ingest.h"

static void print_text(FILE *f, const char *source, const struct ingest_report *r,
                       double seconds)
{
    const struct ingest_counts *c = &r->counts;
    fprintf(f, "%s: %" PRIu64 " lines read in %.2f s (%.0f lines/s)\n", source,
            c->lines, seconds, seconds > 0 ? (double)c->lines / seconds : 0.0);
    fprintf(f, "  accepted %" PRIu64 " new dossiers\n", c->accepted);
    fprintf(f, "  replaced %" PRIu64 " with a newer version\n", c->replaced);
    fprintf(f, "  stale    %" PRIu64 " older versions ignored\n", c->stale);
    fprintf(f, "  refused  %" PRIu64 "\n", c->refused);
    if (c->blank)
        fprintf(f, "  blank    %" PRIu64 " lines skipped\n", c->blank);
    for (size_t i = 0; i < r->nrefusals; i++) {
        const struct ingest_refusal *x = &r->refusals[i];
        if (x->why.field[0])
            fprintf(f, "line %" PRIu64 ": field %s: %s\n", x->line,
                    x->why.field, x->why.reason);
        else
            fprintf(f, "line %" PRIu64 ": %s\n", x->line, x->why.reason);
    }
    if (c->refused > r->nrefusals)
        fprintf(f, "... and %" PRIu64 " more refusals, stored in the database "
                   "(table refusal, batch %" PRId64 ")\n",
                c->refused - r->nrefusals, r->batch);
}

static void print_csv(FILE *f, const struct ingest_report *r)
{
    struct out_table *t =
        out_table_new((const char *const[]){"line", "field", "reason"}, 3);
    for (size_t i = 0; i < r->nrefusals; i++) {
        out_int(t, (int64_t)r->refusals[i].line);
        out_text(t, r->refusals[i].why.field);
        out_text(t, r->refusals[i].why.reason);
    }
    out_print(t, f, OUT_CSV);
    out_table_free(t);
}

static void print_json(FILE *f, const char *source, const struct ingest_report *r,
                       double seconds)
{
    const struct ingest_counts *c = &r->counts;
    json_t *refusals = json_array();
    for (size_t i = 0; i < r->nrefusals; i++)
        json_array_append_new(refusals,
                              json_pack("{s:I,s:s,s:s}", "line",
                                        (json_int_t)r->refusals[i].line, "field",
                                        r->refusals[i].why.field, "reason",
                                        r->refusals[i].why.reason));
    json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:o}", "source",
                          source, "batch", (json_int_t)r->batch, "lines",
                          (json_int_t)c->lines, "blank", (json_int_t)c->blank,
                          "accepted", (json_int_t)c->accepted, "replaced",
                          (json_int_t)c->replaced, "stale", (json_int_t)c->stale,
                          "refused", (json_int_t)c->refused, "seconds", seconds,
                          "refusals", refusals);
    json_dumpf(o, f, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    fputc('\n', f);
    json_decref(o);
}

void load_report_print(FILE *f, enum out_format fmt, const char *source,
                       const struct ingest_report *r, double seconds)
{
    switch (fmt) {
    case OUT_TABLE:
        print_text(f, source, r, seconds);
        break;
    case OUT_CSV:
        print_csv(f, r);
        break;
    case OUT_JSON:
        print_json(f, source, r, seconds);
        break;
    }
}

/*
 * api.c — the JSON endpoints: units, indicators, values, rankings,
 * measures, audit, and record batches.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/catalogue.h"
#include "core/indicator.h"
#include "core/limits.h"
#include "core/measure.h"
#include "core/mem.h"
#include "core/rational.h"
#include "core/unit.h"
#include "core/vtime.h"
#include "engine/chiso.h"
#include "engine/ingest.h"
#include "engine/prep.h"
#include "server/internal.h"
#include "store/store.h"

/* An exact rational as JSON: an integer when it is one, else a number
 * (nearest double) — with the exact decimal text beside it where it
 * matters (value_text). */
static json_t *json_q(struct rational q)
{
    if (q.den == 1 && q.num >= INT64_MIN && q.num <= INT64_MAX)
        return json_integer((json_int_t)q.num);
    return json_real(q_to_double(q));
}

json_t *json_value(const struct indicator_value *v)
{
    json_t *o = json_object();
    if (v->r.has_value) {
        char text[64];
        q_format(v->r.value, 4, '.', text, sizeof text);
        json_object_set_new(o, "value", json_real(q_to_double(v->r.value)));
        json_object_set_new(o, "value_text", json_string(text));
    } else {
        json_object_set_new(o, "value", json_null());
    }
    json_object_set_new(o, "numerator",
                        v->r.has_parts ? json_q(v->r.numerator) : json_null());
    json_object_set_new(o, "denominator", v->r.has_parts && v->r.has_ratio
                                              ? json_q(v->r.denominator)
                                              : json_null());
    json_object_set_new(o, "target",
                        v->target ? json_q(v->target->value) : json_null());
    json_object_set_new(o, "target_met",
                        v->status == TARGET_NONE
                            ? json_null()
                            : json_boolean(v->status == TARGET_MET));
    return o;
}

static json_t *json_unit(const struct unit_registry *reg, uint32_t u)
{
    const struct unit *x = unit_at(reg, u);
    return json_pack("{s:s,s:s,s:s?,s:s,s:s?}", "code", x->code, "name",
                     x->name, "short_name", x->short_name, "level",
                     unit_level_name(x->level), "parent",
                     x->parent == UNIT_NONE ? NULL
                                            : unit_at(reg, x->parent)->code);
}

/* Parses the level parameter; -1 (with the error set) when bad. */
static int level_arg(const char *text, struct reply *out)
{
    for (int l = 0; l < UNIT__LEVEL_COUNT; l++)
        if (strcmp(text, unit_level_name((enum unit_level)l)) == 0)
            return l;
    reply_error(out, MHD_HTTP_BAD_REQUEST, "bad_parameter",
                "level: '%s' is not national, ministry, province or commune",
                text);
    return -1;
}

/* A unit code parameter; UNIT_NONE (with the error set) when unknown. */
static uint32_t unit_arg(const struct unit_registry *reg, const char *name,
                         const char *code, struct reply *out)
{
    /* A pre-2025 province code answers for its successor, as in records
     * and on the command line. */
    bool old;
    uint32_t u = unit_resolve(reg, code, strlen(code), &old);
    if (u == UNIT_NONE)
        reply_error(out, MHD_HTTP_NOT_FOUND, "unknown_unit",
                    "%s: no unit has the code '%s'", name, code);
    return u;
}

/* The optional level (-1: none) and within (the root: none) parameters;
 * false with the error set when one is bad. */
static bool level_within(const struct unit_registry *reg,
                         struct MHD_Connection *conn, int *level,
                         uint32_t *within, struct reply *out)
{
    const char *lt = query_arg(conn, "level"), *wt = query_arg(conn, "within");
    *level = -1;
    *within = UNIT_ROOT;
    if (lt != NULL && (*level = level_arg(lt, out)) < 0)
        return false;
    return wt == NULL ||
           (*within = unit_arg(reg, "within", wt, out)) != UNIT_NONE;
}

void api_units(struct server *s, struct MHD_Connection *conn,
               const char *code, struct reply *out)
{
    const struct unit_registry *reg = chiso_units(s->c);
    if (code != NULL) {
        uint32_t u = unit_arg(reg, "unit", code, out);
        if (u == UNIT_NONE)
            return;
        json_t *o = json_unit(reg, u);
        json_t *kids = json_array();
        const struct unit *x = unit_at(reg, u);
        for (uint32_t i = 0; i < x->nchildren; i++)
            json_array_append_new(kids, json_string(unit_at(reg, x->children[i])->code));
        json_object_set_new(o, "children", kids);
        json_t *old = json_array();
        for (size_t i = 0; i < units_lineage_count(reg); i++) {
            const struct unit_lineage *l = unit_lineage_at(reg, i);
            if (l->successor == u)
                json_array_append_new(
                    old, json_pack("{s:s,s:s}", "code", l->old_code, "name",
                                   l->old_name));
        }
        json_object_set_new(o, "merged_from", old);
        out->json = o;
        return;
    }
    int level;
    uint32_t within;
    if (!level_within(reg, conn, &level, &within, out))
        return;
    json_t *arr = json_array();
    for (uint32_t u = 0; u < units_count(reg); u++) {
        if (level >= 0 && (int)unit_at(reg, u)->level != level)
            continue;
        if (!unit_is_within(reg, u, within))
            continue;
        json_array_append_new(arr, json_unit(reg, u));
    }
    out->json = json_pack("{s:o}", "units", arr);
}

void api_indicators(struct server *s, struct reply *out)
{
    const struct catalogue *cat = chiso_catalogue(s->c);
    json_t *arr = json_array();
    for (size_t i = 0; i < catalogue_count(cat); i++) {
        const struct indicator *ind = catalogue_at(cat, i);
        json_t *targets = json_array();
        for (size_t k = 0; k < ind->ntargets; k++) {
            const struct target *t = &ind->targets[k];
            int y, m, d;
            vt_civil_from_days(t->by, &y, &m, &d);
            char by[16];
            snprintf(by, sizeof by, "%04d-%02d-%02d", y, m, d);
            json_array_append_new(
                targets, json_pack("{s:o,s:s,s:s?}", "value", json_q(t->value),
                                   "by", by, "scope", t->scope));
        }
        json_array_append_new(
            arr, json_pack("{s:s,s:s?,s:s?,s:s?,s:s,s:b,s:o}", "code", ind->code,
                           "name_vi", ind->name_vi, "name_en", ind->name_en,
                           "unit", ind->unit, "formula", ind->expr_text,
                           "lower_is_better", ind->lower_is_better, "targets",
                           targets));
    }
    out->json = json_pack("{s:o}", "indicators", arr);
}

/* The indicator and period parameters, both required. */
static const struct indicator *indicator_period(struct server *s,
                                                struct MHD_Connection *conn,
                                                struct vt_period *p,
                                                struct reply *out)
{
    const char *it = query_arg(conn, "indicator"), *pt = query_arg(conn, "period");
    if (it == NULL || pt == NULL) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "missing_parameter",
                    "%s is required", it == NULL ? "indicator" : "period");
        return NULL;
    }
    const struct indicator *ind = catalogue_find(chiso_catalogue(s->c), it);
    if (ind == NULL) {
        reply_error(out, MHD_HTTP_NOT_FOUND, "unknown_indicator",
                    "indicator: no indicator '%s' in the catalogue", it);
        return NULL;
    }
    char why[CHISO_DETAIL_BYTES];
    if (vt_period_parse(pt, p, why, sizeof why) != CHISO_OK) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "bad_parameter", "%s", why);
        return NULL;
    }
    return ind;
}

void api_values(struct server *s, struct MHD_Connection *conn,
                struct reply *out)
{
    struct vt_period p;
    const struct indicator *ind = indicator_period(s, conn, &p, out);
    if (ind == NULL)
        return;
    const struct unit_registry *reg = chiso_units(s->c);
    const char *ut = query_arg(conn, "unit");
    if ((ut == NULL) == (query_arg(conn, "level") == NULL)) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "bad_parameter",
                    "give exactly one of unit and level");
        return;
    }
    uint32_t only = UNIT_NONE, within;
    int level;
    if (ut != NULL && (only = unit_arg(reg, "unit", ut, out)) == UNIT_NONE)
        return;
    if (!level_within(reg, conn, &level, &within, out))
        return;
    char ptext[VT_PERIOD_TEXT];
    vt_period_format(&p, ptext);
    json_t *arr = json_array();
    pthread_rwlock_rdlock(&s->lock);
    for (uint32_t u = 0; u < units_count(reg); u++) {
        if (only != UNIT_NONE ? u != only
                              : (int)unit_at(reg, u)->level != level ||
                                    !unit_is_within(reg, u, within))
            continue;
        struct indicator_value v;
        chiso_value(s->c, ind, u, &p, &v);
        json_t *o = json_value(&v);
        json_object_set_new(o, "unit", json_string(unit_at(reg, u)->code));
        json_array_append_new(arr, o);
    }
    pthread_rwlock_unlock(&s->lock);
    out->json = json_pack("{s:s,s:s,s:o}", "indicator", ind->code, "period",
                          ptext, "values", arr);
}

void api_rankings(struct server *s, struct MHD_Connection *conn,
                  struct reply *out)
{
    struct vt_period p;
    const struct indicator *ind = indicator_period(s, conn, &p, out);
    if (ind == NULL)
        return;
    const struct unit_registry *reg = chiso_units(s->c);
    const char *lt = query_arg(conn, "level");
    if (lt == NULL) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "missing_parameter",
                    "level is required (ministry, province or commune)");
        return;
    }
    uint32_t within;
    int level;
    if (!level_within(reg, conn, &level, &within, out))
        return;
    struct rank_entry *e;
    size_t n;
    pthread_rwlock_rdlock(&s->lock);
    chiso_rank(s->c, ind, level, within, &p, &e, &n);
    pthread_rwlock_unlock(&s->lock);
    char ptext[VT_PERIOD_TEXT];
    vt_period_format(&p, ptext);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_value(&e[i].v);
        json_object_set_new(o, "unit", json_string(e[i].code));
        json_object_set_new(o, "rank",
                            e[i].rank ? json_integer(e[i].rank) : json_null());
        json_array_append_new(arr, o);
    }
    free(e);
    out->json = json_pack("{s:s,s:s,s:s,s:o}", "indicator", ind->code, "period",
                          ptext, "level", lt, "ranking", arr);
}

void api_measures(struct server *s, struct MHD_Connection *conn,
                  struct reply *out)
{
    const struct unit_registry *reg = chiso_units(s->c);
    const char *pt = query_arg(conn, "period"), *ut = query_arg(conn, "unit");
    const char *rt = query_arg(conn, "rollup");
    if (pt == NULL) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "missing_parameter",
                    "period is required");
        return;
    }
    struct vt_period p;
    char why[CHISO_DETAIL_BYTES];
    if (vt_period_parse(pt, &p, why, sizeof why) != CHISO_OK) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "bad_parameter", "%s", why);
        return;
    }
    uint32_t u = UNIT_ROOT;
    if (ut != NULL && (u = unit_arg(reg, "unit", ut, out)) == UNIT_NONE)
        return;
    bool rollup = true;
    if (rt != NULL) {
        if (strcmp(rt, "true") != 0 && strcmp(rt, "false") != 0) {
            reply_error(out, MHD_HTTP_BAD_REQUEST, "bad_parameter",
                        "rollup: '%s' is not true or false", rt);
            return;
        }
        rollup = strcmp(rt, "true") == 0;
    }
    int64_t v[MEASURE__COUNT];
    pthread_rwlock_rdlock(&s->lock);
    chiso_measures(s->c, u, &p, rollup, v);
    pthread_rwlock_unlock(&s->lock);
    json_t *m = json_object();
    for (int i = 0; i < MEASURE__COUNT; i++)
        json_object_set_new(m, measure_name((enum measure)i), json_integer(v[i]));
    char ptext[VT_PERIOD_TEXT];
    vt_period_format(&p, ptext);
    out->json = json_pack("{s:s,s:s,s:b,s:o}", "unit", unit_at(reg, u)->code,
                          "period", ptext, "rollup", rollup, "measures", m);
}

static void day_text(int32_t day, char out[16])
{
    int y, m, d;
    vt_civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

void api_span(struct server *s, struct reply *out)
{
    int32_t first, last;
    pthread_rwlock_rdlock(&s->lock);
    int any = chiso_span(s->c, &first, &last);
    pthread_rwlock_unlock(&s->lock);
    if (!any) {
        out->json = json_pack("{s:n,s:n}", "first", "last");
        return;
    }
    char a[16], b[16];
    day_text(first, a);
    day_text(last, b);
    out->json = json_pack("{s:s,s:s}", "first", a, "last", b);
}

/* Months per series at most: ten years. */
#define MAX_SERIES_MONTHS 120

void api_series(struct server *s, struct MHD_Connection *conn,
                struct reply *out)
{
    const char *it = query_arg(conn, "indicator"), *ut = query_arg(conn, "unit");
    const char *tt = query_arg(conn, "to"), *nt = query_arg(conn, "months");
    if (it == NULL || ut == NULL || tt == NULL) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "missing_parameter",
                    "%s is required",
                    it == NULL ? "indicator" : ut == NULL ? "unit" : "to");
        return;
    }
    const struct indicator *ind = catalogue_find(chiso_catalogue(s->c), it);
    if (ind == NULL) {
        reply_error(out, MHD_HTTP_NOT_FOUND, "unknown_indicator",
                    "indicator: no indicator '%s' in the catalogue", it);
        return;
    }
    const struct unit_registry *reg = chiso_units(s->c);
    uint32_t u = unit_arg(reg, "unit", ut, out);
    if (u == UNIT_NONE)
        return;
    struct vt_period to;
    char why[CHISO_DETAIL_BYTES];
    if (vt_period_parse(tt, &to, why, sizeof why) != CHISO_OK ||
        to.kind != VT_MONTH) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "bad_parameter",
                    "to: '%s' is not a month (yyyy-MM)", tt);
        return;
    }
    long months = 12;
    char *end;
    if (nt != NULL && (*nt == '\0' || (months = strtol(nt, &end, 10)) < 1 ||
                       months > MAX_SERIES_MONTHS || *end != '\0')) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "bad_parameter",
                    "months: '%s' is not from 1 to %d", nt, MAX_SERIES_MONTHS);
        return;
    }
    int32_t last = vt_month_of(to.from);
    json_t *arr = json_array();
    pthread_rwlock_rdlock(&s->lock);
    for (int32_t m = last - (int32_t)months + 1; m <= last; m++) {
        struct vt_period p = {.kind = VT_MONTH,
                              .from = vt_month_first_day(m),
                              .to = vt_month_first_day(m + 1) - 1};
        struct indicator_value v;
        chiso_value(s->c, ind, u, &p, &v);
        char ptext[VT_PERIOD_TEXT];
        vt_period_format(&p, ptext);
        json_t *o = json_value(&v);
        json_object_set_new(o, "period", json_string(ptext));
        json_array_append_new(arr, o);
    }
    pthread_rwlock_unlock(&s->lock);
    out->json = json_pack("{s:s,s:s,s:o}", "indicator", ind->code, "unit",
                          unit_at(reg, u)->code, "values", arr);
}

static enum chiso_err audit_row(void *ctx, const struct store_batch *b)
{
    json_array_append_new(
        ctx, json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "batch",
                       (json_int_t)b->id, "source", b->source, "actor", b->actor,
                       "unit", b->scope, "started", (json_int_t)b->started,
                       "finished", (json_int_t)b->finished, "lines",
                       (json_int_t)b->lines, "accepted", (json_int_t)b->accepted,
                       "replaced", (json_int_t)b->replaced, "stale",
                       (json_int_t)b->stale, "refused", (json_int_t)b->refused));
    return CHISO_OK;
}

void api_audit(struct server *s, struct MHD_Connection *conn,
               struct reply *out)
{
    const char *bt = query_arg(conn, "before"), *lt = query_arg(conn, "limit");
    long long before = 0, limit = 100;
    char *end;
    if (bt != NULL &&
        (*bt == '\0' || (before = strtoll(bt, &end, 10)) < 0 || *end != '\0')) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "bad_parameter",
                    "before: '%s' is not a batch number", bt);
        return;
    }
    if (lt != NULL && (*lt == '\0' || (limit = strtoll(lt, &end, 10)) < 1 ||
                       limit > 1000 || *end != '\0')) {
        reply_error(out, MHD_HTTP_BAD_REQUEST, "bad_parameter",
                    "limit: '%s' is not from 1 to 1000", lt);
        return;
    }
    json_t *arr = json_array();
    struct store *st = chiso_store(s->c);
    pthread_rwlock_wrlock(&s->lock); /* the store is single-user */
    enum chiso_err rc =
        st->ops->scan_batches(st, before, (size_t)limit, audit_row, arr);
    pthread_rwlock_unlock(&s->lock);
    if (rc != CHISO_OK) {
        json_decref(arr);
        reply_error(out, MHD_HTTP_INTERNAL_SERVER_ERROR, "store",
                    "reading the audit trail failed");
        return;
    }
    out->json = json_pack("{s:o}", "audit", arr);
}

static const char *const outcome_names[] = {"accepted", "replaced", "stale",
                                            "refused", "blank"};

/* Appends to a growable text buffer. */
static void text_put(char **buf, size_t *len, size_t *cap, const char *s,
                     size_t n)
{
    *buf = xgrow(*buf, cap, *len + n + 1, 1);
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* The answer to a batch, written directly: a jansson object per line made
 * building it a sixth of a request's time. Refusals (whose reasons may
 * quote the input) go through jansson for their escaping. */
static void batch_answer(const struct ingest_report *rep, struct reply *out)
{
    char *buf = NULL, line[96];
    size_t len = 0, cap = 64 + rep->noutcomes * 40;
    buf = xmalloc(cap);
    int n = snprintf(line, sizeof line,
                     "{\"batch\":%lld,\"lines\":%llu,\"blank\":%llu,",
                     (long long)rep->batch,
                     (unsigned long long)rep->counts.lines,
                     (unsigned long long)rep->counts.blank);
    len = 0;
    text_put(&buf, &len, &cap, line, (size_t)n);
    n = snprintf(line, sizeof line,
                 "\"accepted\":%llu,\"replaced\":%llu,\"stale\":%llu,"
                 "\"refused\":%llu,\"results\":[",
                 (unsigned long long)rep->counts.accepted,
                 (unsigned long long)rep->counts.replaced,
                 (unsigned long long)rep->counts.stale,
                 (unsigned long long)rep->counts.refused);
    text_put(&buf, &len, &cap, line, (size_t)n);
    size_t k = 0;
    for (size_t i = 0; i < rep->noutcomes; i++) {
        if (i > 0)
            text_put(&buf, &len, &cap, ",", 1);
        unsigned o = rep->outcomes[i];
        while (o == INGEST_REFUSED && k < rep->nrefusals &&
               rep->refusals[k].line < i + 1)
            k++;
        if (o == INGEST_REFUSED && k < rep->nrefusals &&
            rep->refusals[k].line == i + 1) {
            json_t *j = json_pack("{s:I,s:s,s:s,s:s}", "line",
                                  (json_int_t)(i + 1), "outcome", "refused",
                                  "field", rep->refusals[k].why.field,
                                  "reason", rep->refusals[k].why.reason);
            char *t = json_dumps(j, JSON_COMPACT);
            json_decref(j);
            if (t != NULL)
                text_put(&buf, &len, &cap, t, strlen(t));
            free(t);
            continue;
        }
        n = snprintf(line, sizeof line, "{\"line\":%zu,\"outcome\":\"%s\"}",
                     i + 1, outcome_names[o]);
        text_put(&buf, &len, &cap, line, (size_t)n);
    }
    text_put(&buf, &len, &cap, "]}\n", 3);
    out->text = buf;
    out->len = len;
}

/* Prepared batches kept for the next requests (parsing scratch). */
static struct prep_batch *batch_get(struct server *s)
{
    pthread_mutex_lock(&s->batch_mu);
    struct prep_batch *b = s->nfree > 0 ? s->free_batches[--s->nfree] : NULL;
    pthread_mutex_unlock(&s->batch_mu);
    return b != NULL ? b : xcalloc(1, sizeof *b);
}

static void batch_put(struct server *s, struct prep_batch *b)
{
    pthread_mutex_lock(&s->batch_mu);
    if (s->nfree < SERVER_FREE_BATCHES) {
        s->free_batches[s->nfree++] = b;
        b = NULL;
    }
    pthread_mutex_unlock(&s->batch_mu);
    if (b != NULL) {
        prep_batch_free(b);
        free(b);
    }
}

void api_ingest(struct server *s, struct request *r,
                const struct auth_who *who, struct reply *out)
{
    /* Count lines first: a batch over the limit is refused whole. */
    size_t lines = 0;
    for (const char *p = r->body, *end = r->body + r->len; p < end; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (lines > s->opt->max_lines) {
        reply_error(out, MHD_HTTP_CONTENT_TOO_LARGE, "too_many_lines",
                    "the batch has %zu lines; at most %zu are taken at once",
                    lines, s->opt->max_lines);
        return;
    }
    char detail[CHISO_DETAIL_BYTES] = "", actor[8 + AUTH_ID_CHARS];
    snprintf(actor, sizeof actor, "token:%s", who->id);
    int64_t arrival = time(NULL);
    /* A batch of usual size is parsed before the write lock is taken, so
     * that one request parses while another applies and commits. */
    struct prep_batch *pb = NULL;
    if (lines <= SERVER_PREPARED_LINES) {
        pb = batch_get(s);
        ingest_prepare(s->c, r->body, r->len, arrival, pb);
    }
    struct ingest_report rep = {0};
    pthread_rwlock_wrlock(&s->lock);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct ingest *in;
    enum chiso_err rc =
        ingest_begin(s->c, "POST /api/v1/dossiers", &in, detail, sizeof detail);
    if (rc == CHISO_OK) {
        ingest_set_actor(in, actor, who->unit);
        ingest_keep_outcomes(in);
        rc = pb != NULL ? ingest_prepared(in, pb, detail, sizeof detail)
                        : ingest_buffer(in, r->body, r->len, arrival, detail,
                                        sizeof detail);
        enum chiso_err frc = ingest_finish(in, &rep, rc == CHISO_OK ? detail : NULL,
                                           sizeof detail);
        if (rc == CHISO_OK)
            rc = frc;
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_rwlock_unlock(&s->lock);
    if (pb != NULL)
        batch_put(s, pb);
    if (rc == CHISO_OK)
        sse_changed(s, rep.touched, rep.ntouched);
    if (rc != CHISO_OK) {
        ingest_report_free(&rep);
        reply_error(out, MHD_HTTP_SERVICE_UNAVAILABLE, "store",
                    "the batch could not be stored: %s", detail);
        return;
    }
    metrics_ingest(s, (double)(t1.tv_sec - t0.tv_sec) +
                          (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    for (size_t i = 0; i < rep.noutcomes; i++)
        atomic_fetch_add(&s->m.records[rep.outcomes[i]], 1);
    batch_answer(&rep, out);
    ingest_report_free(&rep);
}

/*
 * ingest.c — validate, apply, store, commit in chunks; undo on failure.
 *
 * A stream is read in batches of about READ_BYTES, each prepared (parsed,
 * its facts derived) by the engine's thread pool while the batch before is
 * applied in order on the caller's thread: two batches in flight.
 */
#include "engine/ingest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fact.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/state.h"
#include "core/unit.h"
#include "core/vtime.h"
#include "engine/chiso.h"
#include "engine/fileio.h"
#include "engine/frames.h"
#include "engine/prep.h"
#include "engine/writer.h"
#include "store/store.h"

/* Items ahead whose table entries are prefetched while one is taken. */
#define PREFETCH_AHEAD 8

/* Bytes read per batch of a stream: ~9,000 lines of 470 bytes, 36 slices
 * for the pool's threads. */
#define READ_BYTES (4u << 20)

struct ingest {
    struct chiso *c;
    struct store *st;
    struct writer *w;
    struct store_batch batch;
    char *source;
    struct ingest_counts counts;    /* so far */
    struct ingest_counts committed; /* durable */
    struct ingest_counts inflight;  /* at the hand-over of the chunk in flight */
    size_t inflight_log;            /* its entries at the head of the log */
    size_t inflight_refusals, committed_refusals;
    uint64_t chunk_lines;
    /* Lines taken one at a time (ingest_line), joined, from line
     * pending_first on: framed on this thread at the next hand-over. */
    struct frame_buf pending;
    uint64_t pending_first;
    struct ingest_refusal *refusals;
    size_t nrefusals, refusals_cap;
    bool failed;
    char *actor;
    uint32_t scope;
    bool keep; /* ingest_keep_outcomes */
    unsigned char *outcomes;
    size_t noutcomes, outcomes_cap;
    struct ingest_touch *touched; /* a set: open addressing, 0 = empty */
    size_t ntouched, touched_cap;
};

/* The touched set's key: unit + 1 (never 0) and month. */
static uint64_t touch_key(uint32_t unit, int32_t month)
{
    return (uint64_t)(unit + 1) << 32 | (uint32_t)month;
}

static void touch_put(struct ingest *in, uint32_t unit, int32_t month)
{
    if ((in->ntouched + 1) * 2 > in->touched_cap) {
        size_t cap = in->touched_cap ? in->touched_cap * 2 : 64;
        struct ingest_touch *t = xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < in->touched_cap; i++) {
            struct ingest_touch e = in->touched[i];
            if (e.unit == 0)
                continue;
            size_t h = (size_t)(touch_key(e.unit - 1, e.month) *
                                0x9e3779b97f4a7c15u >> 20) & (cap - 1);
            while (t[h].unit != 0)
                h = (h + 1) & (cap - 1);
            t[h] = e;
        }
        free(in->touched);
        in->touched = t;
        in->touched_cap = cap;
    }
    size_t mask = in->touched_cap - 1;
    size_t h = (size_t)(touch_key(unit, month) * 0x9e3779b97f4a7c15u >> 20) &
               mask;
    for (; in->touched[h].unit != 0; h = (h + 1) & mask)
        if (in->touched[h].unit == unit + 1 && in->touched[h].month == month)
            return;
    in->touched[h] = (struct ingest_touch){unit + 1, month};
    in->ntouched++;
}

/* Marks the months a fact counts in: those of the days its measures are
 * counted on (an open dossier's end day means nothing). */
static void touch_fact(struct ingest *in, const struct fact *f)
{
    bool recv = false, end = false;
    for (int m = 0; m < MEASURE__COUNT; m++)
        if (f->flags & FACT_BIT(m)) {
            if (fact_day(f, (enum measure)m) == f->recv_day)
                recv = true;
            else
                end = true;
        }
    if (recv)
        touch_put(in, f->unit, vt_month_of(f->recv_day));
    if (end)
        touch_put(in, f->unit, vt_month_of(f->end_day));
}

static void outcome(struct ingest *in, enum ingest_outcome o)
{
    if (!in->keep)
        return;
    in->outcomes = xgrow(in->outcomes, &in->outcomes_cap, in->noutcomes + 1,
                         1);
    in->outcomes[in->noutcomes++] = (unsigned char)o;
}

void ingest_set_actor(struct ingest *in, const char *actor, uint32_t scope)
{
    free(in->actor);
    in->actor = xstrdup(actor);
    in->batch.actor = in->actor;
    in->scope = scope;
    in->batch.scope = unit_at(chiso_units(in->c), scope)->code;
}

void ingest_keep_outcomes(struct ingest *in)
{
    in->keep = true;
}

void ingest_report_free(struct ingest_report *r)
{
    if (r == NULL)
        return;
    free(r->refusals);
    free(r->outcomes);
    free(r->touched);
    *r = (struct ingest_report){0};
}

static void batch_counts(struct ingest *in)
{
    in->batch.finished = time(NULL);
    in->batch.lines = in->counts.lines;
    in->batch.accepted = in->counts.accepted;
    in->batch.replaced = in->counts.replaced;
    in->batch.stale = in->counts.stale;
    in->batch.refused = in->counts.refused;
}

/* A commit failed: undo every change not yet durable (the chunk in flight
 * and the one being filled) and go back to the durable counts. */
static enum chiso_err fail(struct ingest *in, enum chiso_err rc, char *detail,
                           size_t detail_size, const char *why)
{
    err_set(detail, detail_size, rc, "storing the lines after line %llu "
                                     "failed: %s",
            (unsigned long long)in->committed.lines, why);
    state_undo(chiso_state(in->c));
    in->counts = in->committed;
    in->nrefusals = in->committed_refusals;
    in->failed = true;
    return rc;
}

/* Hands the chunk being filled to the writer; with wait, until it is on
 * disk. The chunk handed over before is then durable, or the load fails. */
static enum chiso_err flush_chunk(struct ingest *in, bool wait, char *detail,
                                  size_t detail_size)
{
    char why[CHISO_DETAIL_BYTES] = "";
    if (in->pending.len > 0) {
        struct frame_buf *z = frame_scratch();
        z->len = 0;
        frame_text(z, in->pending.data, in->pending.len);
        writer_put_records(in->w, in->pending_first, in->counts.lines,
                           z->data, z->len);
        in->pending.len = 0;
    }
    batch_counts(in);
    size_t logged = state_logged(chiso_state(in->c));
    enum chiso_err rc = writer_flush(in->w, &in->batch, wait, why, sizeof why);
    if (rc != CHISO_OK)
        return fail(in, rc, detail, detail_size, why);
    struct state *st = chiso_state(in->c);
    if (wait) {
        state_mark(st);
        in->committed = in->counts;
        in->committed_refusals = in->nrefusals;
        in->inflight_log = 0;
    } else {
        /* The previous hand-over is durable: forget its log entries. */
        state_forget(st, in->inflight_log);
        in->committed = in->inflight;
        in->committed_refusals = in->inflight_refusals;
        in->inflight = in->counts;
        in->inflight_refusals = in->nrefusals;
        in->inflight_log = logged - in->inflight_log;
    }
    in->chunk_lines = 0;
    return CHISO_OK;
}

enum chiso_err ingest_begin(struct chiso *c, const char *source,
                            struct ingest **out, char *detail,
                            size_t detail_size)
{
    if (chiso_queries_only(c))
        return err_set(detail, detail_size, CHISO_EINVAL,
                       "this engine was opened for queries only");
    struct ingest *in = xcalloc(1, sizeof *in);
    in->c = c;
    in->st = chiso_store(c);
    in->source = xstrdup(source);
    in->batch.source = in->source;
    in->batch.started = time(NULL);
    in->scope = UNIT_ROOT;
    in->batch.actor = "cli";
    in->batch.scope = unit_at(chiso_units(c), UNIT_ROOT)->code;
    in->w = chiso_writer(c);
    writer_start_session(in->w);
    state_mark(chiso_state(c));
    *out = in;
    return CHISO_OK;
}

static enum chiso_err refuse(struct ingest *in, const struct record_error *why,
                             const char *line, size_t len)
{
    in->counts.refused++;
    outcome(in, INGEST_REFUSED);
    if (in->keep || in->nrefusals < CHISO_MAX_REPORTED_REFUSALS) {
        in->refusals = xgrow(in->refusals, &in->refusals_cap,
                             in->nrefusals + 1, sizeof *in->refusals);
        in->refusals[in->nrefusals++] =
            (struct ingest_refusal){in->counts.lines, *why};
    }
    /* Keep at most 4 KiB of a refused line: enough to see what was wrong. */
    writer_put_refusal(in->w, in->counts.lines, why->field,
                       why->reason, line, len > 4096 ? 4096 : len);
    return CHISO_OK;
}

/* Takes a prepared line: counts it, and applies and stores its record or
 * stores its refusal. The caller stores the line itself and hands chunks
 * over (take_done). */
static void take(struct ingest *in, const struct prep_item *it,
                 const char *code, const struct record_error *why)
{
    in->counts.lines++;
    struct record_error other;
    switch (it->kind) {
    case PREP_BLANK:
        in->counts.blank++;
        outcome(in, INGEST_BLANK);
        return;
    case PREP_TOO_LONG:
        other.field[0] = '\0';
        snprintf(other.reason, sizeof other.reason,
                 "line longer than %u bytes", CHISO_MAX_LINE_BYTES);
        refuse(in, &other, "", 0);
        in->chunk_lines++;
        return;
    case PREP_REFUSED:
        refuse(in, why, it->line, it->len);
        in->chunk_lines++;
        return;
    case PREP_RECORD:
        break;
    }
    in->chunk_lines++;
    const struct unit_registry *units = chiso_units(in->c);
    if (in->scope != UNIT_ROOT &&
        !unit_is_within(units, it->in.fact.unit, in->scope)) {
        snprintf(other.field, sizeof other.field, "MaDonVi");
        snprintf(other.reason, sizeof other.reason,
                 "unit %s is outside %s, the unit this writer may write for",
                 unit_at(units, it->in.fact.unit)->code,
                 unit_at(units, in->scope)->code);
        refuse(in, &other, it->line, it->len);
        return;
    }
    struct state *st = chiso_state(in->c);
    struct fact held;
    if (in->scope != UNIT_ROOT && state_stored(st, &it->in, &held) &&
        !unit_is_within(units, held.unit, in->scope)) {
        /* A writer may not take a dossier away from another unit. */
        snprintf(other.field, sizeof other.field, "MaHoSo");
        snprintf(other.reason, sizeof other.reason,
                 "the dossier is held by unit %s, outside %s, the unit this "
                 "writer may write for",
                 unit_at(units, held.unit)->code,
                 unit_at(units, in->scope)->code);
        refuse(in, &other, it->line, it->len);
        return;
    }
    enum state_outcome result;
    struct fact f;
    struct fact old;
    if (state_apply_input(st, &it->in, &result, &f, in->keep ? &old : NULL) ==
        CHISO_ELIMIT) {
        snprintf(other.field, sizeof other.field, "MaHoSo");
        snprintf(other.reason, sizeof other.reason,
                 "the dossier table is full");
        refuse(in, &other, it->line, it->len);
        return;
    }
    switch (result) {
    case STATE_STALE:
        in->counts.stale++;
        outcome(in, INGEST_STALE);
        return;
    case STATE_ACCEPTED:
        in->counts.accepted++;
        outcome(in, INGEST_ACCEPTED);
        break;
    case STATE_REPLACED:
        in->counts.replaced++;
        outcome(in, INGEST_REPLACED);
        if (in->keep)
            touch_fact(in, &old);
        break;
    }
    if (in->keep)
        touch_fact(in, &f);
    struct store_dossier d = {
        .code = code,
        .code_len = it->code_len,
        .unit_code = unit_at(chiso_units(in->c), f.unit)->code,
        .fact = f,
        .line = in->counts.lines,
    };
    writer_put_dossier(in->w, &d);
}

/* After lines were taken and stored: hands the chunk over when full. */
static enum chiso_err take_done(struct ingest *in, char *detail,
                                size_t detail_size)
{
    if (in->chunk_lines >= CHISO_INGEST_CHUNK_LINES)
        return flush_chunk(in, false, detail, detail_size);
    return CHISO_OK;
}

static enum chiso_err take_one(struct ingest *in, struct prep_item *it,
                               int64_t arrival, char *detail,
                               size_t detail_size)
{
    if (in->failed)
        return err_set(detail, detail_size, CHISO_EINVAL,
                       "the load has already failed");
    char code[CHISO_MAX_CODE_BYTES + 1];
    struct record_error why;
    prep_item(chiso_units(in->c), chiso_state(in->c), arrival, it, code, &why);
    if (in->pending.len == 0)
        in->pending_first = in->counts.lines + 1;
    frame_join(&in->pending, it->line, it->too_long ? 0 : it->len);
    take(in, it, code, &why);
    return take_done(in, detail, detail_size);
}

enum chiso_err ingest_line(struct ingest *in, const char *line, size_t len,
                           int64_t arrival, char *detail, size_t detail_size)
{
    struct prep_item it = {.line = line, .len = len};
    return take_one(in, &it, arrival, detail, detail_size);
}

enum chiso_err ingest_too_long(struct ingest *in, char *detail,
                               size_t detail_size)
{
    struct prep_item it = {.line = "", .too_long = true};
    return take_one(in, &it, 0, detail, detail_size);
}

/* Takes a batch being prepared, in order, each slice as soon as it is
 * ready: a slice's frame is stored with its lines, and chunks end between
 * slices. Returns with the whole batch prepared. */
static enum chiso_err take_batch(struct ingest *in, struct prep_batch *pb,
                                 char *detail, size_t detail_size)
{
    struct prep_pool *pool = chiso_prep(in->c);
    enum chiso_err rc = CHISO_OK;
    if (in->failed)
        rc = err_set(detail, detail_size, CHISO_EINVAL,
                     "the load has already failed");
    if (rc == CHISO_OK && in->pending.len > 0) /* lines taken one by one */
        rc = flush_chunk(in, false, detail, detail_size);
    for (size_t s = 0; rc == CHISO_OK && s < pb->nslices; s++) {
        prep_wait_slice(pool, pb, s);
        size_t i = s * pb->slice_lines;
        size_t end = i + pb->slice_lines < pb->n ? i + pb->slice_lines : pb->n;
        uint64_t first = in->counts.lines + 1;
        for (; i < end; i++) {
            /* Fetch the table entries of the items a few lines on. */
            if (i + PREFETCH_AHEAD < end &&
                pb->items[i + PREFETCH_AHEAD].kind == PREP_RECORD)
                state_prefetch(chiso_state(in->c),
                               &pb->items[i + PREFETCH_AHEAD].in);
            take(in, &pb->items[i], pb->codes[i], &pb->whys[i]);
        }
        writer_put_records(in->w, first, in->counts.lines,
                           pb->frames[s].data, pb->frames[s].len);
        rc = take_done(in, detail, detail_size);
    }
    prep_wait(pool, pb);
    return rc;
}

/* Lines per prepared batch of ingest_buffer. */
#define BUFFER_BATCH_LINES 8192u

/* Cuts at most max lines from buf at *pos into pb's items and starts
 * preparing them. */
static void cut_lines(struct chiso *c, const char *buf, size_t len,
                      size_t *pos, size_t max, int64_t arrival,
                      struct prep_batch *pb)
{
    pb->n = 0;
    while (*pos < len && pb->n < max) {
        const char *nl = memchr(buf + *pos, '\n', len - *pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        prep_batch_reserve(pb, pb->n + 1);
        bool too_long = end - *pos > CHISO_MAX_LINE_BYTES;
        pb->items[pb->n++] = (struct prep_item){
            .line = too_long ? "" : buf + *pos,
            .len = too_long ? 0 : end - *pos,
            .too_long = too_long,
        };
        *pos = end + 1;
    }
    prep_start(chiso_prep(c), pb, chiso_units(c), chiso_state(c), arrival);
}

enum chiso_err ingest_buffer(struct ingest *in, const char *buf, size_t len,
                             int64_t arrival, char *detail, size_t detail_size)
{
    struct prep_batch *pb = chiso_prep_batch(in->c, 0);
    enum chiso_err rc = CHISO_OK;
    size_t pos = 0;
    while (rc == CHISO_OK && pos < len) {
        cut_lines(in->c, buf, len, &pos, BUFFER_BATCH_LINES, arrival, pb);
        rc = take_batch(in, pb, detail, detail_size);
    }
    return rc;
}

void ingest_prepare(struct chiso *c, const char *buf, size_t len,
                    int64_t arrival, struct prep_batch *pb)
{
    size_t pos = 0;
    cut_lines(c, buf, len, &pos, SIZE_MAX, arrival, pb);
    prep_wait(chiso_prep(c), pb);
}

enum chiso_err ingest_prepared(struct ingest *in, struct prep_batch *pb,
                               char *detail, size_t detail_size)
{
    return take_batch(in, pb, detail, detail_size);
}

const struct ingest_counts *ingest_counts(const struct ingest *in)
{
    return &in->counts;
}

enum chiso_err ingest_finish(struct ingest *in, struct ingest_report *report,
                             char *detail, size_t detail_size)
{
    enum chiso_err rc =
        in->failed ? CHISO_ESTORE : flush_chunk(in, true, detail, detail_size);
    in->batch.id = writer_batch_id(in->w);
    /* After a load that changed a quarter of the dossiers or more, a new
     * snapshot saves the next open from replaying them one by one. A failed
     * snapshot loses nothing (the versions are stored): it is not an error
     * of the load. */
    uint64_t changed = in->committed.accepted + in->committed.replaced;
    if (rc == CHISO_OK && changed > 0 &&
        changed * 4 >= chiso_dossiers(in->c))
        chiso_snapshot(in->c, NULL, 0);
    if (report != NULL) {
        *report = (struct ingest_report){
            .batch = in->batch.id,
            .counts = in->committed,
            .refusals = in->refusals,
            .nrefusals = in->committed_refusals,
        };
        in->refusals = NULL;
        if (in->keep && rc == CHISO_OK) {
            report->outcomes = in->outcomes;
            report->noutcomes = in->noutcomes;
            in->outcomes = NULL;
            /* The set, compacted, with unit indexes back to themselves. */
            size_t k = 0;
            for (size_t i = 0; i < in->touched_cap; i++)
                if (in->touched[i].unit != 0)
                    in->touched[k++] = (struct ingest_touch){
                        in->touched[i].unit - 1, in->touched[i].month};
            report->touched = in->touched;
            report->ntouched = k;
            in->touched = NULL;
        }
    }
    free(in->refusals);
    free(in->outcomes);
    free(in->touched);
    free(in->actor);
    free(in->source);
    frame_buf_free(&in->pending);
    free(in);
    return rc;
}

/* Reads the next batch of lines into lb and starts preparing it in pb;
 * returns line_reader_batch's answer. */
static int read_batch(struct chiso *c, struct line_reader *lr,
                      struct line_batch *lb, struct prep_batch *pb,
                      int64_t arrival)
{
    int got = line_reader_batch(lr, lb);
    if (got <= 0)
        return got;
    prep_batch_reserve(pb, lb->n);
    pb->n = lb->n;
    for (size_t i = 0; i < lb->n; i++)
        pb->items[i] = (struct prep_item){.line = line_at(lb, i),
                                          .len = lb->lines[i].len,
                                          .too_long = lb->lines[i].too_long};
    prep_start(chiso_prep(c), pb, chiso_units(c), chiso_state(c), arrival);
    return got;
}

enum chiso_err ingest_stream(struct chiso *c, FILE *stream, const char *source,
                             int64_t arrival, ingest_progress_fn progress,
                             void *ctx, struct ingest_report *report,
                             char *detail, size_t detail_size)
{
    struct ingest *in;
    enum chiso_err rc = ingest_begin(c, source, &in, detail, detail_size);
    if (rc != CHISO_OK)
        return rc;
    struct line_reader lr;
    line_reader_init(&lr, stream, CHISO_MAX_LINE_BYTES, READ_BYTES);
    /* A ring of batches: the one taken and the ones read ahead for the
     * pool. With one read ahead, the pool's threads ran out of work while
     * this thread applied a batch (0.7 s idle in a 6 s load). */
    struct line_batch lb[CHISO_PREP_BATCHES] = {{0}};
    struct prep_batch *pb[CHISO_PREP_BATCHES];
    int got[CHISO_PREP_BATCHES] = {0};
    int status = 1; /* of the reader: 1 more, 0 at the end, -1 error */
    for (int i = 0; i < CHISO_PREP_BATCHES; i++) {
        pb[i] = chiso_prep_batch(c, i);
        if (status > 0)
            status = got[i] = read_batch(c, &lr, &lb[i], pb[i], arrival);
    }
    unsigned long long bytes = 0;
    for (int cur = 0; got[cur] > 0; cur = (cur + 1) % CHISO_PREP_BATCHES) {
        if (rc == CHISO_OK)
            rc = take_batch(in, pb[cur], detail, detail_size);
        else
            prep_wait(chiso_prep(c), pb[cur]);
        if (rc == CHISO_OK) {
            bytes = lb[cur].end_bytes;
            if (progress != NULL)
                progress(ctx, bytes, &in->counts);
        }
        got[cur] = 0;
        if (rc == CHISO_OK && status > 0)
            status = got[cur] = read_batch(c, &lr, &lb[cur], pb[cur], arrival);
    }
    if (rc == CHISO_OK && status < 0)
        rc = err_set(detail, detail_size, CHISO_EIO, "%s: read error", source);
    for (int i = 0; i < CHISO_PREP_BATCHES; i++)
        line_batch_free(&lb[i]);
    line_reader_free(&lr);
    enum chiso_err frc = ingest_finish(in, report, rc == CHISO_OK ? detail : NULL,
                                       detail_size);
    if (rc == CHISO_OK)
        rc = frc;
    if (progress != NULL && rc == CHISO_OK && report != NULL)
        progress(ctx, bytes, &report->counts);
    return rc;
}

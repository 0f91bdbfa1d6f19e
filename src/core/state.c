/*
 * state.c — apply, retract and undo dossier versions.
 */
#include "core/state.h"

#include <stdlib.h>
#include <string.h>

#include "core/agg.h"
#include "core/mem.h"
#include "core/record.h"
#include "core/unit.h"

struct undo {
    uint32_t slot;
    bool inserted;   /* undo by removing the slot */
    struct fact old; /* else: the fact to put back */
};

struct state {
    size_t nunits;
    struct dtable *table;
    struct agg *agg;
    struct undo *log;
    size_t nlog, log_cap;
};

struct state *state_create(const struct unit_registry *units,
                           const unsigned char secret[DTABLE_SECRET_BYTES])
{
    struct state *st = xcalloc(1, sizeof *st);
    st->nunits = units_count(units);
    st->table = dtable_create(secret);
    st->agg = agg_create(units);
    return st;
}

void state_destroy(struct state *st)
{
    if (st == NULL)
        return;
    dtable_destroy(st->table);
    agg_destroy(st->agg);
    free(st->log);
    free(st);
}

static void log_push(struct state *st, struct undo u)
{
    st->log = xgrow(st->log, &st->log_cap, st->nlog + 1, sizeof *st->log);
    st->log[st->nlog++] = u;
}

void state_prepare(const struct state *st, const struct record *rec,
                   int64_t arrival, struct state_input *out)
{
    out->key = dtable_key(st->table, rec->key, rec->key_len);
    fact_derive(rec, arrival, &out->fact);
    out->sync_by = fact_sync_deadline(rec);
}

enum chiso_err state_apply(struct state *st, const struct record *rec,
                           int64_t arrival, enum state_outcome *outcome,
                           struct fact *applied)
{
    struct state_input in;
    state_prepare(st, rec, arrival, &in);
    return state_apply_input(st, &in, outcome, applied, NULL);
}

void state_prefetch(const struct state *st, const struct state_input *in)
{
    dtable_prefetch(st->table, in->key);
}

enum chiso_err state_apply_input(struct state *st, const struct state_input *in,
                                 enum state_outcome *outcome,
                                 struct fact *applied, struct fact *replaced)
{
    uint32_t slot = dtable_find(st->table, in->key);
    struct fact f = in->fact;
    if (slot == DTABLE_NONE) {
        enum chiso_err rc = dtable_insert(st->table, in->key, &f, &slot);
        if (rc != CHISO_OK)
            return rc;
        agg_apply_fact(st->agg, &f, +1);
        log_push(st, (struct undo){.slot = slot, .inserted = true});
        *outcome = STATE_ACCEPTED;
        *applied = f;
        return CHISO_OK;
    }
    struct fact old;
    dtable_get(st->table, slot, &old);
    fact_rebase(&f, old.first_seen, in->sync_by);
    if (!fact_wins(&f, &old)) {
        *outcome = STATE_STALE;
        return CHISO_OK;
    }
    if (!fact_same_contribution(&old, &f))
        agg_replace_fact(st->agg, &old, &f);
    dtable_set(st->table, slot, &f);
    log_push(st, (struct undo){.slot = slot, .old = old});
    if (replaced != NULL)
        *replaced = old;
    *outcome = STATE_REPLACED;
    *applied = f;
    return CHISO_OK;
}

enum chiso_err state_restore(struct state *st, const char *code, size_t len,
                             const struct fact *f)
{
    struct dkey key = dtable_key(st->table, code, len);
    uint32_t slot = dtable_find(st->table, key);
    if (slot != DTABLE_NONE) {
        struct fact old;
        dtable_get(st->table, slot, &old);
        agg_replace_fact(st->agg, &old, f);
        dtable_set(st->table, slot, f);
        return CHISO_OK;
    }
    enum chiso_err rc = dtable_insert(st->table, key, f, &slot);
    if (rc == CHISO_OK)
        agg_apply_fact(st->agg, f, +1);
    return rc;
}

void state_mark(struct state *st)
{
    st->nlog = 0;
}

void state_undo(struct state *st)
{
    while (st->nlog > 0) {
        struct undo *u = &st->log[--st->nlog];
        struct fact cur;
        dtable_get(st->table, u->slot, &cur);
        if (u->inserted) {
            agg_apply_fact(st->agg, &cur, -1);
            dtable_pop(st->table);
        } else {
            agg_replace_fact(st->agg, &cur, &u->old);
            dtable_set(st->table, u->slot, &u->old);
        }
    }
}

bool state_stored(const struct state *st, const struct state_input *in,
                  struct fact *out)
{
    uint32_t slot = dtable_find(st->table, in->key);
    if (slot == DTABLE_NONE)
        return false;
    dtable_get(st->table, slot, out);
    return true;
}

const struct dtable *state_table(const struct state *st)
{
    return st->table;
}

enum chiso_err state_load_slots(struct state *st, const void *data,
                                size_t bytes)
{
    uint32_t first;
    enum chiso_err rc = dtable_load_slots(st->table, data, bytes, &first);
    if (rc != CHISO_OK)
        return rc;
    size_t n = dtable_count(st->table);
    for (uint32_t s = first; s < n; s++) {
        if (dtable_unit(st->table, s) >= st->nunits) {
            while (dtable_count(st->table) > first)
                dtable_pop(st->table);
            return CHISO_EINVAL;
        }
    }
    return CHISO_OK;
}

enum chiso_err state_load_counters(struct state *st, const void *data,
                                   size_t bytes)
{
    return agg_import(st->agg, data, bytes);
}

void state_reserve(struct state *st, size_t n)
{
    dtable_reserve(st->table, n);
}

size_t state_logged(const struct state *st)
{
    return st->nlog;
}

void state_forget(struct state *st, size_t n)
{
    if (n >= st->nlog) {
        st->nlog = 0;
        return;
    }
    memmove(st->log, st->log + n, (st->nlog - n) * sizeof *st->log);
    st->nlog -= n;
}

const struct agg *state_agg(const struct state *st)
{
    return st->agg;
}

size_t state_dossiers(const struct state *st)
{
    return dtable_count(st->table);
}

size_t state_table_memory(const struct state *st)
{
    return dtable_memory(st->table);
}

size_t state_agg_memory(const struct state *st)
{
    return agg_memory(st->agg);
}

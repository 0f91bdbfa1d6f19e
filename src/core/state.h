/*
 * state.h — the live state: every dossier's fact and the counters they add.
 *
 * state_apply() is the one place where a new version meets the stored one:
 * a new dossier adds its contribution, a winning version retracts the old
 * contribution and adds the new one, a losing (stale) version changes
 * nothing. Changes since state_mark() are logged so that state_undo() can put
 * the state back exactly when the store fails to commit them; the state in
 * memory never runs ahead of what is durable.
 *
 * Not thread-safe: the caller serialises writers and readers; only
 * state_prepare() may run on other threads meanwhile.
 */
#ifndef CHISO_STATE_H
#define CHISO_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/dtable.h"
#include "core/err.h"
#include "core/fact.h"

struct agg;
struct record;
struct unit_registry;

enum state_outcome {
    STATE_ACCEPTED, /* a dossier not seen before */
    STATE_REPLACED, /* a newer version of a known dossier */
    STATE_STALE,    /* an older version: ignored */
};

struct state;

/* A state over units (which must outlive it) hashing codes with secret. */
struct state *state_create(const struct unit_registry *units,
                           const unsigned char secret[DTABLE_SECRET_BYTES]);
void state_destroy(struct state *st);

/*
 * Applies a valid record that arrived at `arrival` (Unix seconds). Sets
 * *outcome and, unless stale, *applied to the fact now stored. Returns
 * CHISO_ELIMIT when the table is full (nothing changed).
 */
enum chiso_err state_apply(struct state *st, const struct record *rec,
                           int64_t arrival, enum state_outcome *outcome,
                           struct fact *applied);

/* What state_apply needs of a record, computed without the live state: the
 * dossier's hashed key, and its fact as if it first arrived at `arrival`. */
struct state_input {
    struct dkey key;
    struct fact fact;
    int64_t sync_by; /* fact_sync_deadline of the record */
};

/* Prepares a record for state_apply_input. Reads only what never changes
 * after state_create (the hash secret): safe on any thread, concurrently
 * with everything but state_destroy. */
void state_prepare(const struct state *st, const struct record *rec,
                   int64_t arrival, struct state_input *out);

/* Prefetches what state_apply_input(in) will read first. */
void state_prefetch(const struct state *st, const struct state_input *in);

/* state_apply of a prepared record (prepared by this state); on
 * STATE_REPLACED, *replaced (when not NULL) is the fact it replaced. */
enum chiso_err state_apply_input(struct state *st, const struct state_input *in,
                                 enum state_outcome *outcome,
                                 struct fact *applied, struct fact *replaced);

/* The stored fact of a prepared record's dossier; false for a new one. */
bool state_stored(const struct state *st, const struct state_input *in,
                  struct fact *out);


/* Puts back a stored version when rebuilding from the store, replacing the
 * dossier's earlier version if there is one (versions come oldest first);
 * not logged. CHISO_ELIMIT when the table is full. */
enum chiso_err state_restore(struct state *st, const char *code, size_t len,
                             const struct fact *f);

/* The dossier table, to write a snapshot of it. */
const struct dtable *state_table(const struct state *st);

/*
 * Loads the slots of a snapshot chunk (written from state_table of a state
 * over the same units and secret). The counters are loaded apart
 * (state_load_counters), from the same snapshot. CHISO_EINVAL when the
 * bytes are not whole slots or name no unit of this registry; nothing is
 * added then.
 */
enum chiso_err state_load_slots(struct state *st, const void *data,
                                size_t bytes);

/* Loads a piece of counters exported (agg_export) with the slots. */
enum chiso_err state_load_counters(struct state *st, const void *data,
                                   size_t bytes);

/* Makes room for n dossiers in all, before loading a snapshot of them. */
void state_reserve(struct state *st, size_t n);

/* Starts logging changes (forgetting any earlier log). */
void state_mark(struct state *st);

/* Reverts every change since state_mark(). */
void state_undo(struct state *st);

/* Changes logged since state_mark(). */
size_t state_logged(const struct state *st);

/* Forgets the first n logged changes (their chunk is durable), keeping the
 * later ones undoable. */
void state_forget(struct state *st, size_t n);

/* Read access for queries. */
const struct agg *state_agg(const struct state *st);
size_t state_dossiers(const struct state *st);

/* Bytes held by the dossier table, and by the counters. */
size_t state_table_memory(const struct state *st);
size_t state_agg_memory(const struct state *st);

#endif

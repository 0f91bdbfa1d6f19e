/*
 * chiso.h — the engine: a store, the units, the catalogue and the live state.
 *
 * struct chiso is the context every command and server passes around (no
 * process-wide singletons: two engines may live in one process). Opening
 * rebuilds the live state from the store, so values after a restart are
 * identical to those before it. Not thread-safe: callers serialise access.
 */
#ifndef CHISO_CHISO_H
#define CHISO_CHISO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/indicator.h"
#include "core/measure.h"
#include "core/vtime.h"

struct catalogue;
struct prep_pool;
struct state;
struct store;
struct unit_registry;
struct writer;

struct chiso;

struct chiso_options {
    const char *db_path;   /* SQLite file; created if absent */
    const char *units_dir; /* unit lists for a new database; NULL: shipped */
    const char *catalogue; /* catalogue file; NULL: shipped */
    /* For commands that only read figures: when a snapshot covers every
     * stored version, only its counters are loaded, not the dossier table
     * (what loads need, to retract an older version): reopening 1 million
     * dossiers for a year of measures took 0.22 s, 0.05 s without it. Such
     * an engine refuses loads (ingest_begin) and counts no dossiers. */
    bool queries_only;
};

/*
 * Opens or creates a database and rebuilds the live state from it. A new
 * database gets the unit lists of units_dir (every *.csv in it) or the
 * shipped ones, and a fresh random hash secret. On error detail says what.
 */
enum chiso_err chiso_open(const struct chiso_options *opt, struct chiso **out,
                          char *detail, size_t detail_size);

/*
 * Writes a snapshot of the live state (the packed dossier table and the last
 * version it covers), so that the next open loads it and replays only later
 * versions. The engine must have no load in progress.
 */
enum chiso_err chiso_snapshot(struct chiso *c, char *detail,
                              size_t detail_size);

/* Closes the store and frees everything; NULL is harmless. */
void chiso_close(struct chiso *c);

const struct unit_registry *chiso_units(const struct chiso *c);

/* The engine's store writer (engine/writer.h), shared by its load sessions
 * one at a time. */
struct writer *chiso_writer(struct chiso *c);

/* The engine's pool of parsing threads (engine/prep.h), one per core but
 * the caller's, started on first use. */
struct prep_pool *chiso_prep(struct chiso *c);

/* Batch buffers for the pool, kept between load sessions (one session at a
 * time uses them): allocating their arrays afresh cost a small durable
 * batch a fifth of its time in page faults. 0 <= i < CHISO_PREP_BATCHES. */
#define CHISO_PREP_BATCHES 3
struct prep_batch *chiso_prep_batch(struct chiso *c, int i);
const struct catalogue *chiso_catalogue(const struct chiso *c);
struct state *chiso_state(struct chiso *c);
struct store *chiso_store(struct chiso *c);

/* Measures of a unit over a period: its subtree's (rollup) or its own
 * records only (rollup false). */
void chiso_measures(const struct chiso *c, uint32_t unit,
                    const struct vt_period *p, bool rollup,
                    int64_t out[MEASURE__COUNT]);

/* An indicator's value for a unit and period (subtree values). */
void chiso_value(const struct chiso *c, const struct indicator *ind,
                 uint32_t unit, const struct vt_period *p,
                 struct indicator_value *out);

/*
 * Ranks the units of a level inside `within` (UNIT_ROOT: all of them) for an
 * indicator and period. *out (n entries) is allocated and owned by the
 * caller (free()).
 */
void chiso_rank(const struct chiso *c, const struct indicator *ind,
                int level, uint32_t within, const struct vt_period *p,
                struct rank_entry **out, size_t *n);

/* The first and last day with any counter; 0 when there is no data. */
int chiso_span(const struct chiso *c, int32_t *first, int32_t *last);

/* Whether it was opened with queries_only and loaded the counters alone. */
bool chiso_queries_only(const struct chiso *c);

/* Dossiers held by the live state (0 when chiso_queries_only). */
size_t chiso_dossiers(const struct chiso *c);

/* Memory held by the live state, in bytes: dossier table and counters. */
void chiso_memory(const struct chiso *c, size_t *table, size_t *counters);

#endif

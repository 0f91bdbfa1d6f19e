/*
 * agg.h — counters per unit, per day, per measure, rolled up the tree.
 *
 * Each unit holds, for each month it has data in, a block of 31 day rows and
 * one month-total row of MEASURE__COUNT signed 64-bit counters. A change at a
 * unit is added to that unit and to each of its ancestors (commune → province
 * → national; ministry → national), so every stored value is the value of
 * the unit's whole subtree, and a correction costs O(depth), whatever the
 * number of dossiers. A period sum reads month totals for whole months and day
 * rows at the edges. Gauge measures (open, open_overdue) are stored as per-day
 * increments and read as prefix sums up to a day. See docs/design.md.
 *
 * Not thread-safe: one writer at a time, and no reader during a write.
 */
#ifndef CHISO_AGG_H
#define CHISO_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/measure.h"
#include "core/vtime.h"

struct agg;
struct fact;
struct unit_registry;

/* Counters for the units of reg, which must outlive the aggregate. */
struct agg *agg_create(const struct unit_registry *reg);
void agg_destroy(struct agg *agg);

/* Adds sign (+1 or -1) times a fact's contribution to its unit and every
 * ancestor. */
void agg_apply_fact(struct agg *agg, const struct fact *f, int sign);

/* Replaces old's contribution by new's: agg_apply_fact(old, -1) then
 * (new, +1), with the two merged into one change per day. */
void agg_replace_fact(struct agg *agg, const struct fact *old,
                      const struct fact *new);

/*
 * Fills out[m] for every measure for the unit's subtree: period measures
 * summed over the days of p, gauges as of the end of p's last day.
 */
void agg_sum(const struct agg *agg, uint32_t unit, const struct vt_period *p,
             int64_t out[MEASURE__COUNT]);

/* The first and last day with any counter in the whole tree; returns 0 when
 * there is no data, 1 otherwise. */
int agg_span(const struct agg *agg, int32_t *first, int32_t *last);

/*
 * The counters as bytes, for snapshots: records of a unit index (uint32), a
 * month (int32, vtime months) and its block, in the machine's byte order,
 * AGG_RECORD_BYTES each; agg_export hands them to fn in unit and month
 * order, in pieces of at most max_bytes (at least one record), in one
 * buffer reused; it stops at fn's first error and returns it.
 */
size_t agg_record_bytes(void);
typedef enum chiso_err (*agg_piece_fn)(void *ctx, const void *data,
                                       size_t len);
enum chiso_err agg_export(const struct agg *agg, size_t max_bytes,
                          agg_piece_fn fn, void *ctx);

/* Adds exported records to an aggregate that has none of their blocks yet.
 * CHISO_EINVAL, having changed nothing, when the bytes are not records of
 * this registry's units or repeat a block. */
enum chiso_err agg_import(struct agg *agg, const void *data, size_t len);

/* Bytes held by the counters. */
size_t agg_memory(const struct agg *agg);

#endif

/*
 * prep.h — parsing and preparing records on every core.
 *
 * Parsing a line and deriving its fact (record_parse, state_prepare) need
 * only the unit registry and the hash secret, never the live state: a pool
 * of threads does it for a batch of lines while the caller applies the batch
 * before, in order, on its own thread. The same threads compress the lines
 * for the store, a frame (engine/frames.h) per slice of PREP_SLICE_LINES
 * lines. Parsing was about half of a bulk load's time on one core, and
 * compressing a sixth.
 */
#ifndef CHISO_PREP_H
#define CHISO_PREP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"
#include "core/record.h"
#include "core/state.h"
#include "engine/frames.h"

/* Lines per slice, the unit of work a thread claims and of the frames: at
 * most 256 (~120 KB of JSON, a quarter of a millisecond), fewer for a small
 * batch so that every thread gets some and the caller can apply the first
 * slices while the others are parsed; at least 32. */
#define PREP_SLICE_LINES 256u
#define PREP_MIN_SLICE_LINES 32u

enum prep_kind { PREP_RECORD, PREP_REFUSED, PREP_BLANK, PREP_TOO_LONG };

struct prep_item {
    const char *line; /* in: the line (len bytes) */
    size_t len;
    bool too_long;    /* in: the line was longer than the limit */
    enum prep_kind kind;
    struct state_input in; /* PREP_RECORD */
    size_t code_len;       /* PREP_RECORD: MaHoSo is codes[i] */
};

/* A batch of lines to prepare. The caller sets items[0..n) (line, len,
 * too_long) after prep_batch_reserve; the pool fills the rest. */
struct prep_batch {
    struct prep_item *items;
    char (*codes)[CHISO_MAX_CODE_BYTES + 1];
    struct record_error *whys; /* PREP_REFUSED */
    size_t n, cap;
    size_t slice_lines;        /* set by prep_start */
    struct frame_buf *frames;  /* per slice: its lines, compressed */
    unsigned char *slice_done; /* per slice, under the pool's lock */
    size_t nslices, frames_cap;
    /* The pool's bookkeeping, under its lock. */
    const struct unit_registry *units;
    const struct state *state;
    int64_t arrival;
    size_t next, done;
};

/* Makes room for n items. */
void prep_batch_reserve(struct prep_batch *b, size_t n);
void prep_batch_free(struct prep_batch *b);

struct prep_pool;

/* A pool of `threads` threads besides the caller's (0: the caller does all
 * the work in prep_wait). */
struct prep_pool *prep_pool_create(unsigned threads);

/* Waits for nothing: batches must be waited for before this. NULL is
 * harmless. */
void prep_pool_destroy(struct prep_pool *p);

/* Threads for a pool on this machine: one per online core but the
 * caller's. */
unsigned prep_default_threads(void);

/* Starts preparing b's items for state (records arriving at `arrival`).
 * With MAX_BATCHES (16) batches waiting already, waits for room. */
void prep_start(struct prep_pool *p, struct prep_batch *b,
                const struct unit_registry *units, const struct state *state,
                int64_t arrival);

/* Prepares what no thread has taken yet, then waits until b is done. */
void prep_wait(struct prep_pool *p, struct prep_batch *b);

/* Waits until slice s of b is done, preparing b's unclaimed slices
 * meanwhile: items [s * b->slice_lines, ...) can then be read. */
void prep_wait_slice(struct prep_pool *p, struct prep_batch *b, size_t s);

/* Prepares one item on the calling thread. */
void prep_item(const struct unit_registry *units, const struct state *state,
               int64_t arrival, struct prep_item *it,
               char code[CHISO_MAX_CODE_BYTES + 1], struct record_error *why);

#endif

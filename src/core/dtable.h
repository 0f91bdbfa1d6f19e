/*
 * dtable.h — the live table of dossiers: key → packed fact.
 *
 * It holds, for every dossier ever accepted, exactly what is needed to
 * retract its contribution and to rank a new version against it: the fact of
 * fact.h, packed into 48 bytes. A dossier is found by a 128-bit keyed hash of
 * its MaHoSo (SipHash-2-4 with a per-database secret, libsodium), of which 88
 * bits are kept: with 10^8 dossiers the chance that two codes share them is
 * about 10^-11, and the secret keeps anyone from forging such a pair. The
 * codes themselves live in the store. Slots are allocated in fixed chunks, so
 * growth never copies them, and indexed by an open-addressing table of 32-bit
 * slot numbers. See docs/design.md §Memory.
 *
 * Not thread-safe: one writer at a time, and no reader during a write.
 */
#ifndef CHISO_DTABLE_H
#define CHISO_DTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/fact.h"

#define DTABLE_SECRET_BYTES 16
#define DTABLE_NONE UINT32_MAX

struct dtable;

/* The identity of a dossier within one database: its hashed code. */
struct dkey {
    uint64_t h;   /* first 64 bits of the keyed hash */
    uint32_t tag; /* next 24 bits */
};

/* A table whose keys are hashed with secret (DTABLE_SECRET_BYTES bytes). */
struct dtable *dtable_create(const unsigned char *secret);
void dtable_destroy(struct dtable *t);

/* The key of a MaHoSo code. */
struct dkey dtable_key(const struct dtable *t, const char *code, size_t len);

/* Asks the CPU to fetch where dtable_find(t, key) will first look: called
 * a few keys ahead, it hides the cache misses of a large table. */
void dtable_prefetch(const struct dtable *t, struct dkey key);

/* The slot of key, or DTABLE_NONE. */
uint32_t dtable_find(const struct dtable *t, struct dkey key);

/* Adds a new key with its fact; returns its slot in *slot. CHISO_ELIMIT past
 * CHISO_MAX_DOSSIERS. The key must not be present. */
enum chiso_err dtable_insert(struct dtable *t, struct dkey key,
                             const struct fact *f, uint32_t *slot);

/* Reads and writes the fact of a slot. */
void dtable_get(const struct dtable *t, uint32_t slot, struct fact *f);
void dtable_set(struct dtable *t, uint32_t slot, const struct fact *f);

/* The unit index of a slot's fact alone (dtable_get unpacks all of it). */
uint32_t dtable_unit(const struct dtable *t, uint32_t slot);

/* Removes the most recently inserted slot (to undo an insert). */
void dtable_pop(struct dtable *t);

size_t dtable_count(const struct dtable *t);

/* Bytes of one packed slot; snapshots hold whole slots. */
#define DTABLE_SLOT_BYTES 48

/* Snapshots: the slots as they are in memory, chunk by chunk. dtable_chunk
 * returns chunk i (of dtable_chunks) and its used bytes. */
size_t dtable_chunks(const struct dtable *t);
const void *dtable_chunk(const struct dtable *t, size_t i, size_t *bytes);

/* Appends the slots of a snapshot chunk and indexes them; sets *first to the
 * first new slot. CHISO_EINVAL when bytes is not whole slots, ELIMIT past
 * CHISO_MAX_DOSSIERS. */
/* Sizes the index for n dossiers in all (a hint: loads of many slots then
 * never rehash). */
void dtable_reserve(struct dtable *t, size_t n);

enum chiso_err dtable_load_slots(struct dtable *t, const void *data,
                                 size_t bytes, uint32_t *first);

/* Bytes held (slots and index). */
size_t dtable_memory(const struct dtable *t);

#endif

/*
 * dtable.c — packed dossier slots in chunks, with a linear-probing index.
 *
 * Slot layout (six 64-bit words, 48 bytes):
 *   w0  hash bits 0–63
 *   w1  hash bits 64–87 (24) << 40 | version (40 bits: stamps of years
 *       0000–9999 shifted to be positive need 39)
 *   w2  fee, VND
 *   w3  processing seconds
 *   w4  unit (24) << 40 | first arrival, Unix seconds (40 bits, to year 36812)
 *   w5  received day (22) | end day (22) << 22 | measure bits (19) << 44
 * Days are shifted by 719,528 so that 0000-01-01 is 0; year 9999 fits 22
 * bits. Two measure bits are implied and not stored: fee_vnd equals received,
 * processing_seconds equals completed.
 */
#include "core/dtable.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/mem.h"

#define CHUNK_BITS 16
#define CHUNK_SLOTS (1u << CHUNK_BITS)
#define EMPTY UINT32_MAX
#define DAY_SHIFT 719528
#define MASK(bits) ((UINT64_C(1) << (bits)) - 1)

static_assert(MEASURE__COUNT == 21, "slot packing stores 19 of 21 measure bits");
static_assert(CHISO_MAX_UNITS <= (1u << 24), "unit index must fit 24 bits");
static_assert(DTABLE_SLOT_BYTES == 6 * sizeof(uint64_t), "snapshot slot size");

struct slot {
    uint64_t w[6];
};

struct dtable {
    unsigned char secret[DTABLE_SECRET_BYTES];
    struct slot **chunks;
    size_t nchunks;
    uint32_t count;
    uint32_t *index; /* slot numbers; EMPTY where free */
    uint8_t *tags;   /* per bucket: hash bits 56-63 of its slot's key, so a
                      * probe skips most non-matching slots without reading
                      * them (each read is a cache miss) */
    size_t index_cap; /* power of two */
};

static const uint32_t implied = FACT_BIT(MEASURE_FEE_VND) |
                                FACT_BIT(MEASURE_PROCESSING_SECONDS);

/* Packs the 21 measure bits into 19 by dropping the implied ones. */
static uint64_t pack_flags(uint32_t flags)
{
    uint64_t out = 0;
    int bit = 0;
    for (int m = 0; m < MEASURE__COUNT; m++) {
        if (implied & FACT_BIT(m))
            continue;
        if (flags & FACT_BIT(m))
            out |= UINT64_C(1) << bit;
        bit++;
    }
    return out;
}

static uint32_t unpack_flags(uint64_t packed)
{
    uint32_t flags = 0;
    int bit = 0;
    for (int m = 0; m < MEASURE__COUNT; m++) {
        if (implied & FACT_BIT(m))
            continue;
        if (packed >> bit & 1)
            flags |= FACT_BIT(m);
        bit++;
    }
    if (flags & FACT_BIT(MEASURE_RECEIVED))
        flags |= FACT_BIT(MEASURE_FEE_VND);
    if (flags & FACT_BIT(MEASURE_COMPLETED))
        flags |= FACT_BIT(MEASURE_PROCESSING_SECONDS);
    return flags;
}

static void pack(struct slot *s, struct dkey key, const struct fact *f)
{
    int64_t seen = f->first_seen < 0 ? 0 : f->first_seen;
    if ((uint64_t)seen > MASK(40))
        seen = (int64_t)MASK(40);
    s->w[0] = key.h;
    s->w[1] = (uint64_t)(key.tag & MASK(24)) << 40 |
              ((uint64_t)f->version & MASK(40));
    s->w[2] = (uint64_t)f->fee;
    s->w[3] = (uint64_t)f->proc;
    s->w[4] = (uint64_t)f->unit << 40 | (uint64_t)seen;
    s->w[5] = ((uint64_t)(f->recv_day + DAY_SHIFT) & MASK(22)) |
              ((uint64_t)(f->end_day + DAY_SHIFT) & MASK(22)) << 22 |
              pack_flags(f->flags) << 44;
}

static void unpack(const struct slot *s, struct fact *f)
{
    *f = (struct fact){
        .version = (int64_t)(s->w[1] & MASK(40)),
        .fee = (int64_t)s->w[2],
        .proc = (int64_t)s->w[3],
        .unit = (uint32_t)(s->w[4] >> 40),
        .first_seen = (int64_t)(s->w[4] & MASK(40)),
        .recv_day = (int32_t)(s->w[5] & MASK(22)) - DAY_SHIFT,
        .end_day = (int32_t)(s->w[5] >> 22 & MASK(22)) - DAY_SHIFT,
        .flags = unpack_flags(s->w[5] >> 44),
    };
}

static struct slot *slot_at(const struct dtable *t, uint32_t i)
{
    return &t->chunks[i >> CHUNK_BITS][i & (CHUNK_SLOTS - 1)];
}

/* Slot chunks and large indexes are mapped (core/mem.h: huge pages, and
 * only the pages touched count in RSS); small indexes come from malloc. */
#define CHUNK_BYTES (CHUNK_SLOTS * sizeof(struct slot))
#define HUGE_INDEX (1u << 18) /* entries */

static void index_alloc(size_t cap, uint32_t **index, uint8_t **tags)
{
    if (cap >= HUGE_INDEX) {
        *index = xmalloc_huge(cap * sizeof **index);
        *tags = xmalloc_huge(cap);
    } else {
        *index = xmalloc(cap * sizeof **index);
        *tags = xmalloc(cap);
    }
    memset(*index, 0xff, cap * sizeof **index);
}

static void index_free(size_t cap, uint32_t *index, uint8_t *tags)
{
    if (cap >= HUGE_INDEX) {
        xfree_huge(index, cap * sizeof *index);
        xfree_huge(tags, cap);
    } else {
        free(index);
        free(tags);
    }
}

struct dtable *dtable_create(const unsigned char *secret)
{
    struct dtable *t = xcalloc(1, sizeof *t);
    memcpy(t->secret, secret, DTABLE_SECRET_BYTES);
    t->index_cap = 1024;
    index_alloc(t->index_cap, &t->index, &t->tags);
    return t;
}

void dtable_destroy(struct dtable *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nchunks; i++)
        xfree_huge(t->chunks[i], CHUNK_BYTES);
    free(t->chunks);
    index_free(t->index_cap, t->index, t->tags);
    free(t);
}

struct dkey dtable_key(const struct dtable *t, const char *code, size_t len)
{
    unsigned char h[crypto_shorthash_siphashx24_BYTES];
    crypto_shorthash_siphashx24(h, (const unsigned char *)code, len, t->secret);
    struct dkey k;
    memcpy(&k.h, h, sizeof k.h);
    k.tag = (uint32_t)h[8] | (uint32_t)h[9] << 8 | (uint32_t)h[10] << 16;
    return k;
}

static bool matches(const struct slot *s, struct dkey key)
{
    return s->w[0] == key.h && (uint32_t)(s->w[1] >> 40) == key.tag;
}

static uint8_t tag_of(uint64_t h)
{
    return (uint8_t)(h >> 56);
}

void dtable_prefetch(const struct dtable *t, struct dkey key)
{
    size_t i = key.h & (t->index_cap - 1);
    __builtin_prefetch(&t->index[i]);
    __builtin_prefetch(&t->tags[i]);
}

uint32_t dtable_find(const struct dtable *t, struct dkey key)
{
    size_t mask = t->index_cap - 1;
    uint8_t tag = tag_of(key.h);
    for (size_t i = key.h & mask;; i = (i + 1) & mask) {
        uint32_t s = t->index[i];
        if (s == EMPTY)
            return DTABLE_NONE;
        if (t->tags[i] == tag && matches(slot_at(t, s), key))
            return s;
    }
}

static void index_place(uint32_t *index, uint8_t *tags, size_t cap,
                        uint64_t h, uint32_t s)
{
    size_t mask = cap - 1;
    size_t i = h & mask;
    while (index[i] != EMPTY)
        i = (i + 1) & mask;
    index[i] = s;
    tags[i] = tag_of(h);
}

/* Rebuilds the index with cap entries (a power of two). */
static void rebuild_index(struct dtable *t, size_t cap)
{
    uint32_t *index;
    uint8_t *tags;
    index_alloc(cap, &index, &tags);
    for (uint32_t s = 0; s < t->count; s++)
        index_place(index, tags, cap, slot_at(t, s)->w[0], s);
    index_free(t->index_cap, t->index, t->tags);
    t->index = index;
    t->tags = tags;
    t->index_cap = cap;
}

static void grow_index(struct dtable *t)
{
    rebuild_index(t, t->index_cap * 2);
}

void dtable_reserve(struct dtable *t, size_t n)
{
    if (n > CHISO_MAX_DOSSIERS)
        n = CHISO_MAX_DOSSIERS;
    size_t cap = t->index_cap;
    while (n * 4 > cap * 3)
        cap *= 2;
    if (cap > t->index_cap)
        rebuild_index(t, cap);
}

/* Appends a slot (the caller checked the limit) and indexes it. */
static uint32_t append(struct dtable *t, const struct slot *in)
{
    if ((size_t)(t->count + 1) * 4 > t->index_cap * 3)
        grow_index(t);
    uint32_t s = t->count;
    if ((s >> CHUNK_BITS) == t->nchunks) {
        t->chunks = xrealloc(t->chunks, (t->nchunks + 1) * sizeof *t->chunks);
        t->chunks[t->nchunks++] = xmalloc_huge(CHUNK_BYTES);
    }
    *slot_at(t, s) = *in;
    index_place(t->index, t->tags, t->index_cap, in->w[0], s);
    t->count++;
    return s;
}

enum chiso_err dtable_insert(struct dtable *t, struct dkey key,
                             const struct fact *f, uint32_t *slot)
{
    if (t->count >= CHISO_MAX_DOSSIERS)
        return CHISO_ELIMIT;
    struct slot packed;
    pack(&packed, key, f);
    *slot = append(t, &packed);
    return CHISO_OK;
}

void dtable_get(const struct dtable *t, uint32_t slot, struct fact *f)
{
    unpack(slot_at(t, slot), f);
}

uint32_t dtable_unit(const struct dtable *t, uint32_t slot)
{
    return (uint32_t)(slot_at(t, slot)->w[4] >> 40);
}

void dtable_set(struct dtable *t, uint32_t slot, const struct fact *f)
{
    struct slot *s = slot_at(t, slot);
    struct dkey key = {s->w[0], (uint32_t)(s->w[1] >> 40)};
    pack(s, key, f);
}

void dtable_pop(struct dtable *t)
{
    assert(t->count > 0);
    uint32_t s = t->count - 1;
    size_t mask = t->index_cap - 1;
    size_t i = slot_at(t, s)->w[0] & mask;
    while (t->index[i] != s)
        i = (i + 1) & mask;
    /* Backward-shift deletion keeps every probe chain unbroken. */
    for (size_t j = (i + 1) & mask; t->index[j] != EMPTY; j = (j + 1) & mask) {
        size_t home = slot_at(t, t->index[j])->w[0] & mask;
        bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            t->index[i] = t->index[j];
            t->tags[i] = t->tags[j];
            i = j;
        }
    }
    t->index[i] = EMPTY;
    t->count--;
    if ((t->count & (CHUNK_SLOTS - 1)) == 0 && (t->count >> CHUNK_BITS) < t->nchunks) {
        xfree_huge(t->chunks[--t->nchunks], CHUNK_BYTES);
    }
}

size_t dtable_count(const struct dtable *t)
{
    return t->count;
}

size_t dtable_memory(const struct dtable *t)
{
    return t->nchunks * CHUNK_SLOTS * sizeof(struct slot) +
           t->index_cap * (sizeof *t->index + 1) + t->nchunks * sizeof *t->chunks;
}

size_t dtable_chunks(const struct dtable *t)
{
    return t->nchunks;
}

const void *dtable_chunk(const struct dtable *t, size_t i, size_t *bytes)
{
    size_t first = i << CHUNK_BITS;
    size_t n = t->count - first < CHUNK_SLOTS ? t->count - first : CHUNK_SLOTS;
    *bytes = n * sizeof(struct slot);
    return t->chunks[i];
}

/* Slots ahead of the one placed whose buckets are prefetched. */
#define LOAD_AHEAD 16

enum chiso_err dtable_load_slots(struct dtable *t, const void *data,
                                 size_t bytes, uint32_t *first)
{
    if (bytes % sizeof(struct slot) != 0)
        return CHISO_EINVAL;
    size_t n = bytes / sizeof(struct slot);
    if (t->count + n > CHISO_MAX_DOSSIERS)
        return CHISO_ELIMIT;
    *first = t->count;
    const struct slot *in = data;
    /* Placing a slot in the index is a cache miss: the buckets of the
     * slots a few on are fetched meanwhile (a snapshot's million slots
     * took 0.11 s to index, one miss after the other). */
    dtable_reserve(t, t->count + n);
    size_t mask = t->index_cap - 1;
    for (size_t i = 0; i < n; i++) {
        if (i + LOAD_AHEAD < n) {
            size_t b = in[i + LOAD_AHEAD].w[0] & mask;
            __builtin_prefetch(&t->index[b], 1);
            __builtin_prefetch(&t->tags[b], 1);
        }
        append(t, &in[i]);
    }
    return CHISO_OK;
}

/*
 * agg.c — month blocks of day counters, per unit, kept sorted by month.
 *
 * A unit's months are few (tens), so a sorted array with binary search and a
 * cache of the last month touched beats a hash table here, and iterating a
 * unit's months in order (for gauges) is free.
 */
#include "core/agg.h"

#include <stdlib.h>
#include <string.h>

#include "core/fact.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/unit.h"

#define TOTAL_ROW 31

/*
 * Counts fit 32 bits in any one row (a unit's day or month: a national month
 * holds ~10^7 dossiers, 2^31 is 2.1 × 10^9); the three sums — fees in VND and
 * processing seconds — need 64. Keeping counts at 32 bits makes a block 3 KiB
 * instead of 5.25 KiB: fewer pages to fault in and fewer cache lines per
 * update.
 */
#define NSUMS 3
#define NCOUNTS (MEASURE__COUNT - NSUMS)

struct block {
    int32_t count[32][NCOUNTS];
    int64_t sum[32][NSUMS];
};

static bool is_sum(int m)
{
    return m == MEASURE_FEE_VND || m == MEASURE_FEE_ONLINE_VND ||
           m == MEASURE_PROCESSING_SECONDS;
}

/* Column of measure m in its array (count or sum). */
static int column(int m)
{
    int c = 0;
    for (int k = 0; k < m; k++)
        c += is_sum(k) == is_sum(m);
    return c;
}

static int64_t get(const struct block *b, int row, int m, const int *col)
{
    return is_sum(m) ? b->sum[row][col[m]] : b->count[row][col[m]];
}

struct series {
    int32_t *months;
    struct block **blocks;
    size_t n, cap;
    /* The block last asked for: most changes hit the current month, and
     * this saves two dependent cache misses a unit (profiled: the walk up
     * the tree was the largest cost of applying a fresh batch). */
    int32_t last_month;
    struct block *last;
};

/* Blocks are carved from 2 MiB slabs (core/mem.h: huge pages), never
 * freed one by one: a block per calloc cost a page fault per block. */
#define SLAB_BYTES ((size_t)2 << 20)
#define SLAB_BLOCKS (SLAB_BYTES / sizeof(struct block))

#define DAY_CACHE 64

struct agg {
    const struct unit_registry *reg;
    int col[MEASURE__COUNT]; /* column(m), computed once */
    struct series *series; /* one per unit */
    size_t nblocks;
    struct block **slabs;
    size_t nslabs, slabs_cap;
    size_t slab_used; /* blocks taken from the last slab */
    /* The month and day of the month of days added to lately, by day
     * modulo DAY_CACHE: records come roughly in order, and converting each
     * day was 3% of a bulk load's instructions. */
    struct day_month {
        int32_t day, month, dom;
    } days[DAY_CACHE];
};

static struct block *new_block(struct agg *agg)
{
    if (agg->nslabs == 0 || agg->slab_used == SLAB_BLOCKS) {
        agg->slabs = xgrow(agg->slabs, &agg->slabs_cap, agg->nslabs + 1,
                           sizeof *agg->slabs);
        agg->slabs[agg->nslabs++] = xmalloc_huge(SLAB_BYTES);
        agg->slab_used = 0;
    }
    return &agg->slabs[agg->nslabs - 1][agg->slab_used++];
}

struct agg *agg_create(const struct unit_registry *reg)
{
    struct agg *agg = xcalloc(1, sizeof *agg);
    agg->reg = reg;
    for (int m = 0; m < MEASURE__COUNT; m++)
        agg->col[m] = column(m);
    agg->series = xcalloc(units_count(reg), sizeof *agg->series);
    for (size_t i = 0; i < DAY_CACHE; i++) /* a day no entry is for */
        agg->days[i] = (struct day_month){.day = (int32_t)i + 1};
    return agg;
}

void agg_destroy(struct agg *agg)
{
    if (agg == NULL)
        return;
    for (size_t u = 0; u < units_count(agg->reg); u++) {
        struct series *s = &agg->series[u];
        free(s->blocks);
        free(s->months);
    }
    for (size_t i = 0; i < agg->nslabs; i++)
        xfree_huge(agg->slabs[i], SLAB_BYTES);
    free(agg->slabs);
    free(agg->series);
    free(agg);
}

/* Index of the first month >= month in s. */
static size_t lower_bound(const struct series *s, int32_t month)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->months[mid] < month)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct block *get_block(struct agg *agg, struct series *s,
                               int32_t month)
{
    if (s->last != NULL && s->last_month == month)
        return s->last;
    size_t i = lower_bound(s, month);
    s->last_month = month;
    if (i < s->n && s->months[i] == month)
        return s->last = s->blocks[i];
    if (s->n == s->cap) {
        size_t cap = s->cap;
        s->months = xgrow(s->months, &cap, s->n + 1, sizeof *s->months);
        s->blocks = xrealloc(s->blocks, cap * sizeof *s->blocks);
        s->cap = cap;
    }
    memmove(s->months + i + 1, s->months + i, (s->n - i) * sizeof *s->months);
    memmove(s->blocks + i + 1, s->blocks + i, (s->n - i) * sizeof *s->blocks);
    s->months[i] = month;
    s->blocks[i] = new_block(agg);
    s->n++;
    agg->nblocks++;
    return s->last = s->blocks[i];
}

/* Adds delta[m] for the measures m of mask on day to unit and its
 * ancestors. */
static void add_day(struct agg *agg, uint32_t unit, int32_t day, uint32_t mask,
                    const int64_t delta_of[MEASURE__COUNT])
{
    struct day_month *dm = &agg->days[(uint32_t)day % DAY_CACHE];
    if (dm->day != day) {
        dm->day = day;
        dm->month = vt_month_of(day);
        dm->dom = (int)(day - vt_month_first_day(dm->month));
    }
    int32_t month = dm->month;
    int dom = dm->dom;
    int64_t delta[MEASURE__COUNT];
    int ms[MEASURE__COUNT], nm = 0;
    for (int m = 0; m < MEASURE__COUNT; m++)
        if (mask & FACT_BIT(m)) {
            ms[nm] = m;
            delta[nm++] = delta_of[m];
        }
    for (uint32_t u = unit; u != UNIT_NONE; u = unit_at(agg->reg, u)->parent) {
        struct block *b = get_block(agg, &agg->series[u], month);
        for (int i = 0; i < nm; i++) {
            int m = ms[i], c = agg->col[m];
            if (is_sum(m)) {
                b->sum[dom][c] += delta[i];
                b->sum[TOTAL_ROW][c] += delta[i];
            } else {
                b->count[dom][c] += (int32_t)delta[i];
                b->count[TOTAL_ROW][c] += (int32_t)delta[i];
            }
        }
    }
}

/* Changes to one unit's counters, gathered by day: a fact touches at most
 * two days, a replacement at most four. */
struct day_deltas {
    int n;
    int32_t day[4];
    uint32_t mask[4];
    int64_t delta[4][MEASURE__COUNT];
};

static void gather(struct day_deltas *dd, const struct fact *f, int sign)
{
    for (int m = 0; m < MEASURE__COUNT; m++) {
        if (!(f->flags & FACT_BIT(m)))
            continue;
        int32_t day = fact_day(f, (enum measure)m);
        int k = 0;
        while (k < dd->n && dd->day[k] != day)
            k++;
        if (k == dd->n) {
            dd->day[k] = day;
            dd->mask[k] = 0;
            dd->n++;
        }
        if (!(dd->mask[k] & FACT_BIT(m))) {
            dd->mask[k] |= FACT_BIT(m);
            dd->delta[k][m] = 0;
        }
        dd->delta[k][m] += sign * fact_amount(f, (enum measure)m);
    }
}

static void apply_deltas(struct agg *agg, uint32_t unit,
                         struct day_deltas *dd)
{
    for (int k = 0; k < dd->n; k++) {
        for (int m = 0; m < MEASURE__COUNT; m++)
            if ((dd->mask[k] & FACT_BIT(m)) && dd->delta[k][m] == 0)
                dd->mask[k] &= ~FACT_BIT(m);
        if (dd->mask[k])
            add_day(agg, unit, dd->day[k], dd->mask[k], dd->delta[k]);
    }
}

void agg_apply_fact(struct agg *agg, const struct fact *f, int sign)
{
    struct day_deltas dd;
    dd.n = 0; /* gather sets what it uses: zeroing all was 10% of this */
    gather(&dd, f, sign);
    apply_deltas(agg, f->unit, &dd);
}

void agg_replace_fact(struct agg *agg, const struct fact *old,
                      const struct fact *new)
{
    if (old->unit != new->unit) {
        agg_apply_fact(agg, old, -1);
        agg_apply_fact(agg, new, +1);
        return;
    }
    /* One walk up the tree per day, with the net change: a correction
     * usually keeps its unit and reception day. */
    struct day_deltas dd;
    dd.n = 0;
    gather(&dd, old, -1);
    gather(&dd, new, +1);
    apply_deltas(agg, new->unit, &dd);
}

/* Adds rows [d0, d1] of a block (or its total row when whole) to out for
 * the period measures. */
static void add_rows(const struct block *b, int d0, int d1, bool whole,
                     const int *col, int64_t out[MEASURE__COUNT])
{
    if (whole)
        d0 = d1 = TOTAL_ROW;
    for (int d = d0; d <= d1; d++)
        for (int m = 0; m < MEASURE__PERIOD_COUNT; m++)
            out[m] += get(b, d, m, col);
}

void agg_sum(const struct agg *agg, uint32_t unit, const struct vt_period *p,
             int64_t out[MEASURE__COUNT])
{
    memset(out, 0, MEASURE__COUNT * sizeof *out);
    const struct series *s = &agg->series[unit];
    int32_t m0 = vt_month_of(p->from), m1 = vt_month_of(p->to);
    for (size_t i = lower_bound(s, m0); i < s->n && s->months[i] <= m1; i++) {
        int32_t first = vt_month_first_day(s->months[i]);
        int32_t last = vt_month_first_day(s->months[i] + 1) - 1;
        int32_t a = p->from > first ? p->from : first;
        int32_t z = p->to < last ? p->to : last;
        add_rows(s->blocks[i], (int)(a - first), (int)(z - first),
                 a == first && z == last, agg->col, out);
    }
    /* Gauges: prefix sums up to and including p->to. */
    int32_t mt = vt_month_of(p->to);
    for (size_t i = 0; i < s->n && s->months[i] <= mt; i++) {
        const struct block *b = s->blocks[i];
        int last = s->months[i] < mt
                       ? -1
                       : (int)(p->to - vt_month_first_day(mt));
        for (int g = MEASURE__PERIOD_COUNT; g < MEASURE__COUNT; g++) {
            if (last < 0) {
                out[g] += get(b, TOTAL_ROW, g, agg->col);
                continue;
            }
            for (int d = 0; d <= last; d++)
                out[g] += get(b, d, g, agg->col);
        }
    }
}

int agg_span(const struct agg *agg, int32_t *first, int32_t *last)
{
    const struct series *s = &agg->series[UNIT_ROOT];
    int found = 0;
    for (size_t i = 0; i < s->n; i++) {
        for (int d = 0; d < 31; d++) {
            bool any = false;
            for (int m = 0; m < MEASURE__COUNT && !any; m++)
                any = get(s->blocks[i], d, m, agg->col) != 0;
            if (!any)
                continue;
            int32_t day = vt_month_first_day(s->months[i]) + d;
            if (!found || day < *first)
                *first = day;
            if (!found || day > *last)
                *last = day;
            found = 1;
        }
    }
    return found;
}

size_t agg_record_bytes(void)
{
    return 2 * sizeof(int32_t) + sizeof(struct block);
}

enum chiso_err agg_export(const struct agg *agg, size_t max_bytes,
                          agg_piece_fn fn, void *ctx)
{
    size_t rec = agg_record_bytes();
    size_t per = max_bytes / rec ? max_bytes / rec : 1;
    unsigned char *buf = xmalloc(per * rec);
    size_t n = 0;
    enum chiso_err rc = CHISO_OK;
    for (uint32_t u = 0; rc == CHISO_OK && u < units_count(agg->reg); u++) {
        const struct series *s = &agg->series[u];
        for (size_t i = 0; rc == CHISO_OK && i < s->n; i++) {
            unsigned char *p = buf + n * rec;
            memcpy(p, &u, sizeof u);
            memcpy(p + 4, &s->months[i], sizeof s->months[i]);
            memcpy(p + 8, s->blocks[i], sizeof(struct block));
            if (++n == per) {
                rc = fn(ctx, buf, n * rec);
                n = 0;
            }
        }
    }
    if (rc == CHISO_OK && n > 0)
        rc = fn(ctx, buf, n * rec);
    free(buf);
    return rc;
}

enum chiso_err agg_import(struct agg *agg, const void *data, size_t len)
{
    size_t rec = agg_record_bytes();
    if (len % rec != 0)
        return CHISO_EINVAL;
    const unsigned char *p = data;
    /* Check everything first, so that a bad piece changes nothing. */
    for (size_t off = 0; off < len; off += rec) {
        uint32_t u;
        int32_t month;
        memcpy(&u, p + off, sizeof u);
        memcpy(&month, p + off + 4, sizeof month);
        if (u >= units_count(agg->reg) || month < 0 ||
            month > 12 * 10000)
            return CHISO_EINVAL;
        const struct series *s = &agg->series[u];
        size_t i = lower_bound(s, month);
        if (i < s->n && s->months[i] == month)
            return CHISO_EINVAL;
        /* Repeats inside the piece: records come in unit, month order. */
        if (off > 0) {
            uint32_t pu;
            int32_t pm;
            memcpy(&pu, p + off - rec, sizeof pu);
            memcpy(&pm, p + off - rec + 4, sizeof pm);
            if (pu > u || (pu == u && pm >= month))
                return CHISO_EINVAL;
        }
    }
    for (size_t off = 0; off < len; off += rec) {
        uint32_t u;
        int32_t month;
        memcpy(&u, p + off, sizeof u);
        memcpy(&month, p + off + 4, sizeof month);
        memcpy(get_block(agg, &agg->series[u], month), p + off + 8,
               sizeof(struct block));
    }
    return CHISO_OK;
}

size_t agg_memory(const struct agg *agg)
{
    return agg->nslabs * SLAB_BYTES +
           units_count(agg->reg) * sizeof(struct series);
}

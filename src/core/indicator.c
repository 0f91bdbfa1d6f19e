/*
 * indicator.c — target selection, evaluation and competition ranking.
 */
#include "core/indicator.h"

#include <stdlib.h>
#include <string.h>

#include "core/unit.h"

/* 2: the unit's own code, 1: its level, 0: everyone, -1: not for it. */
static int specificity(const struct target *t, const struct unit *u)
{
    if (t->scope == NULL)
        return 0;
    if (strcmp(t->scope, u->code) == 0)
        return 2;
    if (strcmp(t->scope, unit_level_name(u->level)) == 0)
        return 1;
    return -1;
}

const struct target *indicator_target(const struct indicator *ind,
                                      const struct unit *u, int32_t end_day)
{
    const struct target *best = NULL;
    int best_spec = -1;
    bool best_ahead = false;
    for (size_t i = 0; i < ind->ntargets; i++) {
        const struct target *t = &ind->targets[i];
        int spec = specificity(t, u);
        if (spec < 0)
            continue;
        bool ahead = t->by >= end_day;
        bool better;
        if (best == NULL)
            better = true;
        else if (ahead != best_ahead)
            better = ahead; /* a deadline still ahead beats a past one */
        else if (t->by != best->by)
            better = ahead ? t->by < best->by : t->by > best->by;
        else
            better = spec > best_spec;
        if (better) {
            best = t;
            best_spec = spec;
            best_ahead = ahead;
        }
    }
    return best;
}

void indicator_eval(const struct indicator *ind, const struct unit *u,
                    int32_t end_day, const int64_t measures[MEASURE__COUNT],
                    struct indicator_value *out)
{
    expr_eval(ind->expr, measures, &out->r);
    out->target = indicator_target(ind, u, end_day);
    out->status = TARGET_NONE;
    if (out->target != NULL && out->r.has_value) {
        int c = q_cmp(out->r.value, out->target->value);
        bool met = ind->lower_is_better ? c <= 0 : c >= 0;
        out->status = met ? TARGET_MET : TARGET_NOT_MET;
    }
}

/* qsort has no context: the direction is carried in each entry's sort key by
 * two comparators. */
static int cmp_common(const struct rank_entry *a, const struct rank_entry *b,
                      int sign)
{
    if (a->v.r.has_value != b->v.r.has_value)
        return a->v.r.has_value ? -1 : 1;
    if (a->v.r.has_value) {
        int c = q_cmp(a->v.r.value, b->v.r.value);
        if (c != 0)
            return sign * c;
    }
    return strcmp(a->code, b->code);
}

static int cmp_higher(const void *a, const void *b)
{
    return cmp_common(a, b, -1);
}

static int cmp_lower(const void *a, const void *b)
{
    return cmp_common(a, b, +1);
}

void indicator_rank(struct rank_entry *entries, size_t n, bool lower_is_better)
{
    qsort(entries, n, sizeof *entries, lower_is_better ? cmp_lower : cmp_higher);
    for (size_t i = 0; i < n; i++) {
        if (!entries[i].v.r.has_value) {
            entries[i].rank = 0;
            continue;
        }
        if (i > 0 && entries[i - 1].v.r.has_value &&
            q_cmp(entries[i - 1].v.r.value, entries[i].v.r.value) == 0)
            entries[i].rank = entries[i - 1].rank;
        else
            entries[i].rank = (int)i + 1;
    }
}

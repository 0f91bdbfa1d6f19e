/*
 * indicator.h — evaluating indicators, their targets, and rankings.
 *
 * Values are computed from summed measures (never averaged over children),
 * exactly; a zero denominator gives no value. Rankings are competition
 * rankings (1, 2, 2, 4) on exact values, ties listed by unit code, units
 * without a value not ranked (SPEC §5).
 */
#ifndef CHISO_INDICATOR_H
#define CHISO_INDICATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/catalogue.h"
#include "core/expr.h"
#include "core/measure.h"

struct unit;

enum target_status { TARGET_NONE, TARGET_MET, TARGET_NOT_MET };

struct indicator_value {
    struct expr_result r;         /* value, numerator, denominator */
    const struct target *target;  /* in force for the period, or NULL */
    enum target_status status;    /* TARGET_NONE without target or value */
};

/* The target of ind in force for unit u over a period ending on end_day:
 * the earliest deadline on or after end_day (else the latest deadline),
 * preferring a target for the unit's code, then its level, then all. */
const struct target *indicator_target(const struct indicator *ind,
                                      const struct unit *u, int32_t end_day);

/* Evaluates ind over the measures of u for a period ending on end_day. */
void indicator_eval(const struct indicator *ind, const struct unit *u,
                    int32_t end_day, const int64_t measures[MEASURE__COUNT],
                    struct indicator_value *out);

struct rank_entry {
    uint32_t unit;
    const char *code;  /* for ties */
    struct indicator_value v;
    int rank;          /* 0: not ranked (no value) */
};

/* Sorts entries best first (by the indicator's direction; ties by code,
 * unranked last by code) and assigns competition ranks. */
void indicator_rank(struct rank_entry *entries, size_t n, bool lower_is_better);

#endif

/*
 * fuzz_eval.h — evaluating a compiled expression the way reports do, for the
 * drivers that compile expressions (fuzz_expr, fuzz_catalogue).
 *
 * The fixed vectors: all zeros (every ratio has no value), small counts, the
 * largest counts, and negative values, which no measure has but the
 * evaluator must survive. Each result is formatted and compared as the
 * reports and rankings do. Included by one driver per program.
 */
#ifndef CHISO_FUZZ_EVAL_H
#define CHISO_FUZZ_EVAL_H

#include <stdint.h>

#include "core/expr.h"
#include "core/measure.h"
#include "core/rational.h"
#include "fuzz.h"

static int64_t fuzz_vectors[4][MEASURE__COUNT];

static void fuzz_eval_init(void)
{
    for (int m = 0; m < MEASURE__COUNT; m++) {
        fuzz_vectors[0][m] = 0;
        fuzz_vectors[1][m] = 3 + 7 * m;
        fuzz_vectors[2][m] = INT64_MAX - m;
        fuzz_vectors[3][m] = m % 2 ? INT64_MIN + m : -(int64_t)m;
    }
}

/* A value as reports show it: a reduced fraction with a positive
 * denominator, which formats and compares without fault. */
static void fuzz_check_value(const struct rational *q)
{
    FUZZ_CHECK(q->den > 0);
    char text[160];
    q_format(*q, 4, '.', text, sizeof text);
    FUZZ_CHECK(text[0] != '\0');
    q_format(*q, 2, ',', text, sizeof text);
    FUZZ_CHECK(q_cmp(*q, *q) == 0);
    (void)q_to_double(*q);
}

static void fuzz_count_var(void *ctx, int var)
{
    FUZZ_CHECK(var >= 0 && var < MEASURE__COUNT);
    ++*(size_t *)ctx;
}

/* Evaluates e over every fixed vector; every part of a result that claims a
 * value must hold a well-formed one. */
static void fuzz_eval_all(const struct expr *e)
{
    size_t nvars = 0;
    expr_each_var(e, fuzz_count_var, &nvars);
    for (size_t v = 0; v < sizeof fuzz_vectors / sizeof fuzz_vectors[0]; v++) {
        struct expr_result r;
        expr_eval(e, fuzz_vectors[v], &r);
        if (r.has_value)
            fuzz_check_value(&r.value);
        if (r.has_parts) {
            fuzz_check_value(&r.numerator);
            fuzz_check_value(&r.denominator);
        }
        if (!r.has_ratio && r.has_parts)
            FUZZ_CHECK(r.denominator.num == 1 && r.denominator.den == 1);
        if (r.has_value && r.has_parts)
            (void)q_cmp(r.value, r.numerator);
    }
}

#endif

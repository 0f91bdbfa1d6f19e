/*
 * expr.h — indicator expressions: numbers, names, + − × ÷ and parentheses.
 *
 * An expression is compiled once (names resolved to variable numbers by the
 * caller's resolver) and evaluated exactly, as a fraction, over a vector of
 * variable values. Both ASCII (+ - * /) and typographic (− × ÷) operators are
 * accepted. A division by zero anywhere gives "no value", never 0.
 *
 * Besides its value, an expression of the shape c × A / B (constants aside)
 * yields its numerator A and denominator B, which chiso shows beside every
 * ratio; see docs/design.md §Indicators.
 */
#ifndef CHISO_EXPR_H
#define CHISO_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/rational.h"

struct expr;

/* Resolves a name (len bytes) to a variable number >= 0, or -1 if unknown. */
typedef int (*expr_resolver)(void *ctx, const char *name, size_t len);

/*
 * Compiles text (len bytes). On error returns CHISO_EPARSE (or ELIMIT), sets
 * *column to the 1-based byte column of the fault, and writes the reason
 * ("unknown name 'recieved'") into detail.
 */
enum chiso_err expr_compile(const char *text, size_t len, expr_resolver resolve,
                            void *ctx, struct expr **out, size_t *column,
                            char *detail, size_t detail_size);

void expr_free(struct expr *e);

struct expr_result {
    bool has_value;        /* false: a denominator was 0, or overflow */
    struct rational value;
    bool has_ratio;        /* numerator and denominator are meaningful */
    bool has_parts;        /* numerator/denominator evaluated */
    struct rational numerator, denominator;
};

/* Evaluates e over vars (indexed by the resolver's numbers). */
void expr_eval(const struct expr *e, const int64_t *vars,
               struct expr_result *out);

/* Calls fn for every variable number e reads (with repeats). */
void expr_each_var(const struct expr *e, void (*fn)(void *ctx, int var),
                   void *ctx);

#endif

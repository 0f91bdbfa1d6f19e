/*
 * rational.h — exact fractions for indicator values.
 *
 * SPEC §5: ratios are exact; outputs round half-up to 4 decimals; rankings
 * compare exact values. A value is a reduced fraction of 128-bit integers
 * (a GCC/Clang extension on every platform chiso targets), and every
 * operation reports overflow instead of wrapping.
 */
#ifndef CHISO_RATIONAL_H
#define CHISO_RATIONAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__extension__ typedef __int128 q_int;

struct rational {
    q_int num;
    q_int den; /* > 0; gcd(num, den) == 1 */
};

enum q_status { Q_OK, Q_DIV_ZERO, Q_OVERFLOW };

struct rational q_from_int(int64_t v);

/* Parses a decimal like "86400" or "0.25" (at most 18 fraction digits).
 * Returns false if s (len bytes) is not such a number. */
bool q_parse_decimal(const char *s, size_t len, struct rational *out);

enum q_status q_add(struct rational a, struct rational b, struct rational *out);
enum q_status q_sub(struct rational a, struct rational b, struct rational *out);
enum q_status q_mul(struct rational a, struct rational b, struct rational *out);
enum q_status q_div(struct rational a, struct rational b, struct rational *out);

/* -1, 0 or 1 as a <, ==, > b; exact. */
int q_cmp(struct rational a, struct rational b);

bool q_is_zero(struct rational a);

/* Writes a rounded half away from zero to `decimals` places ("39.5100",
 * "-0.5"), using sep as the decimal separator. */
void q_format(struct rational a, int decimals, char sep, char *out, size_t size);

/* Nearest double, for charts and sorting hints only. */
double q_to_double(struct rational a);

#endif

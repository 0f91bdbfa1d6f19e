/*
 * rational.c — reduced fractions of 128-bit integers with overflow checks.
 */
#include "core/rational.h"

#include <stdio.h>
#include <string.h>

static q_int q_abs(q_int v)
{
    return v < 0 ? -v : v;
}

static q_int gcd(q_int a, q_int b)
{
    a = q_abs(a);
    b = q_abs(b);
    while (b != 0) {
        q_int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The most negative q_int: it has no positive counterpart, so no value may
 * hold it (negating it is undefined). */
#define Q_MIN ((q_int)((unsigned __int128)1 << 127))

/* Reduces num/den (den != 0) into *out with a positive denominator. */
static enum q_status make(q_int num, q_int den, struct rational *out)
{
    if (den == 0)
        return Q_DIV_ZERO;
    if (num == Q_MIN || den == Q_MIN)
        return Q_OVERFLOW;
    if (den < 0) {
        num = -num;
        den = -den;
    }
    q_int g = gcd(num, den);
    if (g > 1) {
        num /= g;
        den /= g;
    }
    *out = (struct rational){num, den ? den : 1};
    if (num == 0)
        out->den = 1;
    return Q_OK;
}

struct rational q_from_int(int64_t v)
{
    return (struct rational){v, 1};
}

bool q_parse_decimal(const char *s, size_t len, struct rational *out)
{
    q_int num = 0, den = 1;
    size_t i = 0;
    int before = 0, after = -1;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, before++)
        if (__builtin_mul_overflow(num, 10, &num) ||
            __builtin_add_overflow(num, s[i] - '0', &num))
            return false;
    if (i < len && s[i] == '.') {
        after = 0;
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, after++) {
            if (after == 18)
                return false;
            if (__builtin_mul_overflow(num, 10, &num) ||
                __builtin_add_overflow(num, s[i] - '0', &num))
                return false;
            den *= 10;
        }
    }
    if (i != len || before == 0 || after == 0)
        return false;
    return make(num, den, out) == Q_OK;
}

enum q_status q_add(struct rational a, struct rational b, struct rational *out)
{
    q_int x, y, d;
    if (__builtin_mul_overflow(a.num, b.den, &x) ||
        __builtin_mul_overflow(b.num, a.den, &y) ||
        __builtin_add_overflow(x, y, &x) ||
        __builtin_mul_overflow(a.den, b.den, &d))
        return Q_OVERFLOW;
    return make(x, d, out);
}

enum q_status q_sub(struct rational a, struct rational b, struct rational *out)
{
    b.num = -b.num;
    return q_add(a, b, out);
}

enum q_status q_mul(struct rational a, struct rational b, struct rational *out)
{
    /* Cross-reduce first to keep intermediate products small. */
    q_int g1 = gcd(a.num, b.den), g2 = gcd(b.num, a.den);
    if (g1 == 0)
        g1 = 1;
    if (g2 == 0)
        g2 = 1;
    q_int n, d;
    if (__builtin_mul_overflow(a.num / g1, b.num / g2, &n) ||
        __builtin_mul_overflow(a.den / g2, b.den / g1, &d))
        return Q_OVERFLOW;
    return make(n, d, out);
}

enum q_status q_div(struct rational a, struct rational b, struct rational *out)
{
    if (b.num == 0)
        return Q_DIV_ZERO;
    struct rational inv = {b.den, b.num};
    if (inv.den < 0) {
        inv.num = -inv.num;
        inv.den = -inv.den;
    }
    return q_mul(a, inv, out);
}

int q_cmp(struct rational a, struct rational b)
{
    q_int x, y;
    if (__builtin_mul_overflow(a.num, b.den, &x) ||
        __builtin_mul_overflow(b.num, a.den, &y)) {
        /* Beyond 128 bits: compare integer parts, then the remainders as
         * fractions (continued-fraction step), which never overflows. */
        q_int ia = a.num / a.den, ib = b.num / b.den;
        q_int ra = a.num % a.den, rb = b.num % b.den;
        if (ra < 0) {
            ia--;
            ra += a.den;
        }
        if (rb < 0) {
            ib--;
            rb += b.den;
        }
        if (ia != ib)
            return ia < ib ? -1 : 1;
        if (ra == 0 || rb == 0)
            return ra == rb ? 0 : (ra == 0 ? -1 : 1);
        /* ra/a.den vs rb/b.den  <=>  b.den/rb vs a.den/ra (reversed) */
        return q_cmp((struct rational){b.den, rb}, (struct rational){a.den, ra});
    }
    return x < y ? -1 : x > y;
}

bool q_is_zero(struct rational a)
{
    return a.num == 0;
}

/* The next decimal digit of r/den (0 <= r < den): returns floor(10r / den)
 * and leaves 10r mod den in *r. Ten additions, each below 2·den < 2^128 as
 * unsigned, so no denominator up to 2^127 can overflow. */
static int next_digit(unsigned __int128 *r, unsigned __int128 den)
{
    unsigned __int128 acc = 0;
    int digit = 0;
    for (int i = 0; i < 10; i++) {
        acc += *r;
        if (acc >= den) {
            acc -= den;
            digit++;
        }
    }
    *r = acc;
    return digit;
}

void q_format(struct rational a, int decimals, char sep, char *out, size_t size)
{
    bool neg = a.num < 0;
    unsigned __int128 n = (unsigned __int128)q_abs(a.num),
                      den = (unsigned __int128)a.den;
    unsigned __int128 whole = n / den, r = n % den;
    char frac[40];
    if (decimals > (int)sizeof frac - 1)
        decimals = (int)sizeof frac - 1;
    for (int i = 0; i < decimals; i++)
        frac[i] = (char)('0' + next_digit(&r, den));
    /* Half away from zero: round up when the remainder is at least half. */
    if (r >= den - r) {
        int i = decimals - 1;
        while (i >= 0 && frac[i] == '9')
            frac[i--] = '0';
        if (i >= 0)
            frac[i]++;
        else
            whole++;
    }
    char w[48];
    size_t nw = 0;
    do {
        w[nw++] = (char)('0' + (int)(whole % 10));
        whole /= 10;
    } while (whole > 0);
    bool zero = nw == 1 && w[0] == '0';
    for (int i = 0; i < decimals; i++)
        zero = zero && frac[i] == '0';
    char buf[96];
    size_t k = 0;
    if (neg && !zero)
        buf[k++] = '-';
    while (nw > 0)
        buf[k++] = w[--nw];
    if (decimals > 0) {
        buf[k++] = sep;
        memcpy(buf + k, frac, (size_t)decimals);
        k += (size_t)decimals;
    }
    buf[k] = '\0';
    snprintf(out, size, "%s", buf);
}

double q_to_double(struct rational a)
{
    return (double)a.num / (double)a.den;
}

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

/* Reduces num/den (den != 0) into *out with a positive denominator. */
static enum q_status make(q_int num, q_int den, struct rational *out)
{
    if (den == 0)
        return Q_DIV_ZERO;
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

/* Decimal digits of a non-negative q_int into buf (reversed, returns count). */
static size_t digits_rev(q_int v, char *buf)
{
    size_t n = 0;
    do {
        buf[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v > 0);
    return n;
}

void q_format(struct rational a, int decimals, char sep, char *out, size_t size)
{
    q_int scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    bool neg = a.num < 0;
    q_int n = q_abs(a.num), whole = n / a.den, rem = n % a.den;
    /* scaled = round(rem * scale / den), half away from zero, computed
     * without forming rem * scale when that would overflow. */
    q_int frac = 0, r = rem;
    for (int i = 0; i < decimals; i++) {
        r *= 10; /* r < den, so r*10 < 10*den: safe unless den > 2^123 */
        frac = frac * 10 + r / a.den;
        r %= a.den;
    }
    if (r * 2 >= a.den)
        frac++;
    if (frac >= scale) {
        frac -= scale;
        whole++;
    }
    char w[64], f[64];
    size_t nw = digits_rev(whole, w);
    size_t nf = digits_rev(frac, f);
    char buf[160];
    size_t k = 0;
    if (neg && (whole != 0 || frac != 0))
        buf[k++] = '-';
    while (nw > 0)
        buf[k++] = w[--nw];
    if (decimals > 0) {
        buf[k++] = sep;
        for (int i = (int)nf; i < decimals; i++)
            buf[k++] = '0';
        while (nf > 0)
            buf[k++] = f[--nf];
    }
    buf[k] = '\0';
    snprintf(out, size, "%s", buf);
}

double q_to_double(struct rational a)
{
    return (double)a.num / (double)a.den;
}

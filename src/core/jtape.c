/*
 * jtape.c — a strict, allocation-free (after warm-up) JSON parser.
 *
 * Each rule mirrors jansson 2.14's lexer and parser (load.c) so that both
 * accept and refuse the same texts: the depth counted per value, "0" not
 * followed by a digit, the literal words compared whole, integers through
 * the range of long long, reals refused only on overflow, object keys with a
 * NUL byte refused, and the UTF-8 checks of jansson's utf.c.
 */
#include "core/jtape.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct parser {
    struct jtape *t;
    const unsigned char *s, *p, *end;
    unsigned depth;
    size_t err_at;
    char *detail;
    size_t detail_size;
};

void jtape_init(struct jtape *t)
{
    memset(t, 0, sizeof *t);
}

void jtape_free(struct jtape *t)
{
    free(t->nodes);
    free(t->str);
    free(t->scratch);
    jtape_init(t);
}

static int fail(struct parser *ps, const unsigned char *at, const char *why)
{
    ps->err_at = (size_t)(at - ps->s);
    if (ps->detail != NULL && ps->detail_size > 0)
        snprintf(ps->detail, ps->detail_size, "%s", why);
    return -1;
}

static uint32_t push(struct parser *ps, uint8_t type)
{
    struct jtape *t = ps->t;
    if (t->n == t->cap)
        t->nodes = xgrow(t->nodes, &t->cap, t->n + 1, sizeof *t->nodes);
    struct jt_node *nd = &t->nodes[t->n];
    nd->type = type;
    nd->flags = 0;
    nd->count = 0;
    nd->next = (uint32_t)t->n + 1;
    return (uint32_t)t->n++;
}

static void put_bytes(struct jtape *t, const void *b, size_t n)
{
    if (t->slen + n > t->scap)
        t->str = xgrow(t->str, &t->scap, t->slen + n, 1);
    memcpy(t->str + t->slen, b, n);
    t->slen += n;
}

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Length of the UTF-8 sequence starting with byte c, or 0 if c cannot
 * start one (jansson's utf8_check_first). */
static int utf8_first(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0; /* continuation byte, or overlong 0xC0/0xC1 */
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    if (c <= 0xF4)
        return 4;
    return 0;
}

/* Whether the n-byte sequence at b is valid (jansson's utf8_check_full). */
static bool utf8_full(const unsigned char *b, int n)
{
    uint32_t v = n == 2 ? b[0] & 0x1Fu : n == 3 ? b[0] & 0x0Fu : b[0] & 0x07u;
    for (int i = 1; i < n; i++) {
        if ((b[i] & 0xC0) != 0x80)
            return false;
        v = (v << 6) | (b[i] & 0x3Fu);
    }
    if (n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)))
        return false;
    if (n == 4 && (v < 0x10000 || v > 0x10FFFF))
        return false;
    return true;
}

static int hex4(const unsigned char *p, const unsigned char *end, uint32_t *v)
{
    if (end - p < 4)
        return -1;
    uint32_t r = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? c - '0'
                     : c >= 'a' && c <= 'f' ? c - 'a' + 10
                     : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                            : 16;
        if (d == 16)
            return -1;
        r = r << 4 | d;
    }
    *v = r;
    return 0;
}

static void put_utf8(struct jtape *t, uint32_t cp)
{
    unsigned char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | cp >> 6);
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | cp >> 12);
        b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | cp >> 18);
        b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    put_bytes(t, b, n);
}

/* A \u escape at p (pointing at the 'u'); advances past it (and past a
 * paired low surrogate). */
static int parse_unicode(struct parser *ps)
{
    const unsigned char *at = ps->p - 1;
    uint32_t cp, lo;
    if (hex4(ps->p + 1, ps->end, &cp) != 0)
        return fail(ps, at, "invalid escape");
    ps->p += 5;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(ps, at, "invalid Unicode: lone low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
            return fail(ps, at, "invalid Unicode: unpaired high surrogate");
        if (hex4(ps->p + 2, ps->end, &lo) != 0)
            return fail(ps, ps->p, "invalid escape");
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(ps, at, "invalid Unicode: unpaired high surrogate");
        ps->p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    put_utf8(ps->t, cp);
    return 0;
}

static const unsigned char *plain_run(const unsigned char *p,
                                      const unsigned char *end)
{
    return (const unsigned char *)jt_plain_run((const char *)p,
                                               (const char *)end);
}

const char *jt_plain_string(const char *p, const char *end)
{
    const unsigned char *q = (const unsigned char *)p,
                        *e = (const unsigned char *)end;
    for (;;) {
        q = plain_run(q, e);
        if (q >= e || *q == '\\' || *q < 0x20)
            return NULL;
        if (*q == '"')
            return (const char *)q;
        int n = utf8_first(*q);
        if (n == 0 || e - q < n || !utf8_full(q, n))
            return NULL;
        q += n;
    }
}

/*
 * A string without escapes is not copied: its node points into the parsed
 * text (JT_SRC). At the first escape the bytes so far are copied into the
 * tape's buffer and the rest decoded there. JT_HAS_NUL marks a \u0000.
 */
static int parse_string(struct parser *ps)
{
    struct jtape *t = ps->t;
    uint32_t node = push(ps, JT_STRING);
    const unsigned char *open = ps->p++;
    const unsigned char *from = ps->p; /* bytes not yet copied */
    bool copying = false;
    size_t start = t->slen;
    uint8_t flags = 0;
    for (;;) {
        ps->p = plain_run(ps->p, ps->end);
        if (ps->p >= ps->end)
            return fail(ps, open, "premature end of input in a string");
        unsigned char c = *ps->p;
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(ps, ps->p, "control character in a string");
        if (c == '\\') {
            put_bytes(t, from, (size_t)(ps->p - from));
            copying = true;
            if (++ps->p >= ps->end)
                return fail(ps, open, "premature end of input in a string");
            static const char esc[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *e = *ps->p ? strchr(esc, *ps->p) : NULL;
            if (e != NULL) {
                put_bytes(t, &to[e - esc], 1);
                ps->p++;
            } else if (*ps->p == 'u') {
                size_t before = t->slen;
                if (parse_unicode(ps) != 0)
                    return -1;
                if (t->slen == before + 1 && t->str[before] == '\0')
                    flags |= JT_HAS_NUL;
            } else {
                return fail(ps, ps->p - 1, "invalid escape");
            }
            from = ps->p;
            continue;
        }
        int n = utf8_first(c);
        if (n == 0 || ps->end - ps->p < n || !utf8_full(ps->p, n))
            return fail(ps, ps->p, "invalid UTF-8");
        ps->p += n;
    }
    size_t off, len;
    if (copying) {
        put_bytes(t, from, (size_t)(ps->p - from));
        off = start;
        len = t->slen - start;
    } else {
        flags |= JT_SRC;
        off = (size_t)(open + 1 - ps->s);
        len = (size_t)(ps->p - open - 1);
    }
    ps->p++; /* the closing quote */
    if (len > UINT32_MAX)
        return fail(ps, open, "string too long");
    t->nodes[node].flags = flags;
    t->nodes[node].off = (uint32_t)off;
    t->nodes[node].len = (uint32_t)len;
    return 0;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int parse_number(struct parser *ps)
{
    const unsigned char *start = ps->p, *p = ps->p, *end = ps->end;
    bool neg = p < end && *p == '-';
    if (neg)
        p++;
    if (p < end && *p == '0') {
        p++;
        if (p < end && is_digit(*p))
            return fail(ps, start, "invalid number: leading zero");
    } else if (p < end && is_digit(*p)) {
        while (p < end && is_digit(*p))
            p++;
    } else {
        return fail(ps, start, "invalid token");
    }
    bool real = false;
    if (p < end && *p == '.') {
        if (p + 1 >= end || !is_digit(p[1]))
            return fail(ps, start, "invalid number");
        p++;
        while (p < end && is_digit(*p))
            p++;
        real = true;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        const unsigned char *q = p + 1;
        if (q < end && (*q == '+' || *q == '-'))
            q++;
        if (q >= end || !is_digit(*q))
            return fail(ps, start, "invalid number");
        while (q < end && is_digit(*q))
            q++;
        p = q;
        real = true;
    }
    uint32_t node = push(ps, real ? JT_REAL : JT_INT);
    ps->p = p;
    if (!real) {
        /* The range of long long, as strtoll: -2^63 .. 2^63-1. */
        uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
        for (const unsigned char *d = start + neg; d < p; d++) {
            unsigned digit = *d - '0';
            if (v > (limit - digit) / 10)
                return fail(ps, start, "too big integer");
            v = v * 10 + digit;
        }
        ps->t->nodes[node].i = neg ? (int64_t)(0 - v) : (int64_t)v;
        return 0;
    }
    char buf[128];
    size_t n = (size_t)(p - start);
    char *text = n < sizeof buf ? buf : xmalloc(n + 1);
    memcpy(text, start, n);
    text[n] = '\0';
    errno = 0;
    double d = strtod(text, NULL);
    int overflow = (d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE;
    if (text != buf)
        free(text);
    if (overflow)
        return fail(ps, start, "real number overflow");
    return 0;
}

static int parse_value(struct parser *ps);

/* Whether string nodes a and b hold the same bytes. */
static bool same_key(const struct jtape *t, uint32_t a, uint32_t b)
{
    size_t n = t->nodes[a].len;
    if (t->nodes[b].len != n)
        return false;
    if (n == 0)
        return true;
    const char *x = jt_bytes(t, a), *y = jt_bytes(t, b);
    return x[0] == y[0] && x[n - 1] == y[n - 1] && memcmp(x, y, n) == 0;
}

/* Refuses an object with a repeated key (decoded bytes compared). */
static int check_duplicates(struct parser *ps, uint32_t obj)
{
    struct jtape *t = ps->t;
    uint32_t count = t->nodes[obj].count;
    if (count < 2)
        return 0;
    if (count <= 16) {
        for (uint32_t a = jt_first(t, obj); a != JT_NONE; a = jt_next(t, obj, a))
            for (uint32_t b = jt_next(t, obj, a); b != JT_NONE;
                 b = jt_next(t, obj, b))
                if (same_key(t, a, b))
                    return fail(ps, ps->p - 1, "duplicate object key");
        return 0;
    }
    size_t cap = 64;
    while (cap < (size_t)count * 2)
        cap *= 2;
    t->scratch = xgrow(t->scratch, &t->scratch_cap, cap, sizeof *t->scratch);
    memset(t->scratch, 0xff, cap * sizeof *t->scratch);
    for (uint32_t k = jt_first(t, obj); k != JT_NONE; k = jt_next(t, obj, k)) {
        const unsigned char *key = (const unsigned char *)jt_bytes(t, k);
        uint64_t h = 0xcbf29ce484222325u;
        for (uint32_t i = 0; i < t->nodes[k].len; i++)
            h = (h ^ key[i]) * 0x100000001b3u;
        for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
            uint32_t o = t->scratch[i];
            if (o == UINT32_MAX) {
                t->scratch[i] = k;
                break;
            }
            if (same_key(t, o, k))
                return fail(ps, ps->p - 1, "duplicate object key");
        }
    }
    return 0;
}

static int parse_object(struct parser *ps)
{
    uint32_t obj = push(ps, JT_OBJECT);
    uint32_t count = 0;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        ps->t->nodes[obj].next = (uint32_t)ps->t->n;
        return 0;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"')
            return fail(ps, ps->p, "string or '}' expected");
        uint32_t key = (uint32_t)ps->t->n;
        if (parse_string(ps) != 0)
            return -1;
        if (ps->t->nodes[key].flags & JT_HAS_NUL)
            return fail(ps, ps->p - 1, "NUL byte in object key not supported");
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':')
            return fail(ps, ps->p, "':' expected");
        ps->p++;
        if (parse_value(ps) != 0)
            return -1;
        count++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            break;
        }
        return fail(ps, ps->p, "'}' expected");
    }
    ps->t->nodes[obj].count = count;
    ps->t->nodes[obj].next = (uint32_t)ps->t->n;
    return check_duplicates(ps, obj);
}

static int parse_array(struct parser *ps)
{
    uint32_t arr = push(ps, JT_ARRAY);
    uint32_t count = 0;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        ps->t->nodes[arr].next = (uint32_t)ps->t->n;
        return 0;
    }
    for (;;) {
        if (parse_value(ps) != 0)
            return -1;
        count++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            break;
        }
        return fail(ps, ps->p, "']' expected");
    }
    ps->t->nodes[arr].count = count;
    ps->t->nodes[arr].next = (uint32_t)ps->t->n;
    return 0;
}

static int parse_word(struct parser *ps)
{
    static const struct {
        const char *word;
        size_t len;
        uint8_t type;
    } words[] = {{"true", 4, JT_TRUE}, {"false", 5, JT_FALSE}, {"null", 4, JT_NULL}};
    /* jansson reads the whole run of letters and compares it. */
    const unsigned char *q = ps->p;
    while (q < ps->end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
        q++;
    for (size_t i = 0; i < 3; i++)
        if ((size_t)(q - ps->p) == words[i].len &&
            memcmp(ps->p, words[i].word, words[i].len) == 0) {
            push(ps, words[i].type);
            ps->p = q;
            return 0;
        }
    return fail(ps, ps->p, "invalid token");
}

static int parse_value(struct parser *ps)
{
    if (++ps->depth > JT_MAX_DEPTH)
        return fail(ps, ps->p, "maximum parsing depth reached");
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, ps->p, "unexpected end of input");
    int rc;
    unsigned char c = *ps->p;
    if (c == '{')
        rc = parse_object(ps);
    else if (c == '[')
        rc = parse_array(ps);
    else if (c == '"')
        rc = parse_string(ps);
    else if (c == '-' || is_digit(c))
        rc = parse_number(ps);
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        rc = parse_word(ps);
    else
        rc = fail(ps, ps->p, "invalid token");
    ps->depth--;
    return rc;
}

enum chiso_err jtape_parse(struct jtape *t, const char *s, size_t len,
                           size_t *column, char *detail, size_t detail_size)
{
    struct parser ps = {
        .t = t,
        .s = (const unsigned char *)s,
        .p = (const unsigned char *)s,
        .end = (const unsigned char *)s + len,
        .detail = detail,
        .detail_size = detail_size,
    };
    t->n = 0;
    t->slen = 0;
    t->src = s;
    if (t->str == NULL) /* never NULL, even when every string is empty */
        t->str = xgrow(t->str, &t->scap, 64, 1);
    skip_ws(&ps);
    int rc;
    if (ps.p >= ps.end || (*ps.p != '{' && *ps.p != '['))
        rc = fail(&ps, ps.p, "'[' or '{' expected");
    else
        rc = parse_value(&ps);
    if (rc == 0) {
        skip_ws(&ps);
        if (ps.p != ps.end)
            rc = fail(&ps, ps.p, "end of file expected");
    }
    if (rc != 0) {
        *column = ps.err_at + 1;
        return CHISO_EPARSE;
    }
    return CHISO_OK;
}

uint32_t jt_first(const struct jtape *t, uint32_t parent)
{
    return t->nodes[parent].count ? parent + 1 : JT_NONE;
}

uint32_t jt_next(const struct jtape *t, uint32_t parent, uint32_t child)
{
    uint32_t after = t->nodes[parent].type == JT_OBJECT
                         ? t->nodes[child + 1].next /* past the key's value */
                         : t->nodes[child].next;
    return after < t->nodes[parent].next ? after : JT_NONE;
}

uint32_t jt_get(const struct jtape *t, uint32_t obj, const char *key,
                size_t klen)
{
    for (uint32_t k = jt_first(t, obj); k != JT_NONE; k = jt_next(t, obj, k))
        if (t->nodes[k].len == klen &&
            memcmp(jt_bytes(t, k), key, klen) == 0)
            return k + 1;
    return JT_NONE;
}

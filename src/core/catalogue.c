/*
 * catalogue.c — reading the indicator catalogue, line by line.
 */
#include "core/catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/expr.h"
#include "core/limits.h"
#include "core/measure.h"
#include "core/mem.h"
#include "core/vtime.h"

struct catalogue {
    struct indicator *items;
    size_t n, cap;
};

static int resolve_measure(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    return measure_find(name, len);
}

static void free_indicator(struct indicator *ind)
{
    free(ind->code);
    free(ind->name_vi);
    free(ind->name_en);
    free(ind->unit);
    free(ind->expr_text);
    expr_free(ind->expr);
    for (size_t i = 0; i < ind->ntargets; i++)
        free(ind->targets[i].scope);
    free(ind->targets);
}

void catalogue_free(struct catalogue *cat)
{
    if (cat == NULL)
        return;
    for (size_t i = 0; i < cat->n; i++)
        free_indicator(&cat->items[i]);
    free(cat->items);
    free(cat);
}

struct line_ctx {
    size_t line;
    char *detail;
    size_t detail_size;
};

static enum chiso_err at(struct line_ctx *lc, size_t column, const char *fmt,
                         ...) __attribute__((format(printf, 3, 4)));

static enum chiso_err at(struct line_ctx *lc, size_t column, const char *fmt,
                         ...)
{
    char reason[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return err_set(lc->detail, lc->detail_size, CHISO_EPARSE,
                   "line %zu, column %zu: %s", lc->line, column, reason);
}

static bool is_code_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* Trims spaces and tabs; returns the new start and sets *len. */
static const char *trim(const char *s, size_t *len)
{
    while (*len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        (*len)--;
    }
    while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t' ||
                        s[*len - 1] == '\r'))
        (*len)--;
    return s;
}

/* "80 by 2025-12-31 [for SCOPE]", starting at column col0. */
static enum chiso_err parse_target(struct line_ctx *lc, const char *v,
                                   size_t len, size_t col0, struct target *t)
{
    size_t i = 0;
    while (i < len && v[i] != ' ')
        i++;
    if (!q_parse_decimal(v, i, &t->value))
        return at(lc, col0, "a target is 'VALUE by yyyy-MM-dd [for SCOPE]'");
    while (i < len && v[i] == ' ')
        i++;
    if (len - i < 3 || memcmp(v + i, "by ", 3) != 0)
        return at(lc, col0 + i, "expected 'by yyyy-MM-dd' after the value");
    i += 3;
    while (i < len && v[i] == ' ')
        i++;
    size_t d0 = i;
    while (i < len && v[i] != ' ')
        i++;
    char day[16];
    struct vt_period p;
    if (i - d0 != 10)
        return at(lc, col0 + d0, "expected a day yyyy-MM-dd");
    memcpy(day, v + d0, 10);
    day[10] = '\0';
    if (vt_period_parse(day, &p, NULL, 0) != CHISO_OK || p.kind != VT_DAY)
        return at(lc, col0 + d0, "'%s' is not a real day", day);
    t->by = p.from;
    t->scope = NULL;
    while (i < len && v[i] == ' ')
        i++;
    if (i == len)
        return CHISO_OK;
    if (len - i < 4 || memcmp(v + i, "for ", 4) != 0)
        return at(lc, col0 + i, "expected 'for SCOPE' or the end of the line");
    i += 4;
    while (i < len && v[i] == ' ')
        i++;
    if (i == len || len - i > CHISO_MAX_CODE_BYTES)
        return at(lc, col0 + i, "expected a level or a unit code after 'for'");
    t->scope = xstrndup(v + i, len - i);
    return CHISO_OK;
}

static char **text_field(struct indicator *ind, const char *key, size_t klen)
{
    static const struct {
        const char *key;
        size_t off;
    } fields[] = {
        {"name_vi", offsetof(struct indicator, name_vi)},
        {"name_en", offsetof(struct indicator, name_en)},
        {"unit", offsetof(struct indicator, unit)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strlen(fields[i].key) == klen && memcmp(fields[i].key, key, klen) == 0)
            return (char **)((char *)ind + fields[i].off);
    return NULL;
}

static enum chiso_err parse_pair(struct line_ctx *lc, struct indicator *ind,
                                 const char *key, size_t klen, const char *v,
                                 size_t vlen, size_t vcol)
{
    char **text = text_field(ind, key, klen);
    if (text != NULL) {
        if (*text != NULL)
            return at(lc, 1, "'%.*s' given twice", (int)klen, key);
        *text = xstrndup(v, vlen);
        return CHISO_OK;
    }
    if (klen == 4 && memcmp(key, "expr", 4) == 0) {
        if (ind->expr != NULL)
            return at(lc, 1, "'expr' given twice");
        size_t col;
        char why[160];
        if (expr_compile(v, vlen, resolve_measure, NULL, &ind->expr, &col, why,
                         sizeof why) != CHISO_OK)
            return at(lc, vcol + col - 1, "%s", why);
        ind->expr_text = xstrndup(v, vlen);
        return CHISO_OK;
    }
    if (klen == 9 && memcmp(key, "direction", 9) == 0) {
        if (vlen == 6 && memcmp(v, "higher", 6) == 0)
            ind->lower_is_better = false;
        else if (vlen == 5 && memcmp(v, "lower", 5) == 0)
            ind->lower_is_better = true;
        else
            return at(lc, vcol, "direction is 'higher' or 'lower'");
        return CHISO_OK;
    }
    if (klen == 6 && memcmp(key, "target", 6) == 0) {
        if (ind->ntargets == CHISO_MAX_TARGETS)
            return at(lc, 1, "more than %u targets", CHISO_MAX_TARGETS);
        struct target t;
        enum chiso_err rc = parse_target(lc, v, vlen, vcol, &t);
        if (rc != CHISO_OK)
            return rc;
        ind->targets = xrealloc(ind->targets,
                                (ind->ntargets + 1) * sizeof *ind->targets);
        ind->targets[ind->ntargets++] = t;
        return CHISO_OK;
    }
    return at(lc, 1, "unknown key '%.*s' (name_vi, name_en, expr, unit, "
                     "direction, target)",
              (int)klen, key);
}

/* Checks that the indicator just ended is complete. */
static enum chiso_err close_section(struct catalogue *cat, char *detail,
                                    size_t detail_size)
{
    if (cat->n == 0)
        return CHISO_OK;
    struct indicator *ind = &cat->items[cat->n - 1];
    if (ind->expr == NULL)
        return err_set(detail, detail_size, CHISO_EPARSE,
                       "line %zu, column 1: indicator '%s' has no expr",
                       ind->line, ind->code);
    if (ind->name_vi == NULL)
        ind->name_vi = xstrdup(ind->code);
    if (ind->name_en == NULL)
        ind->name_en = xstrdup(ind->name_vi);
    if (ind->unit == NULL)
        ind->unit = xstrdup("");
    return CHISO_OK;
}

static enum chiso_err parse_lines(struct catalogue *cat, const char *text,
                                  size_t len, char *detail, size_t detail_size)
{
    struct line_ctx lc = {0, detail, detail_size};
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        const char *line = p;
        p += n + (eol != NULL);
        lc.line++;
        const char *nul = memchr(line, '\0', n);
        if (nul != NULL)
            return at(&lc, (size_t)(nul - line) + 1, "NUL byte in the catalogue");
        size_t tl = n;
        const char *t = trim(line, &tl);
        if (tl == 0 || t[0] == '#')
            continue;
        size_t col = (size_t)(t - line) + 1;
        if (t[0] == '[') {
            size_t i = 1;
            while (i < tl && is_code_char(t[i]))
                i++;
            if (i == 1 || i >= tl || t[i] != ']' || i + 1 != tl)
                return at(&lc, col + i, "a section is [code] with letters, "
                                        "digits and _");
            for (size_t k = 0; k < cat->n; k++)
                if (strlen(cat->items[k].code) == i - 1 &&
                    memcmp(cat->items[k].code, t + 1, i - 1) == 0)
                    return at(&lc, col + 1, "indicator '%.*s' defined twice",
                              (int)(i - 1), t + 1);
            enum chiso_err rc = close_section(cat, detail, detail_size);
            if (rc != CHISO_OK)
                return rc;
            if (cat->n == CHISO_MAX_INDICATORS)
                return at(&lc, col, "more than %u indicators",
                          CHISO_MAX_INDICATORS);
            cat->items = xgrow(cat->items, &cat->cap, cat->n + 1,
                               sizeof *cat->items);
            cat->items[cat->n++] = (struct indicator){
                .code = xstrndup(t + 1, i - 1),
                .line = lc.line,
            };
            continue;
        }
        const char *eq = memchr(t, '=', tl);
        if (eq == NULL)
            return at(&lc, col, "expected 'key = value' or '[code]'");
        if (cat->n == 0)
            return at(&lc, col, "'key = value' before the first [code]");
        size_t klen = (size_t)(eq - t);
        const char *key = trim(t, &klen);
        size_t vlen = tl - (size_t)(eq + 1 - t);
        const char *v = eq + 1;
        v = trim(v, &vlen);
        size_t vcol = (size_t)(v - line) + 1;
        enum chiso_err rc = parse_pair(&lc, &cat->items[cat->n - 1], key, klen,
                                       v, vlen, vcol);
        if (rc != CHISO_OK)
            return rc;
    }
    return close_section(cat, detail, detail_size);
}

enum chiso_err catalogue_parse(const char *text, size_t len,
                               struct catalogue **out, char *detail,
                               size_t detail_size)
{
    if (len > CHISO_MAX_CATALOGUE_BYTES)
        return err_set(detail, detail_size, CHISO_ELIMIT,
                       "catalogue larger than %u bytes",
                       CHISO_MAX_CATALOGUE_BYTES);
    struct catalogue *cat = xcalloc(1, sizeof *cat);
    enum chiso_err rc = parse_lines(cat, text, len, detail, detail_size);
    if (rc == CHISO_OK && cat->n == 0)
        rc = err_set(detail, detail_size, CHISO_EPARSE,
                     "the catalogue defines no indicator");
    if (rc != CHISO_OK) {
        catalogue_free(cat);
        return rc;
    }
    *out = cat;
    return CHISO_OK;
}

enum chiso_err catalogue_load_default(struct catalogue **out, char *detail,
                                      size_t detail_size)
{
    const struct embedded_file *f = embedded_find("indicators.conf");
    if (f == NULL)
        return err_set(detail, detail_size, CHISO_ENOTFOUND,
                       "embedded indicators.conf missing");
    return catalogue_parse(f->data, f->len, out, detail, detail_size);
}

size_t catalogue_count(const struct catalogue *cat)
{
    return cat->n;
}

const struct indicator *catalogue_at(const struct catalogue *cat, size_t i)
{
    return &cat->items[i];
}

const struct indicator *catalogue_find(const struct catalogue *cat,
                                       const char *code)
{
    for (size_t i = 0; i < cat->n; i++)
        if (strcmp(cat->items[i].code, code) == 0)
            return &cat->items[i];
    return NULL;
}

/*
 * output.c — rendering an out_table. JSON goes through jansson; numbers are
 * printed from their exact decimal text so nothing is lost to binary floats.
 */
#include "cli/output.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

enum cell_kind { CELL_TEXT, CELL_NUMBER, CELL_NULL };

struct cell {
    enum cell_kind kind;
    char *text;
};

struct out_table {
    size_t ncols;
    char **headers;
    struct cell *cells;
    size_t n, cap;
    FILE *stream; /* CSV written as cells come, none kept */
    size_t streamed;
};

static void csv_field(FILE *f, const char *s);

int out_format_parse(const char *s)
{
    static const char *const names[] = {"table", "csv", "json"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int out_decimals(enum out_format f)
{
    return f == OUT_TABLE ? 2 : 4;
}

struct out_table *out_table_new(const char *const *headers, size_t ncols)
{
    struct out_table *t = xcalloc(1, sizeof *t);
    t->ncols = ncols;
    t->headers = xmalloc(ncols * sizeof *t->headers);
    for (size_t i = 0; i < ncols; i++)
        t->headers[i] = xstrdup(headers[i]);
    return t;
}

void out_table_free(struct out_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->ncols; i++)
        free(t->headers[i]);
    for (size_t i = 0; i < t->n; i++)
        free(t->cells[i].text);
    free(t->headers);
    free(t->cells);
    free(t);
}

void out_table_stream_csv(struct out_table *t, FILE *f)
{
    t->stream = f;
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            fputc(',', f);
        csv_field(f, t->headers[i]);
    }
    fputc('\n', f);
}

static void add(struct out_table *t, enum cell_kind kind, const char *text)
{
    if (t->stream != NULL) {
        size_t col = t->streamed++ % t->ncols;
        if (col)
            fputc(',', t->stream);
        if (kind == CELL_NUMBER)
            fputs(text, t->stream); /* digits, sign, point: no quoting */
        else if (kind == CELL_TEXT)
            csv_field(t->stream, text);
        if (col + 1 == t->ncols)
            fputc('\n', t->stream);
        return;
    }
    t->cells = xgrow(t->cells, &t->cap, t->n + 1, sizeof *t->cells);
    t->cells[t->n++] = (struct cell){kind, text ? xstrdup(text) : NULL};
}

void out_text(struct out_table *t, const char *s)
{
    add(t, CELL_TEXT, s);
}

void out_int(struct out_table *t, int64_t v)
{
    /* By hand: snprintf was a third of printing a year of measures. */
    char buf[24], *p = buf + sizeof buf;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--p = '-';
    add(t, CELL_NUMBER, p);
}

void out_number(struct out_table *t, const char *text)
{
    add(t, CELL_NUMBER, text);
}

void out_null(struct out_table *t)
{
    add(t, CELL_NULL, NULL);
}

/* Display width of UTF-8 text: code points that are not combining marks. */
static size_t width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        unsigned cp = n == 1 ? c : n == 2 ? (c & 0x1F) << 6 | (p[1] & 0x3F)
                                          : 0x1000;
        if (!(n == 2 && cp >= 0x300 && cp < 0x370))
            w++;
        for (size_t i = 0; i < n && *p; i++)
            p++;
    }
    return w;
}

static const char *shown(const struct cell *c)
{
    return c->kind == CELL_NULL ? "—" : c->text;
}

static void print_table(const struct out_table *t, FILE *f)
{
    size_t *w = xcalloc(t->ncols, sizeof *w);
    for (size_t i = 0; i < t->ncols; i++)
        w[i] = width(t->headers[i]);
    for (size_t i = 0; i < t->n; i++) {
        size_t cw = width(shown(&t->cells[i]));
        if (cw > w[i % t->ncols])
            w[i % t->ncols] = cw;
    }
    for (size_t i = 0; i < t->ncols; i++)
        fprintf(f, "%s%s%*s", i ? "  " : "", t->headers[i],
                (int)(i + 1 < t->ncols ? w[i] - width(t->headers[i]) : 0), "");
    fprintf(f, "\n");
    for (size_t i = 0; i < t->n; i++) {
        const struct cell *c = &t->cells[i];
        size_t col = i % t->ncols, pad = w[col] - width(shown(c));
        bool right = c->kind != CELL_TEXT;
        if (col)
            fprintf(f, "  ");
        if (right)
            fprintf(f, "%*s%s", (int)pad, "", shown(c));
        else
            fprintf(f, "%s%*s", shown(c), (int)(col + 1 < t->ncols ? pad : 0), "");
        if (col + 1 == t->ncols)
            fprintf(f, "\n");
    }
    free(w);
}

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void print_csv(const struct out_table *t, FILE *f)
{
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            fputc(',', f);
        csv_field(f, t->headers[i]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->n; i++) {
        if (i % t->ncols)
            fputc(',', f);
        if (t->cells[i].kind != CELL_NULL)
            csv_field(f, t->cells[i].text);
        if (i % t->ncols == t->ncols - 1)
            fputc('\n', f);
    }
}

static json_t *json_cell(const struct cell *c)
{
    if (c->kind == CELL_NULL)
        return json_null();
    if (c->kind == CELL_TEXT)
        return json_string(c->text);
    if (strchr(c->text, '.') == NULL)
        return json_integer(strtoll(c->text, NULL, 10));
    return json_real(strtod(c->text, NULL));
}

static void print_json(const struct out_table *t, FILE *f)
{
    json_t *arr = json_array();
    for (size_t r = 0; r * t->ncols < t->n; r++) {
        json_t *obj = json_object();
        for (size_t i = 0; i < t->ncols; i++)
            json_object_set_new(obj, t->headers[i],
                                json_cell(&t->cells[r * t->ncols + i]));
        json_array_append_new(arr, obj);
    }
    /* 15 significant digits print every 4-decimal value below 10^11 exactly. */
    json_dumpf(arr, f, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    fputc('\n', f);
    json_decref(arr);
}

void out_print(const struct out_table *t, FILE *f, enum out_format fmt)
{
    if (t->stream != NULL)
        return;
    switch (fmt) {
    case OUT_TABLE:
        print_table(t, f);
        break;
    case OUT_CSV:
        print_csv(t, f);
        break;
    case OUT_JSON:
        print_json(t, f);
        break;
    }
}

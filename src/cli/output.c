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

/* CSV text, written out a row at a time: stdio's locking on every fputc
 * was a fifth of printing a year of measures. */
struct rowbuf {
    char *data;
    size_t len, cap;
};

struct out_table {
    size_t ncols;
    char **headers;
    struct cell *cells;
    size_t n, cap;
    FILE *stream; /* CSV written as cells come, none kept */
    size_t streamed;
    struct rowbuf row; /* the streamed row so far */
};

static void row_put(struct rowbuf *r, const char *s, size_t n)
{
    if (n == 0)
        return;
    r->data = xgrow(r->data, &r->cap, r->len + n, 1);
    memcpy(r->data + r->len, s, n);
    r->len += n;
}

/* A CSV field, quoted when it must be (RFC 4180). */
static void row_field(struct rowbuf *r, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        row_put(r, s, strlen(s));
        return;
    }
    row_put(r, "\"", 1);
    for (; *s; s++) {
        row_put(r, s, 1);
        if (*s == '"')
            row_put(r, "\"", 1); /* doubled */
    }
    row_put(r, "\"", 1);
}

/* Ends the row: a newline, and the row written. */
static void row_end(struct rowbuf *r, FILE *f)
{
    row_put(r, "\n", 1);
    fwrite(r->data, 1, r->len, f);
    r->len = 0;
}

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
    free(t->row.data);
    free(t);
}

void out_table_stream_csv(struct out_table *t, FILE *f)
{
    t->stream = f;
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            row_put(&t->row, ",", 1);
        row_field(&t->row, t->headers[i]);
    }
    row_end(&t->row, f);
}

static void add(struct out_table *t, enum cell_kind kind, const char *text)
{
    if (t->stream != NULL) {
        size_t col = t->streamed++ % t->ncols;
        if (col)
            row_put(&t->row, ",", 1);
        if (kind == CELL_NUMBER) /* digits, sign, point: no quoting */
            row_put(&t->row, text, strlen(text));
        else if (kind == CELL_TEXT)
            row_field(&t->row, text);
        if (col + 1 == t->ncols)
            row_end(&t->row, t->stream);
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

static void print_csv(const struct out_table *t, FILE *f)
{
    struct rowbuf row = {0};
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            row_put(&row, ",", 1);
        row_field(&row, t->headers[i]);
    }
    row_end(&row, f);
    for (size_t i = 0; i < t->n; i++) {
        if (i % t->ncols)
            row_put(&row, ",", 1);
        if (t->cells[i].kind != CELL_NULL)
            row_field(&row, t->cells[i].text);
        if (i % t->ncols == t->ncols - 1)
            row_end(&row, f);
    }
    free(row.data);
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

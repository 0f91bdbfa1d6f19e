/*
 * unit.c — reading unit lists, linking the tree, resolving codes.
 *
 * Rows are staged with their parent's code as text; units_finish() resolves
 * those codes, orders children by code and indexes the lineage. Until then
 * no lookup is valid.
 */
#include "core/unit.h"

#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/embedded.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/strmap.h"
#include "core/vtime.h"

struct unit_registry {
    struct unit *units;
    size_t n, cap;
    char **parent_codes; /* staged, parallel to units; NULL: the root */
    struct unit_lineage *lineage;
    char **successor_codes; /* staged, parallel to lineage */
    size_t nlineage, lineage_cap;
    struct strmap by_code, by_old_code;
    bool finished;
};

const char *const units_default_files[] = {
    "ministries-2025.csv",
    "provinces-2025.csv",
    "communes-2025.csv",
    "provinces-2008.csv",
};
const size_t units_default_file_count =
    sizeof units_default_files / sizeof units_default_files[0];

static const char *const level_names[] = {
#define XX(c, name) [UNIT_##c] = name,
    UNIT_LEVEL_MAP(XX)
#undef XX
};

const char *unit_level_name(enum unit_level level)
{
    return level_names[level];
}

int unit_level_find(const char *name)
{
    for (int i = 0; i < UNIT__LEVEL_COUNT; i++)
        if (strcmp(level_names[i], name) == 0)
            return i;
    return -1;
}

static uint32_t add_unit(struct unit_registry *reg, const char *code,
                         const char *name, const char *short_name,
                         const char *type, enum unit_level level,
                         const char *parent_code, int32_t from, int32_t to)
{
    reg->units = xgrow(reg->units, &reg->cap, reg->n + 1, sizeof *reg->units);
    size_t pcap = reg->cap;
    reg->parent_codes = xrealloc(reg->parent_codes, pcap * sizeof(char *));
    struct unit *u = &reg->units[reg->n];
    *u = (struct unit){
        .code = xstrdup(code),
        .name = xstrdup(name),
        .short_name = xstrdup(short_name),
        .type = xstrdup(type),
        .level = level,
        .parent = UNIT_NONE,
        .valid_from = from,
        .valid_to = to,
        .lineage_from = UNIT_NONE,
    };
    reg->parent_codes[reg->n] = parent_code ? xstrdup(parent_code) : NULL;
    return (uint32_t)reg->n++;
}

struct unit_registry *units_create(void)
{
    struct unit_registry *reg = xcalloc(1, sizeof *reg);
    strmap_init(&reg->by_code);
    strmap_init(&reg->by_old_code);
    add_unit(reg, "VN", "Cả nước", "Cả nước", "quoc_gia", UNIT_NATIONAL, NULL,
             INT32_MIN, INT32_MAX);
    return reg;
}

void units_destroy(struct unit_registry *reg)
{
    if (reg == NULL)
        return;
    for (size_t i = 0; i < reg->n; i++) {
        struct unit *u = &reg->units[i];
        free(u->code);
        free(u->name);
        free(u->short_name);
        free(u->type);
        free(u->children);
        free(reg->parent_codes[i]);
    }
    for (size_t i = 0; i < reg->nlineage; i++) {
        free(reg->lineage[i].old_code);
        free(reg->lineage[i].old_name);
        free(reg->lineage[i].old_short_name);
        free(reg->successor_codes[i]);
    }
    free(reg->units);
    free(reg->parent_codes);
    free(reg->lineage);
    free(reg->successor_codes);
    strmap_free(&reg->by_code);
    strmap_free(&reg->by_old_code);
    free(reg);
}

/* The kinds of list, told apart by a column only that kind has. */
enum list_kind { LIST_MINISTRIES, LIST_PROVINCES, LIST_COMMUNES, LIST_LINEAGE };

static const struct list_shape {
    enum list_kind kind;
    const char *marker; /* column that identifies the kind; NULL: fallback */
    enum unit_level level;
    const char *default_from, *default_to; /* yyyy-MM-dd or NULL (open) */
} shapes[] = {
    {LIST_COMMUNES, "province_code", UNIT_COMMUNE, "2025-07-01", NULL},
    {LIST_LINEAGE, "successor_code", UNIT_PROVINCE, NULL, "2025-06-30"},
    {LIST_PROVINCES, "predecessors", UNIT_PROVINCE, "2025-07-01", NULL},
    {LIST_MINISTRIES, NULL, UNIT_MINISTRY, "2025-03-01", NULL},
};

static int32_t parse_bound(const char *text, int32_t open_value)
{
    struct vt_period p;
    if (text == NULL || *text == '\0' ||
        vt_period_parse(text, &p, NULL, 0) != CHISO_OK || p.kind != VT_DAY)
        return open_value;
    return p.from;
}

/* Reads a column of the current row; "" when the column is absent. */
static const char *col(const struct csv_reader *r, int idx)
{
    return idx >= 0 && (size_t)idx < r->nfields ? r->fields[idx] : "";
}

enum chiso_err units_add_csv(struct unit_registry *reg, const char *buf,
                             size_t len, char *detail, size_t detail_size)
{
    if (reg->finished)
        return err_set(detail, detail_size, CHISO_EINVAL,
                       "unit registry already finished");
    if (len > CHISO_MAX_CSV_BYTES)
        return err_set(detail, detail_size, CHISO_ELIMIT,
                       "unit list larger than %u bytes", CHISO_MAX_CSV_BYTES);
    struct csv_reader r;
    csv_init(&r, buf, len);
    size_t n0 = reg->n, l0 = reg->nlineage;
    bool got;
    enum chiso_err rc = csv_next(&r, &got, detail, detail_size);
    if (rc != CHISO_OK)
        goto out;
    if (!got) {
        rc = err_set(detail, detail_size, CHISO_EPARSE, "empty unit list");
        goto out;
    }
    const struct list_shape *shape = NULL;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (shapes[i].marker == NULL || csv_column(&r, shapes[i].marker) >= 0) {
            shape = &shapes[i];
            break;
        }
    int c_code = csv_column(&r, "code"), c_name = csv_column(&r, "name");
    int c_short = csv_column(&r, "short_name"), c_type = csv_column(&r, "type");
    int c_from = csv_column(&r, "valid_from"), c_to = csv_column(&r, "valid_to");
    int c_ref = shape->marker ? csv_column(&r, shape->marker) : -1;
    if (c_code < 0 || c_name < 0) {
        rc = err_set(detail, detail_size, CHISO_EPARSE,
                     "line 1: a unit list needs the columns code and name");
        goto out;
    }
    int32_t dfrom = parse_bound(shape->default_from, INT32_MIN);
    int32_t dto = parse_bound(shape->default_to, INT32_MAX);
    for (;;) {
        rc = csv_next(&r, &got, detail, detail_size);
        if (rc != CHISO_OK || !got)
            break;
        const char *code = col(&r, c_code), *name = col(&r, c_name);
        if (r.nfields == 1 && *code == '\0')
            continue; /* blank line */
        if (*code == '\0' || *name == '\0' ||
            strlen(code) > CHISO_MAX_CODE_BYTES) {
            rc = err_set(detail, detail_size, CHISO_EPARSE,
                         "line %zu: a unit needs a code (at most %u bytes) "
                         "and a name",
                         r.line, CHISO_MAX_CODE_BYTES);
            break;
        }
        if (reg->n >= CHISO_MAX_UNITS) {
            rc = err_set(detail, detail_size, CHISO_ELIMIT,
                         "line %zu: more than %u units", r.line,
                         CHISO_MAX_UNITS);
            break;
        }
        const char *shortn = c_short >= 0 ? col(&r, c_short) : name;
        int32_t from = c_from >= 0 ? parse_bound(col(&r, c_from), dfrom) : dfrom;
        int32_t to = c_to >= 0 ? parse_bound(col(&r, c_to), dto) : dto;
        if (shape->kind == LIST_LINEAGE) {
            reg->lineage = xgrow(reg->lineage, &reg->lineage_cap,
                                 reg->nlineage + 1, sizeof *reg->lineage);
            reg->successor_codes = xrealloc(
                reg->successor_codes, reg->lineage_cap * sizeof(char *));
            reg->lineage[reg->nlineage] = (struct unit_lineage){
                .old_code = xstrdup(code),
                .old_name = xstrdup(name),
                .old_short_name = xstrdup(shortn),
                .successor = UNIT_NONE,
                .valid_to = to,
            };
            reg->successor_codes[reg->nlineage++] = xstrdup(col(&r, c_ref));
            continue;
        }
        const char *parent = shape->kind == LIST_COMMUNES ? col(&r, c_ref) : "VN";
        add_unit(reg, code, name, shortn, c_type >= 0 ? col(&r, c_type) : "",
                 shape->level, parent, from, to);
    }
out:
    csv_free(&r);
    if (rc != CHISO_OK) {
        /* Drop what this list staged: nothing is added on error. */
        while (reg->n > n0) {
            struct unit *u = &reg->units[--reg->n];
            free(u->code);
            free(u->name);
            free(u->short_name);
            free(u->type);
            free(reg->parent_codes[reg->n]);
        }
        while (reg->nlineage > l0) {
            struct unit_lineage *l = &reg->lineage[--reg->nlineage];
            free(l->old_code);
            free(l->old_name);
            free(l->old_short_name);
            free(reg->successor_codes[reg->nlineage]);
        }
    }
    return rc;
}

struct code_ref {
    const char *code;
    uint32_t index;
};

static int by_code(const void *a, const void *b)
{
    return strcmp(((const struct code_ref *)a)->code,
                  ((const struct code_ref *)b)->code);
}

/* Orders a unit's children by code (qsort has no context argument). */
static void sort_children(struct unit_registry *reg, struct unit *u)
{
    struct code_ref *refs = xmalloc((u->nchildren + 1) * sizeof *refs);
    for (uint32_t i = 0; i < u->nchildren; i++)
        refs[i] = (struct code_ref){reg->units[u->children[i]].code,
                                    u->children[i]};
    qsort(refs, u->nchildren, sizeof *refs, by_code);
    for (uint32_t i = 0; i < u->nchildren; i++)
        u->children[i] = refs[i].index;
    free(refs);
}

enum chiso_err units_finish(struct unit_registry *reg, char *detail,
                            size_t detail_size)
{
    if (reg->finished)
        return CHISO_OK;
    for (size_t i = 0; i < reg->n; i++) {
        const char *code = reg->units[i].code;
        if (!strmap_put(&reg->by_code, code, strlen(code), (uint32_t)i))
            return err_set(detail, detail_size, CHISO_EPARSE,
                           "unit code %s appears twice", code);
    }
    for (size_t i = 1; i < reg->n; i++) {
        struct unit *u = &reg->units[i];
        uint32_t p;
        const char *pc = reg->parent_codes[i];
        if (!strmap_get(&reg->by_code, pc, strlen(pc), &p))
            return err_set(detail, detail_size, CHISO_EPARSE,
                           "unit %s: parent %s is not a unit", u->code, pc);
        u->parent = p;
        reg->units[p].nchildren++;
    }
    /* Depths: walk up; a chain longer than the limit is a cycle or abuse. */
    for (size_t i = 0; i < reg->n; i++) {
        uint32_t d = 0;
        for (uint32_t a = reg->units[i].parent; a != UNIT_NONE;
             a = reg->units[a].parent)
            if (++d > CHISO_MAX_UNIT_DEPTH)
                return err_set(detail, detail_size, CHISO_EPARSE,
                               "unit %s: deeper than %u levels",
                               reg->units[i].code, CHISO_MAX_UNIT_DEPTH);
        reg->units[i].depth = d;
    }
    for (size_t i = 0; i < reg->n; i++) {
        struct unit *u = &reg->units[i];
        u->children = xmalloc((u->nchildren ? u->nchildren : 1) *
                              sizeof(uint32_t));
        u->nchildren = 0;
    }
    for (size_t i = 1; i < reg->n; i++) {
        struct unit *p = &reg->units[reg->units[i].parent];
        p->children[p->nchildren++] = (uint32_t)i;
    }
    for (size_t i = 0; i < reg->n; i++)
        sort_children(reg, &reg->units[i]);
    for (size_t i = 0; i < reg->nlineage; i++) {
        struct unit_lineage *l = &reg->lineage[i];
        const char *sc = reg->successor_codes[i];
        uint32_t s, current;
        if (!strmap_get(&reg->by_code, sc, strlen(sc), &s))
            return err_set(detail, detail_size, CHISO_EPARSE,
                           "old unit %s: successor %s is not a unit",
                           l->old_code, sc);
        /* An old code still in use must name its own successor, or a
         * record's code would mean two units. */
        if (strmap_get(&reg->by_code, l->old_code, strlen(l->old_code),
                       &current) &&
            current != s)
            return err_set(detail, detail_size, CHISO_EPARSE,
                           "old unit %s: its code now names another unit",
                           l->old_code);
        l->successor = s;
        if (reg->units[s].lineage_from == UNIT_NONE)
            reg->units[s].lineage_from = (uint32_t)i;
        if (!strmap_put(&reg->by_old_code, l->old_code, strlen(l->old_code),
                        (uint32_t)i))
            return err_set(detail, detail_size, CHISO_EPARSE,
                           "old unit code %s appears twice", l->old_code);
    }
    reg->finished = true;
    return CHISO_OK;
}

enum chiso_err units_load_default(struct unit_registry **out, char *detail,
                                  size_t detail_size)
{
    struct unit_registry *reg = units_create();
    enum chiso_err rc = CHISO_OK;
    for (size_t i = 0; i < units_default_file_count && rc == CHISO_OK; i++) {
        const struct embedded_file *f = embedded_find(units_default_files[i]);
        rc = f ? units_add_csv(reg, f->data, f->len, detail, detail_size)
               : err_set(detail, detail_size, CHISO_ENOTFOUND,
                         "embedded %s missing", units_default_files[i]);
    }
    if (rc == CHISO_OK)
        rc = units_finish(reg, detail, detail_size);
    if (rc != CHISO_OK) {
        units_destroy(reg);
        return rc;
    }
    *out = reg;
    return CHISO_OK;
}

size_t units_count(const struct unit_registry *reg)
{
    return reg->n;
}

const struct unit *unit_at(const struct unit_registry *reg, uint32_t index)
{
    return &reg->units[index];
}

uint32_t unit_find(const struct unit_registry *reg, const char *code,
                   size_t len)
{
    uint32_t v;
    return strmap_get(&reg->by_code, code, len, &v) ? v : UNIT_NONE;
}

uint32_t unit_resolve(const struct unit_registry *reg, const char *code,
                      size_t len, bool *via_lineage)
{
    uint32_t v = unit_find(reg, code, len);
    bool old = false;
    if (v == UNIT_NONE && strmap_get(&reg->by_old_code, code, len, &v)) {
        v = reg->lineage[v].successor;
        old = true;
    }
    if (via_lineage != NULL)
        *via_lineage = old;
    return v;
}

bool unit_is_within(const struct unit_registry *reg, uint32_t unit,
                    uint32_t ancestor)
{
    for (uint32_t u = unit; u != UNIT_NONE; u = reg->units[u].parent)
        if (u == ancestor)
            return true;
    return false;
}

uint32_t unit_lineage_find(const struct unit_registry *reg, const char *code,
                           size_t len)
{
    uint32_t v;
    return strmap_get(&reg->by_old_code, code, len, &v) ? v : UNIT_NONE;
}

size_t units_lineage_count(const struct unit_registry *reg)
{
    return reg->nlineage;
}

const struct unit_lineage *unit_lineage_at(const struct unit_registry *reg,
                                           size_t i)
{
    return &reg->lineage[i];
}

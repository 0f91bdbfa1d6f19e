/*
 * fuzz_csv.c — the CSV reader and the unit lists read through it (SPEC §2).
 *
 * The input is one or more unit lists separated by form feeds (0x0C), so
 * that one input can hold provinces, their communes and the lineage that
 * units_finish() links together. Each list goes to units_add_csv() in turn
 * on a fresh registry; one that is refused must add nothing. A registry that
 * finishes must form a tree rooted at VN, no deeper than the limit, with
 * children in code order, codes that find their unit, and lineage entries
 * that resolve to current units. Then the whole input is read once more with
 * a plain csv_init()/csv_next() loop.
 */
#include <string.h>

#include "core/csv.h"
#include "core/limits.h"
#include "core/unit.h"
#include "fuzz.h"

static void check_registry(const struct unit_registry *reg)
{
    size_t n = units_count(reg);
    FUZZ_CHECK(n >= 1);
    const struct unit *root = unit_at(reg, UNIT_ROOT);
    FUZZ_CHECK(root->parent == UNIT_NONE && root->depth == 0);
    FUZZ_CHECK(strcmp(root->code, "VN") == 0);
    size_t children = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct unit *u = unit_at(reg, i);
        FUZZ_CHECK(u->code != NULL && u->name != NULL &&
                   u->short_name != NULL && u->type != NULL);
        FUZZ_CHECK(unit_find(reg, u->code, strlen(u->code)) == i);
        bool old = true;
        FUZZ_CHECK(unit_resolve(reg, u->code, strlen(u->code), &old) == i);
        FUZZ_CHECK(!old);
        FUZZ_CHECK(u->level < UNIT__LEVEL_COUNT);
        FUZZ_CHECK(unit_level_find(unit_level_name(u->level)) == (int)u->level);
        FUZZ_CHECK(u->depth <= CHISO_MAX_UNIT_DEPTH);
        if (i != UNIT_ROOT) {
            FUZZ_CHECK(u->parent < n);
            FUZZ_CHECK(unit_at(reg, u->parent)->depth + 1 == u->depth);
            FUZZ_CHECK(unit_is_within(reg, i, UNIT_ROOT));
            FUZZ_CHECK(unit_is_within(reg, i, u->parent));
        }
        for (uint32_t c = 0; c < u->nchildren; c++) {
            FUZZ_CHECK(u->children[c] < n);
            FUZZ_CHECK(unit_at(reg, u->children[c])->parent == i);
            if (c > 0)
                FUZZ_CHECK(strcmp(unit_at(reg, u->children[c - 1])->code,
                                  unit_at(reg, u->children[c])->code) < 0);
        }
        children += u->nchildren;
        FUZZ_CHECK(u->lineage_from == UNIT_NONE ||
                   u->lineage_from < units_lineage_count(reg));
    }
    FUZZ_CHECK(children == n - 1);
    for (size_t i = 0; i < units_lineage_count(reg); i++) {
        const struct unit_lineage *l = unit_lineage_at(reg, i);
        FUZZ_CHECK(l->successor < n);
        FUZZ_CHECK(unit_lineage_find(reg, l->old_code, strlen(l->old_code)) ==
                   i);
        bool old = false;
        FUZZ_CHECK(unit_resolve(reg, l->old_code, strlen(l->old_code), &old) ==
                   l->successor);
        FUZZ_CHECK(old == (unit_find(reg, l->old_code, strlen(l->old_code)) ==
                           UNIT_NONE));
    }
}

static void fuzz_units(const char *buf, size_t size)
{
    struct unit_registry *reg = units_create();
    char detail[CHISO_DETAIL_BYTES];
    const char *p = buf, *end = buf + size;
    for (int list = 0; list < 8 && p <= end; list++) {
        const char *ff = memchr(p, '\f', (size_t)(end - p));
        size_t len = ff ? (size_t)(ff - p) : (size_t)(end - p);
        size_t n0 = units_count(reg), l0 = units_lineage_count(reg);
        detail[0] = '\0';
        enum chiso_err rc = units_add_csv(reg, p, len, detail, sizeof detail);
        if (rc != CHISO_OK) {
            FUZZ_CHECK(rc == CHISO_EPARSE || rc == CHISO_ELIMIT);
            FUZZ_CHECK(detail[0] != '\0');
            FUZZ_CHECK(units_count(reg) == n0);
            FUZZ_CHECK(units_lineage_count(reg) == l0);
        }
        if (ff == NULL)
            break;
        p = ff + 1;
    }
    detail[0] = '\0';
    enum chiso_err rc = units_finish(reg, detail, sizeof detail);
    if (rc == CHISO_OK)
        check_registry(reg);
    else
        FUZZ_CHECK(rc == CHISO_EPARSE && detail[0] != '\0');
    units_destroy(reg);
}

static void fuzz_rows(const char *buf, size_t size)
{
    struct csv_reader r;
    csv_init(&r, buf, size);
    char detail[CHISO_DETAIL_BYTES];
    for (size_t rows = 0;; rows++) {
        bool got = true;
        enum chiso_err rc = csv_next(&r, &got, detail, sizeof detail);
        if (rc != CHISO_OK) {
            FUZZ_CHECK(rc == CHISO_EPARSE || rc == CHISO_ELIMIT);
            FUZZ_CHECK(!got);
            break;
        }
        if (!got)
            break;
        FUZZ_CHECK(r.line == rows + 1);
        FUZZ_CHECK(r.nfields >= 1 && r.nfields <= CHISO_MAX_CSV_FIELDS);
        for (size_t i = 0; i < r.nfields; i++) {
            FUZZ_CHECK(r.lens[i] <= CHISO_MAX_CSV_FIELD_BYTES);
            FUZZ_CHECK(r.fields[i][r.lens[i]] == '\0');
        }
        (void)csv_column(&r, "code");
        FUZZ_CHECK(r.p <= r.end);
    }
    csv_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_units((const char *)data, size);
    fuzz_rows((const char *)data, size);
    return 0;
}

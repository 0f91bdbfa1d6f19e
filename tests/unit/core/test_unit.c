/*
 * test_unit.c — the unit registry and its lineage (SPEC §2).
 *
 * Expected counts come from the shipped lists: 17 ministries
 * (ministries-2025.csv), 34 provinces (provinces-2025.csv), 3,321 communes
 * (communes-2025.csv) and 63 pre-2025 provinces (provinces-2008.csv).
 */
#include "../fixture.h"
#include "../test.h"
#include "core/unit.h"

static uint32_t find(const struct unit_registry *reg, const char *code)
{
    return unit_find(reg, code, strlen(code));
}

TEST(unit_default_counts)
{
    const struct unit_registry *reg = fixture_units();
    CHECK_EQ_INT(units_count(reg), 1 + 17 + 34 + 3321);
    CHECK_EQ_INT(units_lineage_count(reg), 63);
    size_t per_level[UNIT__LEVEL_COUNT] = {0};
    for (uint32_t i = 0; i < units_count(reg); i++)
        per_level[unit_at(reg, i)->level]++;
    CHECK_EQ_INT(per_level[UNIT_NATIONAL], 1);
    CHECK_EQ_INT(per_level[UNIT_MINISTRY], 17);
    CHECK_EQ_INT(per_level[UNIT_PROVINCE], 34);
    CHECK_EQ_INT(per_level[UNIT_COMMUNE], 3321);
}

TEST(unit_root)
{
    const struct unit_registry *reg = fixture_units();
    const struct unit *vn = unit_at(reg, UNIT_ROOT);
    CHECK_EQ_STR(vn->code, "VN");
    CHECK_EQ_INT(vn->level, UNIT_NATIONAL);
    CHECK_EQ_UINT(vn->parent, UNIT_NONE);
    CHECK_EQ_INT(vn->depth, 0);
    CHECK_EQ_UINT(find(reg, "VN"), UNIT_ROOT);
    CHECK_EQ_INT(vn->nchildren, 17 + 34);
    /* children in code order: digits sort before letters */
    REQUIRE(vn->nchildren == 51);
    CHECK_EQ_STR(unit_at(reg, vn->children[0])->code, "01");
    CHECK_EQ_STR(unit_at(reg, vn->children[50])->code, "VPCP");
    for (uint32_t i = 1; i < vn->nchildren; i++)
        CHECK(strcmp(unit_at(reg, vn->children[i - 1])->code,
                     unit_at(reg, vn->children[i])->code) < 0);
}

TEST(unit_tree_links)
{
    const struct unit_registry *reg = fixture_units();
    uint32_t hn = find(reg, "01"), ba_dinh = find(reg, "00004");
    uint32_t bca = find(reg, "BCA"), cao_bang = find(reg, "04");
    REQUIRE(hn != UNIT_NONE && ba_dinh != UNIT_NONE && bca != UNIT_NONE);
    REQUIRE(cao_bang != UNIT_NONE);

    const struct unit *c = unit_at(reg, ba_dinh);
    CHECK_EQ_STR(c->name, "Phường Ba Đình");
    CHECK_EQ_INT(c->level, UNIT_COMMUNE);
    CHECK_EQ_UINT(c->parent, hn);
    CHECK_EQ_INT(c->depth, 2);
    CHECK_EQ_INT(c->nchildren, 0);

    const struct unit *p = unit_at(reg, hn);
    CHECK_EQ_STR(p->short_name, "Hà Nội");
    CHECK_EQ_INT(p->level, UNIT_PROVINCE);
    CHECK_EQ_UINT(p->parent, UNIT_ROOT);
    CHECK_EQ_INT(p->depth, 1);
    CHECK_EQ_INT(p->nchildren, 126); /* the "communes" column of 01 */
    CHECK_EQ_INT(unit_at(reg, cao_bang)->nchildren, 56);
    CHECK_EQ_INT(p->valid_from, 20270); /* 2025-07-01 */
    CHECK_EQ_INT(p->valid_to, INT32_MAX);

    const struct unit *m = unit_at(reg, bca);
    CHECK_EQ_INT(m->level, UNIT_MINISTRY);
    CHECK_EQ_UINT(m->parent, UNIT_ROOT);
    CHECK_EQ_INT(m->nchildren, 0);
    CHECK_EQ_STR(m->type, "bo");

    /* every commune's parent is a province */
    int bad = 0;
    for (uint32_t i = 0; i < units_count(reg) && bad < 3; i++) {
        const struct unit *u = unit_at(reg, i);
        if (u->level == UNIT_COMMUNE &&
            unit_at(reg, u->parent)->level != UNIT_PROVINCE) {
            test_fail(__FILE__, __LINE__, "parent level",
                      "commune %s: expected a province parent, got %s",
                      u->code, unit_level_name(unit_at(reg, u->parent)->level));
            bad++;
        }
    }

    CHECK(unit_is_within(reg, ba_dinh, hn));
    CHECK(unit_is_within(reg, ba_dinh, UNIT_ROOT));
    CHECK(unit_is_within(reg, ba_dinh, ba_dinh));
    CHECK(!unit_is_within(reg, hn, ba_dinh));
    CHECK(!unit_is_within(reg, ba_dinh, cao_bang));
    CHECK(!unit_is_within(reg, bca, hn));
    CHECK(unit_is_within(reg, bca, UNIT_ROOT));
}

TEST(unit_resolve_lineage)
{
    const struct unit_registry *reg = fixture_units();
    bool via = true;
    /* 02 Hà Giang merged into 08 Tuyên Quang */
    uint32_t u = unit_resolve(reg, "02", 2, &via);
    REQUIRE(u != UNIT_NONE);
    CHECK_EQ_STR(unit_at(reg, u)->code, "08");
    CHECK(via);
    /* 26 Vĩnh Phúc merged into 25 Phú Thọ */
    u = unit_resolve(reg, "26", 2, &via);
    REQUIRE(u != UNIT_NONE);
    CHECK_EQ_STR(unit_at(reg, u)->code, "25");
    CHECK(via);
    /* 01 is both an old and a current code: resolved directly */
    via = true;
    CHECK_EQ_UINT(unit_resolve(reg, "01", 2, &via), find(reg, "01"));
    CHECK(!via);
    CHECK_EQ_UINT(unit_resolve(reg, "00004", 5, &via), find(reg, "00004"));
    CHECK(!via);
    CHECK_EQ_UINT(unit_resolve(reg, "BCA", 3, NULL), find(reg, "BCA"));
    /* unknown codes; 03 never existed; a prefix is not a code */
    CHECK_EQ_UINT(unit_resolve(reg, "03", 2, &via), UNIT_NONE);
    CHECK(!via);
    CHECK_EQ_UINT(unit_resolve(reg, "0", 1, &via), UNIT_NONE);
    CHECK_EQ_UINT(unit_resolve(reg, "", 0, &via), UNIT_NONE);
    CHECK_EQ_UINT(unit_resolve(reg, "0100", 2, &via), find(reg, "01"));
    /* an old code is not a current code */
    CHECK_EQ_UINT(find(reg, "02"), UNIT_NONE);

    uint32_t li = unit_lineage_find(reg, "02", 2);
    REQUIRE(li != UNIT_NONE);
    const struct unit_lineage *l = unit_lineage_at(reg, li);
    CHECK_EQ_STR(l->old_code, "02");
    CHECK_EQ_STR(l->old_short_name, "Hà Giang");
    CHECK_EQ_UINT(l->successor, find(reg, "08"));
    CHECK_EQ_INT(l->valid_to, 20269); /* 2025-06-30 */
    CHECK_EQ_UINT(unit_lineage_find(reg, "03", 2), UNIT_NONE);
    CHECK_EQ_UINT(unit_lineage_find(reg, "00004", 5), UNIT_NONE);
    /* 08 Tuyên Quang took 02 (entry 1) and 08 (entry 4); the first counts */
    CHECK_EQ_UINT(unit_at(reg, find(reg, "08"))->lineage_from, 1);
}

TEST(unit_levels)
{
    CHECK_EQ_STR(unit_level_name(UNIT_NATIONAL), "national");
    CHECK_EQ_STR(unit_level_name(UNIT_COMMUNE), "commune");
    CHECK_EQ_INT(unit_level_find("ministry"), UNIT_MINISTRY);
    CHECK_EQ_INT(unit_level_find("province"), UNIT_PROVINCE);
    CHECK_EQ_INT(unit_level_find("district"), -1);
}

/* A small registry in the shapes of the data/ CSV files. */
static const char ministries[] = "code,name,short_name,type\n"
                                 "M1,Bộ Một,Một,bo\n";
static const char provinces[] =
    "code,name,short_name,type,predecessors,communes\n"
    "P1,Tỉnh Một,Một,tinh,X1;X2,2\n"
    "P2,Tỉnh Hai,Hai,tinh,P2,1\n";
static const char communes[] = "code,name,type,province_code\r\n"
                               "C2,Xã Hai,xa,P1\r\n"
                               "C1,\"Xã Một, Mới\",xa,P1\r\n"
                               "C3,Phường Ba,phuong,P2\r\n";
static const char lineage[] = "code,name,short_name,successor_code\n"
                              "X1,Tỉnh X1,X1,P1\n"
                              "X2,Tỉnh X2,X2,P1\n"
                              "P2,Tỉnh Hai cũ,Hai,P2\n";

static enum chiso_err add(struct unit_registry *reg, const char *csv,
                          char *detail)
{
    return units_add_csv(reg, csv, strlen(csv), detail, 256);
}

TEST(unit_custom_lists)
{
    char detail[256] = "";
    struct unit_registry *reg = units_create();
    CHECK_EQ_INT(units_count(reg), 1);
    /* lists may come in any order */
    CHECK_EQ_INT(add(reg, communes, detail), CHISO_OK);
    CHECK_EQ_INT(add(reg, lineage, detail), CHISO_OK);
    CHECK_EQ_INT(add(reg, provinces, detail), CHISO_OK);
    CHECK_EQ_INT(add(reg, ministries, detail), CHISO_OK);
    int rc = units_finish(reg, detail, sizeof detail);
    CHECK_EQ_INT(rc, CHISO_OK);
    if (rc != CHISO_OK) {
        CHECK_EQ_STR(detail, "");
        units_destroy(reg);
        return;
    }
    CHECK_EQ_INT(units_count(reg), 1 + 1 + 2 + 3);
    CHECK_EQ_INT(units_lineage_count(reg), 3);
    uint32_t p1 = find(reg, "P1"), c1 = find(reg, "C1"), m1 = find(reg, "M1");
    REQUIRE(p1 != UNIT_NONE && c1 != UNIT_NONE && m1 != UNIT_NONE);
    CHECK_EQ_INT(unit_at(reg, p1)->level, UNIT_PROVINCE);
    CHECK_EQ_INT(unit_at(reg, m1)->level, UNIT_MINISTRY);
    CHECK_EQ_INT(unit_at(reg, c1)->level, UNIT_COMMUNE);
    CHECK_EQ_UINT(unit_at(reg, c1)->parent, p1);
    CHECK_EQ_STR(unit_at(reg, c1)->name, "Xã Một, Mới");
    /* communes have no short_name column: it is their name */
    CHECK_EQ_STR(unit_at(reg, c1)->short_name, "Xã Một, Mới");
    CHECK_EQ_STR(unit_at(reg, c1)->type, "xa");
    const struct unit *p = unit_at(reg, p1);
    REQUIRE(p->nchildren == 2);
    CHECK_EQ_STR(unit_at(reg, p->children[0])->code, "C1");
    CHECK_EQ_STR(unit_at(reg, p->children[1])->code, "C2");
    CHECK_EQ_INT(unit_at(reg, UNIT_ROOT)->nchildren, 3);

    bool via = false;
    CHECK_EQ_UINT(unit_resolve(reg, "X2", 2, &via), p1);
    CHECK(via);
    CHECK_EQ_UINT(unit_resolve(reg, "P2", 2, &via), find(reg, "P2"));
    CHECK(!via);
    CHECK_EQ_UINT(unit_resolve(reg, "X3", 2, &via), UNIT_NONE);

    /* finished: no more lists */
    CHECK_EQ_INT(add(reg, ministries, detail), CHISO_EINVAL);
    units_destroy(reg);
    units_destroy(NULL); /* harmless */
}

TEST(unit_unknown_province)
{
    char detail[256] = "";
    struct unit_registry *reg = units_create();
    CHECK_EQ_INT(add(reg, provinces, detail), CHISO_OK);
    CHECK_EQ_INT(add(reg, "code,name,type,province_code\n"
                          "C1,Xã Một,xa,P1\n"
                          "C9,Xã Chín,xa,P9\n",
                     detail),
                 CHISO_OK);
    CHECK_EQ_INT(units_finish(reg, detail, sizeof detail), CHISO_EPARSE);
    CHECK_CONTAINS(detail, "C9");
    CHECK_CONTAINS(detail, "P9");
    units_destroy(reg);

    /* a successor that is not a unit */
    reg = units_create();
    CHECK_EQ_INT(add(reg, provinces, detail), CHISO_OK);
    CHECK_EQ_INT(add(reg, "code,name,short_name,successor_code\n"
                          "X1,Tỉnh X1,X1,P7\n",
                     detail),
                 CHISO_OK);
    CHECK_EQ_INT(units_finish(reg, detail, sizeof detail), CHISO_EPARSE);
    CHECK_CONTAINS(detail, "P7");
    units_destroy(reg);
}

TEST(unit_duplicate_code)
{
    char detail[256] = "";
    struct unit_registry *reg = units_create();
    CHECK_EQ_INT(add(reg, provinces, detail), CHISO_OK);
    CHECK_EQ_INT(add(reg, "code,name,short_name,type\nP1,Bộ P1,P1,bo\n", detail),
                 CHISO_OK);
    CHECK_EQ_INT(units_finish(reg, detail, sizeof detail), CHISO_EPARSE);
    CHECK_CONTAINS(detail, "P1");
    units_destroy(reg);

    /* an old code reused for another current unit is ambiguous */
    reg = units_create();
    CHECK_EQ_INT(add(reg, provinces, detail), CHISO_OK);
    CHECK_EQ_INT(add(reg, "code,name,short_name,successor_code\n"
                          "P2,Tỉnh P2 cũ,P2,P1\n",
                     detail),
                 CHISO_OK);
    CHECK_EQ_INT(units_finish(reg, detail, sizeof detail), CHISO_EPARSE);
    CHECK_CONTAINS(detail, "P2");
    units_destroy(reg);
}

TEST(unit_bad_lists)
{
    char detail[256] = "";
    struct unit_registry *reg = units_create();
    CHECK_EQ_INT(add(reg, "", detail), CHISO_EPARSE);
    CHECK_EQ_INT(add(reg, "id,label\nA,B\n", detail), CHISO_EPARSE);
    CHECK_CONTAINS(detail, "line 1");
    /* a row without a name refuses the whole list, naming its line */
    CHECK_EQ_INT(add(reg, "code,name,short_name,type\n"
                          "M1,Bộ Một,Một,bo\n"
                          "\n"
                          "M2,,Hai,bo\n",
                     detail),
                 CHISO_EPARSE);
    CHECK_CONTAINS(detail, "line 4");
    CHECK_EQ_INT(units_count(reg), 1); /* nothing from it was added */
    CHECK_EQ_INT(add(reg, "code,name\n\"M1,x\n", detail), CHISO_EPARSE);
    CHECK_EQ_INT(units_count(reg), 1);
    CHECK_EQ_INT(units_finish(reg, detail, sizeof detail), CHISO_OK);
    CHECK_EQ_INT(units_count(reg), 1);
    units_destroy(reg);
}

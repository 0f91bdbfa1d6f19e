/*
 * test_catalogue.c — the indicator catalogue: the shipped defaults (SPEC §5)
 * and errors that name their line and column.
 *
 * Columns are 1-based bytes. Days: 2024-12-31 = 20088, 2025-12-31 = 20453.
 */
#include <stdio.h>

#include "../test.h"
#include "core/catalogue.h"
#include "core/expr.h"
#include "core/measure.h"

static struct catalogue *parse_ok(const char *file, int line, const char *text)
{
    struct catalogue *cat = NULL;
    char detail[256] = "";
    enum chiso_err rc = catalogue_parse(text, strlen(text), &cat, detail,
                                        sizeof detail);
    if (rc != CHISO_OK) {
        test_fail(file, line, "catalogue_parse", "expected OK, got %s: %s",
                  err_name(rc), detail);
        return NULL;
    }
    return cat;
}
#define PARSE_OK(text) parse_ok(__FILE__, __LINE__, text)

/* Parsing text fails with a detail that starts with `expected` (the
 * "line L, column C: ..." prefix and as much of the reason as given). */
static void check_error(const char *file, int line, const char *text,
                        const char *expected)
{
    struct catalogue *cat = NULL;
    char detail[256] = "";
    enum chiso_err rc = catalogue_parse(text, strlen(text), &cat, detail,
                                        sizeof detail);
    if (rc != CHISO_EPARSE) {
        test_fail(file, line, text, "expected %s, got %s",
                  err_name(CHISO_EPARSE), err_name(rc));
        if (rc == CHISO_OK)
            catalogue_free(cat);
        return;
    }
    if (strncmp(detail, expected, strlen(expected)) != 0)
        test_fail(file, line, text, "expected \"%s...\", got \"%s\"", expected,
                  detail);
}
#define CHECK_ERROR(text, expected)                                            \
    check_error(__FILE__, __LINE__, text, expected)

TEST(catalogue_defaults)
{
    static const struct {
        const char *code, *expr;
    } spec[] = {
        {"toan_trinh", "100 × full_online / received"},
        {"toan_trinh_dd", "100 × full_online / eligible_full"},
        {"truc_tuyen", "100 × received_online / received"},
        {"dung_han", "100 × completed_on_time / completed"},
        {"dinh_danh", "100 × with_personal_id / received"},
        {"so_hoa", "100 × digitised / received"},
        {"ket_qua_dien_tu", "100 × e_result / completed"},
        {"thanh_toan_tt", "100 × paid_online / fee_bearing"},
        {"dong_bo", "100 × synced_on_time / received"},
        {"tg_xu_ly", "processing_seconds / completed / 86400"},
    };
    struct catalogue *cat = NULL;
    char detail[256] = "";
    REQUIRE(catalogue_load_default(&cat, detail, sizeof detail) == CHISO_OK);
    CHECK_EQ_INT(catalogue_count(cat), 10);
    for (size_t i = 0; i < 10 && i < catalogue_count(cat); i++) {
        const struct indicator *ind = catalogue_at(cat, i);
        CHECK_EQ_STR(ind->code, spec[i].code);
        CHECK_EQ_STR(ind->expr_text, spec[i].expr);
        CHECK(ind->expr != NULL);
        CHECK_EQ_INT(ind->lower_is_better, i == 9);
        CHECK_EQ_STR(ind->unit, i == 9 ? "ngày" : "%");
        CHECK(catalogue_find(cat, spec[i].code) == ind);
    }
    const struct indicator *tt = catalogue_find(cat, "toan_trinh");
    REQUIRE(tt != NULL);
    CHECK_EQ_STR(tt->name_vi, "Tỷ lệ hồ sơ trực tuyến toàn trình");
    REQUIRE(tt->ntargets == 4);
    CHECK_EQ_INT(tt->targets[0].value.num, 80);
    CHECK_EQ_INT(tt->targets[0].by, 20453);
    CHECK_EQ_STR(tt->targets[0].scope, NULL);
    CHECK_EQ_INT(tt->targets[1].value.num, 50);
    CHECK_EQ_INT(tt->targets[1].by, 20088);
    CHECK_EQ_STR(tt->targets[1].scope, "national");
    CHECK_EQ_STR(tt->targets[2].scope, "ministry");
    CHECK_EQ_INT(tt->targets[2].value.num, 70);
    CHECK_EQ_STR(tt->targets[3].scope, "province");
    CHECK_EQ_INT(tt->targets[3].value.num, 30);
    const struct indicator *dd = catalogue_find(cat, "dinh_danh");
    REQUIRE(dd != NULL && dd->ntargets == 1);
    CHECK_EQ_INT(dd->targets[0].value.num, 100);
    CHECK_EQ_INT(dd->targets[0].by, 20453);
    CHECK_EQ_INT(catalogue_find(cat, "tg_xu_ly")->ntargets, 0);
    CHECK(catalogue_find(cat, "toan") == NULL);
    catalogue_free(cat);
    catalogue_free(NULL);
}

TEST(catalogue_custom)
{
    struct catalogue *cat = PARSE_OK("# line 1\n"
                   "[ty_le]\n"
                   "expr = completed / received\n"
                   "target = 12.5 by 2025-06-30 for 01\n"
                   "target = 10 by 2025-06-30\n"
                   "direction = lower\n"
                   "\n"
                   "[khac]\r\n"
                   "name_vi = Khác\r\n"
                   "  expr\t=  2 × received  \r\n");
    REQUIRE(cat != NULL);
    CHECK_EQ_INT(catalogue_count(cat), 2);
    const struct indicator *a = catalogue_find(cat, "ty_le");
    REQUIRE(a != NULL);
    CHECK_EQ_INT(a->line, 2);
    CHECK(a->lower_is_better);
    CHECK_EQ_STR(a->name_vi, "ty_le"); /* defaults to the code */
    CHECK_EQ_STR(a->name_en, "ty_le");
    CHECK_EQ_STR(a->unit, "");
    REQUIRE(a->ntargets == 2);
    CHECK_EQ_INT(a->targets[0].value.num, 25);
    CHECK_EQ_INT(a->targets[0].value.den, 2);
    CHECK_EQ_INT(a->targets[0].by, 20269);
    CHECK_EQ_STR(a->targets[0].scope, "01");
    CHECK_EQ_STR(a->targets[1].scope, NULL);
    const struct indicator *b = catalogue_find(cat, "khac");
    REQUIRE(b != NULL);
    CHECK_EQ_INT(b->line, 8);
    CHECK_EQ_STR(b->name_vi, "Khác");
    CHECK_EQ_STR(b->name_en, "Khác"); /* defaults to name_vi */
    CHECK_EQ_STR(b->expr_text, "2 × received");
    CHECK(!b->lower_is_better);
    catalogue_free(cat);
}

TEST(catalogue_expression_errors)
{
    /* "expr = " is 7 bytes, so the expression starts at column 8, and
     * "recieved" is its 21st byte: 8 + 21 − 1 = 28. */
    CHECK_ERROR("# catalogue\n"
                "\n"
                "[a]\n"
                "name_vi = A\n"
                "expr = 100 * full_online / recieved\n",
                "line 5, column 28: unknown name 'recieved'");
    /* indented, a tab, extra spaces: "foo" is the 18th byte of the line */
    CHECK_ERROR("[a]\n"
                "  expr =   100 / foo\n",
                "line 2, column 18: unknown name 'foo'");
    /* an unclosed '(': reported at the '(' itself, byte 8 of the line */
    CHECK_ERROR("[a]\n"
                "expr = (received + 1\n",
                "line 2, column 8: this '(' is never closed");
    /* × takes two bytes: "expr = 100 × " is 14 bytes, "x" is byte 15 */
    CHECK_ERROR("[a]\n"
                "expr = 100 × x / received\n",
                "line 2, column 15: unknown name 'x'");
    /* an empty expression */
    CHECK_ERROR("[a]\nexpr =\n", "line 2, column");
}

TEST(catalogue_structure_errors)
{
    CHECK_ERROR("[a]\nexpr = received\ncolour = red\n",
                "line 3, column 1: unknown key 'colour'");
    CHECK_ERROR("[a]\nexpr = received\n\n[b]\nexpr = received\n[a]\n",
                "line 6, column 2: indicator 'a' defined twice");
    CHECK_ERROR("[b]\nname_vi = B\n[c]\nexpr = received\n",
                "line 1, column 1: indicator 'b' has no expr");
    CHECK_ERROR("[a]\nexpr = received\n[b]\nunit = %\n",
                "line 3, column 1: indicator 'b' has no expr");
    CHECK_ERROR("[a]\nexpr = received\nexpr = completed\n",
                "line 3, column 1: 'expr' given twice");
    CHECK_ERROR("[a]\nname_vi = A\nname_vi = B\nexpr = received\n",
                "line 3, column 1: 'name_vi' given twice");
    CHECK_ERROR("expr = received\n[a]\n", "line 1, column 1: 'key = value'");
    CHECK_ERROR("[a]\nexpr = received\nhello\n", "line 3, column 1: expected");
    CHECK_ERROR("[a b]\nexpr = received\n", "line 1, column 3: a section");
    CHECK_ERROR("[]\n", "line 1, column 2: a section");
    CHECK_ERROR("[a]x\n", "line 1, column 3: a section");
    CHECK_ERROR("[a]\nexpr = received\ndirection = up\n",
                "line 3, column 13: direction");
    /* targets: "target = " is 9 bytes, the value starts at column 10 */
    CHECK_ERROR("[a]\nexpr = received\ntarget = 80 in 2025-12-31\n",
                "line 3, column 13: expected 'by");
    CHECK_ERROR("[a]\nexpr = received\ntarget = 80 by 2025-13-01\n",
                "line 3, column 16: '2025-13-01' is not a real day");
    CHECK_ERROR("[a]\nexpr = received\ntarget = 80 by 2025-1-01\n",
                "line 3, column 16: expected a day");
    CHECK_ERROR("[a]\nexpr = received\ntarget = x by 2025-12-31\n",
                "line 3, column 10: a target");
    CHECK_ERROR("[a]\nexpr = received\ntarget = 80 by 2025-12-31 to all\n",
                "line 3, column 27: expected 'for SCOPE'");
    CHECK_ERROR("[a]\nexpr = received\ntarget = 80 by 2025-12-31 for \n",
                "line 3, column");
    /* a NUL byte: "expr = rec" is 10 bytes, the NUL is column 11 */
    static const char nul[] = "[a]\nexpr = rec\0eived\n";
    struct catalogue *cat = NULL;
    char detail[256] = "";
    CHECK_EQ_INT(catalogue_parse(nul, sizeof nul - 1, &cat, detail,
                                 sizeof detail),
                 CHISO_EPARSE);
    CHECK_CONTAINS(detail, "line 2, column 11");
    /* nothing defined */
    CHECK_ERROR("", "the catalogue defines no indicator");
    CHECK_ERROR("# only a comment\n\n", "the catalogue defines no indicator");
}

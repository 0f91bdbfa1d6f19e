/*
 * test_csv.c — the RFC 4180 reader used for unit lists.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../test.h"
#include "core/csv.h"

/* Reads every row of text and renders it as "a|b|c;d|e;" for comparison, or
 * "ERR <code> <detail>" at the first error. */
static const char *render(const char *text, size_t len)
{
    static char out[1024];
    struct csv_reader r;
    csv_init(&r, text, len);
    size_t k = 0;
    out[0] = '\0';
    for (;;) {
        bool got;
        char detail[160] = "";
        enum chiso_err rc = csv_next(&r, &got, detail, sizeof detail);
        if (rc != CHISO_OK) {
            snprintf(out + k, sizeof out - k, "ERR %s %s", err_name(rc),
                     detail);
            break;
        }
        if (!got)
            break;
        for (size_t i = 0; i < r.nfields; i++)
            k += (size_t)snprintf(out + k, sizeof out - k, "%s%s",
                                  i ? "|" : "", r.fields[i]);
        k += (size_t)snprintf(out + k, sizeof out - k, ";");
    }
    csv_free(&r);
    return out;
}
#define CHECK_CSV(text, expected)                                              \
    CHECK_EQ_STR(render(text, sizeof text - 1), expected)

TEST(csv_plain_rows)
{
    CHECK_CSV("code,name\n01,Hà Nội\n", "code|name;01|Hà Nội;");
    CHECK_CSV("a,b\r\nc,d\r\n", "a|b;c|d;");               /* CRLF */
    CHECK_CSV("a,b\nc,d", "a|b;c|d;");                     /* no final LF */
    CHECK_CSV(",,\n", "||;");                              /* empty fields */
    CHECK_CSV("a\n\nb\n", "a;;b;");                        /* a blank row */
    CHECK_CSV("", "");
    CHECK_CSV("\xEF\xBB\xBF" "code,name\n", "code|name;"); /* BOM skipped */
    CHECK_CSV("x,\xEF\xBB\xBF\n", "x|\xEF\xBB\xBF;");      /* only at start */
    CHECK_CSV(" a , b \n", " a | b ;");                    /* spaces kept */
}

TEST(csv_quoted_fields)
{
    CHECK_CSV("\"a,b\",c\n", "a,b|c;");
    CHECK_CSV("\"Bộ Văn hóa, Thể thao và Du lịch\",x\r\n",
              "Bộ Văn hóa, Thể thao và Du lịch|x;");
    CHECK_CSV("\"say \"\"hi\"\"\",2\n", "say \"hi\"|2;");
    CHECK_CSV("\"\"\"\"\n", "\";");
    CHECK_CSV("\"\",x\n", "|x;");
    CHECK_CSV("\"line\nbreak\",x\n", "line\nbreak|x;");
    CHECK_CSV("\"crlf\r\ninside\"\r\nz\r\n", "crlf\r\ninside;z;");
    CHECK_CSV("a,\"b\"", "a|b;");
}

TEST(csv_errors)
{
    CHECK_CSV("a,b\nc,\"d\n", "a|b;ERR parse line 2: unterminated quoted field");
    CHECK_CSV("a\nb\n\"c", "a;b;ERR parse line 3: unterminated quoted field");
    CHECK_CSV("\"a\"b,c\n", "ERR parse line 1: text after a closing quote");
    CHECK_CSV("a\"b,c\n", "ERR parse line 1: quote inside an unquoted field");
    CHECK_CSV("a,b\rc\n", "ERR parse line 1: bare carriage return");
}

TEST(csv_limits)
{
    /* 64 fields are fine, 65 are not */
    char row[256];
    size_t k = 0;
    for (int i = 0; i < 65; i++)
        k += (size_t)snprintf(row + k, sizeof row - k, i ? ",%d" : "%d", i % 10);
    struct csv_reader r;
    bool got;
    char detail[160];
    csv_init(&r, row, k - 2); /* drop ",4": 64 fields */
    CHECK_EQ_INT(csv_next(&r, &got, detail, sizeof detail), CHISO_OK);
    CHECK_EQ_INT(r.nfields, 64);
    csv_free(&r);
    csv_init(&r, row, k);
    CHECK_EQ_INT(csv_next(&r, &got, detail, sizeof detail), CHISO_ELIMIT);
    CHECK_CONTAINS(detail, "line 1");
    csv_free(&r);

    /* a 4096-byte field is fine, 4097 bytes are not, quoted or not */
    char *big = malloc(4100);
    REQUIRE(big != NULL);
    memset(big, 'x', 4100);
    csv_init(&r, big, 4096);
    CHECK_EQ_INT(csv_next(&r, &got, detail, sizeof detail), CHISO_OK);
    CHECK_EQ_INT(r.lens[0], 4096);
    csv_free(&r);
    csv_init(&r, big, 4097);
    CHECK_EQ_INT(csv_next(&r, &got, detail, sizeof detail), CHISO_ELIMIT);
    csv_free(&r);
    big[0] = '"';
    big[4098] = '"'; /* "x…x" with 4097 x */
    csv_init(&r, big, 4099);
    CHECK_EQ_INT(csv_next(&r, &got, detail, sizeof detail), CHISO_ELIMIT);
    csv_free(&r);
    free(big);
}

TEST(csv_columns)
{
    static const char text[] = "code,name,province_code\n00004,Ba Đình,01\n";
    struct csv_reader r;
    bool got;
    csv_init(&r, text, sizeof text - 1);
    REQUIRE(csv_next(&r, &got, NULL, 0) == CHISO_OK && got);
    CHECK_EQ_INT(r.line, 1);
    CHECK_EQ_INT(csv_column(&r, "code"), 0);
    CHECK_EQ_INT(csv_column(&r, "province_code"), 2);
    CHECK_EQ_INT(csv_column(&r, "valid_from"), -1);
    REQUIRE(csv_next(&r, &got, NULL, 0) == CHISO_OK && got);
    CHECK_EQ_INT(r.line, 2);
    CHECK_EQ_STR(r.fields[1], "Ba Đình");
    CHECK_EQ_INT(r.lens[1], strlen("Ba Đình"));
    REQUIRE(csv_next(&r, &got, NULL, 0) == CHISO_OK);
    CHECK(!got);
    csv_free(&r);
    csv_free(&r); /* twice is harmless */
}

/* The line number is the line the row starts on in the text, also after a
 * quoted field that holds a line break: a user looks the error up there. */
TEST(csv_line_numbers_after_multiline_field)
{
    static const char text[] = "code,name\n"
                               "01,\"Hà\nNội\"\n"
                               "02,ok\n"
                               "03,\"bad\n";
    struct csv_reader r;
    bool got;
    csv_init(&r, text, sizeof text - 1);
    REQUIRE(csv_next(&r, &got, NULL, 0) == CHISO_OK && got);
    REQUIRE(csv_next(&r, &got, NULL, 0) == CHISO_OK && got);
    CHECK_EQ_INT(r.line, 2);
    REQUIRE(csv_next(&r, &got, NULL, 0) == CHISO_OK && got);
    CHECK_EQ_STR(r.fields[0], "02");
    CHECK_EQ_INT(r.line, 4); /* rows 1, 2 (two lines), then line 4 */
    char detail[160] = "";
    CHECK_EQ_INT(csv_next(&r, &got, detail, sizeof detail), CHISO_EPARSE);
    CHECK_CONTAINS(detail, "line 5");
    csv_free(&r);
}

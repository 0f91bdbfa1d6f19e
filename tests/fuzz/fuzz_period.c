/*
 * fuzz_period.c — vt_period_parse() over one period text (SPEC §3).
 *
 * The input, copied and NUL-terminated, is a period as a query string or a
 * command line gives it. A period that parses must run forwards (from <= to,
 * a range no longer than the limit), format to a canonical text that parses
 * back to the same period, and have a previous period of the same kind that
 * ends the day before it starts. The same bytes are also tried as a record
 * stamp (vt_parse_stamp), which must format back to its own digits.
 */
#include <string.h>

#include "core/limits.h"
#include "core/vtime.h"
#include "fuzz.h"

static void check_period(const struct vt_period *p)
{
    FUZZ_CHECK(p->from <= p->to);
    FUZZ_CHECK(p->kind >= VT_DAY && p->kind <= VT_RANGE);
    int32_t span = p->to - p->from + 1;
    switch (p->kind) {
    case VT_DAY:
        FUZZ_CHECK(span == 1);
        break;
    case VT_MONTH:
        FUZZ_CHECK(span >= 28 && span <= 31);
        break;
    case VT_QUARTER:
        FUZZ_CHECK(span >= 90 && span <= 92);
        break;
    case VT_YEAR:
        FUZZ_CHECK(span == 365 || span == 366);
        break;
    case VT_RANGE:
        FUZZ_CHECK(span <= CHISO_MAX_RANGE_DAYS);
        break;
    }
    /* Years 0000–9999 only. */
    FUZZ_CHECK(p->from >= vt_days_from_civil(0, 1, 1));
    FUZZ_CHECK(p->to <= vt_days_from_civil(9999, 12, 31));

    char text[VT_PERIOD_TEXT];
    vt_period_format(p, text);
    FUZZ_CHECK(memchr(text, '\0', sizeof text) != NULL);
    struct vt_period back;
    char detail[CHISO_DETAIL_BYTES];
    FUZZ_CHECK(vt_period_parse(text, &back, detail, sizeof detail) ==
               CHISO_OK);
    FUZZ_CHECK(back.kind == p->kind && back.from == p->from &&
               back.to == p->to);

    /* Days and months agree with the civil calendar. */
    int y, m, d;
    vt_civil_from_days(p->from, &y, &m, &d);
    FUZZ_CHECK(vt_days_from_civil(y, m, d) == p->from);
    FUZZ_CHECK(vt_month_first_day(vt_month_of(p->from)) ==
               vt_days_from_civil(y, m, 1));
    char day[16];
    vt_format_day(p->to, day);
    FUZZ_CHECK(strlen(day) == 10);

    struct vt_period prev = vt_period_previous(p);
    FUZZ_CHECK(prev.kind == p->kind);
    FUZZ_CHECK(prev.to == p->from - 1);
    FUZZ_CHECK(prev.from <= prev.to);
    if (p->kind == VT_DAY || p->kind == VT_RANGE)
        FUZZ_CHECK(prev.to - prev.from == p->to - p->from);
}

static void check_stamp(const uint8_t *data, size_t size)
{
    int64_t moment = 42;
    if (!vt_parse_stamp((const char *)data, size, &moment)) {
        FUZZ_CHECK(moment == 42);
        return;
    }
    FUZZ_CHECK(size == 14);
    char text[32];
    vt_format_moment(moment, text);
    /* yyyy-MM-ddTHH:mm:ss+07:00 holds the 14 digits in order. */
    static const int at[14] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
    FUZZ_CHECK(strlen(text) == 25);
    for (int i = 0; i < 14; i++)
        FUZZ_CHECK(text[at[i]] == (char)data[i]);
    FUZZ_CHECK(vt_day_of_unix(moment - VT_UTC_OFFSET) == vt_day_of(moment));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct vt_period p;
    char detail[CHISO_DETAIL_BYTES];
    detail[0] = '\0';
    enum chiso_err rc = vt_period_parse(s, &p, detail, sizeof detail);
    if (rc == CHISO_OK)
        check_period(&p);
    else
        FUZZ_CHECK(rc == CHISO_EINVAL && detail[0] != '\0');
    free(s);
    check_stamp(data, size);
    return 0;
}

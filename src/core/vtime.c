/*
 * vtime.c — civil-date arithmetic (Hinnant's days-from-civil algorithm),
 * stamp validation and period parsing for Vietnam time.
 */
#include "core/vtime.h"

#include <stdio.h>
#include <string.h>

#include "core/limits.h"

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int32_t vt_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = month > 2 ? month - 3 : month + 9; /* March is 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void vt_civil_from_days(int32_t days, int *year, int *month, int *day)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = d;
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int vt_month_days(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap(year))
        return 29;
    return days[month - 1];
}

int32_t vt_day_of(int64_t moment)
{
    return (int32_t)floor_div(moment, 86400);
}

int32_t vt_month_of(int32_t day)
{
    int y, m, d;
    vt_civil_from_days(day, &y, &m, &d);
    return y * 12 + (m - 1);
}

int32_t vt_month_first_day(int32_t month)
{
    return vt_days_from_civil((int)floor_div(month, 12),
                              (int)(month - floor_div(month, 12) * 12) + 1, 1);
}

/* Reads n ASCII digits; returns -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The 8 ASCII digits at s as four 2-digit numbers (SWAR), the first pair
 * in the lowest 16 bits; false if any byte is not a digit. Every record
 * has up to seven stamps: reading them a digit at a time was 4% of a bulk
 * load's instructions. */
static bool digit_pairs(const char *s, uint64_t *pairs)
{
    uint64_t v;
    memcpy(&v, s, sizeof v);
    const uint64_t ones = 0x0101010101010101u;
    if ((v & (ones * 0xF0)) != ones * 0x30 ||
        ((v + ones * 0x06) & (ones * 0xF0)) != ones * 0x30)
        return false;
    uint64_t d = v - ones * '0';
    *pairs = (d * 10 + (d >> 8)) & 0x00FF00FF00FF00FFu;
    return true;
}

bool vt_parse_stamp(const char *s, size_t len, int64_t *moment)
{
    uint64_t ymd, dhms; /* yyyy MM dd; dd HH mm ss */
    if (len != 14 || !digit_pairs(s, &ymd) || !digit_pairs(s + 6, &dhms))
        return false;
    int year = (int)(ymd & 0xFF) * 100 + (int)(ymd >> 16 & 0xFF);
    int month = (int)(ymd >> 32 & 0xFF), day = (int)(ymd >> 48);
    int hh = (int)(dhms >> 16 & 0xFF), mm = (int)(dhms >> 32 & 0xFF);
    int ss = (int)(dhms >> 48);
#else
bool vt_parse_stamp(const char *s, size_t len, int64_t *moment)
{
    if (len != 14)
        return false;
    int year = digits(s, 4), month = digits(s + 4, 2), day = digits(s + 6, 2);
    int hh = digits(s + 8, 2), mm = digits(s + 10, 2), ss = digits(s + 12, 2);
    if (year < 0 || day < 0 || hh < 0 || mm < 0 || ss < 0)
        return false;
#endif
    if (month < 1 || month > 12 || day < 1 || hh > 23 || mm > 59 || ss > 59)
        return false;
    if (day > vt_month_days(year, month))
        return false;
    *moment = (int64_t)vt_days_from_civil(year, month, day) * 86400 +
              hh * 3600 + mm * 60 + ss;
    return true;
}

void vt_format_moment(int64_t moment, char out[32])
{
    int32_t day = vt_day_of(moment);
    int64_t sec = moment - (int64_t)day * 86400;
    int y, m, d;
    vt_civil_from_days(day, &y, &m, &d);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, m, d,
             (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

void vt_format_day(int32_t day, char out[16])
{
    int y, m, d;
    vt_civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

int32_t vt_day_of_unix(int64_t unix_seconds)
{
    return vt_day_of(unix_seconds + VT_UTC_OFFSET);
}

/* "yyyy-MM-dd" at s (exactly 10 bytes); false if not a real date. */
static bool parse_day(const char *s, size_t len, int32_t *day)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > vt_month_days(y, m))
        return false;
    *day = vt_days_from_civil(y, m, d);
    return true;
}

enum chiso_err vt_period_parse(const char *s, struct vt_period *out,
                               char *detail, size_t detail_size)
{
    size_t len = strlen(s);
    struct vt_period p;
    const char *dots = strstr(s, "..");
    if (dots != NULL) {
        p.kind = VT_RANGE;
        if (!parse_day(s, (size_t)(dots - s), &p.from) ||
            !parse_day(dots + 2, strlen(dots + 2), &p.to))
            return err_set(detail, detail_size, CHISO_EINVAL,
                           "period '%s': a range is yyyy-MM-dd..yyyy-MM-dd",
                           s);
        if (p.from > p.to)
            return err_set(detail, detail_size, CHISO_EINVAL,
                           "period '%s': the range ends before it starts", s);
        if (p.to - p.from >= CHISO_MAX_RANGE_DAYS)
            return err_set(detail, detail_size, CHISO_EINVAL,
                           "period '%s': a range spans at most %d days", s,
                           CHISO_MAX_RANGE_DAYS);
    } else if (len == 10) {
        p.kind = VT_DAY;
        if (!parse_day(s, len, &p.from))
            return err_set(detail, detail_size, CHISO_EINVAL,
                           "period '%s': not a real day", s);
        p.to = p.from;
    } else if (len == 7 && s[4] == '-') {
        int y = digits(s, 4), m = digits(s + 5, 2);
        if (y < 0 || m < 1 || m > 12)
            return err_set(detail, detail_size, CHISO_EINVAL,
                           "period '%s': not a month (yyyy-MM)", s);
        p.kind = VT_MONTH;
        p.from = vt_days_from_civil(y, m, 1);
        p.to = p.from + vt_month_days(y, m) - 1;
    } else if (len == 6 && (s[4] == 'Q' || s[4] == 'q')) {
        int y = digits(s, 4), q = digits(s + 5, 1);
        if (y < 0 || q < 1 || q > 4)
            return err_set(detail, detail_size, CHISO_EINVAL,
                           "period '%s': not a quarter (yyyyQ1..yyyyQ4)", s);
        p.kind = VT_QUARTER;
        p.from = vt_days_from_civil(y, 3 * q - 2, 1);
        p.to = (q == 4 ? vt_days_from_civil(y + 1, 1, 1)
                       : vt_days_from_civil(y, 3 * q + 1, 1)) - 1;
    } else if (len == 4 && digits(s, 4) >= 0) {
        int y = digits(s, 4);
        p.kind = VT_YEAR;
        p.from = vt_days_from_civil(y, 1, 1);
        p.to = vt_days_from_civil(y + 1, 1, 1) - 1;
    } else {
        return err_set(detail, detail_size, CHISO_EINVAL,
                       "period '%s': expected yyyy-MM-dd, yyyy-MM, yyyyQn, "
                       "yyyy or yyyy-MM-dd..yyyy-MM-dd",
                       s);
    }
    *out = p;
    return CHISO_OK;
}

void vt_period_format(const struct vt_period *p, char out[VT_PERIOD_TEXT])
{
    int y, m, d;
    vt_civil_from_days(p->from, &y, &m, &d);
    switch (p->kind) {
    case VT_DAY:
        vt_format_day(p->from, out);
        break;
    case VT_MONTH:
        snprintf(out, VT_PERIOD_TEXT, "%04d-%02d", y, m);
        break;
    case VT_QUARTER:
        snprintf(out, VT_PERIOD_TEXT, "%04dQ%d", y, (m - 1) / 3 + 1);
        break;
    case VT_YEAR:
        snprintf(out, VT_PERIOD_TEXT, "%04d", y);
        break;
    case VT_RANGE: {
        char a[16], b[16];
        vt_format_day(p->from, a);
        vt_format_day(p->to, b);
        snprintf(out, VT_PERIOD_TEXT, "%s..%s", a, b);
        break;
    }
    }
}

struct vt_period vt_period_previous(const struct vt_period *p)
{
    struct vt_period q = *p;
    int y, m, d;
    vt_civil_from_days(p->from, &y, &m, &d);
    switch (p->kind) {
    case VT_DAY:
        q.from = q.to = p->from - 1;
        break;
    case VT_MONTH:
        q.to = p->from - 1;
        vt_civil_from_days(q.to, &y, &m, &d);
        q.from = vt_days_from_civil(y, m, 1);
        break;
    case VT_QUARTER:
        q.to = p->from - 1;
        vt_civil_from_days(q.to, &y, &m, &d);
        q.from = vt_days_from_civil(y, m - 2, 1);
        break;
    case VT_YEAR:
        q.from = vt_days_from_civil(y - 1, 1, 1);
        q.to = p->from - 1;
        break;
    case VT_RANGE:
        q.to = p->from - 1;
        q.from = q.to - (p->to - p->from);
        break;
    }
    return q;
}

struct vt_period vt_period_part(const struct vt_period *p, enum vt_kind by,
                                int32_t day)
{
    int y, m, d;
    vt_civil_from_days(day, &y, &m, &d);
    struct vt_period q = {by, day, day};
    switch (by) {
    case VT_MONTH:
        q.from = vt_days_from_civil(y, m, 1);
        q.to = q.from + vt_month_days(y, m) - 1;
        break;
    case VT_QUARTER: {
        int first = (m - 1) / 3 * 3 + 1;
        q.from = vt_days_from_civil(y, first, 1);
        q.to = (first == 10 ? vt_days_from_civil(y + 1, 1, 1)
                            : vt_days_from_civil(y, first + 3, 1)) - 1;
        break;
    }
    case VT_YEAR:
        q.from = vt_days_from_civil(y, 1, 1);
        q.to = vt_days_from_civil(y + 1, 1, 1) - 1;
        break;
    default:
        q.kind = VT_DAY;
        break;
    }
    if (q.from < p->from || q.to > p->to) {
        q.from = q.from < p->from ? p->from : q.from;
        q.to = q.to > p->to ? p->to : q.to;
        q.kind = q.from == q.to ? VT_DAY : VT_RANGE;
    }
    return q;
}

int vt_kind_parse(const char *s)
{
    static const char *const names[] = {"day", "month", "quarter", "year"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i; /* VT_DAY .. VT_YEAR, in enum order */
    return -1;
}

/*
 * vtime.h — Vietnam time: moments, days and reporting periods.
 *
 * Every boundary is in Vietnam time (UTC+07:00, no daylight saving). Record
 * stamps (`yyyyMMddHHmmss`) are already Vietnam wall-clock time, so a moment
 * here is "seconds since 1970-01-01 00:00:00 Vietnam time" and its day is a
 * floor division: no time-zone database is involved. Days count from
 * 1970-01-01 in the proleptic Gregorian calendar (years 0000–9999).
 * A period is an inclusive range of days; see docs/design.md §Time.
 */
#ifndef CHISO_VTIME_H
#define CHISO_VTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Seconds Vietnam time is ahead of UTC. */
#define VT_UTC_OFFSET 25200

enum vt_kind {
    VT_DAY,
    VT_MONTH,
    VT_QUARTER,
    VT_YEAR,
    VT_RANGE,
};

struct vt_period {
    enum vt_kind kind;
    int32_t from; /* first day, inclusive */
    int32_t to;   /* last day, inclusive */
};

/* Days since 1970-01-01 of a civil date (month 1–12, day 1–31 unchecked). */
int32_t vt_days_from_civil(int year, int month, int day);

/* The civil date of a day number. */
void vt_civil_from_days(int32_t days, int *year, int *month, int *day);

/* Days in a month of a year. */
int vt_month_days(int year, int month);

/* The day of a moment (floor division, correct before 1970). */
int32_t vt_day_of(int64_t moment);

/* Month number year*12 + month-1 of a day: months compare and subtract. */
int32_t vt_month_of(int32_t day);

/* First day of a month number. */
int32_t vt_month_first_day(int32_t month);

/*
 * Parses a record stamp: exactly 14 ASCII digits naming a real moment
 * (valid month and day, leap years, hour 00–23, minute and second 00–59).
 * Sets *moment and returns true on success; false leaves *moment untouched.
 */
bool vt_parse_stamp(const char *s, size_t len, int64_t *moment);

/* Writes a moment as "yyyy-MM-ddTHH:mm:ss+07:00" (26 bytes with NUL). */
void vt_format_moment(int64_t moment, char out[32]);

/* Writes a day as "yyyy-MM-dd" (11 bytes with NUL). */
void vt_format_day(int32_t day, char out[16]);

/* The Vietnam day of a Unix time (seconds since the epoch, UTC). */
int32_t vt_day_of_unix(int64_t unix_seconds);

/*
 * Parses a period: "2025-06-30", "2025-06", "2025Q2", "2025", or a range of
 * days "2025-01-01..2025-06-30" (at most CHISO_MAX_RANGE_DAYS days, from <=
 * to). Returns CHISO_OK and sets *out, or CHISO_EINVAL with a detail naming
 * what is wrong.
 */
enum chiso_err vt_period_parse(const char *s, struct vt_period *out,
                               char *detail, size_t detail_size);

/* Room for the text of any period. */
#define VT_PERIOD_TEXT 64

/* Canonical text of a period, the inverse of vt_period_parse. */
void vt_period_format(const struct vt_period *p, char out[VT_PERIOD_TEXT]);

/* The period of the same kind just before p (month before a month, ...);
 * for a range, the range of equal length ending the day before. */
struct vt_period vt_period_previous(const struct vt_period *p);

/*
 * The period of kind `by` (day, month, quarter or year) that contains day,
 * clipped to p: a part cut by p's edges becomes a range (or a day). Stepping
 * day from p->from to part.to + 1 walks p in parts.
 */
struct vt_period vt_period_part(const struct vt_period *p, enum vt_kind by,
                                int32_t day);

/* Parses "day", "month", "quarter" or "year"; -1 otherwise. */
int vt_kind_parse(const char *s);

#endif

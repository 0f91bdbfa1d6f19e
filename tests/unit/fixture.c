/*
 * fixture.c — shared set-up for the unit tests (see fixture.h).
 */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static struct unit_registry *units;

const unsigned char fixture_secret[16] = {
    0x63, 0x68, 0x69, 0x73, 0x6f, 0x2d, 0x74, 0x65,
    0x73, 0x74, 0x2d, 0x6b, 0x65, 0x79, 0x2e, 0x31,
};

const struct unit_registry *fixture_units(void)
{
    if (units == NULL) {
        char detail[256] = "";
        if (units_load_default(&units, detail, sizeof detail) != CHISO_OK) {
            fprintf(stderr, "fixture: cannot load the default units: %s\n",
                    detail);
            abort();
        }
    }
    return units;
}

uint32_t fixture_unit(const char *code)
{
    uint32_t u = unit_find(fixture_units(), code, strlen(code));
    if (u == UNIT_NONE) {
        fprintf(stderr, "fixture: no unit with code %s\n", code);
        abort();
    }
    return u;
}

bool fixture_record_at(const char *file, int line, const char *json,
                       struct record *rec)
{
    struct record_error why = {"", ""};
    enum chiso_err rc =
        record_parse(fixture_units(), json, strlen(json), rec, &why);
    if (rc != CHISO_OK) {
        test_fail(file, line, json, "expected a valid record, got %s: %s: %s",
                  err_name(rc), why.field, why.reason);
        return false;
    }
    /* record_parse's two paths must read it alike: the tape always, the
     * scanner when it takes the line. */
    struct record tape, scanned;
    rc = record_parse_tape(fixture_units(), json, strlen(json), &tape, &why);
    if (rc != CHISO_OK || !record_equal(&tape, rec)) {
        test_fail(file, line, json, "the tape path reads it otherwise (%s)",
                  err_name(rc));
        return false;
    }
    if (record_scan(fixture_units(), json, strlen(json), &scanned) &&
        !record_equal(&scanned, rec)) {
        test_fail(file, line, json, "the scanner reads it otherwise");
        return false;
    }
    return true;
}

void fixture_cleanup(void)
{
    units_destroy(units);
    units = NULL;
}

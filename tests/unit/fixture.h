/*
 * fixture.h — shared set-up for the unit tests: the shipped unit registry,
 * loaded once per run, and parsing a record that must be valid.
 */
#ifndef CHISO_TEST_FIXTURE_H
#define CHISO_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/record.h"
#include "core/unit.h"

/* The registry built from the embedded data/ CSV lists; loaded on first use,
 * freed by fixture_cleanup(). Aborts the run if it cannot be loaded. */
const struct unit_registry *fixture_units(void);

/* The index of a current unit code in fixture_units(); aborts if absent. */
uint32_t fixture_unit(const char *code);

/* Parses json as one record against fixture_units(). On refusal reports a
 * failed check at file:line naming the field and reason, and returns false;
 * also when record_parse_tape, or record_scan if it takes the line, reads
 * it otherwise. */
bool fixture_record_at(const char *file, int line, const char *json,
                       struct record *rec);
#define RECORD_OK(json, rec) fixture_record_at(__FILE__, __LINE__, (json), (rec))

/* A fixed 16-byte secret for dossier tables and states. */
extern const unsigned char fixture_secret[16];

void fixture_cleanup(void);

#endif

/*
 * csv.h — a reader for RFC 4180 CSV held in memory.
 *
 * Fields may be quoted ("a ""b"", c"); rows end with LF or CRLF. The reader
 * borrows the caller's buffer and copies each field into its own storage, so
 * a row stays valid until the next csv_next call. Every count and size is
 * bounded by limits.h.
 */
#ifndef CHISO_CSV_H
#define CHISO_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/limits.h"

struct csv_reader {
    const char *p, *end;
    size_t line;      /* physical line where the row last read starts */
    size_t next_line; /* physical line where the next row starts */
    size_t nfields;
    const char *fields[CHISO_MAX_CSV_FIELDS];
    size_t lens[CHISO_MAX_CSV_FIELDS];
    char *store; /* field bytes of the current row, owned */
    size_t store_cap;
};

/* Starts reading buf (len bytes). The reader does not own buf. */
void csv_init(struct csv_reader *r, const char *buf, size_t len);

/*
 * Reads the next row. Returns CHISO_OK and sets *got to true with fields set,
 * CHISO_OK with *got false at the end, or CHISO_EPARSE/ELIMIT with a detail
 * naming the line.
 */
enum chiso_err csv_next(struct csv_reader *r, bool *got, char *detail,
                        size_t detail_size);

/* Index of the column named name in the current row (the header), or -1. */
int csv_column(const struct csv_reader *r, const char *name);

void csv_free(struct csv_reader *r);

#endif

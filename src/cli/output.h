/*
 * output.h — the results of a query command as a table, CSV or JSON.
 *
 * A command builds one out_table of typed cells and prints it in the format
 * the user chose: an aligned table for people, RFC 4180 CSV, or a JSON array
 * of objects (numbers as numbers, missing values as null).
 */
#ifndef CHISO_OUTPUT_H
#define CHISO_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };

/* Parses "table", "csv" or "json"; returns -1 otherwise. */
int out_format_parse(const char *s);

/* Decimals to show for ratio values: 2 on screens, 4 in CSV and JSON. */
int out_decimals(enum out_format f);

struct out_table;

struct out_table *out_table_new(const char *const *headers, size_t ncols);
void out_table_free(struct out_table *t);

/* Cells are added row by row, left to right. */
void out_text(struct out_table *t, const char *s);
void out_int(struct out_table *t, int64_t v);
/* A number already formatted as decimal text ("39.5100"). */
void out_number(struct out_table *t, const char *text);
/* No value: "—" in a table, empty in CSV, null in JSON. */
void out_null(struct out_table *t);

void out_print(const struct out_table *t, FILE *f, enum out_format fmt);

/* Makes t write CSV to f at once (the header now, each cell as it is
 * added) instead of keeping its cells: a year of measures by month for
 * every unit is 40,000 rows of 24 cells. out_print then writes nothing. */
void out_table_stream_csv(struct out_table *t, FILE *f);

#endif

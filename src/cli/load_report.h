/*
 * load_report.h — printing what a load did, in the three output formats.
 */
#ifndef CHISO_LOAD_REPORT_H
#define CHISO_LOAD_REPORT_H

#include <stdio.h>

#include "cli/output.h"

struct ingest_report;

/* Prints counts and refusals; seconds is the wall time the load took. */
void load_report_print(FILE *f, enum out_format fmt, const char *source,
                       const struct ingest_report *r, double seconds);

#endif

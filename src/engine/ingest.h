/*
 * ingest.h — loading NDJSON dossier records into an engine.
 *
 * An ingest session numbers the lines it is given (blank lines are skipped
 * but counted), validates each, applies the valid ones to the live state and
 * writes them to the store; refused lines are stored with their reasons.
 * Every CHISO_INGEST_CHUNK_LINES lines, and at the end, the work is committed
 * in one transaction: when ingest_finish() returns CHISO_OK every accepted
 * record is on disk. If a commit fails, the chunk is undone in memory as in
 * the store, and what was committed before stays.
 */
#ifndef CHISO_INGEST_H
#define CHISO_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/record.h"

struct chiso;

struct ingest_counts {
    uint64_t lines;    /* lines read, blank ones included */
    uint64_t blank;
    uint64_t accepted; /* new dossiers */
    uint64_t replaced; /* newer versions of known dossiers */
    uint64_t stale;    /* older versions, ignored */
    uint64_t refused;
};

struct ingest_refusal {
    uint64_t line;
    struct record_error why;
};

enum ingest_outcome {
    INGEST_ACCEPTED,
    INGEST_REPLACED,
    INGEST_STALE,
    INGEST_REFUSED,
    INGEST_BLANK,
};

/* A unit and month whose counters a session changed (the unit that
 * handles the dossier; its ancestors changed too). */
struct ingest_touch {
    uint32_t unit;
    int32_t month;
};

/* What a session reports: counts, and the first refusals (all are stored);
 * with ingest_keep_outcomes, every line's outcome, every refusal and the
 * units and months changed. */
struct ingest_report {
    int64_t batch;
    struct ingest_counts counts;
    struct ingest_refusal *refusals; /* owned by the report */
    size_t nrefusals;
    unsigned char *outcomes; /* enum ingest_outcome per line, or NULL */
    size_t noutcomes;
    struct ingest_touch *touched;
    size_t ntouched;
};

void ingest_report_free(struct ingest_report *r);

struct ingest;

/* Starts a session; source names it in the store ("file.ndjson"). */
enum chiso_err ingest_begin(struct chiso *c, const char *source,
                            struct ingest **out, char *detail,
                            size_t detail_size);

/* Who writes, for the audit ("cli", "token:<id>"), and the unit whose
 * subtree they may write for: a record for a unit outside it is refused
 * (field MaDonVi). Call before the first line; the default is ("cli",
 * the national root). */
void ingest_set_actor(struct ingest *in, const char *actor, uint32_t scope);

/* Keeps every line's outcome, every refusal and the changed units and
 * months for the report (for a batch answered line by line). */
void ingest_keep_outcomes(struct ingest *in);

/*
 * Takes the next line (len bytes, without newline) that arrived at
 * `arrival` (Unix seconds). Refusals are not errors; the return is an error
 * only when storage failed (the session is then finished: the current chunk
 * undone, earlier chunks kept).
 */
enum chiso_err ingest_line(struct ingest *in, const char *line, size_t len,
                           int64_t arrival, char *detail, size_t detail_size);

/*
 * Takes every line of buf (NDJSON: lines end with a newline, the last one
 * may lack it; a longer line than CHISO_MAX_LINE_BYTES is refused), as
 * ingest_line would one by one, but parsed on the engine's threads.
 */
enum chiso_err ingest_buffer(struct ingest *in, const char *buf, size_t len,
                             int64_t arrival, char *detail,
                             size_t detail_size);

/*
 * ingest_buffer in two steps, for callers that take the engine's write lock
 * only to apply: ingest_prepare parses every line of buf into pb (the
 * caller's) on the engine's threads, reading nothing that a load changes,
 * so it may run concurrently with a session; ingest_prepared then takes
 * them into a session. buf must outlive both.
 */
struct prep_batch;
void ingest_prepare(struct chiso *c, const char *buf, size_t len,
                    int64_t arrival, struct prep_batch *pb);
enum chiso_err ingest_prepared(struct ingest *in, struct prep_batch *pb,
                               char *detail, size_t detail_size);

/* Marks the next line as too long (its bytes were not kept). */
enum chiso_err ingest_too_long(struct ingest *in, char *detail,
                               size_t detail_size);

/* The counts so far (for progress displays). */
const struct ingest_counts *ingest_counts(const struct ingest *in);

/* Commits what remains and ends the session; moves the report to *report
 * (which may be NULL). Frees the session whatever happens. */
enum chiso_err ingest_finish(struct ingest *in, struct ingest_report *report,
                             char *detail, size_t detail_size);

typedef void (*ingest_progress_fn)(void *ctx, unsigned long long bytes,
                                   const struct ingest_counts *counts);

/* Loads a whole stream, calling progress after each chunk. */
enum chiso_err ingest_stream(struct chiso *c, FILE *in, const char *source,
                             int64_t arrival, ingest_progress_fn progress,
                             void *ctx, struct ingest_report *report,
                             char *detail, size_t detail_size);

#endif

/*
 * demo.h — a realistic, reproducible demo data set of dossier records.
 *
 * A year of dossiers over every unit, calibrated to the published 2025
 * figures: national full-process online rate ≈ 39.5 % in June 2025
 * (ministries ≈ 51 %, provinces ≈ 15 % with a wide spread), most dossiers
 * carrying a valid personal ID, about 30 % bearing fees. Before 2025-07-01
 * dossiers name the pre-merger province codes (so the lineage re-attributes
 * them); from July, the new provinces and their communes. Each dossier is
 * sent as a sync would: a first version when received, a final version
 * later, some corrections, and some stale re-sends arriving late.
 * The same seed always gives the same lines.
 */
#ifndef CHISO_DEMO_H
#define CHISO_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct unit_registry;

struct demo_options {
    uint64_t seed;
    uint32_t dossiers; /* over the whole year */
    int year;
};

/* Receives each generated line (no newline) and its simulated arrival time
 * (Unix seconds). A non-OK return stops the generation and is returned. */
typedef enum chiso_err (*demo_line_fn)(void *ctx, const char *line, size_t len,
                                       int64_t arrival);

enum chiso_err demo_generate(const struct unit_registry *reg,
                             const struct demo_options *opt, demo_line_fn fn,
                             void *ctx);

#endif

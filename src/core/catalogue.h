/*
 * catalogue.h — the indicator catalogue (SPEC §5), a text file users edit.
 *
 * Format (UTF-8; '#' starts a comment line):
 *
 *   [toan_trinh]
 *   name_vi   = Tỷ lệ hồ sơ trực tuyến toàn trình
 *   name_en   = Full-process online dossier rate
 *   expr      = 100 × full_online / received
 *   unit      = %
 *   direction = higher            (or lower)
 *   target    = 80 by 2025-12-31
 *   target    = 30 by 2024-12-31 for province   (a level or a unit code)
 *
 * Every error names its line and column. Immutable once parsed.
 */
#ifndef CHISO_CATALOGUE_H
#define CHISO_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/rational.h"

struct expr;

struct target {
    struct rational value;
    int32_t by;   /* deadline day */
    char *scope;  /* NULL: every unit; else a level name or a unit code */
};

struct indicator {
    char *code, *name_vi, *name_en, *unit, *expr_text;
    bool lower_is_better;
    struct expr *expr;
    struct target *targets;
    size_t ntargets;
    size_t line; /* where its section starts */
};

struct catalogue;

/* Parses a catalogue text. On error, detail reads
 * "line 12, column 19: unknown name 'recieved'". */
enum chiso_err catalogue_parse(const char *text, size_t len,
                               struct catalogue **out, char *detail,
                               size_t detail_size);

/* The catalogue shipped in data/indicators.conf (embedded). */
enum chiso_err catalogue_load_default(struct catalogue **out, char *detail,
                                      size_t detail_size);

void catalogue_free(struct catalogue *cat);

size_t catalogue_count(const struct catalogue *cat);
const struct indicator *catalogue_at(const struct catalogue *cat, size_t i);
/* The indicator with this code, or NULL. */
const struct indicator *catalogue_find(const struct catalogue *cat,
                                       const char *code);

#endif

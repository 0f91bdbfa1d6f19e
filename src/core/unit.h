/*
 * unit.h — the registry of organisation units and their lineage (SPEC §2).
 *
 * One root (`VN`, national) holds the ministries (flat) and the provinces;
 * provinces hold their communes. Units are addressed by a dense index
 * (0 is the root); every unit's ancestors have smaller depth, and a unit's
 * parent chain is at most CHISO_MAX_UNIT_DEPTH long. Codes are strings and keep
 * leading zeros. The lineage maps pre-2025 province codes to their successor;
 * unit_resolve() answers either kind of code, so old data is re-attributed.
 *
 * The registry is read from CSV texts of the shapes in data/README.md; which
 * list a text holds is told by its header. Immutable once finished, so any
 * number of threads may read it.
 */
#ifndef CHISO_UNIT_H
#define CHISO_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define UNIT_ROOT 0u
#define UNIT_NONE UINT32_MAX

#define UNIT_LEVEL_MAP(XX)                                                     \
    XX(NATIONAL, "national")                                                   \
    XX(MINISTRY, "ministry")                                                   \
    XX(PROVINCE, "province")                                                   \
    XX(COMMUNE, "commune")

enum unit_level {
#define XX(c, name) UNIT_##c,
    UNIT_LEVEL_MAP(XX)
#undef XX
        UNIT__LEVEL_COUNT
};

struct unit {
    char *code, *name, *short_name, *type;
    enum unit_level level;
    uint32_t parent;       /* UNIT_NONE for the root */
    uint32_t depth;        /* 0 for the root */
    int32_t valid_from;    /* day; INT32_MIN when open */
    int32_t valid_to;      /* day; INT32_MAX when open */
    uint32_t *children;    /* indexes, in code order */
    uint32_t nchildren;
    uint32_t lineage_from; /* first lineage entry merged into this unit */
};

/* A pre-2025 province code and the unit it merged into. */
struct unit_lineage {
    char *old_code, *old_name, *old_short_name;
    uint32_t successor;
    int32_t valid_to; /* last day the old unit existed */
};

struct unit_registry;

/* An empty registry holding only the national root. Never NULL. */
struct unit_registry *units_create(void);
void units_destroy(struct unit_registry *reg);

/*
 * Adds the rows of one CSV text (ministries, provinces, communes or the
 * 2008 provinces with successor codes), recognised by its header. Lists may
 * come in any order; units_finish() resolves references. On error nothing is
 * added and detail names the file line and column.
 */
enum chiso_err units_add_csv(struct unit_registry *reg, const char *buf,
                             size_t len, char *detail, size_t detail_size);

/*
 * Links parents, children and lineage and checks that every reference
 * resolves and every code is unique. Must be called once, after the last
 * units_add_csv and before any lookup.
 */
enum chiso_err units_finish(struct unit_registry *reg, char *detail,
                            size_t detail_size);

/* Builds the registry from the CSV texts shipped in data/ (embedded). */
enum chiso_err units_load_default(struct unit_registry **out, char *detail,
                                  size_t detail_size);

size_t units_count(const struct unit_registry *reg);
const struct unit *unit_at(const struct unit_registry *reg, uint32_t index);

/* Index of the unit with this current code, or UNIT_NONE. */
uint32_t unit_find(const struct unit_registry *reg, const char *code,
                   size_t len);

/* Index of the unit a code names now: a current code, or a pre-2025 code
 * through the lineage. UNIT_NONE if neither. *via_lineage (may be NULL) tells
 * which. */
uint32_t unit_resolve(const struct unit_registry *reg, const char *code,
                      size_t len, bool *via_lineage);

/* Whether ancestor is unit or one of its ancestors. */
bool unit_is_within(const struct unit_registry *reg, uint32_t unit,
                    uint32_t ancestor);

/* Index of the lineage entry of a pre-2025 code, or UNIT_NONE. */
uint32_t unit_lineage_find(const struct unit_registry *reg, const char *code,
                           size_t len);

size_t units_lineage_count(const struct unit_registry *reg);
const struct unit_lineage *unit_lineage_at(const struct unit_registry *reg,
                                           size_t i);

const char *unit_level_name(enum unit_level level);
/* The level named name, or -1. */
int unit_level_find(const char *name);

/* Names of the embedded reference lists units_load_default() reads. */
extern const char *const units_default_files[];
extern const size_t units_default_file_count;

#endif

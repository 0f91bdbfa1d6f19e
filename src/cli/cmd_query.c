/*
 * cmd_query.c — value, rank and measures: reading the live state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/catalogue.h"
#include "core/unit.h"
#include "engine/chiso.h"

static const char *const value_headers[] = {"value", "numerator",
                                            "denominator", "target", "met"};

int cmd_value(int argc, char **argv)
{
    static struct opt opts[] = {
        CLI_COMMON_OPTS,
        {"indicator", "CODE", "indicator code, e.g. toan_trinh", NULL, false},
        {"period", "PERIOD", "2025-06-30, 2025-06, 2025Q2, 2025 or "
                             "2025-01-01..2025-06-30", NULL, false},
        {"unit", "CODE", "unit code (old province codes resolve to the new "
                         "unit)", "VN", false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "value", NULL,
        "The value of an indicator for one unit and period, with its "
        "numerator, denominator, target and whether the target is met.",
        "Values are computed from the unit's whole subtree. A zero "
        "denominator has no value (shown as —).\n"
        "example: chiso value --indicator toan_trinh --period 2025-06 --unit 01",
        opts};
    int fmt;
    struct vt_period p;
    int rc = cli_parse_period(&spec, argc, argv, &fmt, &p);
    if (rc >= 0)
        return rc;
    struct chiso *c;
    const struct indicator *ind;
    rc = cli_open_indicator(&spec, &c, &ind);
    if (rc >= 0)
        return rc;
    rc = EXIT_USAGE;
    uint32_t u = cli_unit(&spec, c, opts_get(&spec, "unit")->value);
    if (u != UNIT_NONE) {
        struct indicator_value v;
        chiso_value(c, ind, u, &p, &v);
        const char *headers[] = {"indicator", "period", "unit", "name",
                                 value_headers[0], value_headers[1],
                                 value_headers[2], value_headers[3],
                                 value_headers[4], "unit_of_measure"};
        struct out_table *t = out_table_new(headers, 10);
        char ptext[VT_PERIOD_TEXT];
        vt_period_format(&p, ptext);
        const struct unit *unit = unit_at(chiso_units(c), u);
        out_text(t, ind->code);
        out_text(t, ptext);
        out_text(t, unit->code);
        out_text(t, unit->name);
        cli_value_cells(t, &v, (enum out_format)fmt);
        out_text(t, ind->unit);
        out_print(t, stdout, (enum out_format)fmt);
        out_table_free(t);
        rc = EXIT_OK;
    }
    chiso_close(c);
    return rc;
}

int cmd_rank(int argc, char **argv)
{
    static struct opt opts[] = {
        CLI_COMMON_OPTS,
        {"indicator", "CODE", "indicator code, e.g. toan_trinh", NULL, false},
        {"period", "PERIOD", "2025-06, 2025Q2, 2025, a day or a range", NULL,
         false},
        {"level", "LEVEL", "ministry, province or commune", "province", false},
        {"within", "CODE", "rank only the units inside this one (e.g. the "
                           "communes of a province)", NULL, false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "rank", NULL,
        "Ranks the units of a level by an indicator: competition ranking "
        "(1, 2, 2, 4) on exact values, ties listed by unit code, units "
        "without a value listed last and not ranked.",
        "example: chiso rank --indicator toan_trinh --period 2025-06 "
        "--level province",
        opts};
    int fmt;
    struct vt_period p;
    int rc = cli_parse_period(&spec, argc, argv, &fmt, &p);
    if (rc >= 0)
        return rc;
    int level = cli_level(&spec, "level");
    if (level < 0)
        return EXIT_USAGE;
    struct chiso *c;
    const struct indicator *ind;
    rc = cli_open_indicator(&spec, &c, &ind);
    if (rc >= 0)
        return rc;
    const char *within_code = opts_get(&spec, "within")->value;
    uint32_t within = within_code ? cli_unit(&spec, c, within_code) : UNIT_ROOT;
    if (within == UNIT_NONE) {
        chiso_close(c);
        return EXIT_USAGE;
    }
    struct rank_entry *e;
    size_t n;
    chiso_rank(c, ind, level, within, &p, &e, &n);
    const char *headers[] = {"rank", "unit", "name", "value", "numerator",
                             "denominator", "target", "met"};
    struct out_table *t = out_table_new(headers, 8);
    const struct unit_registry *reg = chiso_units(c);
    for (size_t i = 0; i < n; i++) {
        if (e[i].rank > 0)
            out_int(t, e[i].rank);
        else
            out_null(t);
        out_text(t, unit_at(reg, e[i].unit)->code);
        out_text(t, unit_at(reg, e[i].unit)->short_name);
        cli_value_cells(t, &e[i].v, (enum out_format)fmt);
    }
    out_print(t, stdout, (enum out_format)fmt);
    out_table_free(t);
    free(e);
    chiso_close(c);
    return EXIT_OK;
}

int cmd_measures(int argc, char **argv)
{
    static struct opt opts[] = {
        CLI_COMMON_OPTS,
        {"period", "PERIOD", "2025-06, 2025Q2, 2025, a day or a range", NULL,
         false},
        {"unit", "CODE", "one unit (default: every unit)", NULL, false},
        {"rollup", NULL, "include the units below (default: the unit's own "
                         "records only)", NULL, false},
        {"by", "PART", "split the period into days, months, quarters or "
                       "years (day, month, quarter, year)", NULL, false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "measures", NULL,
        "Every measure (SPEC §5) for one unit or every unit over a period, "
        "for checking figures against the source systems.",
        "Period measures are sums over the period's days; open and "
        "open_overdue are gauges as of the end of the period's last day.\n"
        "examples: chiso measures --period 2025-06 --unit 01 --rollup\n"
        "          chiso measures --period 2025 --by month --rollup --format csv",
        opts};
    int fmt;
    struct vt_period p;
    int rc = cli_parse_period(&spec, argc, argv, &fmt, &p);
    if (rc >= 0)
        return rc;
    const char *by_text = opts_get(&spec, "by")->value;
    int by = by_text ? vt_kind_parse(by_text) : -1;
    if (by_text != NULL && by < 0) {
        fprintf(stderr, "chiso measures: --by '%s': expected day, month, "
                        "quarter or year\n",
                by_text);
        return EXIT_USAGE;
    }
    struct chiso *c = cli_open_queries(&spec);
    if (c == NULL)
        return EXIT_FAIL;
    const char *ucode = opts_get(&spec, "unit")->value;
    uint32_t only = ucode ? cli_unit(&spec, c, ucode) : UNIT_NONE;
    if (ucode != NULL && only == UNIT_NONE) {
        chiso_close(c);
        return EXIT_USAGE;
    }
    bool rollup = opts_get(&spec, "rollup")->given;
    const char *headers[3 + MEASURE__COUNT] = {"unit", "level", "period"};
    for (int m = 0; m < MEASURE__COUNT; m++)
        headers[3 + m] = measure_name((enum measure)m);
    struct out_table *t = out_table_new(headers, 3 + MEASURE__COUNT);
    if (fmt == OUT_CSV)
        out_table_stream_csv(t, stdout);
    const struct unit_registry *reg = chiso_units(c);
    for (int32_t day = p.from; day <= p.to;) {
        struct vt_period part = by < 0 ? p : vt_period_part(&p, by, day);
        day = part.to + 1;
        char ptext[VT_PERIOD_TEXT];
        vt_period_format(&part, ptext);
        for (uint32_t u = 0; u < units_count(reg); u++) {
            if (only != UNIT_NONE && u != only)
                continue;
            int64_t v[MEASURE__COUNT];
            chiso_measures(c, u, &part, rollup, v);
            out_text(t, unit_at(reg, u)->code);
            out_text(t, unit_level_name(unit_at(reg, u)->level));
            out_text(t, ptext);
            for (int m = 0; m < MEASURE__COUNT; m++)
                out_int(t, v[m]);
        }
    }
    out_print(t, stdout, (enum out_format)fmt);
    out_table_free(t);
    chiso_close(c);
    return EXIT_OK;
}

int cmd_units(int argc, char **argv)
{
    static struct opt opts[] = {
        CLI_COMMON_OPTS,
        {"level", "LEVEL", "only this level", NULL, false},
        {"within", "CODE", "only units inside this one", NULL, false},
        {"lineage", NULL, "list the pre-2025 province codes and their "
                          "successors instead",
         NULL, false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "units", NULL, "Lists the organisation units of the database.",
        "example: chiso units --level commune --within 01", opts};
    int fmt;
    int rc = cli_parse(&spec, argc, argv, &fmt);
    if (rc >= 0)
        return rc;
    int level = cli_level(&spec, "level");
    if (opts_get(&spec, "level")->value != NULL && level < 0)
        return EXIT_USAGE;
    struct chiso *c = cli_open(&spec, NULL);
    if (c == NULL)
        return EXIT_FAIL;
    const struct unit_registry *reg = chiso_units(c);
    const char *wcode = opts_get(&spec, "within")->value;
    uint32_t within = wcode ? cli_unit(&spec, c, wcode) : UNIT_ROOT;
    if (within == UNIT_NONE) {
        chiso_close(c);
        return EXIT_USAGE;
    }
    struct out_table *t;
    if (opts_get(&spec, "lineage")->given) {
        const char *headers[] = {"old_code", "old_name", "successor",
                                 "successor_name"};
        t = out_table_new(headers, 4);
        for (size_t i = 0; i < units_lineage_count(reg); i++) {
            const struct unit_lineage *l = unit_lineage_at(reg, i);
            out_text(t, l->old_code);
            out_text(t, l->old_name);
            out_text(t, unit_at(reg, l->successor)->code);
            out_text(t, unit_at(reg, l->successor)->name);
        }
    } else {
        const char *headers[] = {"code", "name", "level", "type", "parent"};
        t = out_table_new(headers, 5);
        for (uint32_t u = 0; u < units_count(reg); u++) {
            const struct unit *x = unit_at(reg, u);
            if ((level >= 0 && (int)x->level != level) ||
                !unit_is_within(reg, u, within))
                continue;
            out_text(t, x->code);
            out_text(t, x->name);
            out_text(t, unit_level_name(x->level));
            out_text(t, x->type);
            if (x->parent == UNIT_NONE)
                out_null(t);
            else
                out_text(t, unit_at(reg, x->parent)->code);
        }
    }
    out_print(t, stdout, (enum out_format)fmt);
    out_table_free(t);
    chiso_close(c);
    return EXIT_OK;
}

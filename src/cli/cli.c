/*
 * cli.c — helpers shared by the commands.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/catalogue.h"
#include "core/limits.h"
#include "core/unit.h"
#include "engine/chiso.h"

static struct chiso *open_engine(const struct cmd_spec *spec,
                                 const char *units_dir, bool queries_only)
{
    struct chiso_options o = {
        .db_path = opts_get(spec, "db")->value,
        .catalogue = opts_get(spec, "catalogue")->value,
        .units_dir = units_dir,
        .queries_only = queries_only,
    };
    struct chiso *c;
    char detail[CHISO_DETAIL_BYTES] = "";
    enum chiso_err rc = chiso_open(&o, &c, detail, sizeof detail);
    if (rc != CHISO_OK) {
        fprintf(stderr, "chiso %s: %s\n", spec->name,
                detail[0] ? detail : err_message(rc));
        return NULL;
    }
    return c;
}

struct chiso *cli_open(const struct cmd_spec *spec, const char *units_dir)
{
    return open_engine(spec, units_dir, false);
}

struct chiso *cli_open_queries(const struct cmd_spec *spec)
{
    return open_engine(spec, NULL, true);
}

int cli_parse(const struct cmd_spec *spec, int argc, char **argv, int *fmt)
{
    const char *pos[1];
    size_t npos;
    int rc = opts_parse(spec, argc, argv, pos, 0, &npos);
    if (rc != 0)
        return rc == 1 ? EXIT_OK : EXIT_USAGE;
    if (fmt != NULL && (*fmt = cli_format(spec)) < 0)
        return EXIT_USAGE;
    return -1;
}

int cli_parse_period(const struct cmd_spec *spec, int argc, char **argv,
                     int *fmt, struct vt_period *p)
{
    int rc = cli_parse(spec, argc, argv, fmt);
    if (rc >= 0)
        return rc;
    if (!cli_require(spec, "period") ||
        !cli_period(spec, opts_get(spec, "period")->value, p))
        return EXIT_USAGE;
    return -1;
}

int cli_level(const struct cmd_spec *spec, const char *option)
{
    const char *name = opts_get(spec, option)->value;
    if (name == NULL)
        return -1;
    int level = unit_level_find(name);
    if (level < 0)
        fprintf(stderr, "chiso %s: --%s '%s': expected national, ministry, "
                        "province or commune\n",
                spec->name, option, name);
    return level;
}

int cli_format(const struct cmd_spec *spec)
{
    const char *v = opts_get(spec, "format")->value;
    int f = out_format_parse(v);
    if (f < 0)
        fprintf(stderr, "chiso %s: --format '%s': expected table, csv or json\n",
                spec->name, v);
    return f;
}

uint32_t cli_unit(const struct cmd_spec *spec, struct chiso *c,
                  const char *code)
{
    uint32_t u = unit_resolve(chiso_units(c), code, strlen(code), NULL);
    if (u == UNIT_NONE)
        fprintf(stderr, "chiso %s: --unit '%s': no unit has this code "
                        "(see chiso units)\n",
                spec->name, code);
    return u;
}

bool cli_period(const struct cmd_spec *spec, const char *text,
                struct vt_period *p)
{
    char detail[CHISO_DETAIL_BYTES];
    if (vt_period_parse(text, p, detail, sizeof detail) == CHISO_OK)
        return true;
    fprintf(stderr, "chiso %s: --period: %s\n", spec->name, detail);
    return false;
}

const struct indicator *cli_indicator(const struct cmd_spec *spec,
                                      struct chiso *c, const char *code)
{
    const struct indicator *ind = catalogue_find(chiso_catalogue(c), code);
    if (ind == NULL)
        fprintf(stderr, "chiso %s: --indicator '%s': not in the catalogue "
                        "(see chiso indicators)\n",
                spec->name, code);
    return ind;
}

int cli_open_indicator(const struct cmd_spec *spec, struct chiso **c,
                       const struct indicator **ind)
{
    if (!cli_require(spec, "indicator"))
        return EXIT_USAGE;
    *c = cli_open_queries(spec);
    if (*c == NULL)
        return EXIT_FAIL;
    *ind = cli_indicator(spec, *c, opts_get(spec, "indicator")->value);
    if (*ind == NULL) {
        chiso_close(*c);
        return EXIT_USAGE;
    }
    return -1;
}

static void rational_cell(struct out_table *t, bool has, struct rational q,
                          int decimals)
{
    if (!has) {
        out_null(t);
        return;
    }
    char buf[64];
    q_format(q, q.den == 1 ? 0 : decimals, '.', buf, sizeof buf);
    out_number(t, buf);
}

void cli_value_cells(struct out_table *t, const struct indicator_value *v,
                     enum out_format fmt)
{
    int dec = out_decimals(fmt);
    if (v->r.has_value) {
        char buf[64];
        q_format(v->r.value, dec, '.', buf, sizeof buf);
        out_number(t, buf);
    } else {
        out_null(t);
    }
    rational_cell(t, v->r.has_parts, v->r.numerator, 4);
    rational_cell(t, v->r.has_parts && v->r.has_ratio, v->r.denominator, 4);
    rational_cell(t, v->target != NULL, v->target ? v->target->value
                                                  : q_from_int(0), dec);
    if (v->status == TARGET_NONE)
        out_null(t);
    else
        out_text(t, v->status == TARGET_MET ? "yes" : "no");
}

bool cli_require(const struct cmd_spec *spec, const char *name)
{
    const struct opt *o = opts_get(spec, name);
    if (o->value != NULL)
        return true;
    fprintf(stderr, "chiso %s: --%s %s is required (see chiso %s --help)\n",
            spec->name, name, o->arg ? o->arg : "", spec->name);
    return false;
}

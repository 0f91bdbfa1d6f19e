/*
 * cmd_admin.c — demo, init and indicators: setting a database up and
 * looking at the catalogue.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/load_report.h"
#include "core/catalogue.h"
#include "core/embedded.h"
#include "core/limits.h"
#include "core/unit.h"
#include "engine/chiso.h"
#include "engine/demo.h"
#include "engine/fileio.h"
#include "engine/ingest.h"

struct demo_sink {
    struct ingest *in;
    FILE *copy; /* --out, or NULL */
    char detail[CHISO_DETAIL_BYTES];
};

static enum chiso_err demo_line(void *ctx, const char *line, size_t len,
                                int64_t arrival)
{
    struct demo_sink *s = ctx;
    if (s->copy != NULL &&
        (fwrite(line, 1, len, s->copy) != len || fputc('\n', s->copy) == EOF))
        return err_set(s->detail, sizeof s->detail, CHISO_EIO,
                       "writing the demo file: %s", strerror(errno));
    if (s->in == NULL)
        return CHISO_OK;
    return ingest_line(s->in, line, len, arrival, s->detail, sizeof s->detail);
}

/* demo --no-load: the records go to the file only. */
static int demo_write_only(struct demo_sink *sink, const struct demo_options *o,
                           const char *out)
{
    struct unit_registry *reg;
    enum chiso_err rc = units_load_default(&reg, sink->detail, sizeof sink->detail);
    if (rc == CHISO_OK) {
        rc = demo_generate(reg, o, demo_line, sink);
        units_destroy(reg);
    }
    if (fclose(sink->copy) != 0 && rc == CHISO_OK)
        rc = err_set(sink->detail, sizeof sink->detail, CHISO_EIO, "%s: %s",
                     out, strerror(errno));
    if (rc != CHISO_OK) {
        fprintf(stderr, "chiso demo: %s\n", sink->detail);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

int cmd_demo(int argc, char **argv)
{
    static struct opt opts[] = {
        CLI_COMMON_OPTS,
        {"dossiers", "N", "dossiers over the year", "200000", false},
        {"seed", "N", "random seed (the same seed gives the same data)", "2025",
         false},
        {"out", "FILE", "also write the generated records (NDJSON) here", NULL,
         false},
        {"no-load", NULL, "only write --out; leave the database alone", NULL,
         false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "demo", NULL,
        "Generates a realistic year (2025) of dossier records over every unit "
        "and loads it into the database.",
        "The data is calibrated to the published 2025 figures: a national "
        "full-process online rate near 39.5 % in June 2025 (ministries near "
        "51 %, provinces near 15 %, widely spread), most dossiers with a "
        "valid personal ID, about 30 % bearing fees. Before 2025-07-01 the "
        "records name the 63 old provinces, re-attributed through the "
        "lineage; from July, the 34 provinces and their communes. Versions "
        "arrive as a sync sends them: corrections, and stale re-sends.\n"
        "example: chiso demo --db demo.db",
        opts};
    int fmt;
    int prc = cli_parse(&spec, argc, argv, &fmt);
    if (prc >= 0)
        return prc;
    uint64_t n, seed;
    if (!parse_u64(opts_get(&spec, "dossiers")->value, 50000000, &n) || n == 0 ||
        !parse_u64(opts_get(&spec, "seed")->value, UINT64_MAX, &seed)) {
        fprintf(stderr, "chiso demo: --dossiers is 1..50000000 and --seed a "
                        "whole number\n");
        return EXIT_USAGE;
    }
    struct demo_sink sink = {0};
    const char *out = opts_get(&spec, "out")->value;
    bool no_load = opts_get(&spec, "no-load")->given;
    if (no_load && out == NULL) {
        fprintf(stderr, "chiso demo: --no-load needs --out FILE\n");
        return EXIT_USAGE;
    }
    if (out != NULL && (sink.copy = fopen(out, "w")) == NULL) {
        fprintf(stderr, "chiso demo: %s: %s\n", out, strerror(errno));
        return EXIT_FAIL;
    }
    struct demo_options o = {seed, (uint32_t)n, 2025};
    if (no_load)
        return demo_write_only(&sink, &o, out);
    struct chiso *c = cli_open(&spec, NULL);
    if (c == NULL) {
        if (sink.copy)
            fclose(sink.copy);
        return EXIT_FAIL;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    enum chiso_err rc = ingest_begin(c, "demo", &sink.in, sink.detail,
                                     sizeof sink.detail);
    struct ingest_report report = {0};
    if (rc == CHISO_OK) {
        rc = demo_generate(chiso_units(c), &o, demo_line, &sink);
        enum chiso_err frc = ingest_finish(sink.in, &report,
                                           rc == CHISO_OK ? sink.detail : NULL,
                                           sizeof sink.detail);
        if (rc == CHISO_OK)
            rc = frc;
    }
    if (sink.copy != NULL && fclose(sink.copy) != 0 && rc == CHISO_OK)
        rc = err_set(sink.detail, sizeof sink.detail, CHISO_EIO, "%s: %s", out,
                     strerror(errno));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    load_report_print(stdout, (enum out_format)fmt, "demo", &report, secs);
    ingest_report_free(&report);
    if (rc != CHISO_OK) {
        fprintf(stderr, "chiso demo: %s\n",
                sink.detail[0] ? sink.detail : err_message(rc));
        chiso_close(c);
        return EXIT_FAIL;
    }
    const struct indicator *ind = catalogue_find(chiso_catalogue(c), "toan_trinh");
    if (fmt == OUT_TABLE && ind != NULL) {
        struct vt_period p;
        vt_period_parse("2025-06", &p, NULL, 0);
        struct indicator_value v;
        chiso_value(c, ind, UNIT_ROOT, &p, &v);
        char buf[64] = "—";
        if (v.r.has_value)
            q_format(v.r.value, 2, '.', buf, sizeof buf);
        printf("\nfull-process online rate (toan_trinh), June 2025, national: "
               "%s %%\n", buf);
        printf("next: chiso rank --db %s --indicator toan_trinh "
               "--period 2025-06 --level province\n",
               opts_get(&spec, "db")->value);
    }
    chiso_close(c);
    return EXIT_OK;
}

int cmd_init(int argc, char **argv)
{
    static struct opt opts[] = {
        CLI_COMMON_OPTS,
        {"units", "DIR", "unit lists (*.csv in the shapes of data/) instead "
                         "of the shipped official lists",
         NULL, false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "init", NULL,
        "Creates a database, with the shipped official unit lists or your "
        "own (other commands create one with the shipped lists when needed).",
        "A unit list is a CSV file with a header: ministries "
        "(code,name,short_name,type), provinces "
        "(code,name,short_name,type,predecessors,communes), communes "
        "(code,name,type,province_code) or old provinces "
        "(code,name,short_name,successor_code). Optional valid_from and "
        "valid_to columns (yyyy-MM-dd) date the units.",
        opts};
    int prc = cli_parse(&spec, argc, argv, NULL);
    if (prc >= 0)
        return prc;
    struct chiso *c = cli_open(&spec, opts_get(&spec, "units")->value);
    if (c == NULL)
        return EXIT_FAIL;
    const struct unit_registry *reg = chiso_units(c);
    size_t per_level[UNIT__LEVEL_COUNT] = {0};
    for (uint32_t u = 0; u < units_count(reg); u++)
        per_level[unit_at(reg, u)->level]++;
    printf("%s: %zu units (%zu ministries, %zu provinces, %zu communes), "
           "%zu old province codes, %zu dossiers\n",
           opts_get(&spec, "db")->value, units_count(reg),
           per_level[UNIT_MINISTRY], per_level[UNIT_PROVINCE],
           per_level[UNIT_COMMUNE], units_lineage_count(reg),
           chiso_dossiers(c));
    chiso_close(c);
    return EXIT_OK;
}

int cmd_indicators(int argc, char **argv)
{
    static struct opt opts[] = {
        {"catalogue", "FILE", "catalogue to read (default: the shipped one)",
         NULL, false},
        {"format", "FMT", "output: table, csv or json", "table", false},
        {"dump", NULL, "print the shipped catalogue file, to edit a copy", NULL,
         false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "indicators", NULL,
        "Lists the indicator catalogue, or checks a catalogue file.",
        "An error in a catalogue names its line and column. To change the "
        "indicators: chiso indicators --dump > my.conf, edit my.conf, then "
        "pass --catalogue my.conf to any command.",
        opts};
    int fmt;
    int prc = cli_parse(&spec, argc, argv, &fmt);
    if (prc >= 0)
        return prc;
    if (opts_get(&spec, "dump")->given) {
        const struct embedded_file *f = embedded_find("indicators.conf");
        fwrite(f->data, 1, f->len, stdout);
        return EXIT_OK;
    }
    const char *path = opts_get(&spec, "catalogue")->value;
    struct catalogue *cat;
    char detail[CHISO_DETAIL_BYTES] = "";
    enum chiso_err rc;
    if (path == NULL) {
        rc = catalogue_load_default(&cat, detail, sizeof detail);
    } else {
        char *text;
        size_t len;
        rc = file_read_all(path, CHISO_MAX_CATALOGUE_BYTES, &text, &len, detail,
                           sizeof detail);
        if (rc == CHISO_OK) {
            char why[CHISO_DETAIL_BYTES];
            rc = catalogue_parse(text, len, &cat, why, sizeof why);
            if (rc != CHISO_OK)
                fprintf(stderr, "chiso indicators: %s: %s\n", path, why);
            free(text);
        }
    }
    if (rc != CHISO_OK) {
        if (detail[0])
            fprintf(stderr, "chiso indicators: %s\n", detail);
        return EXIT_FAIL;
    }
    const char *headers[] = {"code", "name_vi", "name_en", "expr", "unit",
                             "direction", "targets"};
    struct out_table *t = out_table_new(headers, 7);
    for (size_t i = 0; i < catalogue_count(cat); i++) {
        const struct indicator *ind = catalogue_at(cat, i);
        out_text(t, ind->code);
        out_text(t, ind->name_vi);
        out_text(t, ind->name_en);
        out_text(t, ind->expr_text);
        out_text(t, ind->unit);
        out_text(t, ind->lower_is_better ? "lower" : "higher");
        char targets[512] = "";
        size_t k = 0;
        for (size_t j = 0; j < ind->ntargets && k < sizeof targets; j++) {
            char v[64], day[16];
            q_format(ind->targets[j].value, ind->targets[j].value.den == 1 ? 0 : 2,
                     '.', v, sizeof v);
            vt_format_day(ind->targets[j].by, day);
            k += (size_t)snprintf(targets + k, sizeof targets - k, "%s%s by %s%s%s",
                                  j ? "; " : "", v, day,
                                  ind->targets[j].scope ? " for " : "",
                                  ind->targets[j].scope ? ind->targets[j].scope
                                                        : "");
        }
        out_text(t, targets);
    }
    out_print(t, stdout, (enum out_format)fmt);
    out_table_free(t);
    catalogue_free(cat);
    return EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    static struct opt opts[] = {
        CLI_COMMON_OPTS,
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "info", NULL,
        "What a database holds and what its live state costs in memory.",
        "bytes_per_dossier is the dossier table (what retraction needs) "
        "divided by the dossiers; the counters grow with units × months, not "
        "with dossiers.",
        opts};
    int fmt;
    int prc = cli_parse(&spec, argc, argv, &fmt);
    if (prc >= 0)
        return prc;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct chiso *c = cli_open(&spec, NULL);
    if (c == NULL)
        return EXIT_FAIL;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    size_t table, counters, n = chiso_dossiers(c);
    chiso_memory(c, &table, &counters);
    const struct unit_registry *reg = chiso_units(c);
    const char *headers[] = {"database", "units", "dossiers", "table_bytes",
                             "bytes_per_dossier", "counter_bytes",
                             "open_seconds"};
    struct out_table *t = out_table_new(headers, 7);
    char buf[32];
    out_text(t, opts_get(&spec, "db")->value);
    out_int(t, (int64_t)units_count(reg));
    out_int(t, (int64_t)n);
    out_int(t, (int64_t)table);
    if (n > 0) {
        snprintf(buf, sizeof buf, "%.1f", (double)table / (double)n);
        out_number(t, buf);
    } else {
        out_null(t);
    }
    out_int(t, (int64_t)counters);
    snprintf(buf, sizeof buf, "%.3f",
             (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    out_number(t, buf);
    out_print(t, stdout, (enum out_format)fmt);
    out_table_free(t);
    chiso_close(c);
    return EXIT_OK;
}

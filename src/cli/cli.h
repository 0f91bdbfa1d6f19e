/*
 * cli.h — what chiso's commands share: opening the engine from the common
 * options, reading units and periods from arguments, and the command table.
 */
#ifndef CHISO_CLI_H
#define CHISO_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/opts.h"
#include "cli/output.h"
#include "core/indicator.h"
#include "core/vtime.h"

struct chiso;

/* Exit statuses of every command. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,    /* could not do the job (I/O, storage, bad data file) */
    EXIT_USAGE = 2,   /* bad command line */
    EXIT_REFUSED = 3, /* load: done, but some lines were refused */
};

/* The options every engine-using command takes; each command's table starts
 * with these entries. */
#define CLI_COMMON_OPTS                                                        \
    {"db", "PATH", "database file (SQLite)", "chiso.db", false},               \
        {"catalogue", "FILE", "indicator catalogue (default: the shipped one)", \
         NULL, false},                                                         \
        {"format", "FMT", "output: table, csv or json", "table", false}

/* Opens the engine named by the command's --db / --catalogue; prints the
 * reason and returns NULL on failure. */
struct chiso *cli_open(const struct cmd_spec *spec, const char *units_dir);

/* The same for commands that only read figures (chiso_options.queries_only:
 * the dossier table is not loaded when the snapshot covers every version). */
struct chiso *cli_open_queries(const struct cmd_spec *spec);

/*
 * Parses a command line without positional arguments and, when fmt is not
 * NULL, its --format. Returns -1 to go on, else the exit status to return
 * (after --help, or a usage message).
 */
int cli_parse(const struct cmd_spec *spec, int argc, char **argv, int *fmt);

/* cli_parse, then the required --period into *p. */
int cli_parse_period(const struct cmd_spec *spec, int argc, char **argv,
                     int *fmt, struct vt_period *p);

/* The level an option names (NULL: -1 without a message); -1 after a message
 * if it names none. */
int cli_level(const struct cmd_spec *spec, const char *option);

/* The --format of a command; -1 (after a message) if invalid. */
int cli_format(const struct cmd_spec *spec);

/* Resolves a unit argument (a current or pre-2025 code); UNIT_NONE after a
 * message. */
uint32_t cli_unit(const struct cmd_spec *spec, struct chiso *c,
                  const char *code);

/* Parses --period; false after a message. */
bool cli_period(const struct cmd_spec *spec, const char *text,
                struct vt_period *p);

/* Finds --indicator in the catalogue; NULL after a message. */
const struct indicator *cli_indicator(const struct cmd_spec *spec,
                                      struct chiso *c, const char *code);

/* Opens the engine for queries and finds the required --indicator in its
 * catalogue.
 * Returns -1 with *c and *ind set, else the exit status (after a message,
 * with nothing left open). */
int cli_open_indicator(const struct cmd_spec *spec, struct chiso **c,
                       const struct indicator **ind);

/* Adds the cells value, numerator, denominator, target, met for v. */
void cli_value_cells(struct out_table *t, const struct indicator_value *v,
                     enum out_format fmt);

/* Requires an option; false after a message naming it. */
bool cli_require(const struct cmd_spec *spec, const char *name);

/* Commands. */
int cmd_load(int argc, char **argv);
int cmd_value(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_measures(int argc, char **argv);
int cmd_units(int argc, char **argv);
int cmd_indicators(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_token(int argc, char **argv);

#endif

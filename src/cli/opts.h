/*
 * opts.h — long options for chiso's commands, from a table per command.
 *
 * Each command declares its options (--name VALUE, --name=VALUE, or a flag)
 * with a line of help; opts_parse fills in what was given and refuses
 * anything else, naming it. `--help` is understood by every command.
 */
#ifndef CHISO_OPTS_H
#define CHISO_OPTS_H

#include <stdbool.h>
#include <stddef.h>

struct opt {
    const char *name;   /* without the dashes */
    const char *arg;    /* name of the value ("FILE"), NULL for a flag */
    const char *help;
    const char *value;  /* set by opts_parse; preset to give a default */
    bool given;
};

struct cmd_spec {
    const char *name;
    const char *args;    /* positional arguments, e.g. "FILE" */
    const char *summary; /* one line */
    const char *details; /* paragraphs after the options, or NULL */
    struct opt *opts;    /* terminated by a NULL name */
};

/*
 * Parses argv (after the command name). Positional arguments are returned in
 * order in pos (at most maxpos). Returns 0 on success, 1 when --help was
 * asked (help printed to stdout), 2 on a usage error (message on stderr).
 */
int opts_parse(const struct cmd_spec *spec, int argc, char **argv,
               const char **pos, size_t maxpos, size_t *npos);

/* Prints a command's help to stdout. */
void opts_help(const struct cmd_spec *spec);

/* The option named name in spec (which must exist). */
struct opt *opts_get(const struct cmd_spec *spec, const char *name);

#endif

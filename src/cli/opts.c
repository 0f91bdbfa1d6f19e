/*
 * opts.c — table-driven long-option parsing and help.
 */
#include "cli/opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct opt *opts_get(const struct cmd_spec *spec, const char *name)
{
    for (struct opt *o = spec->opts; o->name != NULL; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    fprintf(stderr, "chiso: internal error: no option --%s\n", name);
    abort();
}

void opts_help(const struct cmd_spec *spec)
{
    printf("usage: chiso %s [options]%s%s\n\n%s\n\noptions:\n", spec->name,
           spec->args ? " " : "", spec->args ? spec->args : "", spec->summary);
    for (const struct opt *o = spec->opts; o->name != NULL; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
        printf("  %-26s %s", left, o->help);
        if (o->arg && o->value)
            printf(" (default: %s)", o->value);
        printf("\n");
    }
    printf("  %-26s %s\n", "--help", "show this help");
    if (spec->details)
        printf("\n%s\n", spec->details);
}

int opts_parse(const struct cmd_spec *spec, int argc, char **argv,
               const char **pos, size_t maxpos, size_t *npos)
{
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (*npos == maxpos) {
                fprintf(stderr, "chiso %s: unexpected argument '%s' "
                                "(see chiso %s --help)\n",
                        spec->name, a, spec->name);
                return 2;
            }
            pos[(*npos)++] = a;
            continue;
        }
        const char *name = a + 2;
        if (strcmp(name, "help") == 0) {
            opts_help(spec);
            return 1;
        }
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        struct opt *o = spec->opts;
        while (o->name && (strlen(o->name) != nlen ||
                           strncmp(o->name, name, nlen) != 0))
            o++;
        if (o->name == NULL) {
            fprintf(stderr, "chiso %s: unknown option '--%.*s' (see chiso %s "
                            "--help)\n",
                    spec->name, (int)nlen, name, spec->name);
            return 2;
        }
        if (o->arg == NULL) {
            if (eq) {
                fprintf(stderr, "chiso %s: --%s takes no value\n", spec->name,
                        o->name);
                return 2;
            }
            o->given = true;
            continue;
        }
        if (eq) {
            o->value = eq + 1;
        } else if (i + 1 < argc) {
            o->value = argv[++i];
        } else {
            fprintf(stderr, "chiso %s: --%s needs a value %s\n", spec->name,
                    o->name, o->arg);
            return 2;
        }
        o->given = true;
    }
    return 0;
}

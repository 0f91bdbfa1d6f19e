/*
 * web.c — the dashboard's static files. Only the names listed here are
 * served, so that /assets/ never exposes the other embedded files (the
 * catalogue, the unit lists).
 */
#include <string.h>

#include "core/embedded.h"
#include "server/web.h"

static const struct {
    const char *name, *type;
} assets[] = {
    {"index.html", "text/html; charset=utf-8"},
    {"app.js", "text/javascript; charset=utf-8"},
    {"i18n.js", "text/javascript; charset=utf-8"},
    {"app.css", "text/css; charset=utf-8"},
    {"uPlot.iife.min.js", "text/javascript; charset=utf-8"},
    {"uPlot.min.css", "text/css; charset=utf-8"},
};

const char *web_asset(const char *name, const char **type, size_t *len)
{
    for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++) {
        if (strcmp(name, assets[i].name) != 0)
            continue;
        const struct embedded_file *f = embedded_find(name);
        if (f == NULL)
            return NULL;
        *type = assets[i].type;
        *len = f->len;
        return f->data;
    }
    return NULL;
}

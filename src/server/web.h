/*
 * web.h — the dashboard's static files (web/src and uPlot), compiled into
 * the binary by tools/embed.c and served without a token.
 */
#ifndef CHISO_WEB_H
#define CHISO_WEB_H

#include <stddef.h>

/* The embedded file NAME of the dashboard and its Content-Type, or NULL when
 * NAME is not one of the dashboard's files (data/ files are never served
 * this way). */
const char *web_asset(const char *name, const char **type, size_t *len);

#endif

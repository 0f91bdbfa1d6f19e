/*
 * measure.c — names and labels of the measure table.
 */
#include "core/measure.h"

#include <string.h>

static const struct {
    const char *name, *vi, *en;
} measures[] = {
#define XX(c, name, vi, en) [MEASURE_##c] = {name, vi, en},
    MEASURE_MAP(XX)
#undef XX
};

const char *measure_name(enum measure m)
{
    return measures[m].name;
}

const char *measure_label(enum measure m, bool english)
{
    return english ? measures[m].en : measures[m].vi;
}

int measure_find(const char *name, size_t len)
{
    for (int m = 0; m < MEASURE__COUNT; m++)
        if (strlen(measures[m].name) == len &&
            memcmp(measures[m].name, name, len) == 0)
            return m;
    return -1;
}

/*
 * zparams.c — zstd's settings for dossier data.
 */
#include "store/store.h"

#include <zstd.h>

/*
 * Measured on the benchmark's NDJSON in 128 KiB frames (the parsing
 * threads' slices) and on packed versions, one core of the benchmark
 * machine:
 *
 *                          text ratio  text MB/s   versions ratio  MB/s
 *   level 1 (defaults)       10.43        800           2.89        475
 *   level 1, hashLog 10,     10.98       1136           2.73        619
 *     minMatch 7
 *   level -1                  7.14        899           2.65        546
 *
 * A record's keys repeat every few hundred bytes, so a small table that
 * keeps the latest positions finds them as well as a big one, and fits the
 * cache; matches shorter than 7 bytes saved little in text full of dates.
 */
void store_zstd_records(ZSTD_CCtx *cctx)
{
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_hashLog, 10);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_minMatch, 7);
}

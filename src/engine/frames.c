/*
 * frames.c — zstd frames of input lines, one compression context a thread.
 */
#include "engine/frames.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "core/mem.h"
#include "store/store.h"

#define SNAPSHOT_LEVEL (-1)

static _Thread_local ZSTD_CCtx *tl_cctx;
static _Thread_local struct frame_buf tl_scratch;
static _Thread_local bool tl_owned;

/* Threads the program does not own (an HTTP library's) end without calling
 * frame_thread_done: a key destructor frees their context when they exit
 * (it runs on the exiting thread, whose thread-locals are still there). */
static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void at_exit(void *p)
{
    (void)p;
    frame_thread_done();
}

static void make_key(void)
{
    pthread_key_create(&key, at_exit);
}

static void own(void)
{
    if (!tl_owned) {
        pthread_once(&key_once, make_key);
        pthread_setspecific(key, &tl_owned);
        tl_owned = true;
    }
}

struct frame_buf *frame_scratch(void)
{
    own();
    return &tl_scratch;
}

static ZSTD_CCtx *cctx(void)
{
    own();
    if (tl_cctx == NULL) {
        tl_cctx = ZSTD_createCCtx();
        if (tl_cctx == NULL) {
            fprintf(stderr, "chiso: zstd: out of memory\n");
            abort();
        }
    }
    return tl_cctx;
}

void frame_text(struct frame_buf *out, const void *text, size_t n)
{
    size_t bound = ZSTD_compressBound(n);
    out->data = xgrow(out->data, &out->cap, out->len + bound, 1);
    store_zstd_records(cctx()); /* after frame_snapshot: its own level */
    size_t z = ZSTD_compress2(cctx(), out->data + out->len, bound, text, n);
    if (ZSTD_isError(z)) {
        /* Only a too-small destination fails, and the bound rules that
         * out: a broken invariant. */
        fprintf(stderr, "chiso: zstd: %s\n", ZSTD_getErrorName(z));
        abort();
    }
    out->len += z;
}

void frame_snapshot(struct frame_buf *out, const void *data, size_t n)
{
    size_t bound = ZSTD_compressBound(n);
    out->data = xgrow(out->data, &out->cap, bound, 1);
    /* ZSTD_compressCCtx resets the context's parameters to the level's:
     * frame_text sets the records' again. */
    size_t z = ZSTD_compressCCtx(cctx(), out->data, bound, data, n,
                                 SNAPSHOT_LEVEL);
    if (ZSTD_isError(z)) {
        fprintf(stderr, "chiso: zstd: %s\n", ZSTD_getErrorName(z));
        abort();
    }
    out->len = z;
}

void frame_join(struct frame_buf *text, const char *line, size_t len)
{
    text->data = xgrow(text->data, &text->cap, text->len + len + 1, 1);
    memcpy(text->data + text->len, line, len);
    text->len += len;
    text->data[text->len++] = '\n';
}

void frame_buf_free(struct frame_buf *b)
{
    free(b->data);
    *b = (struct frame_buf){0};
}

void frame_thread_done(void)
{
    ZSTD_freeCCtx(tl_cctx);
    tl_cctx = NULL;
    frame_buf_free(&tl_scratch);
}

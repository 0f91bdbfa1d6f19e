/*
 * prep.c — a small pool: batches cut into slices that threads claim.
 *
 * A batch is cut into slices of PREP_SLICE_LINES lines; any thread (a
 * worker, or the caller in prep_wait) claims the next slice of the oldest
 * batch under the pool's lock and prepares it without the lock: the lock is
 * taken ~4,000 times a second, and no thread waits long for the last slice.
 */
#include "engine/prep.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"

#define MAX_BATCHES 16
#define MAX_THREADS 64u

struct prep_pool {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a slice to claim, or stop */
    pthread_cond_t done; /* a batch finished */
    struct prep_batch *queue[MAX_BATCHES]; /* batches with unclaimed slices */
    size_t nqueued;
    bool stop;
    unsigned nthreads;
    pthread_t threads[];
};

void prep_batch_reserve(struct prep_batch *b, size_t n)
{
    if (n <= b->cap)
        return;
    size_t cap = b->cap;
    b->items = xgrow(b->items, &cap, n, sizeof *b->items);
    b->codes = xrealloc(b->codes, cap * sizeof *b->codes);
    b->whys = xrealloc(b->whys, cap * sizeof *b->whys);
    b->cap = cap;
}

void prep_batch_free(struct prep_batch *b)
{
    free(b->items);
    free(b->codes);
    free(b->whys);
    for (size_t i = 0; i < b->frames_cap; i++)
        frame_buf_free(&b->frames[i]);
    free(b->frames);
    free(b->slice_done);
    *b = (struct prep_batch){0};
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

void prep_item(const struct unit_registry *units, const struct state *state,
               int64_t arrival, struct prep_item *it,
               char code[CHISO_MAX_CODE_BYTES + 1], struct record_error *why)
{
    if (it->too_long) {
        it->kind = PREP_TOO_LONG;
        return;
    }
    if (is_blank(it->line, it->len)) {
        it->kind = PREP_BLANK;
        return;
    }
    struct record rec;
    if (record_parse(units, it->line, it->len, &rec, why) != CHISO_OK) {
        it->kind = PREP_REFUSED;
        return;
    }
    it->kind = PREP_RECORD;
    state_prepare(state, &rec, arrival, &it->in);
    memcpy(code, rec.key, rec.key_len + 1);
    it->code_len = rec.key_len;
}

static void run_slice(struct prep_batch *b, size_t slice)
{
    size_t i = slice * b->slice_lines;
    size_t end = i + b->slice_lines < b->n ? i + b->slice_lines : b->n;
    struct frame_buf *text = frame_scratch();
    text->len = 0;
    for (; i < end; i++) {
        struct prep_item *it = &b->items[i];
        prep_item(b->units, b->state, b->arrival, it, b->codes[i],
                  &b->whys[i]);
        /* A too-long line is kept as an empty one: the numbers hold. */
        frame_join(text, it->line, it->too_long ? 0 : it->len);
    }
    b->frames[slice].len = 0;
    frame_text(&b->frames[slice], text->data, text->len);
}

/* Claims a slice of the oldest queued batch (or of `only` when given);
 * called and returns with the lock held. */
static bool claim(struct prep_pool *p, struct prep_batch *only,
                  struct prep_batch **batch, size_t *slice)
{
    for (size_t q = 0; q < p->nqueued; q++) {
        struct prep_batch *b = p->queue[q];
        if (only != NULL && b != only)
            continue;
        *batch = b;
        *slice = b->next++;
        if (b->next == b->nslices) {
            memmove(&p->queue[q], &p->queue[q + 1],
                    (p->nqueued - q - 1) * sizeof *p->queue);
            p->nqueued--;
            pthread_cond_broadcast(&p->done); /* room for prep_start */
        }
        return true;
    }
    return false;
}

/* Runs a claimed slice without the lock; counts it done. */
static void work(struct prep_pool *p, struct prep_batch *b, size_t slice)
{
    pthread_mutex_unlock(&p->mu);
    run_slice(b, slice);
    pthread_mutex_lock(&p->mu);
    b->slice_done[slice] = 1;
    b->done++;
    pthread_cond_broadcast(&p->done);
}

static void *worker(void *arg)
{
    struct prep_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct prep_batch *b;
        size_t slice;
        if (claim(p, NULL, &b, &slice))
            work(p, b, slice);
        else if (p->stop)
            break;
        else
            pthread_cond_wait(&p->work, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    record_thread_done();
    frame_thread_done();
    return NULL;
}

unsigned prep_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n <= 1)
        return 0;
    return n - 1 < (long)MAX_THREADS ? (unsigned)(n - 1) : MAX_THREADS;
}

struct prep_pool *prep_pool_create(unsigned threads)
{
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    struct prep_pool *p =
        xcalloc(1, sizeof *p + threads * sizeof p->threads[0]);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
            break; /* fewer threads: the caller does the rest */
        p->nthreads++;
    }
    return p;
}

void prep_pool_destroy(struct prep_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    free(p);
}

void prep_start(struct prep_pool *p, struct prep_batch *b,
                const struct unit_registry *units, const struct state *state,
                int64_t arrival)
{
    b->units = units;
    b->state = state;
    b->arrival = arrival;
    b->next = b->done = 0;
    /* Eight slices at least, when the lines allow. */
    size_t per = (b->n + 7) / 8;
    b->slice_lines = per > PREP_SLICE_LINES       ? PREP_SLICE_LINES
                     : per < PREP_MIN_SLICE_LINES ? PREP_MIN_SLICE_LINES
                                                  : per;
    b->nslices = (b->n + b->slice_lines - 1) / b->slice_lines;
    if (b->nslices == 0)
        return;
    if (b->nslices > b->frames_cap) {
        b->frames = xrealloc(b->frames, b->nslices * sizeof *b->frames);
        memset(b->frames + b->frames_cap, 0,
               (b->nslices - b->frames_cap) * sizeof *b->frames);
        b->slice_done = xrealloc(b->slice_done, b->nslices);
        b->frames_cap = b->nslices;
    }
    memset(b->slice_done, 0, b->nslices);
    pthread_mutex_lock(&p->mu);
    while (p->nqueued == MAX_BATCHES) /* many callers at once: wait */
        pthread_cond_wait(&p->done, &p->mu);
    p->queue[p->nqueued++] = b;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

void prep_wait(struct prep_pool *p, struct prep_batch *b)
{
    pthread_mutex_lock(&p->mu);
    struct prep_batch *mine;
    size_t slice;
    while (claim(p, b, &mine, &slice))
        work(p, mine, slice);
    while (b->done < b->nslices)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void prep_wait_slice(struct prep_pool *p, struct prep_batch *b, size_t s)
{
    pthread_mutex_lock(&p->mu);
    struct prep_batch *mine;
    size_t slice;
    while (!b->slice_done[s]) {
        if (claim(p, b, &mine, &slice))
            work(p, mine, slice);
        else
            pthread_cond_wait(&p->done, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
}

/*
 * writer.c — double-buffered chunks and one writer thread.
 *
 * Two chunk buffers alternate: the caller fills one while the thread writes
 * the other. A chunk holds its operations and a byte arena they point into by
 * offset (the arena may move while it grows).
 */
#include "engine/writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

enum op_kind { OP_DOSSIER, OP_REFUSAL, OP_RECORDS };

struct op {
    enum op_kind kind;
    uint64_t line;           /* OP_RECORDS: the first line */
    uint64_t last_line;      /* OP_RECORDS */
    struct fact fact;        /* OP_DOSSIER */
    size_t a, alen, b, blen; /* code and unit, or field and reason */
    size_t rec, rec_len;     /* OP_REFUSAL: the line; OP_RECORDS: frames */
};

struct chunk {
    struct op *ops;
    size_t nops, ops_cap;
    char *bytes;
    size_t nbytes, bytes_cap;
    struct store_batch batch; /* the batch row to update with the chunk */
    char *source;             /* owned copy of batch.source */
};

struct writer {
    struct store *st;
    int64_t batch_id; /* of the session; 0 until its first chunk is written */
    struct chunk chunks[2];
    int filling;        /* index of the chunk being filled */
    bool thread_started, busy, stop;
    enum chiso_err result; /* of the last chunk written */
    char error[256];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static size_t put_bytes(struct chunk *c, const void *p, size_t n)
{
    c->bytes = xgrow(c->bytes, &c->bytes_cap, c->nbytes + n + 1, 1);
    size_t off = c->nbytes;
    memcpy(c->bytes + off, p, n);
    c->bytes[off + n] = '\0';
    c->nbytes += n + 1;
    return off;
}

static struct op *new_op(struct chunk *c)
{
    c->ops = xgrow(c->ops, &c->ops_cap, c->nops + 1, sizeof *c->ops);
    return &c->ops[c->nops++];
}

void writer_put_dossier(struct writer *w, const struct store_dossier *d)
{
    struct chunk *c = &w->chunks[w->filling];
    size_t code = put_bytes(c, d->code, d->code_len);
    size_t unit = put_bytes(c, d->unit_code, strlen(d->unit_code));
    struct op *o = new_op(c);
    *o = (struct op){.kind = OP_DOSSIER, .line = d->line, .fact = d->fact,
                     .a = code, .alen = d->code_len, .b = unit,
                     .blen = strlen(d->unit_code)};
}

void writer_put_records(struct writer *w, uint64_t first_line,
                        uint64_t last_line, const void *frames, size_t len)
{
    struct chunk *c = &w->chunks[w->filling];
    size_t rec = put_bytes(c, frames, len);
    struct op *o = new_op(c);
    *o = (struct op){.kind = OP_RECORDS, .line = first_line,
                     .last_line = last_line, .rec = rec, .rec_len = len};
}

void writer_put_refusal(struct writer *w, uint64_t line,
                        const char *field, const char *reason,
                        const char *record, size_t record_len)
{
    struct chunk *c = &w->chunks[w->filling];
    size_t f = put_bytes(c, field, strlen(field));
    size_t r = put_bytes(c, reason, strlen(reason));
    size_t rec = put_bytes(c, record, record_len);
    struct op *o = new_op(c);
    *o = (struct op){.kind = OP_REFUSAL, .line = line,
                     .a = f, .alen = strlen(field), .b = r,
                     .blen = strlen(reason), .rec = rec, .rec_len = record_len};
}

/* Writes and commits one chunk as a transaction; empties it. */
static enum chiso_err write_chunk(struct writer *w, struct chunk *c,
                                  char *error, size_t error_size)
{
    struct store *st = w->st;
    enum chiso_err rc = st->ops->begin(st);
    /* The session's batch row is made with its first chunk: one transaction
     * (one fsync) for a small session. */
    bool new_batch = w->batch_id == 0;
    if (rc == CHISO_OK && new_batch) {
        rc = st->ops->open_batch(st, &c->batch);
        w->batch_id = c->batch.id;
    }
    c->batch.id = w->batch_id;
    for (size_t i = 0; rc == CHISO_OK && i < c->nops; i++) {
        const struct op *o = &c->ops[i];
        if (o->kind == OP_DOSSIER) {
            struct store_dossier d = {
                .code = c->bytes + o->a,
                .code_len = o->alen,
                .unit_code = c->bytes + o->b,
                .fact = o->fact,
                .batch = w->batch_id,
                .line = o->line,
            };
            rc = st->ops->put_dossier(st, &d);
        } else if (o->kind == OP_RECORDS) {
            rc = st->ops->put_records(st, w->batch_id, o->line, o->last_line,
                                      c->bytes + o->rec, o->rec_len);
        } else {
            rc = st->ops->put_refusal(st, w->batch_id, o->line, c->bytes + o->a,
                                      c->bytes + o->b, c->bytes + o->rec,
                                      o->rec_len);
        }
    }
    if (rc == CHISO_OK)
        rc = st->ops->update_batch(st, &c->batch);
    if (rc == CHISO_OK)
        rc = st->ops->commit(st);
    if (rc != CHISO_OK) {
        snprintf(error, error_size, "%s", st->ops->last_error(st));
        st->ops->rollback(st);
        if (new_batch)
            w->batch_id = 0; /* rolled back with the chunk */
    }
    c->nops = 0;
    c->nbytes = 0;
    return rc;
}

static void *run(void *arg)
{
    struct writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->busy && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->busy)
            break;
        struct chunk *c = &w->chunks[1 - w->filling];
        pthread_mutex_unlock(&w->mu);
        char error[256] = "";
        enum chiso_err rc = write_chunk(w, c, error, sizeof error);
        pthread_mutex_lock(&w->mu);
        if (rc != CHISO_OK && w->result == CHISO_OK) {
            w->result = rc;
            snprintf(w->error, sizeof w->error, "%s", error);
        }
        w->busy = false;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

struct writer *writer_create(struct store *st)
{
    struct writer *w = xcalloc(1, sizeof *w);
    w->st = st;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    return w;
}

/* Waits until no chunk is in flight; returns the sticky result. */
static enum chiso_err wait_idle(struct writer *w)
{
    pthread_mutex_lock(&w->mu);
    while (w->busy)
        pthread_cond_wait(&w->cv, &w->mu);
    enum chiso_err rc = w->result;
    pthread_mutex_unlock(&w->mu);
    return rc;
}

static void set_batch(struct chunk *c, const struct store_batch *b)
{
    free(c->source);
    c->source = xstrdup(b->source ? b->source : "");
    c->batch = *b;
    c->batch.source = c->source;
}

enum chiso_err writer_flush(struct writer *w, const struct store_batch *b,
                            bool wait, char *detail, size_t detail_size)
{
    enum chiso_err rc = wait_idle(w);
    if (rc == CHISO_OK) {
        struct chunk *c = &w->chunks[w->filling];
        set_batch(c, b);
        if (wait && !w->thread_started) {
            /* The only chunk of a small session: write it here. */
            rc = write_chunk(w, c, w->error, sizeof w->error);
            w->result = rc;
        } else {
            if (!w->thread_started) {
                if (pthread_create(&w->thread, NULL, run, w) != 0) {
                    fprintf(stderr, "chiso: cannot start the writer thread\n");
                    abort();
                }
                w->thread_started = true;
            }
            pthread_mutex_lock(&w->mu);
            w->filling = 1 - w->filling;
            w->busy = true;
            pthread_cond_broadcast(&w->cv);
            pthread_mutex_unlock(&w->mu);
            if (wait)
                rc = wait_idle(w);
        }
    }
    if (rc != CHISO_OK)
        err_set(detail, detail_size, rc, "%s", w->error);
    return rc;
}

void writer_start_session(struct writer *w)
{
    wait_idle(w);
    w->result = CHISO_OK;
    w->error[0] = '\0';
    w->batch_id = 0;
    for (int i = 0; i < 2; i++) {
        w->chunks[i].nops = 0;
        w->chunks[i].nbytes = 0;
    }
}

int64_t writer_batch_id(const struct writer *w)
{
    return w->batch_id;
}

void writer_destroy(struct writer *w)
{
    if (w == NULL)
        return;
    if (w->thread_started) {
        pthread_mutex_lock(&w->mu);
        while (w->busy)
            pthread_cond_wait(&w->cv, &w->mu);
        w->stop = true;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
    }
    for (int i = 0; i < 2; i++) {
        free(w->chunks[i].ops);
        free(w->chunks[i].bytes);
        free(w->chunks[i].source);
    }
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

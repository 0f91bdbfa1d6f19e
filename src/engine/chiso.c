/*
 * chiso.c — opening a database and rebuilding the live state from it;
 * the read side (measures, values, rankings) over that state.
 */
#include "engine/chiso.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/agg.h"
#include "core/catalogue.h"
#include "core/embedded.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/record.h"
#include "core/state.h"
#include "core/unit.h"
#include "core/dtable.h"
#include "engine/fileio.h"
#include "engine/frames.h"
#include "engine/prep.h"
#include "engine/writer.h"
#include "store/store.h"

struct chiso {
    struct store *store;
    struct writer *writer; /* store writes of load sessions */
    struct prep_pool *prep; /* parsing threads; NULL until first used */
    struct prep_batch prep_batches[CHISO_PREP_BATCHES];
    struct unit_registry *units;
    struct catalogue *catalogue;
    struct state *state;
    bool queries_only; /* the counters alone were loaded */
};

static enum chiso_err add_list(void *ctx, const char *name, const char *text,
                               size_t len)
{
    struct unit_registry *reg = ctx;
    (void)name;
    return units_add_csv(reg, text, len, NULL, 0);
}

/* Stores the unit lists of a new database: every *.csv of dir, or the
 * shipped lists. */
static enum chiso_err seed_units(struct store *st, const char *dir,
                                 char *detail, size_t detail_size)
{
    enum chiso_err rc = CHISO_OK;
    if (dir == NULL) {
        for (size_t i = 0; i < units_default_file_count && rc == CHISO_OK; i++) {
            const struct embedded_file *f = embedded_find(units_default_files[i]);
            rc = st->ops->put_unit_list(st, f->name, f->data, f->len);
        }
        return rc == CHISO_OK ? rc
                              : err_set(detail, detail_size, rc, "%s",
                                        st->ops->last_error(st));
    }
    DIR *d = opendir(dir);
    if (d == NULL)
        return err_set(detail, detail_size, CHISO_EIO,
                       "%s: cannot read the unit directory", dir);
    size_t seen = 0;
    struct dirent *e;
    while (rc == CHISO_OK && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".csv") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *text;
        size_t len;
        rc = file_read_all(path, CHISO_MAX_CSV_BYTES, &text, &len, detail,
                           detail_size);
        if (rc != CHISO_OK)
            break;
        rc = st->ops->put_unit_list(st, e->d_name, text, len);
        if (rc != CHISO_OK)
            err_set(detail, detail_size, rc, "%s", st->ops->last_error(st));
        free(text);
        seen++;
    }
    closedir(d);
    if (rc == CHISO_OK && seen == 0)
        rc = err_set(detail, detail_size, CHISO_ENOTFOUND,
                     "%s: no .csv unit list", dir);
    return rc;
}

/* Reads the hash secret, making one for a new database. */
static enum chiso_err load_secret(struct store *st, bool created,
                                  unsigned char secret[DTABLE_SECRET_BYTES],
                                  char *detail, size_t detail_size)
{
    size_t len = 0;
    enum chiso_err rc;
    if (created) {
        randombytes_buf(secret, DTABLE_SECRET_BYTES);
        rc = st->ops->set_meta(st, "hash_secret", secret, DTABLE_SECRET_BYTES);
    } else {
        rc = st->ops->get_meta(st, "hash_secret", secret, DTABLE_SECRET_BYTES,
                               &len);
        if (rc == CHISO_OK && len != DTABLE_SECRET_BYTES)
            rc = CHISO_ECONFLICT;
    }
    if (rc != CHISO_OK)
        return err_set(detail, detail_size, rc, "hash secret: %s",
                       rc == CHISO_ECONFLICT ? "wrong length"
                                             : st->ops->last_error(st));
    return CHISO_OK;
}

struct rebuild {
    struct chiso *c;
    char *detail;
    size_t detail_size;
};

static enum chiso_err restore_one(void *ctx, const struct store_dossier *d)
{
    struct rebuild *rb = ctx;
    struct fact f = d->fact;
    f.unit = unit_find(rb->c->units, d->unit_code, strlen(d->unit_code));
    if (f.unit == UNIT_NONE)
        return err_set(rb->detail, rb->detail_size, CHISO_ECONFLICT,
                       "dossier %.*s: unit %s is not in the unit list",
                       (int)d->code_len, d->code, d->unit_code);
    enum chiso_err rc = state_restore(rb->c->state, d->code, d->code_len, &f);
    if (rc != CHISO_OK)
        return err_set(rb->detail, rb->detail_size, rc,
                       "dossier %.*s: cannot restore", (int)d->code_len,
                       d->code);
    return CHISO_OK;
}

static enum chiso_err load_catalogue(const char *path, struct catalogue **out,
                                     char *detail, size_t detail_size)
{
    if (path == NULL)
        return catalogue_load_default(out, detail, detail_size);
    char *text;
    size_t len;
    enum chiso_err rc = file_read_all(path, CHISO_MAX_CATALOGUE_BYTES, &text,
                                      &len, detail, detail_size);
    if (rc != CHISO_OK)
        return rc;
    char why[CHISO_DETAIL_BYTES];
    rc = catalogue_parse(text, len, out, why, sizeof why);
    if (rc != CHISO_OK)
        err_set(detail, detail_size, rc, "%s: %s", path, why);
    free(text);
    return rc;
}

/*
 * Snapshots. The header names what the chunks hold, so that a snapshot is
 * used only by an engine that reads it the same way: slot size, counter
 * record size and byte order, the unit registry (count and a hash of the
 * codes in order: slots and counters hold unit indexes) and the last version
 * it covers. The chunks are the dossier table's, then the counters' (about
 * 3 MiB each): loading the counters instead of adding up every dossier's
 * fact again took reopening 1 million dossiers from 1.0 to 0.x s.
 */
#define SNAPSHOT_FORMAT "chiso-snapshot-2"
#define SNAPSHOT_PIECE_BYTES (3u << 20)

static void snapshot_fingerprint(const struct chiso *c, char *out, size_t size)
{
    uint64_t h = 0xcbf29ce484222325u;
    size_t n = units_count(c->units);
    for (uint32_t u = 0; u < n; u++)
        for (const char *p = unit_at(c->units, u)->code; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3u;
    const uint16_t probe = 1;
    snprintf(out, size, "%s slot=%d agg=%zu %s units=%zu fp=%016llx",
             SNAPSHOT_FORMAT, DTABLE_SLOT_BYTES, agg_record_bytes(),
             *(const uint8_t *)&probe ? "le" : "be", n,
             (unsigned long long)h);
}

struct snapshot_load {
    struct state *state;
    size_t chunk, slot_chunks;
};

static enum chiso_err load_chunk(void *ctx, const void *data, size_t len)
{
    struct snapshot_load *sl = ctx;
    return sl->chunk++ < sl->slot_chunks
               ? state_load_slots(sl->state, data, len)
               : state_load_counters(sl->state, data, len);
}

/* Loads the snapshot if there is a usable one; returns the last version it
 * covers (0: none, replay everything). A snapshot that does not fit is
 * ignored: the versions are the truth, the snapshot only a shortcut. With
 * queries_only, and when the snapshot covers every version, loads only its
 * counters and sets c->queries_only. */
static int64_t load_snapshot(struct chiso *c,
                             const unsigned char secret[DTABLE_SECRET_BYTES],
                             bool queries_only)
{
    char header[256], want[200];
    size_t len = 0;
    if (c->store->ops->get_meta(c->store, "snapshot", header,
                                sizeof header - 1, &len) != CHISO_OK ||
        len >= sizeof header)
        return 0;
    header[len] = '\0';
    snapshot_fingerprint(c, want, sizeof want);
    size_t wl = strlen(want);
    long long upto;
    size_t dossiers, slot_chunks;
    if (strncmp(header, want, wl) != 0 ||
        sscanf(header + wl, " upto=%lld dossiers=%zu slot_chunks=%zu", &upto,
               &dossiers, &slot_chunks) != 3 ||
        upto <= 0)
        return 0;
    int64_t last = 0;
    bool counters_only =
        queries_only &&
        c->store->ops->last_seq(c->store, &last) == CHISO_OK && last == upto;
    if (!counters_only)
        state_reserve(c->state, dossiers);
    /* The slot chunks come first: counters alone start after them. */
    struct snapshot_load sl = {c->state, counters_only ? slot_chunks : 0,
                               slot_chunks};
    if (c->store->ops->scan_snapshot(c->store, sl.chunk, load_chunk, &sl) !=
            CHISO_OK ||
        sl.chunk < slot_chunks ||
        (!counters_only && state_dossiers(c->state) != dossiers)) {
        /* Start again from nothing: replay every version. */
        state_destroy(c->state);
        c->state = state_create(c->units, secret);
        return 0;
    }
    c->queries_only = counters_only;
    return upto;
}

/* Compresses each piece of counters as agg_export hands it over, and
 * stores it. */
struct chunk_writer {
    struct store *st;
    size_t next; /* chunk number */
    struct frame_buf frame;
};

static enum chiso_err put_piece(void *ctx, const void *data, size_t len)
{
    struct chunk_writer *w = ctx;
    frame_snapshot(&w->frame, data, len);
    return w->st->ops->put_snapshot_chunk(w->st, w->next++, w->frame.data,
                                          w->frame.len);
}

/* The slot chunks, compressed by a thread of their own while the counters
 * are compressed and stored, then by both: compressing was most of
 * writing a snapshot, on one core while the others had nothing to do. */
struct slot_frames {
    const struct dtable *t;
    struct frame_buf *frames; /* one per chunk */
    atomic_size_t next;       /* the next chunk to take */
};

static void compress_slots(struct slot_frames *sf)
{
    size_t n = dtable_chunks(sf->t);
    for (size_t i; (i = atomic_fetch_add(&sf->next, 1)) < n;) {
        size_t size;
        const void *chunk = dtable_chunk(sf->t, i, &size);
        frame_snapshot(&sf->frames[i], chunk, size);
    }
}

static void *slot_helper(void *arg)
{
    compress_slots(arg);
    frame_thread_done();
    return NULL;
}

enum chiso_err chiso_snapshot(struct chiso *c, char *detail, size_t detail_size)
{
    struct store *st = c->store;
    const struct dtable *t = state_table(c->state);
    size_t nslots = dtable_chunks(t);
    struct slot_frames sf = {t, xcalloc(nslots ? nslots : 1, sizeof *sf.frames),
                             0};
    pthread_t helper;
    bool threaded = pthread_create(&helper, NULL, slot_helper, &sf) == 0;
    /* The slots are chunks 0 .. nslots-1, the counters the ones after. */
    struct chunk_writer w = {st, nslots, {0}};
    int64_t upto = 0;
    char header[256];
    enum chiso_err rc = st->ops->begin(st);
    if (rc == CHISO_OK)
        rc = st->ops->last_seq(st, &upto);
    if (rc == CHISO_OK)
        rc = st->ops->clear_snapshot(st);
    if (rc == CHISO_OK)
        rc = agg_export(state_agg(c->state), SNAPSHOT_PIECE_BYTES, put_piece,
                        &w);
    compress_slots(&sf); /* what the helper has not taken yet */
    if (threaded)
        pthread_join(helper, NULL);
    for (size_t i = 0; rc == CHISO_OK && i < nslots; i++)
        rc = st->ops->put_snapshot_chunk(st, i, sf.frames[i].data,
                                         sf.frames[i].len);
    if (rc == CHISO_OK) {
        snapshot_fingerprint(c, header, sizeof header - 80);
        size_t hl = strlen(header);
        snprintf(header + hl, sizeof header - hl,
                 " upto=%lld dossiers=%zu slot_chunks=%zu", (long long)upto,
                 dtable_count(t), nslots);
        rc = st->ops->set_meta(st, "snapshot", header, strlen(header));
    }
    if (rc == CHISO_OK)
        rc = st->ops->commit(st);
    if (rc != CHISO_OK) {
        err_set(detail, detail_size, rc, "writing a snapshot: %s",
                st->ops->last_error(st));
        st->ops->rollback(st);
    }
    for (size_t i = 0; i < nslots; i++)
        frame_buf_free(&sf.frames[i]);
    free(sf.frames);
    frame_buf_free(&w.frame);
    return rc;
}

enum chiso_err chiso_open(const struct chiso_options *opt, struct chiso **out,
                          char *detail, size_t detail_size)
{
    if (sodium_init() < 0)
        return err_set(detail, detail_size, CHISO_EIO, "libsodium init failed");
    struct chiso *c = xcalloc(1, sizeof *c);
    unsigned char secret[DTABLE_SECRET_BYTES];
    bool created = false;
    enum chiso_err rc = load_catalogue(opt->catalogue, &c->catalogue, detail,
                                       detail_size);
    if (rc != CHISO_OK)
        goto out;
    rc = store_sqlite_open(opt->db_path, &c->store, &created, detail,
                           detail_size);
    if (rc != CHISO_OK)
        goto out;
    struct store *st = c->store;
    rc = st->ops->begin(st);
    if (rc == CHISO_OK && created)
        rc = seed_units(st, opt->units_dir, detail, detail_size);
    if (rc == CHISO_OK)
        rc = load_secret(st, created, secret, detail, detail_size);
    if (rc == CHISO_OK)
        rc = st->ops->commit(st);
    if (rc != CHISO_OK) {
        st->ops->rollback(st);
        goto out;
    }
    c->units = units_create();
    char why[CHISO_DETAIL_BYTES] = "";
    rc = st->ops->scan_unit_lists(st, add_list, c->units);
    if (rc == CHISO_OK)
        rc = units_finish(c->units, why, sizeof why);
    if (rc != CHISO_OK) {
        err_set(detail, detail_size, rc, "unit lists in %s: %s", opt->db_path,
                why[0] ? why : "cannot be read");
        goto out;
    }
    c->writer = writer_create(st);
    c->state = state_create(c->units, secret);
    int64_t after = load_snapshot(c, secret, opt->queries_only);
    struct rebuild rb = {c, detail, detail_size};
    rc = st->ops->scan_dossiers(st, after, restore_one, &rb);
out:
    sodium_memzero(secret, sizeof secret);
    if (rc != CHISO_OK) {
        chiso_close(c);
        return rc;
    }
    *out = c;
    return CHISO_OK;
}

void chiso_close(struct chiso *c)
{
    if (c == NULL)
        return;
    record_thread_done();
    frame_thread_done();
    prep_pool_destroy(c->prep);
    for (int i = 0; i < CHISO_PREP_BATCHES; i++)
        prep_batch_free(&c->prep_batches[i]);
    writer_destroy(c->writer);
    if (c->store != NULL)
        c->store->ops->close(c->store);
    state_destroy(c->state);
    units_destroy(c->units);
    catalogue_free(c->catalogue);
    free(c);
}

const struct unit_registry *chiso_units(const struct chiso *c)
{
    return c->units;
}

const struct catalogue *chiso_catalogue(const struct chiso *c)
{
    return c->catalogue;
}

struct writer *chiso_writer(struct chiso *c)
{
    return c->writer;
}

struct prep_batch *chiso_prep_batch(struct chiso *c, int i)
{
    return &c->prep_batches[i];
}

struct prep_pool *chiso_prep(struct chiso *c)
{
    if (c->prep == NULL)
        c->prep = prep_pool_create(prep_default_threads());
    return c->prep;
}

struct state *chiso_state(struct chiso *c)
{
    return c->state;
}

struct store *chiso_store(struct chiso *c)
{
    return c->store;
}

void chiso_measures(const struct chiso *c, uint32_t unit,
                    const struct vt_period *p, bool rollup,
                    int64_t out[MEASURE__COUNT])
{
    const struct agg *agg = state_agg(c->state);
    agg_sum(agg, unit, p, out);
    if (rollup)
        return;
    const struct unit *u = unit_at(c->units, unit);
    for (uint32_t i = 0; i < u->nchildren; i++) {
        int64_t child[MEASURE__COUNT];
        agg_sum(agg, u->children[i], p, child);
        for (int m = 0; m < MEASURE__COUNT; m++)
            out[m] -= child[m];
    }
}

void chiso_value(const struct chiso *c, const struct indicator *ind,
                 uint32_t unit, const struct vt_period *p,
                 struct indicator_value *out)
{
    int64_t m[MEASURE__COUNT];
    chiso_measures(c, unit, p, true, m);
    indicator_eval(ind, unit_at(c->units, unit), p->to, m, out);
}

void chiso_rank(const struct chiso *c, const struct indicator *ind, int level,
                uint32_t within, const struct vt_period *p,
                struct rank_entry **out, size_t *n)
{
    size_t total = units_count(c->units), k = 0;
    for (uint32_t u = 0; u < total; u++)
        k += (int)unit_at(c->units, u)->level == level &&
             unit_is_within(c->units, u, within);
    /* Sized to the units ranked (34 provinces, not all 3,373 units): a
     * ranking per freshness batch should not map fresh pages each time. */
    struct rank_entry *e = xmalloc((k ? k : 1) * sizeof *e);
    k = 0;
    for (uint32_t u = 0; u < total; u++) {
        const struct unit *unit = unit_at(c->units, u);
        if ((int)unit->level != level || !unit_is_within(c->units, u, within))
            continue;
        e[k] = (struct rank_entry){.unit = u, .code = unit->code};
        chiso_value(c, ind, u, p, &e[k].v);
        k++;
    }
    indicator_rank(e, k, ind->lower_is_better);
    *out = e;
    *n = k;
}

int chiso_span(const struct chiso *c, int32_t *first, int32_t *last)
{
    return agg_span(state_agg(c->state), first, last);
}

bool chiso_queries_only(const struct chiso *c)
{
    return c->queries_only;
}

size_t chiso_dossiers(const struct chiso *c)
{
    return state_dossiers(c->state);
}

void chiso_memory(const struct chiso *c, size_t *table, size_t *counters)
{
    *table = state_table_memory(c->state);
    *counters = state_agg_memory(c->state);
}

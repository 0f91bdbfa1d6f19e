/*
 * test_ingest.c — an ingest session over a real SQLite file, and what
 * happens when the store fails in the middle of a load.
 *
 * The failing store wraps the real SQLite backend through the store_ops
 * table and refuses the Nth dossier write; the writer thread meets it while
 * the session applies the next chunk. The state in memory must then equal
 * what is durable, and so must a fresh engine opened on the same file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/unit.h"
#include "engine/chiso.h"
#include "engine/ingest.h"
#include "store/store.h"
#include "../test.h"

/* Each line a new dossier received on 2025-06-01 at commune 00004 (Hà Nội),
 * online and full-process eligible, so it counts once in received and once
 * in full_online. */
static void line_of(char *buf, size_t size, unsigned i)
{
    snprintf(buf, size,
             "{\"MaHoSo\":\"T-%06u\",\"MaDonVi\":\"00004\",\"MaTTHC\":\"1.1\","
             "\"TrangThaiHoSo\":2,\"KenhThucHien\":2,\"MucDo\":4,"
             "\"NgayTiepNhan\":\"20250601080000\"}",
             i);
}

static char *temp_db(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/chiso-test-ingest-%d.db", (int)getpid());
    unlink(path);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    return path;
}

static int64_t received_june(struct chiso *c)
{
    struct vt_period p;
    vt_period_parse("2025-06", &p, NULL, 0);
    int64_t m[MEASURE__COUNT];
    chiso_measures(c, UNIT_ROOT, &p, true, m);
    return m[MEASURE_RECEIVED];
}

/* The failing store: the real one, but the Nth put_dossier fails. */
static const struct store_ops *real_ops;
static struct store_ops failing_ops;
static unsigned puts_left;

static enum chiso_err failing_put(struct store *s, const struct store_dossier *d)
{
    if (puts_left-- == 0)
        return CHISO_ESTORE;
    return real_ops->put_dossier(s, d);
}

TEST(ingest_small_session_is_durable)
{
    const char *path = temp_db();
    struct chiso_options o = {.db_path = path};
    struct chiso *c;
    char detail[CHISO_DETAIL_BYTES];
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    struct ingest *in;
    REQUIRE(ingest_begin(c, "t", &in, detail, sizeof detail) == CHISO_OK);
    char line[512];
    for (unsigned i = 0; i < 10; i++) {
        line_of(line, sizeof line, i % 7); /* 3 repeats: replaced */
        CHECK_EQ_INT(ingest_line(in, line, strlen(line), 1748739600, detail,
                                 sizeof detail),
                     CHISO_OK);
    }
    struct ingest_report r;
    CHECK_EQ_INT(ingest_finish(in, &r, detail, sizeof detail), CHISO_OK);
    CHECK_EQ_INT(r.counts.accepted, 7);
    CHECK_EQ_INT(r.counts.replaced, 3);
    ingest_report_free(&r);
    CHECK_EQ_INT(received_june(c), 7);
    chiso_close(c);
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    CHECK_EQ_INT(received_june(c), 7);
    CHECK_EQ_INT(chiso_dossiers(c), 7);
    chiso_close(c);
    unlink(path);
}

TEST(ingest_failed_commit_keeps_memory_equal_to_disk)
{
    const char *path = temp_db();
    struct chiso_options o = {.db_path = path};
    struct chiso *c;
    char detail[CHISO_DETAIL_BYTES];
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    struct store *st = chiso_store(c);
    real_ops = st->ops;
    failing_ops = *real_ops;
    failing_ops.put_dossier = failing_put;
    st->ops = &failing_ops;
    /* Chunks of CHISO_INGEST_CHUNK_LINES lines: the first chunk is written
     * whole, the write fails inside the second; lines of the third chunk
     * are being applied when the failure is learnt. */
    const unsigned chunk = CHISO_INGEST_CHUNK_LINES;
    puts_left = chunk + 100;
    struct ingest *in;
    REQUIRE(ingest_begin(c, "t", &in, detail, sizeof detail) == CHISO_OK);
    char line[512];
    enum chiso_err rc = CHISO_OK;
    unsigned i;
    for (i = 0; i < 3 * chunk && rc == CHISO_OK; i++) {
        line_of(line, sizeof line, i);
        rc = ingest_line(in, line, strlen(line), 1748739600, detail,
                         sizeof detail);
    }
    struct ingest_report r;
    enum chiso_err frc = ingest_finish(in, &r, detail, sizeof detail);
    CHECK(rc != CHISO_OK || frc != CHISO_OK);
    /* Exactly the first chunk is durable, and memory says the same. */
    CHECK_EQ_INT(r.counts.accepted, chunk);
    CHECK_EQ_INT(r.counts.lines, chunk);
    CHECK_EQ_INT(received_june(c), chunk);
    CHECK_EQ_INT(chiso_dossiers(c), chunk);
    ingest_report_free(&r);
    st->ops = real_ops;
    chiso_close(c);
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    CHECK_EQ_INT(received_june(c), chunk);
    CHECK_EQ_INT(chiso_dossiers(c), chunk);
    chiso_close(c);
    unlink(path);
}

/* Loads lines first..last-1 (as line_of) in one session. */
static void load_range(struct chiso *c, unsigned first, unsigned last,
                       const char *status2)
{
    char detail[CHISO_DETAIL_BYTES], line[512];
    struct ingest *in;
    REQUIRE(ingest_begin(c, "t", &in, detail, sizeof detail) == CHISO_OK);
    for (unsigned i = first; i < last; i++) {
        line_of(line, sizeof line, i);
        if (status2 != NULL) /* a later version: withdrawn (status 7) */
            memcpy(strstr(line, "\"TrangThaiHoSo\":2"), status2, 17);
        CHECK_EQ_INT(ingest_line(in, line, strlen(line), 1748739600, detail,
                                 sizeof detail),
                     CHISO_OK);
    }
    CHECK_EQ_INT(ingest_finish(in, NULL, detail, sizeof detail), CHISO_OK);
}

static int64_t withdrawn_june(struct chiso *c)
{
    struct vt_period p;
    vt_period_parse("2025-06", &p, NULL, 0);
    int64_t m[MEASURE__COUNT];
    chiso_measures(c, UNIT_ROOT, &p, true, m);
    return m[MEASURE_WITHDRAWN];
}

TEST(ingest_snapshot_then_replay)
{
    const char *path = temp_db();
    struct chiso_options o = {.db_path = path};
    struct chiso *c;
    char detail[CHISO_DETAIL_BYTES];
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    /* 40 new dossiers: a load changing >= 1/4 of them writes a snapshot */
    load_range(c, 0, 40, NULL);
    size_t len;
    char header[256];
    struct store *st = chiso_store(c);
    REQUIRE(st->ops->get_meta(st, "snapshot", header, sizeof header, &len) ==
            CHISO_OK);
    /* then 3 of them withdrawn: 3 < 40/4, no new snapshot; these versions
     * are replayed after the snapshot on open */
    load_range(c, 0, 3, "\"TrangThaiHoSo\":7");
    CHECK_EQ_INT(received_june(c), 40);
    CHECK_EQ_INT(withdrawn_june(c), 3);
    chiso_close(c);
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    CHECK_EQ_INT(chiso_dossiers(c), 40);
    CHECK_EQ_INT(received_june(c), 40);
    CHECK_EQ_INT(withdrawn_june(c), 3);
    /* a snapshot that does not fit this engine is ignored: full replay */
    st = chiso_store(c);
    REQUIRE(st->ops->set_meta(st, "snapshot", "chiso-snapshot-0 upto=99", 24) ==
            CHISO_OK);
    chiso_close(c);
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    CHECK_EQ_INT(chiso_dossiers(c), 40);
    CHECK_EQ_INT(received_june(c), 40);
    CHECK_EQ_INT(withdrawn_june(c), 3);
    chiso_close(c);
    unlink(path);
}

/*
 * queries_only: the counters alone when the snapshot covers every version
 * (the same figures, no dossiers, loads refused); the whole state when
 * versions came after it.
 */
TEST(ingest_queries_only_open)
{
    const char *path = temp_db();
    struct chiso_options o = {.db_path = path};
    struct chiso *c;
    char detail[CHISO_DETAIL_BYTES];
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    load_range(c, 0, 40, NULL); /* writes a snapshot covering all */
    chiso_close(c);
    struct chiso_options q = {.db_path = path, .queries_only = true};
    REQUIRE(chiso_open(&q, &c, detail, sizeof detail) == CHISO_OK);
    CHECK(chiso_queries_only(c));
    CHECK_EQ_INT(chiso_dossiers(c), 0);
    CHECK_EQ_INT(received_june(c), 40);
    struct ingest *in;
    detail[0] = '\0';
    CHECK_EQ_INT(ingest_begin(c, "test", &in, detail, sizeof detail),
                 CHISO_EINVAL);
    CHECK(strstr(detail, "queries only") != NULL);
    chiso_close(c);
    /* 3 withdrawn after the snapshot (no new one): the whole state */
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    load_range(c, 0, 3, "\"TrangThaiHoSo\":7");
    chiso_close(c);
    REQUIRE(chiso_open(&q, &c, detail, sizeof detail) == CHISO_OK);
    CHECK(!chiso_queries_only(c));
    CHECK_EQ_INT(chiso_dossiers(c), 40);
    CHECK_EQ_INT(received_june(c), 40);
    CHECK_EQ_INT(withdrawn_june(c), 3);
    chiso_close(c);
    unlink(path);
}

/*
 * ingest_buffer with a writer scoped to Hà Nội (01): per-line outcomes, the
 * refusals with their reasons, the touched units and months, and the same
 * measures as the same lines taken one by one.
 */
TEST(ingest_buffer_scope_and_outcomes)
{
    const char *path = temp_db();
    struct chiso_options o = {.db_path = path};
    struct chiso *c;
    char detail[CHISO_DETAIL_BYTES];
    REQUIRE(chiso_open(&o, &c, detail, sizeof detail) == CHISO_OK);
    /* 5 lines: new in 00004 (under 01); blank; a newer version of it in
     * July; a record of unit 79 (outside 01); not JSON. */
    char a[512], b[512];
    line_of(a, sizeof a, 1);
    snprintf(b, sizeof b,
             "{\"MaHoSo\":\"T-000001\",\"MaDonVi\":\"00004\",\"MaTTHC\":\"1.1\","
             "\"TrangThaiHoSo\":2,\"KenhThucHien\":1,\"MucDo\":4,"
             "\"NgayTiepNhan\":\"20250702080000\","
             "\"NgayCapNhat\":\"20250702090000\"}");
    char buf[2048];
    snprintf(buf, sizeof buf,
             "%s\n\n%s\n{\"MaHoSo\":\"X-1\",\"MaDonVi\":\"79\",\"MaTTHC\":"
             "\"1.1\",\"TrangThaiHoSo\":1}\n{nope",
             a, b);
    uint32_t hanoi = unit_find(chiso_units(c), "01", 2);
    REQUIRE(hanoi != UNIT_NONE);
    struct ingest *in;
    REQUIRE(ingest_begin(c, "t", &in, detail, sizeof detail) == CHISO_OK);
    ingest_set_actor(in, "token:0123456789abcdef", hanoi);
    ingest_keep_outcomes(in);
    CHECK_EQ_INT(ingest_buffer(in, buf, strlen(buf), 1748739600, detail,
                               sizeof detail),
                 CHISO_OK);
    struct ingest_report r;
    REQUIRE(ingest_finish(in, &r, detail, sizeof detail) == CHISO_OK);
    CHECK_EQ_UINT(r.noutcomes, 5);
    const unsigned char want[5] = {INGEST_ACCEPTED, INGEST_BLANK,
                                   INGEST_REPLACED, INGEST_REFUSED,
                                   INGEST_REFUSED};
    for (size_t i = 0; i < 5 && i < r.noutcomes; i++)
        CHECK_EQ_INT(r.outcomes[i], want[i]);
    CHECK_EQ_UINT(r.nrefusals, 2);
    CHECK_EQ_UINT(r.refusals[0].line, 4);
    CHECK_EQ_STR(r.refusals[0].why.field, "MaDonVi");
    CHECK(strstr(r.refusals[0].why.reason, "outside 01") != NULL);
    CHECK_EQ_UINT(r.refusals[1].line, 5);
    /* 00004 in June (the first version) and July (the second). */
    CHECK_EQ_UINT(r.ntouched, 2);
    uint32_t commune = unit_find(chiso_units(c), "00004", 5);
    for (size_t i = 0; i < r.ntouched; i++)
        CHECK_EQ_UINT(r.touched[i].unit, commune);
    CHECK(r.ntouched == 2 && r.touched[0].month != r.touched[1].month);
    ingest_report_free(&r);
    /* June lost the dossier to July. */
    CHECK_EQ_INT(received_june(c), 0);
    struct vt_period july;
    vt_period_parse("2025-07", &july, NULL, 0);
    int64_t m[MEASURE__COUNT];
    chiso_measures(c, hanoi, &july, true, m);
    CHECK_EQ_INT(m[MEASURE_RECEIVED], 1);
    CHECK_EQ_INT(m[MEASURE_RECEIVED_ONLINE], 0);
    chiso_close(c);
    unlink(path);
}

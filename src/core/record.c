/*
 * record.c — validating one dossier record.
 *
 * A line is read by a scanner that knows the shape of records and reads
 * them in one pass (below, "The scanner"); a line it does not take is
 * parsed by jtape (strict RFC 8259 as jansson reads it: NaN, trailing
 * commas, invalid UTF-8 and repeated keys refused) into a flat tape kept
 * per thread and reused, so a line costs no allocation. Both paths hand the
 * fields' values to the same rules of SPEC §4.1, applied field by field in
 * a fixed order, so that a record breaking several rules is always refused
 * for the same one.
 */
#include "core/record.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jtape.h"
#include "core/mem.h"
#include "core/unit.h"
#include "core/vtime.h"

/* The members of a record object the rules read; the stamps in enum
 * record_stamp order. */
#define ROOT_FIELDS(X)                                                         \
    X(MaHoSo) X(MaDonVi) X(MaTTHC) X(TrangThaiHoSo) X(KenhThucHien) X(MucDo) \
    X(DuocThanhToanTrucTuyen) X(HoSoCoThanhPhanSoHoa)                          \
    X(TaiKhoanDuocXacThucVoiVNeID) X(NgayNopHoSo) X(NgayTiepNhan)              \
    X(NgayHenTra) X(NgayKetThucXuLy) X(NgayTra) X(NgayTuChoi) X(NgayCapNhat)   \
    X(DanhSachLePhi) X(DinhDanhCHS) X(DanhSachGiayToKetQua)                    \
    X(DanhSachHoSoBoSung)

enum root_field {
#define X(name) RF_##name,
    ROOT_FIELDS(X)
#undef X
        RF__COUNT
};

/* The names, one after the other in one array. */
static const char root_text[] =
#define X(name) #name "\0"
    ROOT_FIELDS(X)
#undef X
    ;

enum {
#define X(name) RO_##name, RO_##name##_end = RO_##name + sizeof #name - 1,
    ROOT_FIELDS(X)
#undef X
};

static const unsigned short root_off[RF__COUNT] = {
#define X(name) RO_##name,
    ROOT_FIELDS(X)
#undef X
};

static const unsigned char root_lens[RF__COUNT] = {
#define X(name) sizeof #name - 1,
    ROOT_FIELDS(X)
#undef X
};

/* The root fields by name length (at most 3 share one), built once. */
#define MAX_ROOT_LEN 32
static signed char by_len[MAX_ROOT_LEN][4];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static signed char rule_of[RF__COUNT];
static void build_rules(void);

static void build_tables(void)
{
    build_rules();
    memset(by_len, -1, sizeof by_len);
    for (int f = 0; f < RF__COUNT; f++) {
        int k = 0;
        while (by_len[root_lens[f]][k] >= 0)
            k++;
        by_len[root_lens[f]][k] = (signed char)f;
    }
}

/* The stamps, in enum record_stamp order. */
static const enum root_field stamp_fields[RECORD__STAMP_COUNT] = {
    RF_NgayNopHoSo, RF_NgayTiepNhan, RF_NgayHenTra, RF_NgayKetThucXuLy,
    RF_NgayTra,     RF_NgayTuChoi,   RF_NgayCapNhat,
};

/* The calling thread's tape: grown to the largest line seen, bounded by
 * CHISO_MAX_LINE_BYTES; freed by record_thread_done(). */
static _Thread_local struct jtape tape;
static _Thread_local bool tape_owned;

/* Threads the program does not own (an HTTP library's) end without calling
 * record_thread_done: a key destructor frees their tape when they exit. */
static pthread_key_t tape_key;
static pthread_once_t tape_key_once = PTHREAD_ONCE_INIT;

static void free_tape(void *p)
{
    jtape_free(p);
}

static void make_tape_key(void)
{
    pthread_key_create(&tape_key, free_tape);
}

static struct jtape *thread_tape(void)
{
    if (!tape_owned) {
        pthread_once(&tape_key_once, make_tape_key);
        pthread_setspecific(tape_key, &tape);
        tape_owned = true;
    }
    return &tape;
}

void record_thread_done(void)
{
    jtape_free(&tape);
}

/* Whether the n bytes at a and b are equal: names are short, and a call
 * to memcmp cost more than the comparison. */
static bool same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    if (n >= 8) {
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8); /* the tail, overlapping */
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t u, v, u2, v2;
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        memcpy(&u2, a + n - 4, 4);
        memcpy(&v2, b + n - 4, 4);
        return u == v && u2 == v2;
    }
    for (; n > 0; a++, b++, n--)
        if (*a != *b)
            return false;
    return true;
}

/* The root field a name of len bytes is, or RF__COUNT (tables built). */
static int root_field_named(const char *name, size_t len)
{
    if (len >= MAX_ROOT_LEN)
        return RF__COUNT;
    for (const signed char *f = by_len[len]; *f >= 0; f++)
        if (same_bytes(name, root_text + root_off[*f], len))
            return *f;
    return RF__COUNT;
}

/*
 * A member's value as the rules read it, whichever path found it: absent
 * (or JSON null), a string, an integer, an array, or another JSON type the
 * rules refuse.
 */
#define FV_ABSENT 0xFFu

struct fv {
    uint8_t type;  /* enum jt_type, or FV_ABSENT */
    bool nul;      /* JT_STRING: holds a NUL byte */
    uint32_t len;  /* JT_STRING: bytes; JT_ARRAY: elements */
    uint32_t node; /* JT_ARRAY on a tape: its node */
    const char *s; /* JT_STRING */
    int64_t i;     /* JT_INT */
};

static const struct fv fv_absent = {.type = FV_ABSENT};

static enum chiso_err refuse(struct record_error *why, const char *field,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum chiso_err refuse(struct record_error *why, const char *field,
                             const char *fmt, ...)
{
    snprintf(why->field, sizeof why->field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->reason, sizeof why->reason, fmt, ap);
    va_end(ap);
    return CHISO_ERECORD;
}

/* An optional integer in [lo, hi]; *out keeps its value when absent. */
static enum chiso_err get_int(const struct fv *v, const char *path, int64_t lo,
                              int64_t hi, int64_t *out,
                              struct record_error *why)
{
    if (v->type == FV_ABSENT)
        return CHISO_OK;
    if (v->type != JT_INT || v->i < lo || v->i > hi)
        return refuse(why, path, "must be an integer from %lld to %lld",
                      (long long)lo, (long long)hi);
    *out = v->i;
    return CHISO_OK;
}

/* An optional string; *s stays NULL when absent. Codes may not hold NUL
 * bytes (JSON allows \u0000; no code does). */
static enum chiso_err get_string(const struct fv *v, const char *path,
                                 const char **s, size_t *len,
                                 struct record_error *why)
{
    if (v->type == FV_ABSENT)
        return CHISO_OK;
    if (v->type != JT_STRING)
        return refuse(why, path, "must be a string");
    if (v->nul)
        return refuse(why, path, "must not contain NUL characters");
    *s = v->s;
    *len = v->len;
    return CHISO_OK;
}

/* A required, non-empty code of at most CHISO_MAX_CODE_BYTES bytes. */
static enum chiso_err get_code(const struct fv *v, const char *name,
                               const char **s, size_t *len,
                               struct record_error *why)
{
    *s = NULL;
    enum chiso_err rc = get_string(v, name, s, len, why);
    if (rc != CHISO_OK)
        return rc;
    if (*s == NULL || *len == 0)
        return refuse(why, name, "required, a non-empty string");
    if (*len > CHISO_MAX_CODE_BYTES)
        return refuse(why, name, "longer than %u bytes", CHISO_MAX_CODE_BYTES);
    return CHISO_OK;
}

/* An optional flag, the string "0" or "1". */
static enum chiso_err get_flag(const struct fv *v, const char *name, bool *out,
                               struct record_error *why)
{
    const char *s = NULL;
    size_t len = 0;
    enum chiso_err rc = get_string(v, name, &s, &len, why);
    if (rc != CHISO_OK || s == NULL)
        return rc;
    if (len != 1 || (s[0] != '0' && s[0] != '1'))
        return refuse(why, name, "must be the string \"0\" or \"1\"");
    *out = s[0] == '1';
    return CHISO_OK;
}

/* An optional stamp; *out stays RECORD_NO_TIME when absent. */
static enum chiso_err get_stamp(const struct fv *v, const char *path,
                                int64_t *out, struct record_error *why)
{
    const char *s = NULL;
    size_t len = 0;
    enum chiso_err rc = get_string(v, path, &s, &len, why);
    if (rc != CHISO_OK || s == NULL)
        return rc;
    if (!vt_parse_stamp(s, len, out))
        return refuse(why, path, "not a date: expected yyyyMMddHHmmss naming "
                                 "a real moment");
    return CHISO_OK;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* SPEC §4: 12 digits; digits 1–3 "0" + a pre-2025 province code; digit 4 the
 * century-and-sex digit 0–3. */
static bool valid_personal_id(const struct unit_registry *units, const char *s,
                              size_t len)
{
    return len == 12 && all_digits(s, 12) && s[0] == '0' && s[3] <= '3' &&
           unit_lineage_find(units, s + 1, 2) != UNIT_NONE;
}

/* The rules of the scalar root fields, in their fixed order. The arrays'
 * contributions (fee, personal_id, e_result, supplements) are left as
 * they are. */
static enum chiso_err check_root(const struct unit_registry *units,
                                 const struct fv f[RF__COUNT],
                                 struct record *rec, struct record_error *why)
{
    const char *s;
    size_t len;
    enum chiso_err rc = get_code(&f[RF_MaHoSo], "MaHoSo", &s, &len, why);
    if (rc != CHISO_OK)
        return rc;
    memcpy(rec->key, s, len);
    rec->key[len] = '\0';
    rec->key_len = len;

    rc = get_code(&f[RF_MaDonVi], "MaDonVi", &s, &len, why);
    if (rc != CHISO_OK)
        return rc;
    rec->unit = unit_resolve(units, s, len, &rec->via_lineage);
    if (rec->unit == UNIT_NONE)
        return refuse(why, "MaDonVi", "unknown unit code '%.*s'",
                      (int)(len > 40 ? 40 : len), s);
    if (unit_at(units, rec->unit)->level == UNIT_NATIONAL)
        return refuse(why, "MaDonVi", "'%.*s' is the national root; a dossier "
                                      "is handled by a commune, province or "
                                      "ministry",
                      (int)len, s);
    rc = get_code(&f[RF_MaTTHC], "MaTTHC", &s, &len, why);
    if (rc != CHISO_OK)
        return rc;

    int64_t status = 0, channel = 0, level = 0, payment = -1;
    rc = get_int(&f[RF_TrangThaiHoSo], "TrangThaiHoSo", 1, 10, &status, why);
    if (rc == CHISO_OK)
        rc = get_int(&f[RF_KenhThucHien], "KenhThucHien", 1, 3, &channel, why);
    if (rc == CHISO_OK)
        rc = get_int(&f[RF_MucDo], "MucDo", 2, 4, &level, why);
    if (rc == CHISO_OK)
        rc = get_int(&f[RF_DuocThanhToanTrucTuyen], "DuocThanhToanTrucTuyen",
                     0, 3, &payment, why);
    if (rc == CHISO_OK)
        rc = get_flag(&f[RF_HoSoCoThanhPhanSoHoa], "HoSoCoThanhPhanSoHoa",
                      &rec->digitised, why);
    if (rc == CHISO_OK)
        rc = get_flag(&f[RF_TaiKhoanDuocXacThucVoiVNeID],
                      "TaiKhoanDuocXacThucVoiVNeID", &rec->vneid, why);
    if (rc != CHISO_OK)
        return rc;
    rec->status = (int)status;
    rec->channel = (int)channel;
    rec->level = (int)level;
    rec->payment = (int)payment;

    for (int i = 0; i < RECORD__STAMP_COUNT; i++) {
        rec->at[i] = RECORD_NO_TIME;
        rc = get_stamp(&f[stamp_fields[i]],
                       root_text + root_off[stamp_fields[i]], &rec->at[i], why);
        if (rc != CHISO_OK)
            return rc;
    }
    if (rec->status >= 2 && rec->at[RECORD_RECEIVED] == RECORD_NO_TIME)
        return refuse(why, "NgayTiepNhan",
                      "required when TrangThaiHoSo is 2 or more");
    if (rec->at[RECORD_FINISHED] != RECORD_NO_TIME &&
        rec->at[RECORD_RECEIVED] != RECORD_NO_TIME &&
        rec->at[RECORD_FINISHED] < rec->at[RECORD_RECEIVED])
        return refuse(why, "NgayKetThucXuLy", "earlier than NgayTiepNhan");
    return CHISO_OK;
}

/* The rules of one object element of an array, m holding its two members
 * (in the order of array_rule.member). Non-object elements are skipped. */
typedef enum chiso_err elem_fn(const struct unit_registry *units,
                               const struct fv m[2], struct record *rec,
                               struct record_error *why);

static enum chiso_err fee_elem(const struct unit_registry *units,
                               const struct fv m[2], struct record *rec,
                               struct record_error *why)
{
    (void)units;
    const char *code = NULL;
    size_t len = 0;
    int64_t gia = 0;
    enum chiso_err rc = get_string(&m[0], "MaPhiLePhi", &code, &len, why);
    if (rc == CHISO_OK)
        rc = get_int(&m[1], "Gia", 0, CHISO_MAX_FEE_VND, &gia, why);
    rec->fee += gia;
    return rc;
}

static enum chiso_err id_elem(const struct unit_registry *units,
                              const struct fv m[2], struct record *rec,
                              struct record_error *why)
{
    int64_t kind = 0;
    const char *id = NULL;
    size_t len = 0;
    enum chiso_err rc = get_int(&m[0], "LoaiDinhDanh", 1, 2, &kind, why);
    if (rc == CHISO_OK)
        rc = get_string(&m[1], "SoDinhDanh", &id, &len, why);
    if (rc == CHISO_OK && kind == 1 && id != NULL &&
        valid_personal_id(units, id, len))
        rec->personal_id = true;
    return rc;
}

static enum chiso_err result_elem(const struct unit_registry *units,
                                  const struct fv m[2], struct record *rec,
                                  struct record_error *why)
{
    (void)units;
    const char *s = NULL;
    size_t len = 0;
    enum chiso_err rc = get_string(&m[0], "MaGiayToKetQua", &s, &len, why);
    s = NULL;
    len = 0;
    if (rc == CHISO_OK)
        rc = get_string(&m[1], "DuongDanTepTinKetQua", &s, &len, why);
    if (rc == CHISO_OK && s != NULL && len > 0)
        rec->e_result = true;
    return rc;
}

static enum chiso_err supplement_elem(const struct unit_registry *units,
                                      const struct fv m[2], struct record *rec,
                                      struct record_error *why)
{
    (void)units;
    rec->supplements++; /* SPEC §4.1: an object is a round */
    int64_t asked = RECORD_NO_TIME, given = RECORD_NO_TIME;
    enum chiso_err rc = get_stamp(&m[0], "NgayYeuCau", &asked, why);
    if (rc == CHISO_OK)
        rc = get_stamp(&m[1], "NgayBoSung", &given, why);
    if (rc == CHISO_OK && asked != RECORD_NO_TIME && given != RECORD_NO_TIME)
        rec->supplement_seconds += given - asked;
    return rc;
}

/* The array fields, in the order their rules apply. */
static const struct array_rule {
    enum root_field field;
    const char *name;
    const char *member[2];
    unsigned char member_len[2];
    elem_fn *elem;
} array_rules[] = {
    {RF_DanhSachLePhi, "DanhSachLePhi", {"MaPhiLePhi", "Gia"}, {10, 3},
     fee_elem},
    {RF_DinhDanhCHS, "DinhDanhCHS", {"LoaiDinhDanh", "SoDinhDanh"}, {12, 10},
     id_elem},
    {RF_DanhSachGiayToKetQua, "DanhSachGiayToKetQua",
     {"MaGiayToKetQua", "DuongDanTepTinKetQua"}, {14, 20}, result_elem},
    {RF_DanhSachHoSoBoSung, "DanhSachHoSoBoSung", {"NgayYeuCau", "NgayBoSung"},
     {10, 10}, supplement_elem},
};
#define ARRAY_RULES (sizeof array_rules / sizeof array_rules[0])

/* Each root field's rule in array_rules, or -1 (tables built). */
static void build_rules(void)
{
    memset(rule_of, -1, sizeof rule_of);
    for (size_t a = 0; a < ARRAY_RULES; a++)
        rule_of[array_rules[a].field] = (signed char)a;
}

/* An array field: absent, or an array of at most CHISO_MAX_ARRAY_ITEMS. */
static enum chiso_err check_array(const struct array_rule *ar,
                                  const struct fv *v, struct record_error *why)
{
    if (v->type == FV_ABSENT)
        return CHISO_OK;
    if (v->type != JT_ARRAY)
        return refuse(why, ar->name, "must be an array");
    if (v->len > CHISO_MAX_ARRAY_ITEMS)
        return refuse(why, ar->name, "more than %u elements",
                      CHISO_MAX_ARRAY_ITEMS);
    return CHISO_OK;
}

/* ---- The tape path: any valid JSON, and every refusal's reason. ---- */

/* The value of tape node i (JT_NONE: absent). */
static struct fv fv_at(const struct jtape *t, uint32_t i)
{
    if (i == JT_NONE || t->nodes[i].type == JT_NULL)
        return fv_absent;
    const struct jt_node *nd = &t->nodes[i];
    struct fv v = {.type = nd->type, .node = i};
    if (nd->type == JT_STRING) {
        v.s = jt_bytes(t, i);
        v.len = nd->len;
        v.nul = (nd->flags & JT_HAS_NUL) != 0;
    } else if (nd->type == JT_INT) {
        v.i = nd->i;
    } else if (nd->type == JT_ARRAY) {
        v.len = nd->count;
    }
    return v;
}

/* After a refusal inside element i of array, turns the field named by the
 * refusal ("Gia") into its path ("DanhSachLePhi[2].Gia"). The path is built
 * only for a refusal: valid records, the common case, never format it. */
static enum chiso_err in_elem(enum chiso_err rc, struct record_error *why,
                              const char *array, size_t i)
{
    if (rc != CHISO_OK) {
        char member[32]; /* member names are at most 20 bytes */
        size_t n = strnlen(why->field, sizeof member - 1);
        memcpy(member, why->field, n);
        member[n] = '\0';
        snprintf(why->field, sizeof why->field, "%s[%zu].%s", array, i, member);
    }
    return rc;
}

static enum chiso_err tape_array(const struct unit_registry *units,
                                 const struct jtape *t,
                                 const struct array_rule *ar,
                                 const struct fv *v, struct record *rec,
                                 struct record_error *why)
{
    enum chiso_err rc = check_array(ar, v, why);
    if (rc != CHISO_OK || v->type == FV_ABSENT)
        return rc;
    size_t i = 0;
    for (uint32_t k = jt_first(t, v->node); rc == CHISO_OK && k != JT_NONE;
         k = jt_next(t, v->node, k), i++) {
        if (t->nodes[k].type != JT_OBJECT)
            continue;
        struct fv m[2];
        for (int j = 0; j < 2; j++)
            m[j] = fv_at(t, jt_get(t, k, ar->member[j], ar->member_len[j]));
        rc = in_elem(ar->elem(units, m, rec, why), why, ar->name, i);
    }
    return rc;
}

/* Parses the line through the calling thread's tape. */
static enum chiso_err parse_tape(const struct unit_registry *units,
                                 const char *line, size_t len,
                                 struct record *rec, struct record_error *why)
{
    struct jtape *t = thread_tape();
    size_t column;
    char jerr[96];
    if (jtape_parse(t, line, len, &column, jerr, sizeof jerr) != CHISO_OK)
        return refuse(why, "", "not valid JSON at column %zu: %s", column, jerr);
    if (t->nodes[0].type != JT_OBJECT)
        return refuse(why, "", "a record must be a JSON object");
    /* Every root field's value in one pass over the members (keys are
     * unique: the parser refuses repeats); looking each up by name was
     * ~10% of a bulk load's parsing. */
    struct fv f[RF__COUNT];
    for (int i = 0; i < RF__COUNT; i++)
        f[i] = fv_absent;
    for (uint32_t k = jt_first(t, 0); k != JT_NONE; k = jt_next(t, 0, k)) {
        int i = root_field_named(jt_bytes(t, k), t->nodes[k].len);
        if (i < RF__COUNT)
            f[i] = fv_at(t, k + 1);
    }
    struct record r = {.payment = -1};
    enum chiso_err rc = check_root(units, f, &r, why);
    for (size_t a = 0; rc == CHISO_OK && a < ARRAY_RULES; a++)
        rc = tape_array(units, t, &array_rules[a],
                        &f[array_rules[a].field], &r, why);
    if (rc == CHISO_OK)
        *rec = r;
    return rc;
}

/*
 * ---- The scanner: the common shape of a record, read in one pass. ----
 *
 * Building the tape, then reading it, was most of a bulk load's parsing.
 * The scanner reads a line once, straight into the fields' values, but only
 * lines of the shape records have: an object whose members are strings
 * without escapes, integers of at most 18 digits, true, false or null,
 * except the array fields, arrays of such objects. It gives up on anything
 * else (an escape, a real number, a nested value elsewhere, any error), and
 * record_parse then takes the tape path, which gives the same record or
 * names the refusal. So the scanner never refuses: it must only never
 * accept what the tape path refuses, nor differ from it on what it accepts
 * (tests/fuzz/fuzz_record.c holds the two paths to that).
 */
struct scan {
    const char *p, *end;
};

static inline void sc_ws(struct scan *sc)
{
    /* Records are mostly written without any: one test. */
    if (sc->p < sc->end && (unsigned char)*sc->p > ' ')
        return;
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' ||
                               *sc->p == '\n' || *sc->p == '\r'))
        sc->p++;
}

static inline bool sc_is(struct scan *sc, char c)
{
    sc_ws(sc);
    if (sc->p < sc->end && *sc->p == c) {
        sc->p++;
        return true;
    }
    return false;
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A string without escapes (sc->p at its opening quote). */
static inline bool sc_string(struct scan *sc, const char **s, size_t *len)
{
    if (sc->p >= sc->end || *sc->p != '"')
        return false;
    const char *close = jt_plain_run(sc->p + 1, sc->end);
    if (close >= sc->end || *close != '"')
        close = jt_plain_string(close, sc->end); /* UTF-8, or give up */
    if (close == NULL)
        return false;
    *s = sc->p + 1;
    *len = (size_t)(close - *s);
    sc->p = close + 1;
    return true;
}

/* A member's name and the colon after it. */
static bool sc_key(struct scan *sc, const char **k, size_t *len)
{
    sc_ws(sc);
    return sc_string(sc, k, len) && sc_is(sc, ':');
}

/* A scalar value: a string without escapes, an integer of at most 18
 * digits (no overflow possible), true, false or null (absent). */
static bool sc_scalar(struct scan *sc, struct fv *v)
{
    sc_ws(sc);
    if (sc->p >= sc->end)
        return false;
    const char *p = sc->p;
    if (*p == '"') {
        *v = (struct fv){.type = JT_STRING};
        size_t len;
        if (!sc_string(sc, &v->s, &len))
            return false;
        v->len = (uint32_t)len; /* a line is at most CHISO_MAX_LINE_BYTES */
        return true;
    }
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        bool neg = *p == '-';
        p += neg;
        const char *digits = p;
        int64_t x = 0;
        if (p < sc->end && *p == '0')
            p++;
        else
            for (; p < sc->end && *p >= '0' && *p <= '9'; p++) {
                if (p - digits == 18)
                    return false;
                x = x * 10 + (*p - '0');
            }
        if (p == digits ||
            (p < sc->end && ((*p >= '0' && *p <= '9') || *p == '.' ||
                             *p == 'e' || *p == 'E')))
            return false;
        *v = (struct fv){.type = JT_INT, .i = neg ? -x : x};
        sc->p = p;
        return true;
    }
    static const struct {
        const char *word;
        size_t len;
        uint8_t type;
    } words[] = {{"true", 4, JT_TRUE}, {"false", 5, JT_FALSE},
                 {"null", 4, FV_ABSENT}};
    for (size_t i = 0; i < 3; i++)
        if ((size_t)(sc->end - p) >= words[i].len &&
            memcmp(p, words[i].word, words[i].len) == 0 &&
            (p + words[i].len == sc->end || !is_letter(p[words[i].len]))) {
            *v = (struct fv){.type = words[i].type};
            sc->p = p + words[i].len;
            return true;
        }
    return false;
}

/* The names of the members no rule reads, to refuse a repeat. */
#define SCAN_OTHERS 16

struct others {
    const char *name[SCAN_OTHERS];
    size_t len[SCAN_OTHERS];
    size_t n;
};

/* Keeps another member's name; false on a repeat (or too many to check). */
static bool other_name(struct others *o, const char *name, size_t len)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->len[i] == len && same_bytes(o->name[i], name, len))
            return false;
    if (o->n == SCAN_OTHERS)
        return false;
    o->name[o->n] = name;
    o->len[o->n++] = len;
    return true;
}

/* After a value: true at ',' (another member or element follows), false
 * at `close` (*done set); anything else fails (*done unset). */
static bool sc_more(struct scan *sc, char close, bool *done)
{
    if (sc_is(sc, ','))
        return true;
    *done = sc_is(sc, close);
    return false;
}

/* One object element of an array field, its rule applied. */
static bool sc_element(struct scan *sc, const struct unit_registry *units,
                       const struct array_rule *ar, struct record *rec)
{
    struct fv m[2] = {fv_absent, fv_absent};
    bool seen[2] = {false, false};
    struct others o;
    o.n = 0;
    bool done = false;
    if (!sc_is(sc, '{'))
        return false;
    if (!sc_is(sc, '}'))
        do {
            const char *k;
            size_t len;
            struct fv other;
            if (!sc_key(sc, &k, &len))
                return false;
            int j = len == ar->member_len[0] &&
                            same_bytes(k, ar->member[0], len)
                        ? 0
                    : len == ar->member_len[1] &&
                            same_bytes(k, ar->member[1], len)
                        ? 1
                        : -1;
            if (j >= 0 ? seen[j] || !sc_scalar(sc, &m[j])
                       : !other_name(&o, k, len) || !sc_scalar(sc, &other))
                return false;
            if (j >= 0)
                seen[j] = true;
        } while (sc_more(sc, '}', &done));
    else
        done = true;
    struct record_error why;
    return done && ar->elem(units, m, rec, &why) == CHISO_OK;
}

/* An array field's value: null, or an array of objects. */
static bool sc_array(struct scan *sc, const struct unit_registry *units,
                     const struct array_rule *ar, struct record *rec)
{
    sc_ws(sc);
    if (sc->p < sc->end && *sc->p == 'n') {
        struct fv v;
        return sc_scalar(sc, &v) && v.type == FV_ABSENT;
    }
    if (!sc_is(sc, '['))
        return false;
    if (sc_is(sc, ']'))
        return true;
    size_t n = 0;
    bool done = false;
    do
        if (++n > CHISO_MAX_ARRAY_ITEMS || !sc_element(sc, units, ar, rec))
            return false;
    while (sc_more(sc, ']', &done));
    return done;
}

/* The scanner's reading of a whole line; false: take the tape path. */
static bool scan_record(const struct unit_registry *units, const char *line,
                        size_t len, struct record *rec)
{
    struct scan sc = {line, line + len};
    struct fv f[RF__COUNT];
    for (int i = 0; i < RF__COUNT; i++)
        f[i].type = FV_ABSENT; /* all the rules read of an absent value */
    uint32_t seen = 0;
    struct others o;
    o.n = 0;
    struct record r = {.payment = -1};
    bool done = false;
    if (!sc_is(&sc, '{') || sc_is(&sc, '}'))
        return false; /* {} has no MaHoSo */
    do {
        const char *k;
        size_t klen;
        if (!sc_key(&sc, &k, &klen))
            return false;
        int i = root_field_named(k, klen);
        struct fv other;
        if (i == RF__COUNT) { /* a member no rule reads */
            if (!other_name(&o, k, klen) || !sc_scalar(&sc, &other))
                return false;
        } else {
            if (seen & 1u << i)
                return false;
            seen |= 1u << i;
            const struct array_rule *ar =
                rule_of[i] < 0 ? NULL : &array_rules[rule_of[i]];
            if (ar != NULL ? !sc_array(&sc, units, ar, &r)
                           : !sc_scalar(&sc, &f[i]))
                return false;
        }
    } while (sc_more(&sc, '}', &done));
    sc_ws(&sc);
    struct record_error why;
    if (!done || sc.p != sc.end || check_root(units, f, &r, &why) != CHISO_OK)
        return false;
    *rec = r;
    return true;
}

bool record_scan(const struct unit_registry *units, const char *line,
                 size_t len, struct record *rec)
{
    pthread_once(&tables_once, build_tables);
    return len <= CHISO_MAX_LINE_BYTES && scan_record(units, line, len, rec);
}

enum chiso_err record_parse_tape(const struct unit_registry *units,
                                 const char *line, size_t len,
                                 struct record *rec, struct record_error *why)
{
    pthread_once(&tables_once, build_tables);
    if (len > CHISO_MAX_LINE_BYTES)
        return refuse(why, "", "line longer than %u bytes",
                      CHISO_MAX_LINE_BYTES);
    return parse_tape(units, line, len, rec, why);
}

enum chiso_err record_parse(const struct unit_registry *units, const char *line,
                            size_t len, struct record *rec,
                            struct record_error *why)
{
    if (record_scan(units, line, len, rec))
        return CHISO_OK;
    return record_parse_tape(units, line, len, rec, why);
}

bool record_equal(const struct record *a, const struct record *b)
{
    if (a->key_len != b->key_len || memcmp(a->key, b->key, a->key_len) != 0)
        return false;
    for (int i = 0; i < RECORD__STAMP_COUNT; i++)
        if (a->at[i] != b->at[i])
            return false;
    return a->unit == b->unit && a->via_lineage == b->via_lineage &&
           a->status == b->status && a->channel == b->channel &&
           a->level == b->level && a->payment == b->payment &&
           a->digitised == b->digitised && a->vneid == b->vneid &&
           a->personal_id == b->personal_id && a->e_result == b->e_result &&
           a->fee == b->fee && a->supplements == b->supplements &&
           a->supplement_seconds == b->supplement_seconds;
}

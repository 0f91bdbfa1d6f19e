/*
 * record.c — validating one dossier record.
 *
 * The line is parsed by jtape (strict RFC 8259 as jansson reads it: NaN,
 * trailing commas, invalid UTF-8 and repeated keys refused) into a flat tape
 * kept per thread and reused, so a line costs no allocation. The rules of
 * SPEC §4.1 are then applied field by field, in a fixed order, so that a
 * record breaking several rules is always refused for the same one.
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

/* The names, one after the other in one array, so that member() knows a
 * root field from the address of its name: F(MaHoSo) points into it. */
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

#define F(name) (root_text + RO_##name)

/* Tables built once: the root fields by name length (at most 3 share
 * one), for index_root; and the field whose name starts at each offset of
 * root_text, for member(). */
#define MAX_ROOT_LEN 32
static signed char by_len[MAX_ROOT_LEN][4];
static signed char field_at[sizeof root_text];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
    memset(by_len, -1, sizeof by_len);
    memset(field_at, RF__COUNT, sizeof field_at);
    for (int f = 0; f < RF__COUNT; f++) {
        int k = 0;
        while (by_len[root_lens[f]][k] >= 0)
            k++;
        by_len[root_lens[f]][k] = (signed char)f;
        field_at[root_off[f]] = (signed char)f;
    }
}

/* The root field a name is, or RF__COUNT (tables built). */
static int root_field_of(const char *name)
{
    if (name < root_text || name >= root_text + sizeof root_text)
        return RF__COUNT;
    return field_at[name - root_text];
}

static const char *const stamp_fields[RECORD__STAMP_COUNT] = {
    F(NgayNopHoSo),     F(NgayTiepNhan), F(NgayHenTra),  F(NgayKetThucXuLy),
    F(NgayTra),         F(NgayTuChoi),   F(NgayCapNhat),
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

/* A JSON value on the tape; i == JT_NONE when absent (or null). For the
 * record object itself, root holds the node of each root field's value:
 * looking members up by name through the tape (jt_get) was ~10% of a
 * bulk load's parsing. */
struct jv {
    const struct jtape *t;
    uint32_t i;
    const uint32_t *root;
};

static bool is(struct jv v, enum jt_type type)
{
    return v.i != JT_NONE && v.t->nodes[v.i].type == type;
}

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

/* A member, with JSON null read as absent. */
static struct jv member(struct jv obj, const char *name)
{
    uint32_t i;
    int f = obj.root != NULL ? root_field_of(name) : RF__COUNT;
    if (f < RF__COUNT)
        i = obj.root[f];
    else
        i = jt_get(obj.t, obj.i, name, strlen(name));
    if (i != JT_NONE && obj.t->nodes[i].type == JT_NULL)
        i = JT_NONE;
    return (struct jv){obj.t, i, NULL};
}

/* An optional integer in [lo, hi]; *out keeps its value when absent. */
static enum chiso_err get_int(struct jv obj, const char *name,
                              const char *path, int64_t lo, int64_t hi,
                              int64_t *out, struct record_error *why)
{
    struct jv v = member(obj, name);
    if (v.i == JT_NONE)
        return CHISO_OK;
    if (!is(v, JT_INT) || v.t->nodes[v.i].i < lo || v.t->nodes[v.i].i > hi)
        return refuse(why, path, "must be an integer from %lld to %lld",
                      (long long)lo, (long long)hi);
    *out = v.t->nodes[v.i].i;
    return CHISO_OK;
}

/* An optional string; *s stays NULL when absent. Codes may not hold NUL
 * bytes (JSON allows \u0000; no code does). */
static enum chiso_err get_string(struct jv obj, const char *name,
                                 const char *path, const char **s, size_t *len,
                                 struct record_error *why)
{
    struct jv v = member(obj, name);
    if (v.i == JT_NONE)
        return CHISO_OK;
    if (!is(v, JT_STRING))
        return refuse(why, path, "must be a string");
    size_t n;
    const char *text = jt_str(v.t, v.i, &n);
    if (v.t->nodes[v.i].flags & JT_HAS_NUL)
        return refuse(why, path, "must not contain NUL characters");
    *s = text;
    *len = n;
    return CHISO_OK;
}

/* A required, non-empty code of at most CHISO_MAX_CODE_BYTES bytes. */
static enum chiso_err get_code(struct jv obj, const char *name,
                               const char **s, size_t *len,
                               struct record_error *why)
{
    *s = NULL;
    enum chiso_err rc = get_string(obj, name, name, s, len, why);
    if (rc != CHISO_OK)
        return rc;
    if (*s == NULL || *len == 0)
        return refuse(why, name, "required, a non-empty string");
    if (*len > CHISO_MAX_CODE_BYTES)
        return refuse(why, name, "longer than %u bytes", CHISO_MAX_CODE_BYTES);
    return CHISO_OK;
}

/* An optional flag, the string "0" or "1". */
static enum chiso_err get_flag(struct jv obj, const char *name, bool *out,
                               struct record_error *why)
{
    const char *s = NULL;
    size_t len = 0;
    enum chiso_err rc = get_string(obj, name, name, &s, &len, why);
    if (rc != CHISO_OK || s == NULL)
        return rc;
    if (len != 1 || (s[0] != '0' && s[0] != '1'))
        return refuse(why, name, "must be the string \"0\" or \"1\"");
    *out = s[0] == '1';
    return CHISO_OK;
}

/* An optional stamp; *out stays RECORD_NO_TIME when absent. */
static enum chiso_err get_stamp(struct jv obj, const char *name,
                                const char *path, int64_t *out,
                                struct record_error *why)
{
    const char *s = NULL;
    size_t len = 0;
    enum chiso_err rc = get_string(obj, name, path, &s, &len, why);
    if (rc != CHISO_OK || s == NULL)
        return rc;
    if (!vt_parse_stamp(s, len, out))
        return refuse(why, path, "not a date: expected yyyyMMddHHmmss naming "
                                 "a real moment");
    return CHISO_OK;
}

/* An optional array of at most CHISO_MAX_ARRAY_ITEMS elements; out->i is
 * JT_NONE when absent. */
static enum chiso_err get_array(struct jv obj, const char *name,
                                struct jv *out, struct record_error *why)
{
    *out = member(obj, name);
    if (out->i == JT_NONE)
        return CHISO_OK;
    if (!is(*out, JT_ARRAY))
        return refuse(why, name, "must be an array");
    if (out->t->nodes[out->i].count > CHISO_MAX_ARRAY_ITEMS)
        return refuse(why, name, "more than %u elements",
                      CHISO_MAX_ARRAY_ITEMS);
    return CHISO_OK;
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

static enum chiso_err parse_fees(struct jv obj, struct record *rec,
                                 struct record_error *why)
{
    struct jv arr;
    enum chiso_err rc = get_array(obj, F(DanhSachLePhi), &arr, why);
    size_t i = 0;
    for (uint32_t k = arr.i == JT_NONE ? JT_NONE : jt_first(arr.t, arr.i);
         rc == CHISO_OK && k != JT_NONE; k = jt_next(arr.t, arr.i, k), i++) {
        struct jv e = {arr.t, k, NULL};
        if (!is(e, JT_OBJECT))
            continue;
        const char *code = NULL;
        size_t len = 0;
        int64_t gia = 0;
        rc = get_string(e, "MaPhiLePhi",
                        "MaPhiLePhi",
                        &code, &len, why);
        if (rc == CHISO_OK)
            rc = get_int(e, "Gia",
                         "Gia",
                         0, CHISO_MAX_FEE_VND, &gia, why);
        rc = in_elem(rc, why, "DanhSachLePhi", i);
        rec->fee += gia;
    }
    return rc;
}

static enum chiso_err parse_ids(const struct unit_registry *units,
                                struct jv obj, struct record *rec,
                                struct record_error *why)
{
    struct jv arr;
    enum chiso_err rc = get_array(obj, F(DinhDanhCHS), &arr, why);
    size_t i = 0;
    for (uint32_t k = arr.i == JT_NONE ? JT_NONE : jt_first(arr.t, arr.i);
         rc == CHISO_OK && k != JT_NONE; k = jt_next(arr.t, arr.i, k), i++) {
        struct jv e = {arr.t, k, NULL};
        if (!is(e, JT_OBJECT))
            continue;
        int64_t kind = 0;
        const char *id = NULL;
        size_t len = 0;
        rc = get_int(e, "LoaiDinhDanh",
                     "LoaiDinhDanh",
                     1, 2, &kind, why);
        if (rc == CHISO_OK)
            rc = get_string(e, "SoDinhDanh",
                            "SoDinhDanh",
                            &id, &len, why);
        rc = in_elem(rc, why, "DinhDanhCHS", i);
        if (rc == CHISO_OK && kind == 1 && id != NULL &&
            valid_personal_id(units, id, len))
            rec->personal_id = true;
    }
    return rc;
}

static enum chiso_err parse_results(struct jv obj, struct record *rec,
                                    struct record_error *why)
{
    struct jv arr;
    enum chiso_err rc = get_array(obj, F(DanhSachGiayToKetQua), &arr, why);
    size_t i = 0;
    for (uint32_t k = arr.i == JT_NONE ? JT_NONE : jt_first(arr.t, arr.i);
         rc == CHISO_OK && k != JT_NONE; k = jt_next(arr.t, arr.i, k), i++) {
        struct jv e = {arr.t, k, NULL};
        if (!is(e, JT_OBJECT))
            continue;
        const char *s = NULL;
        size_t len = 0;
        rc = get_string(e, "MaGiayToKetQua",
                        "MaGiayToKetQua",
                        &s, &len, why);
        s = NULL;
        len = 0;
        if (rc == CHISO_OK)
            rc = get_string(e, "DuongDanTepTinKetQua",
                            "DuongDanTepTinKetQua",
                            &s, &len, why);
        rc = in_elem(rc, why, "DanhSachGiayToKetQua", i);
        if (rc == CHISO_OK && s != NULL && len > 0)
            rec->e_result = true;
    }
    return rc;
}

static enum chiso_err parse_supplements(struct jv obj, struct record *rec,
                                        struct record_error *why)
{
    struct jv arr;
    enum chiso_err rc = get_array(obj, F(DanhSachHoSoBoSung), &arr, why);
    rec->supplements = 0;
    size_t i = 0;
    for (uint32_t k = arr.i == JT_NONE ? JT_NONE : jt_first(arr.t, arr.i);
         rc == CHISO_OK && k != JT_NONE; k = jt_next(arr.t, arr.i, k), i++) {
        struct jv e = {arr.t, k, NULL};
        if (!is(e, JT_OBJECT))
            continue; /* SPEC §4.1: not a round */
        rec->supplements++;
        int64_t asked = RECORD_NO_TIME, given = RECORD_NO_TIME;
        rc = get_stamp(e, "NgayYeuCau",
                       "NgayYeuCau",
                       &asked, why);
        if (rc == CHISO_OK)
            rc = get_stamp(e, "NgayBoSung",
                           "NgayBoSung",
                           &given, why);
        rc = in_elem(rc, why, "DanhSachHoSoBoSung", i);
        if (rc == CHISO_OK && asked != RECORD_NO_TIME &&
            given != RECORD_NO_TIME)
            rec->supplement_seconds += given - asked;
    }
    return rc;
}

static enum chiso_err parse_object(const struct unit_registry *units,
                                   struct jv obj, struct record *rec,
                                   struct record_error *why)
{
    const char *s;
    size_t len;
    enum chiso_err rc = get_code(obj, F(MaHoSo), &s, &len, why);
    if (rc != CHISO_OK)
        return rc;
    memcpy(rec->key, s, len);
    rec->key[len] = '\0';
    rec->key_len = len;

    rc = get_code(obj, F(MaDonVi), &s, &len, why);
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
    rc = get_code(obj, F(MaTTHC), &s, &len, why);
    if (rc != CHISO_OK)
        return rc;

    int64_t status = 0, channel = 0, level = 0, payment = -1;
    rc = get_int(obj, F(TrangThaiHoSo), "TrangThaiHoSo", 1, 10, &status, why);
    if (rc == CHISO_OK)
        rc = get_int(obj, F(KenhThucHien), "KenhThucHien", 1, 3, &channel, why);
    if (rc == CHISO_OK)
        rc = get_int(obj, F(MucDo), "MucDo", 2, 4, &level, why);
    if (rc == CHISO_OK)
        rc = get_int(obj, F(DuocThanhToanTrucTuyen), "DuocThanhToanTrucTuyen", 0,
                     3, &payment, why);
    if (rc == CHISO_OK)
        rc = get_flag(obj, F(HoSoCoThanhPhanSoHoa), &rec->digitised, why);
    if (rc == CHISO_OK)
        rc = get_flag(obj, F(TaiKhoanDuocXacThucVoiVNeID), &rec->vneid, why);
    if (rc != CHISO_OK)
        return rc;
    rec->status = (int)status;
    rec->channel = (int)channel;
    rec->level = (int)level;
    rec->payment = (int)payment;

    for (int i = 0; i < RECORD__STAMP_COUNT; i++) {
        rec->at[i] = RECORD_NO_TIME;
        rc = get_stamp(obj, stamp_fields[i], stamp_fields[i], &rec->at[i], why);
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

    rc = parse_fees(obj, rec, why);
    if (rc == CHISO_OK)
        rc = parse_ids(units, obj, rec, why);
    if (rc == CHISO_OK)
        rc = parse_results(obj, rec, why);
    if (rc == CHISO_OK)
        rc = parse_supplements(obj, rec, why);
    return rc;
}

/* Finds the value node of every root field in one pass over the members
 * (keys are unique: the parser refuses repeats). */
static void index_root(const struct jtape *t, uint32_t index[RF__COUNT])
{
    pthread_once(&tables_once, build_tables);
    for (int f = 0; f < RF__COUNT; f++)
        index[f] = JT_NONE;
    for (uint32_t k = jt_first(t, 0); k != JT_NONE; k = jt_next(t, 0, k)) {
        const struct jt_node *key = &t->nodes[k];
        if (key->len >= MAX_ROOT_LEN)
            continue;
        const char *name = jt_bytes(t, k);
        for (const signed char *f = by_len[key->len]; *f >= 0; f++)
            if (name[0] == root_text[root_off[*f]] &&
                memcmp(name, root_text + root_off[*f], key->len) == 0) {
                index[*f] = k + 1;
                break;
            }
    }
}

enum chiso_err record_parse(const struct unit_registry *units, const char *line,
                            size_t len, struct record *rec,
                            struct record_error *why)
{
    if (len > CHISO_MAX_LINE_BYTES)
        return refuse(why, "", "line longer than %u bytes",
                      CHISO_MAX_LINE_BYTES);
    size_t column;
    char jerr[96];
    if (jtape_parse(thread_tape(), line, len, &column, jerr, sizeof jerr) !=
        CHISO_OK)
        return refuse(why, "", "not valid JSON at column %zu: %s", column, jerr);
    struct record r = {.payment = -1};
    uint32_t index[RF__COUNT];
    struct jv root = {&tape, 0, index};
    if (is(root, JT_OBJECT))
        index_root(&tape, index);
    enum chiso_err rc = is(root, JT_OBJECT)
                            ? parse_object(units, root, &r, why)
                            : refuse(why, "", "a record must be a JSON object");
    if (rc == CHISO_OK)
        *rec = r;
    return rc;
}

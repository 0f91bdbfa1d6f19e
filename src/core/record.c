/*
 * record.c — validating one dossier record with jansson.
 *
 * jansson gives strict RFC 8259 parsing (it refuses NaN, trailing commas and
 * invalid UTF-8) and, with JSON_REJECT_DUPLICATES, repeated keys. The rules of
 * SPEC §4.1 are applied here, field by field, in a fixed order so that a
 * record breaking several rules is always refused for the same one.
 */
#include "core/record.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/unit.h"
#include "core/vtime.h"

/* Stamp field names, in enum record_stamp order. */
static const char *const stamp_fields[RECORD__STAMP_COUNT] = {
    "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy",
    "NgayTra",     "NgayTuChoi",   "NgayCapNhat",
};

/*
 * jansson allocates every node, key and string of a line separately, and
 * frees them all when the line is done: measured on the demo file, malloc and
 * free were a quarter of load time. A per-thread bump arena, emptied after
 * each line, serves those allocations; a header word tells free() whether a
 * block came from the arena or, when the arena is full, from the heap.
 *
 * Allocation here must not fail: jansson 2.14 does not survive a failed
 * allocation (its lexer drops the byte it could not save and goes on, which
 * can change a key or overrun a buffer; upstream issue #362). The memory is
 * bounded by the line limit (CHISO_MAX_LINE_BYTES), so the heap fallback uses
 * the aborting allocator.
 */
#define ARENA_BYTES (512u << 10)
#define HDR 16u /* keeps 16-byte alignment */

static _Thread_local struct {
    char *base;
    size_t used;
    bool active; /* inside record_parse */
} arena;

static void *json_alloc(size_t size)
{
    size_t need = (size + HDR + 15) & ~(size_t)15;
    char *p;
    if (arena.active && arena.base && ARENA_BYTES - arena.used >= need) {
        p = arena.base + arena.used;
        arena.used += need;
        *(size_t *)p = 1;
    } else {
        p = xmalloc(size + HDR);
        *(size_t *)p = 0;
    }
    return p + HDR;
}

static void json_free(void *ptr)
{
    if (ptr == NULL)
        return;
    char *p = (char *)ptr - HDR;
    if (*(size_t *)p == 0)
        free(p);
}

void record_init(void)
{
    json_set_alloc_funcs(json_alloc, json_free);
}

void record_thread_done(void)
{
    free(arena.base);
    arena.base = NULL;
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
static json_t *member(const json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

/* An optional integer in [lo, hi]; *out keeps its value when absent. */
static enum chiso_err get_int(const json_t *obj, const char *name,
                              const char *path, json_int_t lo, json_int_t hi,
                              json_int_t *out, struct record_error *why)
{
    json_t *v = member(obj, name);
    if (v == NULL)
        return CHISO_OK;
    if (!json_is_integer(v) || json_integer_value(v) < lo ||
        json_integer_value(v) > hi)
        return refuse(why, path, "must be an integer from %lld to %lld",
                      (long long)lo, (long long)hi);
    *out = json_integer_value(v);
    return CHISO_OK;
}

/* An optional string; *s stays NULL when absent. Codes may not hold NUL
 * bytes (JSON allows \u0000; no code does). */
static enum chiso_err get_string(const json_t *obj, const char *name,
                                 const char *path, const char **s, size_t *len,
                                 struct record_error *why)
{
    json_t *v = member(obj, name);
    if (v == NULL)
        return CHISO_OK;
    if (!json_is_string(v))
        return refuse(why, path, "must be a string");
    size_t n = json_string_length(v);
    const char *text = json_string_value(v);
    if (memchr(text, '\0', n) != NULL)
        return refuse(why, path, "must not contain NUL characters");
    *s = text;
    *len = n;
    return CHISO_OK;
}

/* A required, non-empty code of at most CHISO_MAX_CODE_BYTES bytes. */
static enum chiso_err get_code(const json_t *obj, const char *name,
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
static enum chiso_err get_flag(const json_t *obj, const char *name, bool *out,
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
static enum chiso_err get_stamp(const json_t *obj, const char *name,
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

/* An optional array of at most CHISO_MAX_ARRAY_ITEMS elements; NULL when
 * absent. */
static enum chiso_err get_array(const json_t *obj, const char *name,
                                json_t **out, struct record_error *why)
{
    *out = member(obj, name);
    if (*out == NULL)
        return CHISO_OK;
    if (!json_is_array(*out))
        return refuse(why, name, "must be an array");
    if (json_array_size(*out) > CHISO_MAX_ARRAY_ITEMS)
        return refuse(why, name, "more than %u elements",
                      CHISO_MAX_ARRAY_ITEMS);
    return CHISO_OK;
}

/* The path of an element's member, "DanhSachLePhi[2].Gia". */
static const char *elem_path(char *buf, size_t size, const char *array,
                             size_t i, const char *name)
{
    snprintf(buf, size, "%s[%zu].%s", array, i, name);
    return buf;
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

static enum chiso_err parse_fees(const json_t *obj, struct record *rec,
                                 struct record_error *why)
{
    json_t *arr;
    enum chiso_err rc = get_array(obj, "DanhSachLePhi", &arr, why);
    char path[64];
    for (size_t i = 0; rc == CHISO_OK && arr && i < json_array_size(arr); i++) {
        json_t *e = json_array_get(arr, i);
        if (!json_is_object(e))
            continue;
        const char *code = NULL;
        size_t len = 0;
        json_int_t gia = 0;
        rc = get_string(e, "MaPhiLePhi",
                        elem_path(path, sizeof path, "DanhSachLePhi", i,
                                  "MaPhiLePhi"),
                        &code, &len, why);
        if (rc == CHISO_OK)
            rc = get_int(e, "Gia",
                         elem_path(path, sizeof path, "DanhSachLePhi", i, "Gia"),
                         0, CHISO_MAX_FEE_VND, &gia, why);
        rec->fee += gia;
    }
    return rc;
}

static enum chiso_err parse_ids(const struct unit_registry *units,
                                const json_t *obj, struct record *rec,
                                struct record_error *why)
{
    json_t *arr;
    enum chiso_err rc = get_array(obj, "DinhDanhCHS", &arr, why);
    char path[64];
    for (size_t i = 0; rc == CHISO_OK && arr && i < json_array_size(arr); i++) {
        json_t *e = json_array_get(arr, i);
        if (!json_is_object(e))
            continue;
        json_int_t kind = 0;
        const char *id = NULL;
        size_t len = 0;
        rc = get_int(e, "LoaiDinhDanh",
                     elem_path(path, sizeof path, "DinhDanhCHS", i,
                               "LoaiDinhDanh"),
                     1, 2, &kind, why);
        if (rc == CHISO_OK)
            rc = get_string(e, "SoDinhDanh",
                            elem_path(path, sizeof path, "DinhDanhCHS", i,
                                      "SoDinhDanh"),
                            &id, &len, why);
        if (rc == CHISO_OK && kind == 1 && id != NULL &&
            valid_personal_id(units, id, len))
            rec->personal_id = true;
    }
    return rc;
}

static enum chiso_err parse_results(const json_t *obj, struct record *rec,
                                    struct record_error *why)
{
    json_t *arr;
    enum chiso_err rc = get_array(obj, "DanhSachGiayToKetQua", &arr, why);
    char path[80];
    for (size_t i = 0; rc == CHISO_OK && arr && i < json_array_size(arr); i++) {
        json_t *e = json_array_get(arr, i);
        if (!json_is_object(e))
            continue;
        const char *s = NULL;
        size_t len = 0;
        rc = get_string(e, "MaGiayToKetQua",
                        elem_path(path, sizeof path, "DanhSachGiayToKetQua", i,
                                  "MaGiayToKetQua"),
                        &s, &len, why);
        s = NULL;
        len = 0;
        if (rc == CHISO_OK)
            rc = get_string(e, "DuongDanTepTinKetQua",
                            elem_path(path, sizeof path, "DanhSachGiayToKetQua",
                                      i, "DuongDanTepTinKetQua"),
                            &s, &len, why);
        if (rc == CHISO_OK && s != NULL && len > 0)
            rec->e_result = true;
    }
    return rc;
}

static enum chiso_err parse_supplements(const json_t *obj, struct record *rec,
                                        struct record_error *why)
{
    json_t *arr;
    enum chiso_err rc = get_array(obj, "DanhSachHoSoBoSung", &arr, why);
    char path[80];
    rec->supplements = 0;
    for (size_t i = 0; rc == CHISO_OK && arr && i < json_array_size(arr); i++) {
        json_t *e = json_array_get(arr, i);
        if (!json_is_object(e))
            continue; /* SPEC §4.1: not a round */
        rec->supplements++;
        int64_t asked = RECORD_NO_TIME, given = RECORD_NO_TIME;
        rc = get_stamp(e, "NgayYeuCau",
                       elem_path(path, sizeof path, "DanhSachHoSoBoSung", i,
                                 "NgayYeuCau"),
                       &asked, why);
        if (rc == CHISO_OK)
            rc = get_stamp(e, "NgayBoSung",
                           elem_path(path, sizeof path, "DanhSachHoSoBoSung", i,
                                     "NgayBoSung"),
                           &given, why);
        if (rc == CHISO_OK && asked != RECORD_NO_TIME &&
            given != RECORD_NO_TIME)
            rec->supplement_seconds += given - asked;
    }
    return rc;
}

static enum chiso_err parse_object(const struct unit_registry *units,
                                   const json_t *obj, struct record *rec,
                                   struct record_error *why)
{
    const char *s;
    size_t len;
    enum chiso_err rc = get_code(obj, "MaHoSo", &s, &len, why);
    if (rc != CHISO_OK)
        return rc;
    memcpy(rec->key, s, len);
    rec->key[len] = '\0';
    rec->key_len = len;

    rc = get_code(obj, "MaDonVi", &s, &len, why);
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
    rc = get_code(obj, "MaTTHC", &s, &len, why);
    if (rc != CHISO_OK)
        return rc;

    json_int_t status = 0, channel = 0, level = 0, payment = -1;
    rc = get_int(obj, "TrangThaiHoSo", "TrangThaiHoSo", 1, 10, &status, why);
    if (rc == CHISO_OK)
        rc = get_int(obj, "KenhThucHien", "KenhThucHien", 1, 3, &channel, why);
    if (rc == CHISO_OK)
        rc = get_int(obj, "MucDo", "MucDo", 2, 4, &level, why);
    if (rc == CHISO_OK)
        rc = get_int(obj, "DuocThanhToanTrucTuyen", "DuocThanhToanTrucTuyen", 0,
                     3, &payment, why);
    if (rc == CHISO_OK)
        rc = get_flag(obj, "HoSoCoThanhPhanSoHoa", &rec->digitised, why);
    if (rc == CHISO_OK)
        rc = get_flag(obj, "TaiKhoanDuocXacThucVoiVNeID", &rec->vneid, why);
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

enum chiso_err record_parse(const struct unit_registry *units, const char *line,
                            size_t len, struct record *rec,
                            struct record_error *why)
{
    if (len > CHISO_MAX_LINE_BYTES)
        return refuse(why, "", "line longer than %u bytes",
                      CHISO_MAX_LINE_BYTES);
    if (arena.base == NULL)
        arena.base = xmalloc(ARENA_BYTES);
    arena.used = 0;
    arena.active = true;
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
                              &jerr);
    if (root == NULL) {
        arena.active = false;
        return refuse(why, "", "not valid JSON at column %d: %s", jerr.column,
                      jerr.text);
    }
    struct record r = {.payment = -1};
    enum chiso_err rc = json_is_object(root)
                            ? parse_object(units, root, &r, why)
                            : refuse(why, "", "a record must be a JSON object");
    json_decref(root);
    arena.active = false;
    if (rc == CHISO_OK)
        *rec = r;
    return rc;
}

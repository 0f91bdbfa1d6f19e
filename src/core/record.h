/*
 * record.h — one dossier record (SPEC §4), parsed and validated.
 *
 * record_parse() turns one NDJSON line into the few facts chiso needs, or
 * refuses it naming the field and the reason. It applies every rule of SPEC
 * §4.1: strict JSON (no duplicate keys, valid UTF-8), null as absent, strict
 * integer ranges, exact 14-digit stamps, NgayTiepNhan required from status 2,
 * NgayKetThucXuLy not before NgayTiepNhan, unit codes resolved through the
 * lineage. It reads no clock and does no I/O.
 */
#ifndef CHISO_RECORD_H
#define CHISO_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/limits.h"

struct unit_registry;

/* A missing stamp. */
#define RECORD_NO_TIME INT64_MIN

enum record_stamp {
    RECORD_SUBMITTED,    /* NgayNopHoSo */
    RECORD_RECEIVED,     /* NgayTiepNhan */
    RECORD_DUE,          /* NgayHenTra */
    RECORD_FINISHED,     /* NgayKetThucXuLy */
    RECORD_RETURNED,     /* NgayTra */
    RECORD_REFUSED_AT,   /* NgayTuChoi */
    RECORD_UPDATED,      /* NgayCapNhat */
    RECORD__STAMP_COUNT
};

struct record {
    char key[CHISO_MAX_CODE_BYTES + 1]; /* MaHoSo */
    size_t key_len;
    uint32_t unit;     /* resolved MaDonVi */
    bool via_lineage;  /* MaDonVi was a pre-2025 code */
    int status;        /* TrangThaiHoSo 1..10; 0 absent */
    int channel;       /* KenhThucHien 1..3; 0 absent */
    int level;         /* MucDo 2..4; 0 absent */
    int payment;       /* DuocThanhToanTrucTuyen 0..3; -1 absent */
    bool digitised;    /* HoSoCoThanhPhanSoHoa == "1" */
    bool vneid;        /* TaiKhoanDuocXacThucVoiVNeID == "1" */
    bool personal_id;  /* some valid 12-digit personal ID */
    bool e_result;     /* some result with a file path */
    int64_t at[RECORD__STAMP_COUNT]; /* moments, or RECORD_NO_TIME */
    int64_t fee;       /* sum of Gia */
    uint32_t supplements;       /* rounds in DanhSachHoSoBoSung */
    int64_t supplement_seconds; /* over rounds with both dates */
};

/* Why a record was refused: the field (JSON path, "" for the whole line) and
 * a reason for people. */
struct record_error {
    char field[96];
    char reason[160];
};

/*
 * Parses one line (len bytes, no newline). Returns CHISO_OK with *rec set;
 * CHISO_ERECORD with *why set when the record breaks the contract (not JSON,
 * a rule of §4.1). Memory is bounded by the line limit; exhaustion aborts.
 * units must be finished. Thread-safe for distinct rec/why.
 */
enum chiso_err record_parse(const struct unit_registry *units, const char *line,
                            size_t len, struct record *rec,
                            struct record_error *why);

/* For tests and fuzzing, the two paths of record_parse on their own:
 * record_scan reads the common shape of a record in one pass and returns
 * false for any line it does not take (it never refuses); a line it takes
 * must give the same record through record_parse_tape, the full JSON
 * parser, which takes every line and names every refusal. */
bool record_scan(const struct unit_registry *units, const char *line,
                 size_t len, struct record *rec);
enum chiso_err record_parse_tape(const struct unit_registry *units,
                                 const char *line, size_t len,
                                 struct record *rec, struct record_error *why);

/* Whether two records hold the same values, field by field (the key's
 * key_len bytes; padding and bytes past the key are not compared). */
bool record_equal(const struct record *a, const struct record *b);

/* Frees the calling thread's parse arena (each thread that parsed records
 * calls it before it ends; harmless if it parsed none). */
void record_thread_done(void);

#endif

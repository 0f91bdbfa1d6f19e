/*
 * fuzz_record.c — record_parse() over one NDJSON line (SPEC §4).
 *
 * The input is the line, as the ingest hands it over (no newline). It is
 * parsed by record_parse, then twice by the tape path alone — the second
 * time on a tape reused from the first — and all must agree (the
 * per-thread tape must carry nothing over); a line the one-pass scanner
 * takes must be taken by the tape path with the same record. A record
 * that parses must satisfy every rule record.h promises; its fact must be
 * derivable and must win against itself (a tie goes to the later arrival).
 * The JSON layer itself is held to jansson by fuzz_jtape.c.
 */
#include <sodium.h>
#include <string.h>

#include "core/fact.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/record.h"
#include "core/unit.h"
#include "fuzz.h"

static struct unit_registry *units;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (sodium_init() < 0)
        abort();
    char detail[CHISO_DETAIL_BYTES];
    if (units_load_default(&units, detail, sizeof detail) != CHISO_OK) {
        fprintf(stderr, "fuzz_record: %s\n", detail);
        abort();
    }
    return 0;
}

static void check_record(const struct record *rec)
{
    FUZZ_CHECK(rec->key_len > 0 && rec->key_len <= CHISO_MAX_CODE_BYTES);
    FUZZ_CHECK(rec->key[rec->key_len] == '\0');
    FUZZ_CHECK(memchr(rec->key, '\0', rec->key_len) == NULL);
    FUZZ_CHECK(rec->unit != UNIT_NONE && rec->unit < units_count(units));
    FUZZ_CHECK(rec->status >= 0 && rec->status <= 10);
    FUZZ_CHECK(rec->channel >= 0 && rec->channel <= 3);
    FUZZ_CHECK(rec->level == 0 || (rec->level >= 2 && rec->level <= 4));
    FUZZ_CHECK(rec->payment >= -1 && rec->payment <= 3);
    FUZZ_CHECK(rec->fee >= 0 &&
               rec->fee <= (int64_t)CHISO_MAX_ARRAY_ITEMS * CHISO_MAX_FEE_VND);
    FUZZ_CHECK(rec->supplements <= CHISO_MAX_ARRAY_ITEMS);
    if (rec->status >= 2)
        FUZZ_CHECK(rec->at[RECORD_RECEIVED] != RECORD_NO_TIME);
    if (rec->at[RECORD_FINISHED] != RECORD_NO_TIME &&
        rec->at[RECORD_RECEIVED] != RECORD_NO_TIME)
        FUZZ_CHECK(rec->at[RECORD_FINISHED] >= rec->at[RECORD_RECEIVED]);
    /* Stamps lie in years 0000–9999. */
    for (int i = 0; i < RECORD__STAMP_COUNT; i++)
        FUZZ_CHECK(rec->at[i] == RECORD_NO_TIME ||
                   (rec->at[i] >= -62167219200LL &&
                    rec->at[i] < 253402300800LL));
    /* A pre-2025 code names a province, never the root. */
    if (rec->via_lineage)
        FUZZ_CHECK(rec->unit != UNIT_ROOT);
}

static void check_fact(const struct record *rec)
{
    struct fact f;
    fact_derive(rec, 1751331600 /* 2025-07-01T01:00:00Z */, &f);
    FUZZ_CHECK(f.unit == rec->unit);
    FUZZ_CHECK(fact_wins(&f, &f));
    FUZZ_CHECK(fact_same_contribution(&f, &f));
    FUZZ_CHECK((rec->at[RECORD_UPDATED] == RECORD_NO_TIME) ==
               (f.version == 0));
    FUZZ_CHECK(f.version >= 0);
    if (rec->status == 0)
        FUZZ_CHECK(f.flags == 0);
    if (f.flags & FACT_BIT(MEASURE_COMPLETED_ON_TIME))
        FUZZ_CHECK(f.flags & FACT_BIT(MEASURE_COMPLETED));
    if (f.flags & FACT_BIT(MEASURE_PAID_ONLINE))
        FUZZ_CHECK(f.flags & FACT_BIT(MEASURE_FEE_BEARING));
    if (f.flags & FACT_BIT(MEASURE_OPEN_OVERDUE))
        FUZZ_CHECK(f.flags & FACT_BIT(MEASURE_OPEN));
    for (int m = 0; m < MEASURE__COUNT; m++)
        if (f.flags & FACT_BIT(m)) {
            (void)fact_day(&f, (enum measure)m);
            (void)fact_amount(&f, (enum measure)m);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line = (const char *)data;
    struct record rec;
    struct record_error why;
    memset(&rec, 0, sizeof rec);
    memset(&why, 0, sizeof why);
    enum chiso_err rc = record_parse(units, line, size, &rec, &why);
    FUZZ_CHECK(rc == CHISO_OK || rc == CHISO_ERECORD);
    if (rc == CHISO_OK) {
        check_record(&rec);
        check_fact(&rec);
    } else {
        FUZZ_CHECK(memchr(why.field, '\0', sizeof why.field) != NULL);
        FUZZ_CHECK(memchr(why.reason, '\0', sizeof why.reason) != NULL);
        FUZZ_CHECK(why.reason[0] != '\0');
    }

    /* The tape path alone (the first parse may have taken the scanner's),
     * twice: the second on the tape the first left behind. Both must give
     * record_parse's answer. */
    for (int pass = 0; pass < 2; pass++) {
        struct record again;
        struct record_error again_why;
        enum chiso_err again_rc =
            record_parse_tape(units, line, size, &again, &again_why);
        FUZZ_CHECK(again_rc == rc);
        if (rc == CHISO_OK)
            FUZZ_CHECK(record_equal(&again, &rec));
        else
            FUZZ_CHECK(strcmp(again_why.field, why.field) == 0 &&
                       strcmp(again_why.reason, why.reason) == 0);
    }

    /* The scanner never takes a line the tape refuses, nor reads one it
     * takes otherwise. */
    struct record scanned;
    if (record_scan(units, line, size, &scanned)) {
        FUZZ_CHECK(rc == CHISO_OK);
        FUZZ_CHECK(record_equal(&scanned, &rec));
    }

    return 0;
}

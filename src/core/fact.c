/*
 * fact.c — SPEC §5 measure rules, applied to one record.
 *
 * The rules, in the words of the spec: "received" is status in
 * {2,4,5,6,7,8,9,10}; every measure dated by NgayTiepNhan counts received
 * dossiers only; completed needs status 9 or 10 and NgayKetThucXuLy; on time
 * needs NgayHenTra, finish <= due, and at most one supplement round; refused
 * is status 3 or 8 dated by NgayTuChoi, else NgayTiepNhan; open is status
 * 2, 4, 5 or 6, overdue once past NgayHenTra.
 */
#include "core/fact.h"

#include "core/record.h"
#include "core/vtime.h"

/* Moment of 0000-01-01T00:00:00: stamps are shifted above it to be > 0. */
#define MIN_MOMENT (-62167219200LL)

enum basis { ON_RECEIVED, ON_END };

static const enum basis basis_of[MEASURE__COUNT] = {
    [MEASURE_COMPLETED] = ON_END,       [MEASURE_COMPLETED_ON_TIME] = ON_END,
    [MEASURE_E_RESULT] = ON_END,        [MEASURE_PROCESSING_SECONDS] = ON_END,
    [MEASURE_REFUSED] = ON_END,         [MEASURE_OPEN_OVERDUE] = ON_END,
    /* every other measure is dated by NgayTiepNhan (ON_RECEIVED == 0) */
};

static bool status_in(int status, unsigned mask)
{
    return status > 0 && (mask >> status & 1u);
}

#define S(n) (1u << (n))
#define RECEIVED_SET (S(2) | S(4) | S(5) | S(6) | S(7) | S(8) | S(9) | S(10))
#define OPEN_SET (S(2) | S(4) | S(5) | S(6))

void fact_derive(const struct record *rec, int64_t first_seen,
                 struct fact *out)
{
    const int64_t *at = rec->at;
    struct fact f = {
        .unit = rec->unit,
        .first_seen = first_seen,
        .fee = rec->fee,
    };
    if (at[RECORD_UPDATED] != RECORD_NO_TIME)
        f.version = at[RECORD_UPDATED] - MIN_MOMENT + 1;
    uint32_t b = 0;
    bool received = status_in(rec->status, RECEIVED_SET);
    if (at[RECORD_RECEIVED] != RECORD_NO_TIME)
        f.recv_day = vt_day_of(at[RECORD_RECEIVED]);
    if (received) {
        bool paid = rec->payment == 1 || rec->payment == 2;
        b |= FACT_BIT(MEASURE_RECEIVED) | FACT_BIT(MEASURE_FEE_VND);
        if (rec->channel == 2)
            b |= FACT_BIT(MEASURE_RECEIVED_ONLINE);
        if (rec->channel == 3)
            b |= FACT_BIT(MEASURE_RECEIVED_POSTAL);
        if (rec->level == 4)
            b |= FACT_BIT(MEASURE_ELIGIBLE_FULL);
        if (rec->level == 4 && rec->channel == 2)
            b |= FACT_BIT(MEASURE_FULL_ONLINE);
        if (rec->personal_id)
            b |= FACT_BIT(MEASURE_WITH_PERSONAL_ID);
        if (rec->vneid)
            b |= FACT_BIT(MEASURE_VNEID);
        if (rec->digitised)
            b |= FACT_BIT(MEASURE_DIGITISED);
        if (rec->fee > 0)
            b |= FACT_BIT(MEASURE_FEE_BEARING);
        if (rec->fee > 0 && paid)
            b |= FACT_BIT(MEASURE_PAID_ONLINE);
        if (paid)
            b |= FACT_BIT(MEASURE_FEE_ONLINE_VND);
        if (first_seen <= fact_sync_deadline(rec))
            b |= FACT_BIT(MEASURE_SYNCED_ON_TIME);
        if (rec->status == 7)
            b |= FACT_BIT(MEASURE_WITHDRAWN);
    }
    if (status_in(rec->status, S(9) | S(10)) &&
        at[RECORD_FINISHED] != RECORD_NO_TIME) {
        f.end_day = vt_day_of(at[RECORD_FINISHED]);
        f.proc = at[RECORD_FINISHED] - at[RECORD_RECEIVED] -
                 rec->supplement_seconds;
        b |= FACT_BIT(MEASURE_COMPLETED) | FACT_BIT(MEASURE_PROCESSING_SECONDS);
        if (at[RECORD_DUE] != RECORD_NO_TIME &&
            at[RECORD_FINISHED] <= at[RECORD_DUE] && rec->supplements <= 1)
            b |= FACT_BIT(MEASURE_COMPLETED_ON_TIME);
        if (rec->e_result)
            b |= FACT_BIT(MEASURE_E_RESULT);
    }
    if (status_in(rec->status, S(3) | S(8))) {
        int64_t when = at[RECORD_REFUSED_AT] != RECORD_NO_TIME
                           ? at[RECORD_REFUSED_AT]
                           : at[RECORD_RECEIVED];
        f.end_day = vt_day_of(when);
        b |= FACT_BIT(MEASURE_REFUSED);
    }
    if (status_in(rec->status, OPEN_SET)) {
        b |= FACT_BIT(MEASURE_OPEN);
        if (at[RECORD_DUE] != RECORD_NO_TIME) {
            /* Overdue as of the end of day D when received by D and due by
             * D: it enters the gauge on the later of the two days. */
            int32_t due = vt_day_of(at[RECORD_DUE]);
            f.end_day = due > f.recv_day ? due : f.recv_day;
            b |= FACT_BIT(MEASURE_OPEN_OVERDUE);
        }
    }
    if (!(b & FACT_BIT(MEASURE_COMPLETED)))
        f.proc = 0;
    f.flags = b;
    *out = f;
}

int64_t fact_sync_deadline(const struct record *rec)
{
    if (!status_in(rec->status, RECEIVED_SET))
        return INT64_MIN;
    return rec->at[RECORD_RECEIVED] - VT_UTC_OFFSET + 86400;
}

void fact_rebase(struct fact *f, int64_t first_seen, int64_t sync_by)
{
    f->first_seen = first_seen;
    if (first_seen <= sync_by)
        f->flags |= FACT_BIT(MEASURE_SYNCED_ON_TIME);
    else
        f->flags &= ~FACT_BIT(MEASURE_SYNCED_ON_TIME);
}

bool fact_wins(const struct fact *incoming, const struct fact *stored)
{
    return incoming->version >= stored->version;
}

int32_t fact_day(const struct fact *f, enum measure m)
{
    return basis_of[m] == ON_END ? f->end_day : f->recv_day;
}

int64_t fact_amount(const struct fact *f, enum measure m)
{
    switch (m) {
    case MEASURE_FEE_VND:
    case MEASURE_FEE_ONLINE_VND:
        return f->fee;
    case MEASURE_PROCESSING_SECONDS:
        return f->proc;
    default:
        return 1;
    }
}

bool fact_same_contribution(const struct fact *a, const struct fact *b)
{
    if (a->unit != b->unit || a->flags != b->flags)
        return false;
    for (int m = 0; m < MEASURE__COUNT; m++)
        if ((a->flags & FACT_BIT(m)) &&
            (fact_day(a, m) != fact_day(b, m) ||
             fact_amount(a, m) != fact_amount(b, m)))
            return false;
    return true;
}

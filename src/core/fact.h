/*
 * fact.h — what one dossier state contributes to the measures.
 *
 * A fact is a pure function of a dossier's latest valid record and of when
 * the dossier first reached chiso. It holds, per measure, whether the dossier
 * counts (a bit), on which day (the basis date: NgayTiepNhan, or the "end"
 * date — NgayKetThucXuLy, NgayTuChoi, or the day an open dossier turns
 * overdue) and how much (1, the fee, or the processing seconds). Retracting a
 * version is applying its fact with the opposite sign, so every value always
 * reflects the latest state of every dossier.
 */
#ifndef CHISO_FACT_H
#define CHISO_FACT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/measure.h"

struct record;

struct fact {
    uint32_t unit;
    uint32_t flags;     /* bit m set: counts in measure m */
    int32_t recv_day;   /* day of NgayTiepNhan */
    int32_t end_day;    /* completion, refusal or overdue-from day */
    int64_t version;    /* 0: no NgayCapNhat; else increases with it */
    int64_t first_seen; /* Unix seconds the dossier first arrived */
    int64_t fee;        /* sum of Gia, VND */
    int64_t proc;       /* processing seconds when completed */
};

#define FACT_BIT(m) (1u << (m))

/* Derives the fact of a record whose dossier first arrived at first_seen. */
void fact_derive(const struct record *rec, int64_t first_seen,
                 struct fact *out);

/* The latest first arrival (Unix seconds) at which rec's dossier still
 * counts as synced on time: a day after NgayTiepNhan when the record is of
 * a received dossier, else INT64_MIN. fact_derive(rec, t) sets
 * MEASURE_SYNCED_ON_TIME exactly when t <= fact_sync_deadline(rec). */
int64_t fact_sync_deadline(const struct record *rec);

/* Makes f, derived from a record whose deadline is sync_by, the fact it
 * would be had its dossier first arrived at first_seen: the one part of a
 * fact that depends on more than the record, so that records can be derived
 * in parallel before the dossier's first arrival is known. */
void fact_rebase(struct fact *f, int64_t first_seen, int64_t sync_by);

/* Whether a version with this fact replaces the stored one (SPEC §4.1: the
 * highest NgayCapNhat wins, unstamped ranks below stamped, a tie goes to the
 * later arrival — which the incoming one always is). */
bool fact_wins(const struct fact *incoming, const struct fact *stored);

/* The day a measure is counted on for this fact. */
int32_t fact_day(const struct fact *f, enum measure m);

/* The amount a measure gets from this fact when its bit is set. */
int64_t fact_amount(const struct fact *f, enum measure m);

/* Whether two facts contribute identically (same unit, bits, days, amounts). */
bool fact_same_contribution(const struct fact *a, const struct fact *b);

#endif

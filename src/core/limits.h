/*
 * limits.h — every hard limit on input-fed sizes, in one place.
 *
 * Anything whose size comes from outside (a line, a code, an array, a file,
 * an expression) is checked against one of these before memory is taken for
 * it. Each limit carries a line of rationale; raise one only with a reason.
 */
#ifndef CHISO_LIMITS_H
#define CHISO_LIMITS_H

/* One NDJSON line. Real dossier records are 0.5–3 KiB; 1 MiB leaves room for
 * long fee and result lists while bounding the parser's memory per line. */
#define CHISO_MAX_LINE_BYTES (1u << 20)

/* Codes (MaHoSo, MaDonVi, MaTTHC, fee and result codes). Portal codes are
 * under 64 bytes; 255 tolerates prefixes without letting keys bloat RAM. */
#define CHISO_MAX_CODE_BYTES 255u

/* Elements in any array of a record (fees, IDs, results, supplements). A
 * dossier with more than 1,000 fee lines or supplement rounds is a fault. */
#define CHISO_MAX_ARRAY_ITEMS 1000u

/* One fee line, in VND: 10^12 (a thousand billion) is far above any fee. */
#define CHISO_MAX_FEE_VND 1000000000000LL

/* Units in one registry. Vietnam has 3,373 (with the root); 2^20 allows any
 * future list and keeps a unit index in 20 bits of a packed dossier slot. */
#define CHISO_MAX_UNITS (1u << 20)

/* Depth of the unit tree (national → province → commune is 3). */
#define CHISO_MAX_UNIT_DEPTH 8u

/* Dossiers held in the live table: the design point is 10^8 a year; 2^31
 * keeps slot indexes in 32 bits. */
#define CHISO_MAX_DOSSIERS (1u << 31)

/* A CSV reference file (units, lineage): the commune list is 100 KiB. */
#define CHISO_MAX_CSV_BYTES (64u << 20)

/* Fields in one CSV row and bytes in one field. */
#define CHISO_MAX_CSV_FIELDS 64u
#define CHISO_MAX_CSV_FIELD_BYTES 4096u

/* The indicator catalogue file, its indicators, and one expression. */
#define CHISO_MAX_CATALOGUE_BYTES (4u << 20)
#define CHISO_MAX_INDICATORS 4096u
#define CHISO_MAX_EXPR_BYTES 4096u
/* Nesting of parentheses and operators: recursion depth of the parser. */
#define CHISO_MAX_EXPR_DEPTH 64u
/* Targets per indicator (dated, per scope). */
#define CHISO_MAX_TARGETS 64u

/* Lines applied and committed together by one ingest transaction: large
 * enough to amortise the fsync, small enough that the two chunks buffered
 * for the writer thread (~10 MB each of 600-byte records) and the undo log
 * stay small. */
#define CHISO_INGEST_CHUNK_LINES 16384u

/* The decompressed size of one stored block (a transaction's packed
 * versions): a chunk's is at most CHISO_INGEST_CHUNK_LINES x ~600 bytes,
 * ~10 MB. 1 GiB refuses a damaged frame header before allocating for it. */
#define CHISO_STORE_BLOCK_LIMIT (1u << 30)

/* Refusals kept in memory for one load's report (all are stored). */
#define CHISO_MAX_REPORTED_REFUSALS 1000u

/* A human-readable detail message ("line 17: field X: reason"). */
#define CHISO_DETAIL_BYTES 256u

/* A day range query: 100 years of days. */
#define CHISO_MAX_RANGE_DAYS 36600

#endif

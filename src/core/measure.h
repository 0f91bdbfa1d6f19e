/*
 * measure.h — the table of measures (SPEC §5).
 *
 * A measure is a count or sum derived from dossier states, per unit and per
 * day of its basis date. MEASURE_MAP lists them once; its order is the column
 * order of counters, of `chiso measures` output and of the store. The last two
 * entries are gauges ("as of" the end of a day) rather than period sums; the
 * aggregate keeps them as per-day increments and answers prefix sums.
 */
#ifndef CHISO_MEASURE_H
#define CHISO_MEASURE_H

#include <stdbool.h>
#include <stddef.h>

/* XX(CONST, name, Vietnamese label, English label) */
#define MEASURE_MAP(XX)                                                        \
    XX(RECEIVED, "received", "Hồ sơ tiếp nhận", "Dossiers received")           \
    XX(RECEIVED_ONLINE, "received_online", "Hồ sơ nộp trực tuyến",             \
       "Received online")                                                      \
    XX(RECEIVED_POSTAL, "received_postal", "Hồ sơ qua bưu chính công ích",     \
       "Received by public post")                                              \
    XX(ELIGIBLE_FULL, "eligible_full", "Hồ sơ của TTHC đủ điều kiện toàn trình", \
       "Of full-process eligible procedures")                                  \
    XX(FULL_ONLINE, "full_online", "Hồ sơ trực tuyến toàn trình",              \
       "Full-process online")                                                  \
    XX(WITH_PERSONAL_ID, "with_personal_id", "Hồ sơ gắn định danh cá nhân",    \
       "With a personal ID")                                                   \
    XX(VNEID, "vneid", "Hồ sơ xác thực VNeID", "Authenticated with VNeID")     \
    XX(DIGITISED, "digitised", "Hồ sơ có thành phần số hóa", "Digitised")      \
    XX(FEE_BEARING, "fee_bearing", "Hồ sơ có phí, lệ phí", "Fee-bearing")      \
    XX(PAID_ONLINE, "paid_online", "Hồ sơ thanh toán trực tuyến",              \
       "Paid online")                                                          \
    XX(FEE_VND, "fee_vnd", "Phí, lệ phí (đồng)", "Fees (VND)")                 \
    XX(FEE_ONLINE_VND, "fee_online_vnd", "Phí, lệ phí nộp trực tuyến (đồng)",  \
       "Fees paid online (VND)")                                               \
    XX(SYNCED_ON_TIME, "synced_on_time", "Hồ sơ đồng bộ kịp thời",             \
       "Synced within 24 h")                                                   \
    XX(COMPLETED, "completed", "Hồ sơ đã giải quyết", "Completed")             \
    XX(COMPLETED_ON_TIME, "completed_on_time", "Hồ sơ giải quyết đúng hạn",    \
       "Completed on time")                                                    \
    XX(E_RESULT, "e_result", "Hồ sơ có kết quả điện tử",                       \
       "With an electronic result")                                            \
    XX(PROCESSING_SECONDS, "processing_seconds", "Tổng thời gian xử lý (giây)", \
       "Processing time (s)")                                                  \
    XX(REFUSED, "refused", "Hồ sơ từ chối, dừng xử lý", "Refused or stopped")  \
    XX(WITHDRAWN, "withdrawn", "Hồ sơ rút", "Withdrawn")                       \
    XX(OPEN, "open", "Hồ sơ đang xử lý", "Open")                               \
    XX(OPEN_OVERDUE, "open_overdue", "Hồ sơ đang xử lý quá hạn",               \
       "Open and overdue")

enum measure {
#define XX(c, name, vi, en) MEASURE_##c,
    MEASURE_MAP(XX)
#undef XX
        MEASURE__COUNT
};

/* The measures before MEASURE_OPEN are sums over the days of a period. */
#define MEASURE__PERIOD_COUNT MEASURE_OPEN

/* Name of a measure ("full_online"). */
const char *measure_name(enum measure m);
const char *measure_label(enum measure m, bool english);

/* The measure with this name (len bytes), or -1. */
int measure_find(const char *name, size_t len);

#endif

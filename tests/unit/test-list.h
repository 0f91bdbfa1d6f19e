/*
 * test-list.h — every unit test, once, in run order (libuv style).
 *
 * TEST_ENTRY(name) names the function test_name defined with TEST(name) in
 * tests/unit/core/test_<module>.c; test.h turns this list into prototypes
 * and main.c into the table it runs. Adding a test is a line here.
 */

/* core/test_vtime.c */
TEST_ENTRY(vtime_anchor_days)
TEST_ENTRY(vtime_round_trip_all_days)
TEST_ENTRY(vtime_leap_years)
TEST_ENTRY(vtime_stamp_values)
TEST_ENTRY(vtime_stamp_rejects)
TEST_ENTRY(vtime_day_of_moments)
TEST_ENTRY(vtime_day_of_unix)
TEST_ENTRY(vtime_month_boundary)
TEST_ENTRY(vtime_period_parse)
TEST_ENTRY(vtime_period_errors)
TEST_ENTRY(vtime_period_previous)

/* core/test_unit.c */
TEST_ENTRY(unit_default_counts)
TEST_ENTRY(unit_root)
TEST_ENTRY(unit_tree_links)
TEST_ENTRY(unit_resolve_lineage)
TEST_ENTRY(unit_levels)
TEST_ENTRY(unit_custom_lists)
TEST_ENTRY(unit_unknown_province)
TEST_ENTRY(unit_duplicate_code)
TEST_ENTRY(unit_bad_lists)

/* core/test_record.c */
TEST_ENTRY(record_minimal)
TEST_ENTRY(record_full)
TEST_ENTRY(record_required_fields)
TEST_ENTRY(record_code_length)
TEST_ENTRY(record_units)
TEST_ENTRY(record_national_root_not_a_handling_unit)
TEST_ENTRY(record_status_needs_received)
TEST_ENTRY(record_integer_fields)
TEST_ENTRY(record_flags)
TEST_ENTRY(record_dates)
TEST_ENTRY(record_finished_not_before_received)
TEST_ENTRY(record_strict_json)
TEST_ENTRY(record_line_limit)
TEST_ENTRY(record_unknown_and_null_ignored)
TEST_ENTRY(record_fees)
TEST_ENTRY(record_array_limit)
TEST_ENTRY(record_personal_id)
TEST_ENTRY(record_e_result)
TEST_ENTRY(record_supplements)
TEST_ENTRY(record_supplements_ignore_non_objects)
TEST_ENTRY(record_out_of_memory)
TEST_ENTRY(record_scanner_takes_records)
TEST_ENTRY(record_scanner_leaves_the_rest)

/* core/test_fact.c */
TEST_ENTRY(fact_completed_everything)
TEST_ENTRY(fact_channels_and_levels)
TEST_ENTRY(fact_not_received)
TEST_ENTRY(fact_on_time_rules)
TEST_ENTRY(fact_completed_needs_finish)
TEST_ENTRY(fact_refused_withdrawn)
TEST_ENTRY(fact_open_overdue)
TEST_ENTRY(fact_fees_and_payment)
TEST_ENTRY(fact_synced_on_time)
TEST_ENTRY(fact_version)
TEST_ENTRY(fact_wins)
TEST_ENTRY(fact_same_contribution)
TEST_ENTRY(fact_measure_table)

/* core/test_agg.c */
TEST_ENTRY(agg_rollup_and_periods)
TEST_ENTRY(agg_ranges_across_months)
TEST_ENTRY(agg_gauges)
TEST_ENTRY(agg_distant_days)

/* core/test_dtable.c */
TEST_ENTRY(dtable_keys)
TEST_ENTRY(dtable_many_keys)
TEST_ENTRY(dtable_pack_extremes)
TEST_ENTRY(dtable_pop)
TEST_ENTRY(dtable_pop_interleaved)

/* core/test_vpack.c */
TEST_ENTRY(vpack_round_trip_extremes)
TEST_ENTRY(vpack_many_versions)
TEST_ENTRY(vpack_format_by_hand)
TEST_ENTRY(vpack_truncations)
TEST_ENTRY(vpack_damaged_fields)

/* core/test_state.c */
TEST_ENTRY(state_apply_and_sum)
TEST_ENTRY(state_correction_moves_unit)
TEST_ENTRY(state_stale_versions)
TEST_ENTRY(state_undo)
TEST_ENTRY(state_gauges_as_of)
TEST_ENTRY(state_restore)

/* core/test_rational.c */
TEST_ENTRY(rational_reduction)
TEST_ENTRY(rational_arithmetic)
TEST_ENTRY(rational_division_by_zero)
TEST_ENTRY(rational_overflow)
TEST_ENTRY(rational_compare)
TEST_ENTRY(rational_compare_large)
TEST_ENTRY(rational_format)
TEST_ENTRY(rational_parse_decimal)
TEST_ENTRY(rational_int128_min)
TEST_ENTRY(rational_format_huge_denominator)

/* core/test_expr.c */
TEST_ENTRY(expr_precedence)
TEST_ENTRY(expr_unary_minus)
TEST_ENTRY(expr_typographic_operators)
TEST_ENTRY(expr_errors)
TEST_ENTRY(expr_zero_denominator)
TEST_ENTRY(expr_numerator_denominator)
TEST_ENTRY(expr_overflow_has_no_value)

/* core/test_catalogue.c */
TEST_ENTRY(catalogue_defaults)
TEST_ENTRY(catalogue_custom)
TEST_ENTRY(catalogue_expression_errors)
TEST_ENTRY(catalogue_structure_errors)

/* core/test_indicator.c */
TEST_ENTRY(indicator_target_selection)
TEST_ENTRY(indicator_target_specificity)
TEST_ENTRY(indicator_eval_met)
TEST_ENTRY(indicator_eval_lower_is_better)
TEST_ENTRY(indicator_rank_competition)
TEST_ENTRY(indicator_rank_exact_values)

/* core/test_csv.c */
TEST_ENTRY(csv_plain_rows)
TEST_ENTRY(csv_quoted_fields)
TEST_ENTRY(csv_errors)
TEST_ENTRY(csv_limits)
TEST_ENTRY(csv_columns)
TEST_ENTRY(csv_line_numbers_after_multiline_field)
TEST_ENTRY(ingest_small_session_is_durable)
TEST_ENTRY(ingest_failed_commit_keeps_memory_equal_to_disk)
TEST_ENTRY(fileio_lines)
TEST_ENTRY(fileio_too_long_lines)
TEST_ENTRY(ingest_snapshot_then_replay)
TEST_ENTRY(ingest_queries_only_open)
TEST_ENTRY(ingest_buffer_scope_and_outcomes)

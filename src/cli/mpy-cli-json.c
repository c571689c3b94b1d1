/* mpy-cli-json.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>

#include "mpy-cli-json.h"
#include "mpy-cli-text.h"
#include "mpy-fit.h"
#include "mpy-metric.h"
#include "mpy-stats.h"

/* A figure of the table as a JSON number: an integer for whole numbers, null when absent. */
static void
add_number_or_null (JsonBuilder *builder,
                    MpyMetric    metric,
                    gboolean     have,
                    double       value)
{
  json_builder_set_member_name (builder, mpy_metric_get_key (metric));
  if (!have)
    json_builder_add_null_value (builder);
  else if (mpy_metric_is_integer (metric))
    json_builder_add_int_value (builder, (gint64) value);
  else
    json_builder_add_double_value (builder, value);
}

/**
 * mpy_cli_add_metrics:
 * @builder: a builder inside an object
 * @snapshot: a snapshot
 *
 * Adds one member per figure of the table (mpy-metric.h), by its key: its value, or null
 * when @snapshot does not have it.
 */
void
mpy_cli_add_metrics (JsonBuilder *builder,
                     MpySnapshot *snapshot)
{
  MpyStats stats;

  mpy_stats_compute (snapshot, &stats);
  for (guint m = 0; m < MPY_N_METRICS; m++)
    {
      double value = 0;
      gboolean have = mpy_metric_get_value ((MpyMetric) m, snapshot, &stats, &value);

      add_number_or_null (builder, (MpyMetric) m, have, value);
    }
}

/**
 * mpy_cli_add_metric_deltas:
 * @builder: a builder inside an object
 * @diff: a diff
 *
 * Adds one member per figure of the table, by its key: after − before, or null when either
 * side lacks the figure or it has no delta (an address).
 */
void
mpy_cli_add_metric_deltas (JsonBuilder *builder,
                           MpyDiff     *diff)
{
  for (guint m = 0; m < MPY_N_METRICS; m++)
    {
      double delta = 0;
      gboolean have = mpy_metric_get_delta ((MpyMetric) m, diff, &delta);

      add_number_or_null (builder, (MpyMetric) m, have, delta);
    }
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time_or_null (JsonBuilder *builder,
                  const char  *member,
                  GDateTime   *time)
{
  g_autofree char *iso = time != NULL ? g_date_time_format_iso8601 (time) : NULL;

  add_string_or_null (builder, member, iso);
}

/**
 * mpy_cli_add_times:
 * @builder: a builder inside an object
 * @snapshot: a snapshot
 *
 * Adds `time` (the board's time when the dump gave one, else the capture time), `board_time`
 * and `capture_time`, in ISO 8601, each null when unknown.
 */
void
mpy_cli_add_times (JsonBuilder *builder,
                   MpySnapshot *snapshot)
{
  GDateTime *board = mpy_snapshot_get_board_time (snapshot);
  GDateTime *capture = mpy_snapshot_get_time (snapshot);

  add_time_or_null (builder, "time", board != NULL ? board : capture);
  add_time_or_null (builder, "board_time", board);
  add_time_or_null (builder, "capture_time", capture);
}

/**
 * mpy_cli_snapshot_to_json:
 * @snapshot: a snapshot
 * @file: (nullable): the file it was read from (%NULL prints null, e.g. for a capture)
 * @index: its 0-based position among the dumps of @file
 *
 * The object `stats --json` prints for one dump: every figure of the table by its key
 * (mpy_cli_add_metrics()), the areas, the blocks per kind and the damage verdict. Header
 * figures the dump did not print are null; map figures and kind_blocks are null for a
 * figures-only dump (mem_info() without argument).
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
mpy_cli_snapshot_to_json (MpySnapshot *snapshot,
                          const char  *file,
                          guint        index)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean has_map;
  MpyStats stats;

  g_return_val_if_fail (snapshot != NULL, NULL);

  has_map = mpy_snapshot_has_map (snapshot);
  mpy_stats_compute (snapshot, &stats);

  json_builder_begin_object (builder);

  {
    /* A file name is bytes; JSON is UTF-8 (U+FFFD for what is not). */
    g_autofree char *file_text = file != NULL ? g_utf8_make_valid (file, -1) : NULL;

    add_string_or_null (builder, "file", file_text);
  }
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, index);
  add_string_or_null (builder, "label", mpy_snapshot_get_label (snapshot));
  mpy_cli_add_times (builder, snapshot);

  mpy_cli_add_metrics (builder, snapshot);

  json_builder_set_member_name (builder, "has_map");
  json_builder_add_boolean_value (builder, has_map);

  json_builder_set_member_name (builder, "areas");
  json_builder_begin_array (builder);
  for (guint a = 0; has_map && a < mpy_snapshot_get_n_areas (snapshot); a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (snapshot, a);
      MpyFreeRun run = { 0 };

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "base");
      json_builder_add_int_value (builder, (gint64) area->base);
      json_builder_set_member_name (builder, "blocks");
      json_builder_add_int_value (builder, (gint64) area->n_blocks);
      /* the largest object this area can take: its longest free run (0: none free) */
      mpy_fit_area_largest_free_run (snapshot, a, &run);
      json_builder_set_member_name (builder, "largest_free_run_bytes");
      json_builder_add_int_value (builder, (gint64) (run.n_blocks * mpy_snapshot_get_bytes_per_block (snapshot)));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "kind_blocks");
  if (has_map)
    {
      json_builder_begin_object (builder);
      for (guint k = 0; k < MPY_N_KINDS; k++)
        {
          char key[2] = { mpy_kinds[k], '\0' };

          json_builder_set_member_name (builder, key);
          json_builder_add_int_value (builder, (gint64) stats.kind_blocks[k]);
        }
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "damaged");
  json_builder_add_boolean_value (builder, mpy_snapshot_is_damaged (snapshot));
  add_string_or_null (builder, "damage_reason", mpy_snapshot_get_damage_reason (snapshot));

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * mpy_cli_print_json:
 * @node: a JSON node
 *
 * Prints @node pretty to stdout with a trailing newline.
 */
void
mpy_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  g_return_if_fail (node != NULL);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  {
    /* JSON escapes control characters itself: not through the text escaping. */
    FILE *out = mpy_cli_text_get_raw_stdout ();

    fputs (text, out);
    fputc ('\n', out);
    fflush (out);
  }
}

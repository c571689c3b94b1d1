/* mpy-cli-stats.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `mpymemmap-cli stats` and `mpymemmap-cli diff`: the figures of every dump, and the change
 * from one dump to another, as text or JSON.
 */

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpy-chart-renderer.h"
#include "mpy-cli-common.h"
#include "mpy-cli-json.h"
#include "mpy-cli-text.h"
#include "mpy-cli-timeline.h"
#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-fit.h"
#include "mpy-gif.h"
#include "mpy-leak.h"
#include "mpy-metric.h"
#include "mpy-renderer.h"
#include "mpy-session.h"
#include "mpy-stats.h"

/* ------------------------------------------------------------------------------------------
 * stats
 */

/* A figure of the table as a plain number for a table cell, "-" when absent. */
static char *
metric_cell (MpyMetric       metric,
             MpySnapshot    *snapshot,
             const MpyStats *stats)
{
  double value;

  if (!mpy_metric_get_value (metric, snapshot, stats, &value))
    return g_strdup ("-");
  return mpy_metric_format_number (metric, value);
}

/* "  Title   value", titles padded by characters (they are translated), and the
 * non-breaking spaces of the human format made plain for terminals and grep. */
static void
print_row (const char *title,
           const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value, "\u00a0", -1);
  g_autofree char *plain = g_strjoinv (" ", parts);
  glong pad = 24 - g_utf8_strlen (title, -1);

  printf ("  %s%*s %s\n", title, (int) MAX (pad, 0), "", plain);
}

static void
print_stats_text (MpySnapshot *snapshot,
                  const char  *file,
                  guint        index)
{
  MpyStats stats;
  const char *label = mpy_snapshot_get_label (snapshot);

  mpy_stats_compute (snapshot, &stats);

  printf ("%s:%u%s%s%s\n", file, index,
          label != NULL ? "  “" : "", label != NULL ? label : "", label != NULL ? "”" : "");
  /* Every figure of the table the dump has, in the table's order. */
  for (guint m = 0; m < MPY_N_METRICS; m++)
    {
      g_autofree char *value = mpy_metric_describe ((MpyMetric) m, snapshot, &stats, NULL);

      if (value != NULL)
        print_row (mpy_metric_get_title ((MpyMetric) m), value);
    }

  if (!mpy_snapshot_has_map (snapshot))
    print_row ("Block map", "none (mem_info() without argument)");
  else
    {
      GString *areas = g_string_new (NULL);

      for (guint a = 0; a < mpy_snapshot_get_n_areas (snapshot); a++)
        {
          const MpyArea *area = mpy_snapshot_get_area (snapshot, a);
          MpyFreeRun run = { 0 };

          mpy_fit_area_largest_free_run (snapshot, a, &run);
          g_string_append_printf (areas, "%s0x%" G_GINT64_MODIFIER "x (%" G_GSIZE_FORMAT " blocks, "
                                  "largest free run %" G_GSIZE_FORMAT " bytes)",
                                  a > 0 ? ", " : "", area->base, area->n_blocks,
                                  run.n_blocks * stats.bytes_per_block);
        }
      print_row ("Areas", areas->str);
      g_string_free (areas, TRUE);
      printf ("  %-10s %5s %10s %9s %12s\n", "Kind", "char", "blocks", "objects", "bytes");
      for (guint k = 0; k < MPY_N_KINDS; k++)
        {
          const char *name = mpy_kind_get_name (mpy_kinds[k]);

          printf ("  %-10s %5c %10" G_GSIZE_FORMAT " %9" G_GSIZE_FORMAT " %12" G_GUINT64_FORMAT "\n",
                  name != NULL ? name : "?", mpy_kinds[k], stats.kind_blocks[k],
                  stats.kind_objects[k], (guint64) stats.kind_blocks[k] * stats.bytes_per_block);
        }
    }
  if (mpy_snapshot_is_damaged (snapshot))
    printf ("  %-24s DAMAGED: %s\n", "Status",
            mpy_snapshot_get_damage_reason (snapshot) ? mpy_snapshot_get_damage_reason (snapshot) : "");
  else
    printf ("  %-24s consistent\n", "Status");
}

static char *
summary_row (MpySnapshot *snapshot,
             const char  *file,
             guint        index)
{
  g_autofree char *base = g_path_get_basename (file);
  g_autofree char *name = g_strdup_printf ("%s:%u", base, index);
  g_autofree char *used = NULL, *free_bytes = NULL, *pct = NULL, *objects = NULL, *frag = NULL;
  MpyStats stats;
  double share;

  mpy_stats_compute (snapshot, &stats);
  /* ASCII only: printf pads by bytes. */
  used = metric_cell (MPY_METRIC_GC_USED, snapshot, &stats);
  free_bytes = metric_cell (MPY_METRIC_GC_FREE, snapshot, &stats);
  pct = mpy_metric_get_value (MPY_METRIC_GC_FREE_SHARE, snapshot, &stats, &share)
        ? g_strdup_printf ("%.1f", 100.0 * share) : g_strdup ("-");
  objects = metric_cell (MPY_METRIC_OBJECTS, snapshot, &stats);
  frag = metric_cell (MPY_METRIC_FRAGMENTATION, snapshot, &stats);
  return g_strdup_printf ("%-40s %10s %10s %7s %8s %6s  %s", name, used, free_bytes, pct, objects,
                          frag, mpy_snapshot_is_damaged (snapshot) ? "DAMAGED" :
                          mpy_snapshot_has_map (snapshot) ? "consistent" : "no map");
}

/* The --json fields of `stats --help`: the figure keys come from the table. */
static const char *
json_fields_help (void)
{
  static char *help;

  if (help == NULL)
    {
      GString *keys = g_string_new (NULL);

      for (guint m = 0; m < MPY_N_METRICS; m++)
        g_string_append_printf (keys, "%s%s", m > 0 ? ", " : "", mpy_metric_get_key ((MpyMetric) m));
      /* Translators: %s is the list of figure keys, which stay as they are */
      help = g_strdup_printf (
        _("With --json the fields are: file, index (0-based within the file), label, time (the\n"
        "board's time when a named log gave it, else the capture time), board_time,\n"
        "capture_time (ISO 8601), the figures (%s; byte and block counts are integers,\n"
        "fragmentation and the *_share figures 0–1), has_map, areas [{base, blocks}], kind_blocks {kind character: blocks},\n"
        "damaged, damage_reason. A figure the dump does not print is null; the map figures are\n"
        "null for a dump without a map. `diff --json` gives the change of each under \"deltas\".\n"
        "\n%s"),
        keys->str, _(mpy_cli_index_help));
      g_string_free (keys, TRUE);
    }
  return help;
}

/* One object of the --json array, printed as mpy_cli_print_json() prints the whole array,
 * so that the objects of 10,000 dumps are never all in memory at once. Takes @node. */
static void
print_json_element (JsonNode *node,
                    gboolean  first,
                    gboolean  last)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) owned = node;
  g_autofree char *text = NULL;
  FILE *out = mpy_cli_text_get_raw_stdout ();

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, owned);
  text = json_generator_to_data (generator, NULL);
  fputs (first ? "[\n  " : ",\n  ", out);
  /* One level deeper: every line of the object indented by two more spaces. */
  for (const char *p = text; *p != '\0'; p++)
    {
      fputc (*p, out);
      if (*p == '\n')
        fputs ("  ", out);
    }
  if (last)
    {
      fputs ("\n]\n", out);
      fflush (out);
    }
}

int
mpy_cli_stats (int    argc,
               char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON array, one object per dump"), NULL },
    /* No arg_description here or in the other commands: --help would print it in front of
     * the context's parameter string, which names the arguments already. */
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = mpy_cli_command_context (
            N_("FILE[:N]… — figures and statistics of every dump"), entries,
            N_("Prints the header figures and the map statistics of every mem_info dump in every FILE\n"
            "(a dump, a raw-REPL reply, a console log or a session file), or of dump N of FILE:N.\n"
            "Every FILE is read first: when one cannot be, nothing is printed but the message."),
            json_fields_help ());
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GPtrArray) summary = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dumps = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mpy_cli_usage_error ("%s", error->message);
  if (files == NULL || files[0] == NULL)
    return mpy_cli_usage_error (_("give at least one FILE"));

  /* Every file is read before anything is printed: the output is all or nothing. */
  dumps = mpy_cli_load_dump_refs ((const char * const *) files, FALSE);
  if (dumps == NULL)
    return EXIT_INPUT;

  if (json && dumps->len == 0)
    {
      builder = json_builder_new ();
      json_builder_begin_array (builder);
    }

  for (guint i = 0; i < dumps->len; i++)
    {
      MpyCliDump *dump = g_ptr_array_index (dumps, i);

      if (json)
        print_json_element (mpy_cli_snapshot_to_json (dump->snapshot, dump->file, dump->index),
                            i == 0, i + 1 == dumps->len);
      else
        {
          if (i > 0)
            printf ("\n");
          print_stats_text (dump->snapshot, dump->file, dump->index);
          g_ptr_array_add (summary, summary_row (dump->snapshot, dump->file, dump->index));
        }
    }

  /* Several dumps (a console log, a session): one line each to compare them at a glance. */
  if (!json && summary->len > 1)
    {
      printf ("\n%-40s %10s %10s %7s %8s %6s  %s\n", "Dump", "used", "free", "% free",
              "objects", "frag", "status");
      for (guint i = 0; i < summary->len; i++)
        printf ("%s\n", (const char *) g_ptr_array_index (summary, i));
    }

  if (builder != NULL)
    {
      g_autoptr(JsonNode) root = NULL;

      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      mpy_cli_print_json (root);
    }
  return EXIT_OK;
}

/* ------------------------------------------------------------------------------------------
 * diff
 */

static void
add_dump_ref (JsonBuilder *builder,
              const char  *member,
              const char  *arg)
{
  g_autofree char *file = NULL;
  guint64 index;
  gboolean explicit_index;

  mpy_cli_parse_dump_ref (arg, &file, &index, &explicit_index);
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, file);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, index);
  json_builder_end_object (builder);
}

static void
print_diff_json (MpyDiff    *diff,
                 const char *arg_a,
                 const char *arg_b,
                 GError     *why)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_dump_ref (builder, "before", arg_a);
  add_dump_ref (builder, "after", arg_b);

  /* A figure diff (no map, or maps of different layouts): the deltas only, and why. */
  json_builder_set_member_name (builder, "figures_only");
  json_builder_add_boolean_value (builder, !mpy_diff_has_blocks (diff));
  json_builder_set_member_name (builder, "no_block_diff_reason");
  if (why != NULL)
    json_builder_add_string_value (builder, mpy_cli_no_block_diff_reason (why));
  else
    json_builder_add_null_value (builder);
  if (!mpy_diff_has_blocks (diff))
    {
      json_builder_set_member_name (builder, "blocks");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "objects");
      json_builder_add_null_value (builder);
      goto deltas;
    }

  json_builder_set_member_name (builder, "blocks");
  json_builder_begin_object (builder);
  for (int s = 0; s < MPY_N_DIFF_STATES; s++)
    {
      json_builder_set_member_name (builder, mpy_diff_state_get_name ((MpyDiffState) s));
      json_builder_add_int_value (builder, (gint64) mpy_diff_count_blocks (diff, (MpyDiffState) s));
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "objects");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "new");
  json_builder_add_int_value (builder, (gint64) mpy_diff_get_objects_new (diff));
  json_builder_set_member_name (builder, "freed");
  json_builder_add_int_value (builder, (gint64) mpy_diff_get_objects_freed (diff));
  json_builder_set_member_name (builder, "kept");
  json_builder_add_int_value (builder, (gint64) mpy_diff_get_objects_kept (diff));
  json_builder_end_object (builder);

deltas:
  {
    /* Garbage or live: the before's objects gone after (freed or reused) and still there;
     * for a pair around gc.collect() (`capture --pair`) that is what gc freed. */
    guint64 garbage = 0, live = 0;
    gboolean have = mpy_pair_get_garbage_live (diff, &garbage, &live);

    json_builder_set_member_name (builder, "garbage_bytes");
    if (have)
      json_builder_add_int_value (builder, (gint64) garbage);
    else
      json_builder_add_null_value (builder);
    json_builder_set_member_name (builder, "live_bytes");
    if (have)
      json_builder_add_int_value (builder, (gint64) live);
    else
      json_builder_add_null_value (builder);
  }
  json_builder_set_member_name (builder, "deltas");
  json_builder_begin_object (builder);
  mpy_cli_add_metric_deltas (builder, diff);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  mpy_cli_print_json (root);
}

static void
print_diff_text (MpyDiff    *diff,
                 const char *arg_a,
                 const char *arg_b,
                 GError     *why)
{
  MpySnapshot *before = mpy_diff_get_before (diff);
  MpySnapshot *after = mpy_diff_get_after (diff);
  MpyStats sa, sb;

  mpy_stats_compute (before, &sa);
  mpy_stats_compute (after, &sb);

  printf ("%s (after) vs %s (before)\n", arg_b, arg_a);
  if (!mpy_diff_has_blocks (diff))
    printf ("  %-12s not compared (only the figures are): %s\n", "Blocks",
            why != NULL ? mpy_cli_no_block_diff_reason (why) : "no block diff");
  else
    {
      printf ("  %-12s %" G_GSIZE_FORMAT " allocated, %" G_GSIZE_FORMAT " freed, %" G_GSIZE_FORMAT
              " changed, %" G_GSIZE_FORMAT " unchanged (%" G_GSIZE_FORMAT " free in both)\n", "Blocks",
              mpy_diff_count_blocks (diff, MPY_DIFF_ALLOCATED), mpy_diff_count_blocks (diff, MPY_DIFF_FREED),
              mpy_diff_count_blocks (diff, MPY_DIFF_CHANGED), mpy_diff_count_blocks (diff, MPY_DIFF_UNCHANGED),
              mpy_diff_count_blocks (diff, MPY_DIFF_FREE));
      printf ("  %-12s %" G_GSIZE_FORMAT " new, %" G_GSIZE_FORMAT " freed, %" G_GSIZE_FORMAT " kept\n",
              "Objects", mpy_diff_get_objects_new (diff), mpy_diff_get_objects_freed (diff),
              mpy_diff_get_objects_kept (diff));
      {
        guint64 garbage = 0, live = 0;

        mpy_pair_get_garbage_live (diff, &garbage, &live);
        printf ("  %-12s %" G_GUINT64_FORMAT " bytes garbage (gone after), %" G_GUINT64_FORMAT
                " bytes live (still there)\n", "Garbage", garbage, live);
      }
    }
  printf ("\n  %-26s %12s %12s %12s\n", "Figure", "before", "after", "delta");
  for (guint m = 0; m < MPY_N_METRICS; m++)
    {
      g_autofree char *a = NULL, *b = NULL, *d = NULL;
      double delta;

      if (!mpy_metric_get_value ((MpyMetric) m, before, &sa, NULL) &&
          !mpy_metric_get_value ((MpyMetric) m, after, &sb, NULL))
        continue;  /* had by neither dump */
      a = metric_cell ((MpyMetric) m, before, &sa);
      b = metric_cell ((MpyMetric) m, after, &sb);
      d = mpy_metric_get_delta ((MpyMetric) m, diff, &delta)
          ? mpy_metric_format_delta ((MpyMetric) m, delta) : g_strdup ("-");
      printf ("  %-26s %12s %12s %12s\n", mpy_metric_get_key ((MpyMetric) m), a, b, d);
    }
}

int
mpy_cli_diff (int    argc,
              char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) args = NULL;
  GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = mpy_cli_command_context (
            N_("A B — compare dump B (after) with dump A (before)"), entries,
            N_("Counts the blocks allocated, freed, changed (another object) and unchanged from A to B,\n"
            "the objects new, freed and kept, and the change of every figure (B − A).\n"
            "Blocks and objects are compared when both dumps have maps of the same heap layout (same\n"
            "areas and block size); otherwise (mem_info() without argument, another board or heap\n"
            "size) only the figures are, and the output says why."),
            mpy_cli_index_help);
  g_autoptr(GError) error = NULL;
  g_autoptr(MpySnapshot) a = NULL;
  g_autoptr(MpySnapshot) b = NULL;
  g_autoptr(MpyDiff) diff = NULL;
  g_autoptr(GError) why = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mpy_cli_usage_error ("%s", error->message);
  if (args == NULL || g_strv_length (args) != 2)
    return mpy_cli_usage_error (_("give exactly two dumps, A (before) and B (after)"));

  a = mpy_cli_load_dump_ref (args[0]);
  if (a == NULL)
    return EXIT_INPUT;
  b = mpy_cli_load_dump_ref (args[1]);
  if (b == NULL)
    return EXIT_INPUT;

  /* Dumps without maps, or maps of different layouts, compare by their figures. */
  diff = mpy_diff_new_best (a, b, &why);

  if (json)
    print_diff_json (diff, args[0], args[1], why);
  else
    print_diff_text (diff, args[0], args[1], why);
  return EXIT_OK;
}

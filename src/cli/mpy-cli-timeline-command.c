/* mpy-cli-timeline-command.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `mpymemmap-cli timeline`: every dump's figures over time as text, CSV or JSON, and their
 * chart (-o CHART.png). The row keys and CSV are in mpy-cli-timeline.c.
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
 * timeline
 */

/* "max_free,fragmentation" → the chart's series; FALSE with a usage message. */
static gboolean
parse_series (const char      *text,
              MpyChartOptions *options,
              char           **message)
{
  g_auto(GStrv) keys = g_strsplit (text, ",", -1);

  options->n_series = 0;
  for (guint i = 0; keys[i] != NULL; i++)
    {
      MpyMetric metric;

      g_strstrip (keys[i]);
      if (*keys[i] == '\0')
        continue;
      if (!mpy_metric_from_key (keys[i], &metric))
        {
          *message = g_strdup_printf (_("--series: “%s” is not a figure key (see `stats --help`)"), keys[i]);
          return FALSE;
        }
      if (options->n_series == MPY_CHART_MAX_SERIES)
        {
          *message = g_strdup_printf (_("--series: at most %d series"), MPY_CHART_MAX_SERIES);
          return FALSE;
        }
      options->series[options->n_series++] = metric;
    }
  return TRUE;
}

static void
print_timeline_text (JsonObject *row)
{
  const char *label = json_object_get_string_member_with_default (row, "label", NULL);
  const char *time = json_object_get_string_member_with_default (row, "time", NULL);
  const char *file = json_object_get_string_member_with_default (row, "file", "");
  g_autofree char *base = g_path_get_basename (file);
  g_autofree char *name = g_strdup_printf ("%s:%" G_GINT64_FORMAT, base,
                                           json_object_get_int_member (row, "index"));
  static const char *columns[] = { "gc_used", "gc_free", "max_free", "fragmentation" };

  printf ("%-28s %-20s %-27s", name, label != NULL ? label : "-", time != NULL ? time : "-");
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      JsonNode *node = json_object_get_member (row, columns[c]);
      g_autofree char *cell = NULL;
      MpyMetric metric;

      mpy_metric_from_key (columns[c], &metric);
      cell = node == NULL || JSON_NODE_HOLDS_NULL (node) ? g_strdup ("-")
             : mpy_metric_format_number (metric, json_node_get_double (node));
      printf (" %10s", cell);
    }
  printf ("\n");
}

int
mpy_cli_timeline (int    argc,
                  char **argv)
{
  gboolean csv = FALSE, json = FALSE, dark = FALSE;
  g_autofree char *output = NULL;
  g_autofree char *series = NULL;
  g_autofree char *x_axis = NULL;
  int width = 800, height = 400;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV: a header row of the keys, then one row per dump"), NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON array, one object per dump"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Draw the chart into this PNG file"), "CHART.png" },
    { "series", 0, 0, G_OPTION_ARG_STRING, &series,
      N_("The chart's lines: figure keys, comma-separated (default max_free,fragmentation)"), "KEY,…" },
    { "x", 0, 0, G_OPTION_ARG_STRING, &x_axis,
      N_("The chart's x axis: time or index (default time when every dump has one)"), "time|index" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, N_("Chart width in px (default 800)"), "PX" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, N_("Chart height in px (default 400)"), "PX" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, N_("Use the dark palette for the chart"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autofree char *description = g_strconcat (
            _("A figure a dump lacks is null in JSON and empty in CSV. Named logs give each dump its\n"
              "name and the board's time: see README.md, “Logging from your program”. Every FILE is read\n"
              "first: when one cannot be, nothing is printed but the message.\n"), "\n",
            _(mpy_cli_index_help), NULL);
  g_autoptr(GOptionContext) context = mpy_cli_command_context (
            N_("FILE[:N]… — the figures of every dump over time"), entries,
            N_("Lists every dump of every FILE (or dump N of FILE:N) in order, one row each: file, index,\n"
            "label, time (the board's time when a named log gave it, else the capture time),\n"
            "board_time, capture_time, every figure (the keys of `stats --json`), has_map and\n"
            "damaged. With -o, draws the figures over the dumps: heap used and free as a stacked\n"
            "area, and a line per --series."),
            description);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(JsonArray) rows = json_array_new ();
  MpyChartOptions chart = MPY_CHART_OPTIONS_INIT;
  gboolean times_known = TRUE;
  g_autoptr(GPtrArray) dumps = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mpy_cli_usage_error ("%s", error->message);
  if (files == NULL || files[0] == NULL)
    return mpy_cli_usage_error (_("give at least one FILE"));
  if (csv && json)
    return mpy_cli_usage_error (_("give --csv or --json, not both"));
  if (output != NULL && *output == '\0')
    return mpy_cli_usage_error (_("give the PNG file to write with -o CHART.png"));
  if (width < 64 || width > 16384 || height < 64 || height > 16384)
    return mpy_cli_usage_error (_("--width and --height must be between 64 and 16384 px"));
  if (x_axis != NULL && !g_str_equal (x_axis, "time") && !g_str_equal (x_axis, "index"))
    return mpy_cli_usage_error (_("--x must be time or index, not “%s”"), x_axis);
  if (series != NULL)
    {
      g_autofree char *message = NULL;

      if (!parse_series (series, &chart, &message))
        return mpy_cli_usage_error ("%s", message);
    }

  /* Every file is read before anything is printed: the output is all or nothing. */
  dumps = mpy_cli_load_dump_refs ((const char * const *) files, FALSE);
  if (dumps == NULL)
    return EXIT_INPUT;
  for (guint i = 0; i < dumps->len; i++)
    {
      MpyCliDump *dump = g_ptr_array_index (dumps, i);

      json_array_add_object_element (rows, mpy_cli_timeline_row (dump->snapshot, dump->file, dump->index));
      g_ptr_array_add (all, mpy_snapshot_ref (dump->snapshot));
      if (mpy_snapshot_get_board_time (dump->snapshot) == NULL && mpy_snapshot_get_time (dump->snapshot) == NULL)
        times_known = FALSE;
    }

  /* The chart first: when it cannot be written, nothing is printed either. */
  if (output != NULL && all->len > 0)
    {
      chart.dark = dark;
      chart.x_axis = x_axis != NULL ? (g_str_equal (x_axis, "time") ? MPY_CHART_X_TIME : MPY_CHART_X_INDEX)
                                    : (times_known ? MPY_CHART_X_TIME : MPY_CHART_X_INDEX);
      if (chart.x_axis == MPY_CHART_X_TIME && !times_known)
        fprintf (stderr, _("%s: warning: not every dump has a time; the chart's x axis is the index\n"),
                 g_get_prgname ());
      if (!mpy_chart_write_png (all, &chart, width, height, output, &error))
        {
          g_autofree char *message = mpy_cli_name_target_not_temp (mpy_cli_describe_error (error), output);

          mpy_cli_fail ("%s: %s", output, message);
          return EXIT_INPUT;
        }
    }

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      json_node_set_array (root, rows);
      mpy_cli_print_json (root);
    }
  else if (csv)
    {
      mpy_cli_timeline_print_csv_header (stdout);
      for (guint i = 0; i < json_array_get_length (rows); i++)
        mpy_cli_timeline_print_csv_row (stdout, json_array_get_object_element (rows, i));
    }
  else if (output == NULL)
    {
      printf ("%-28s %-20s %-27s %10s %10s %10s %10s\n", "Dump", "label", "time", "used", "free",
              "max_free", "frag");
      for (guint i = 0; i < json_array_get_length (rows); i++)
        print_timeline_text (json_array_get_object_element (rows, i));
    }

  return EXIT_OK;
}

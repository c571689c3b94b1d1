/* mpymemmap-cli.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mpymemmap-cli: statistics, diffs and pictures of MicroPython heap dumps without a display,
 * and capture from a board (ports/capture, in mpy-cli-device.c).
 */

#include <errno.h>
#include <locale.h>

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpy-chart-renderer.h"
#include "mpy-cli-answers.h"
#include "mpy-cli-device.h"
#include "mpy-cli-watch.h"
#include "mpy-cli-json.h"
#include "mpy-cli-text.h"
#include "mpy-cli-timeline.h"
#include "mpy-diff.h"
#include "mpy-i18n.h"
#include "mpy-dump-reader.h"
#include "mpy-fit.h"
#include "mpy-leak.h"
#include "mpy-metric.h"
#include "mpy-gif.h"
#include "mpy-renderer.h"
#include "mpy-session.h"
#include "mpy-stats.h"

#define EXIT_OK    0
#define EXIT_INPUT 1
#define EXIT_USAGE 2

static const char *prgname = "mpymemmap-cli";

static const char *index_help =
  "A dump is FILE or FILE:N: N is the 0-based index of the dump in FILE, the same number as\n"
  "the \"index\" field of `stats --json`; FILE alone means its first dump (FILE:0).\n";

/* A one-line message on stderr. */
G_GNUC_PRINTF (1, 2) static void
fail (const char *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Keep it to one line even when a message from below spans several. */
  g_strdelimit (message, "\r\n", ' ');
  fprintf (stderr, "%s: %s\n", prgname, message);
}

G_GNUC_PRINTF (1, 2) static int
usage_error (const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* The prgname is "mpymemmap-cli COMMAND" while a command runs. */
  fprintf (stderr, "%s: %s\nTry “%s --help”.\n", g_get_prgname (), message, g_get_prgname ());
  return EXIT_USAGE;
}

/* A command's options; @parameter_string is its usage line after “[OPTION…]”. */
static GOptionContext *
command_context (const char         *parameter_string,
                 const GOptionEntry *entries,
                 const char         *summary,
                 const char         *description)
{
  GOptionContext *context = g_option_context_new (parameter_string);

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description);
  return context;
}

/* Every dump in @path: session files keep their labels and times, any other text goes
 * through the dump reader. */
static GPtrArray *
read_dumps (const char  *path,
            GError     **error)
{
  g_autoptr(GError) warning = NULL;
  GPtrArray *dumps = mpy_session_read_file_full (path, &warning, error);

  /* A truncated or damaged session: its whole records are used, and what was cut is said. */
  if (warning != NULL)
    {
      g_autofree char *message = g_strdup (warning->message);

      g_strdelimit (message, "\r\n", ' ');
      fprintf (stderr, "%s: warning: %s\n", prgname, message);
    }
  return dumps;
}

static const char *
describe_error (GError *error)
{
  return error != NULL && error->message != NULL ? error->message : "unknown error";
}

/* "FILE: message", unless the message names the file already. */
static void
fail_file (const char *file,
           GError     *error)
{
  const char *message = describe_error (error);

  if (g_error_matches (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY))
    {
      /* The reader, given only the contents, calls them “the text”: name the file. */
      fail ("%s is not text (it contains NUL bytes or other binary data); open a serial log "
            "or a saved mem_info() dump instead", file);
      return;
    }
  if (strstr (message, file) != NULL)
    fail ("%s", message);
  else
    fail ("%s: %s", file, message);
}

/* Splits "FILE" or "FILE:N". A name that exists as a file is taken whole, so file names
 * with a colon still work. */
static gboolean
parse_dump_ref (const char  *arg,
                char       **file,
                guint64     *index,
                gboolean    *explicit_index)
{
  const char *colon = strrchr (arg, ':');

  *explicit_index = FALSE;
  *index = 0;
  if (colon != NULL && colon[1] != '\0' && !g_file_test (arg, G_FILE_TEST_EXISTS))
    {
      const char *p;

      for (p = colon + 1; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p))
          break;
      if (*p == '\0')
        {
          /* Any number is an index: one too big for any file is “no dump N”, not a file
           * called “FILE:N” that does not exist. */
          if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT64, index, NULL))
            *index = G_MAXUINT64;
          *file = g_strndup (arg, colon - arg);
          *explicit_index = TRUE;
          return **file != '\0';
        }
    }
  *file = g_strdup (arg);
  return **file != '\0';
}

/* Loads one dump named FILE or FILE:N; prints the message and returns NULL on failure. */
static MpySnapshot *
load_dump_ref (const char *arg)
{
  g_autofree char *file = NULL;
  g_autoptr(GPtrArray) dumps = NULL;
  g_autoptr(GError) error = NULL;
  gboolean explicit_index;
  guint64 index;

  if (!parse_dump_ref (arg, &file, &index, &explicit_index))
    {
      fail ("“%s”: give a file name, optionally followed by :N (the dump’s 0-based index)", arg);
      return NULL;
    }

  dumps = read_dumps (file, &error);
  if (dumps == NULL)
    {
      fail_file (file, error);
      return NULL;
    }
  if (index >= dumps->len)
    {
      const char *number = explicit_index ? strrchr (arg, ':') + 1 : "0";

      if (dumps->len == 0)
        fail ("no dump %s in %s: the file holds no dumps", number, file);
      else
        fail ("no dump %s in %s: the file holds %u dump%s (indexes 0 to %u)",
              number, file, dumps->len, dumps->len == 1 ? "" : "s", dumps->len - 1);
      return NULL;
    }
  {
    MpySnapshot *snapshot = g_ptr_array_index (dumps, (guint) index);
    g_autofree char *base = NULL;
    g_autofree char *label = NULL;

    /* Never pass a damaged dump off as whole: the result stands, with a warning. */
    if (mpy_snapshot_is_damaged (snapshot))
      fprintf (stderr, "%s: warning: %s:%" G_GUINT64_FORMAT " is damaged (%s); its map may be "
               "incomplete\n", prgname, file, index,
               mpy_snapshot_get_damage_reason (snapshot) ? mpy_snapshot_get_damage_reason (snapshot)
                                                         : "map and header disagree");

    /* Pictures say what they show: a dump without a label is named after its file. */
    if (mpy_snapshot_get_label (snapshot) != NULL)
      return mpy_snapshot_ref (snapshot);
    base = g_path_get_basename (file);
    label = dumps->len > 1 ? g_strdup_printf ("%s:%" G_GUINT64_FORMAT, base, index)
                           : g_steal_pointer (&base);
    return mpy_snapshot_with_label (snapshot, label);
  }
}

/* Why two dumps have no block diff: mpy_diff_new_best() gives it as a clause, which the
 * messages around it lead. */
static const char *
no_block_diff_reason (GError *error)
{
  return describe_error (error);
}

/* The diff from @before (named @before_arg) to @after; prints the message and returns NULL
 * when the two cannot be compared. */
static MpyDiff *
compare_dumps (MpySnapshot *before,
               MpySnapshot *after,
               const char  *before_arg,
               const char  *after_arg)
{
  g_autoptr(GError) error = NULL;
  MpyDiff *diff = NULL;

  /* The reason comes as a clause; the message leads it with the files' names. */
  if (mpy_diff_check_compatible (before, after, &error))
    diff = mpy_diff_new (before, after, &error);
  if (diff == NULL)
    {
      g_prefix_error (&error, "%s (before) and %s (after) cannot be compared: ",
                      before_arg, after_arg);
      fail ("%s", describe_error (error));
    }
  return diff;
}

/* The PNG is written to a temporary “OUT.XXXXXX” beside OUT and renamed; a failure names
 * that temporary file, which the user never asked for: name OUT instead. */
static char *
name_target_not_temp (const char *message,
                      const char *output)
{
  g_autofree char *display = g_filename_display_name (output);
  g_autofree char *escaped = g_regex_escape_string (display, -1);
  g_autofree char *pattern = g_strdup_printf ("%s\\.[A-Za-z0-9]{6}(?=”)", escaped);
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  char *replaced;

  if (regex == NULL)
    return g_strdup (message);
  replaced = g_regex_replace_literal (regex, message, -1, 0, display, 0, NULL);
  return replaced != NULL ? replaced : g_strdup (message);
}

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
      help = g_strdup_printf (
        "With --json the fields are: file, index (0-based within the file), label, time (the\n"
        "board's time when a named log gave it, else the capture time), board_time,\n"
        "capture_time (ISO 8601), the figures (%s; byte and block counts are integers,\n"
        "fragmentation and the *_share figures 0–1), has_map, areas [{base, blocks}], kind_blocks {kind character: blocks},\n"
        "damaged, damage_reason. A figure the dump does not print is null; the map figures are\n"
        "null for a dump without a map. `diff --json` gives the change of each under \"deltas\".\n",
        keys->str);
      g_string_free (keys, TRUE);
    }
  return help;
}

static int
cmd_stats (int    argc,
           char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print one JSON array, one object per dump", NULL },
    /* No arg_description here or in the other commands: --help would print it in front of
     * the context's parameter string, which names the arguments already. */
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (
    "FILE… — figures and statistics of every dump", entries,
    "Prints the header figures and the map statistics of every mem_info dump in every FILE\n"
    "(a dump, a raw-REPL reply, a console log or a session file).",
    json_fields_help ());
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GPtrArray) summary = g_ptr_array_new_with_free_func (g_free);
  int status = EXIT_OK;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);
  if (files == NULL || files[0] == NULL)
    return usage_error ("give at least one FILE");

  if (json)
    {
      builder = json_builder_new ();
      json_builder_begin_array (builder);
    }

  for (guint f = 0; files[f] != NULL; f++)
    {
      g_autoptr(GPtrArray) dumps = NULL;
      g_autoptr(GError) read_error = NULL;

      dumps = read_dumps (files[f], &read_error);
      if (dumps == NULL)
        {
          fail_file (files[f], read_error);
          status = EXIT_INPUT;
          continue;
        }
      for (guint i = 0; i < dumps->len; i++)
        {
          MpySnapshot *snapshot = g_ptr_array_index (dumps, i);

          if (json)
            json_builder_add_value (builder, mpy_cli_snapshot_to_json (snapshot, files[f], i));
          else
            {
              if (f > 0 || i > 0)
                printf ("\n");
              print_stats_text (snapshot, files[f], i);
              g_ptr_array_add (summary, summary_row (snapshot, files[f], i));
            }
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

  if (json)
    {
      g_autoptr(JsonNode) root = NULL;

      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      mpy_cli_print_json (root);
    }
  return status;
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

  parse_dump_ref (arg, &file, &index, &explicit_index);
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
    json_builder_add_string_value (builder, no_block_diff_reason (why));
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
            why != NULL ? no_block_diff_reason (why) : "no block diff");
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

static int
cmd_diff (int    argc,
          char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) args = NULL;
  GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (
    "A B — compare dump B (after) with dump A (before)", entries,
    "Counts the blocks allocated, freed, changed (another object) and unchanged from A to B,\n"
    "the objects new, freed and kept, and the change of every figure (B − A).\n"
    "Blocks and objects are compared when both dumps have maps of the same heap layout (same\n"
    "areas and block size); otherwise (mem_info() without argument, another board or heap\n"
    "size) only the figures are, and the output says why.",
    index_help);
  g_autoptr(GError) error = NULL;
  g_autoptr(MpySnapshot) a = NULL;
  g_autoptr(MpySnapshot) b = NULL;
  g_autoptr(MpyDiff) diff = NULL;
  g_autoptr(GError) why = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);
  if (args == NULL || g_strv_length (args) != 2)
    return usage_error ("give exactly two dumps, A (before) and B (after)");

  a = load_dump_ref (args[0]);
  if (a == NULL)
    return EXIT_INPUT;
  b = load_dump_ref (args[1]);
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

/* ------------------------------------------------------------------------------------------
 * render
 */

/* The frames of `render --animate`: every dump of each FILE, or the one dump of FILE:N, in
 * the order given. NULL (the message printed) when one cannot be read or holds no dump. */
static GPtrArray *
load_animation_frames (GStrv args)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autofree char *file = NULL;
      g_autoptr(GPtrArray) dumps = NULL;
      g_autoptr(GError) error = NULL;
      gboolean explicit_index;
      guint64 index;

      if (!parse_dump_ref (args[i], &file, &index, &explicit_index))
        {
          fail ("“%s”: give a file name, optionally followed by :N (the dump’s 0-based index)", args[i]);
          return NULL;
        }
      if (explicit_index)
        {
          MpySnapshot *snapshot = load_dump_ref (args[i]);

          if (snapshot == NULL)
            return NULL;
          g_ptr_array_add (frames, snapshot);
          continue;
        }
      dumps = read_dumps (file, &error);
      if (dumps == NULL)
        {
          fail_file (file, error);
          return NULL;
        }
      if (dumps->len == 0)
        {
          fail ("%s: the file holds no dumps", file);
          return NULL;
        }
      for (guint k = 0; k < dumps->len; k++)
        {
          MpySnapshot *snapshot = g_ptr_array_index (dumps, k);
          g_autofree char *base = NULL;
          g_autofree char *label = NULL;

          if (mpy_snapshot_is_damaged (snapshot))
            fprintf (stderr, "%s: warning: %s:%u is damaged (%s); its map may be incomplete\n",
                     prgname, file, k,
                     mpy_snapshot_get_damage_reason (snapshot) ? mpy_snapshot_get_damage_reason (snapshot)
                                                               : "map and header disagree");
          /* Each frame says what it shows: a dump without a label is named after its file. */
          if (mpy_snapshot_get_label (snapshot) != NULL)
            {
              g_ptr_array_add (frames, mpy_snapshot_ref (snapshot));
              continue;
            }
          base = g_path_get_basename (file);
          label = dumps->len > 1 ? g_strdup_printf ("%s:%u", base, k) : g_steal_pointer (&base);
          g_ptr_array_add (frames, mpy_snapshot_with_label (snapshot, label));
        }
    }
  return g_steal_pointer (&frames);
}

/* `render --animate`: the playback of successive diffs as an animated GIF. */
static int
render_animation (GStrv                   args,
                  const char             *output,
                  const MpyRenderOptions *options,
                  double                  scale,
                  int                     delay_ms)
{
  g_autoptr(GPtrArray) frames = load_animation_frames (args);
  g_autoptr(GError) error = NULL;

  if (frames == NULL)
    return EXIT_INPUT;
  if (scale == -1)
    {
      guint max_scale = mpy_gif_get_max_scale (frames, options, 4);

      scale = max_scale >= 1 ? (double) max_scale : 4.0;
    }
  if (!mpy_gif_write_animation (frames, options, scale, (guint) delay_ms, output, NULL, NULL, NULL, &error))
    {
      if (g_error_matches (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE))
        fail ("%s", describe_error (error));
      else
        fail ("%s: %s", args[0], describe_error (error));
      return EXIT_INPUT;
    }
  return EXIT_OK;
}

static int
cmd_render (int    argc,
            char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *diff_with = NULL;
  g_auto(GStrv) args = NULL;
  int columns = 1;
  double scale = -1;   /* not given: 4, or less when the picture would not fit */
  gboolean rainbow = FALSE, show_free = FALSE, dark = FALSE, animate = FALSE;
  int delay_ms = 500;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The PNG (or, with --animate, GIF) file to write (required)", "OUT.png" },
    { "animate", 'a', 0, G_OPTION_ARG_NONE, &animate,
      "Write an animated GIF of every dump of FILE… in order, each frame the diff against the one before", NULL },
    { "delay", 0, 0, G_OPTION_ARG_INT, &delay_ms, "With --animate: milliseconds per frame (default 500)", "MS" },
    { "diff-with", 'd', 0, G_OPTION_ARG_FILENAME, &diff_with,
      "Draw the changes from this earlier dump (before) to FILE (after)", "FILE2[:N]" },
    { "columns", 'c', 0, G_OPTION_ARG_INT, &columns, "Blocks per row = 64 × N (default 1)", "N" },
    { "scale", 's', 0, G_OPTION_ARG_DOUBLE, &scale, "Pixels per block (default 4, or the largest that fits)", "PX" },
    { "rainbow", 'r', 0, G_OPTION_ARG_NONE, &rainbow, "Alternate two shades per object", NULL },
    { "show-free", 'f', 0, G_OPTION_ARG_NONE, &show_free, "Draw free blocks in grey instead of the background", NULL },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, "Use the dark palette", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (
    "FILE[:N] -o OUT.png — draw a dump (or a diff) as a PNG", entries,
    "Draws the heap map with a header of figures and a legend. With --diff-with, the picture\n"
    "shows FILE compared with FILE2: unchanged, allocated, freed and changed blocks.\n"
    "With --animate FILE… -o OUT.gif: one frame per dump, each the diff against the dump\n"
    "before it (the first, and any dump of another layout, is drawn alone).",
    index_help);
  g_autoptr(GError) error = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autoptr(MpySnapshot) before = NULL;
  g_autoptr(MpyDiff) diff = NULL;
  MpyRenderOptions options = MPY_RENDER_OPTIONS_INIT;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);
  if (animate && (args == NULL || args[0] == NULL))
    return usage_error ("give the dumps to animate: render --animate FILE… -o OUT.gif");
  if (animate && diff_with != NULL)
    return usage_error ("--animate draws each dump against the one before it: leave out --diff-with");
  if (animate && (delay_ms < 10 || delay_ms > 655350))
    return usage_error ("--delay must be between 10 and 655350 ms, not %d", delay_ms);
  if (!animate && (args == NULL || g_strv_length (args) != 1))
    return usage_error ("give exactly one dump to draw");
  if (output == NULL || *output == '\0')
    return usage_error (animate ? "give the GIF file to write with -o OUT.gif"
                                : "give the PNG file to write with -o OUT.png");
  if (columns < 1 || columns > 1024)
    return usage_error ("--columns must be between 1 and 1024, not %d", columns);
  if (scale != -1 && (!(scale > 0) || scale > 32767))
    return usage_error ("--scale must be a number of pixels per block above 0, not %g", scale);

  options.columns = (guint) columns;
  options.rainbow = rainbow;
  options.show_free = show_free;
  options.dark = dark;
  if (animate)
    return render_animation (args, output, &options, scale, delay_ms);

  snapshot = load_dump_ref (args[0]);
  if (snapshot == NULL)
    return EXIT_INPUT;
  if (diff_with != NULL)
    {
      before = load_dump_ref (diff_with);
      if (before == NULL)
        return EXIT_INPUT;
      diff = compare_dumps (before, snapshot, diff_with, args[0]);
      if (diff == NULL)
        return EXIT_INPUT;
    }

  if (scale == -1)
    {
      /* A big heap at the default scale would exceed what an image can hold: shrink it,
       * rather than fail, since the user did not ask for a size. */
      guint max_scale = mpy_renderer_get_max_scale (snapshot, diff, &options);

      scale = max_scale >= 1 ? MIN (4.0, (double) max_scale) : 4.0;
    }

  if (!mpy_renderer_write_png (snapshot, diff, &options, scale, output, &error))
    {
      if (g_error_matches (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE))
        {
          g_autofree char *message = name_target_not_temp (describe_error (error), output);

          fail ("%s: %s", output, message);
        }
      else
        fail ("%s: %s", args[0], describe_error (error));
      return EXIT_INPUT;
    }
  return EXIT_OK;
}

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
          *message = g_strdup_printf ("--series: “%s” is not a figure key (see `stats --help`)", keys[i]);
          return FALSE;
        }
      if (options->n_series == MPY_CHART_MAX_SERIES)
        {
          *message = g_strdup_printf ("--series: at most %d series", MPY_CHART_MAX_SERIES);
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

static int
cmd_timeline (int    argc,
              char **argv)
{
  gboolean csv = FALSE, json = FALSE, dark = FALSE;
  g_autofree char *output = NULL;
  g_autofree char *series = NULL;
  g_autofree char *x_axis = NULL;
  int width = 800, height = 400;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print CSV: a header row of the keys, then one row per dump", NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print one JSON array, one object per dump", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Draw the chart into this PNG file", "CHART.png" },
    { "series", 0, 0, G_OPTION_ARG_STRING, &series,
      "The chart's lines: figure keys, comma-separated (default max_free,fragmentation)", "KEY,…" },
    { "x", 0, 0, G_OPTION_ARG_STRING, &x_axis,
      "The chart's x axis: time or index (default time when every dump has one)", "time|index" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Chart width in px (default 800)", "PX" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Chart height in px (default 400)", "PX" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, "Use the dark palette for the chart", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (
    "FILE… — the figures of every dump over time", entries,
    "Lists every dump of every FILE in order, one row each: file, index, label, time (the\n"
    "board's time when a named log gave it, else the capture time), board_time, capture_time,\n"
    "every figure (the keys of `stats --json`), has_map and damaged. With -o, draws the\n"
    "figures over the dumps: heap used and free as a stacked area, and a line per --series.",
    "A figure a dump lacks is null in JSON and empty in CSV. Named logs give each dump its\n"
    "name and the board's time: see README.md, “Logging from your program”.\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(JsonArray) rows = json_array_new ();
  MpyChartOptions chart = MPY_CHART_OPTIONS_INIT;
  gboolean times_known = TRUE;
  int status = EXIT_OK;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);
  if (files == NULL || files[0] == NULL)
    return usage_error ("give at least one FILE");
  if (csv && json)
    return usage_error ("give --csv or --json, not both");
  if (output != NULL && *output == '\0')
    return usage_error ("give the PNG file to write with -o CHART.png");
  if (width < 64 || width > 16384 || height < 64 || height > 16384)
    return usage_error ("--width and --height must be between 64 and 16384 px");
  if (x_axis != NULL && !g_str_equal (x_axis, "time") && !g_str_equal (x_axis, "index"))
    return usage_error ("--x must be time or index, not “%s”", x_axis);
  if (series != NULL)
    {
      g_autofree char *message = NULL;

      if (!parse_series (series, &chart, &message))
        return usage_error ("%s", message);
    }

  for (guint f = 0; files[f] != NULL; f++)
    {
      g_autoptr(GPtrArray) dumps = NULL;
      g_autoptr(GError) read_error = NULL;

      dumps = read_dumps (files[f], &read_error);
      if (dumps == NULL)
        {
          fail_file (files[f], read_error);
          status = EXIT_INPUT;
          continue;
        }
      for (guint i = 0; i < dumps->len; i++)
        {
          MpySnapshot *snapshot = g_ptr_array_index (dumps, i);

          json_array_add_object_element (rows, mpy_cli_timeline_row (snapshot, files[f], i));
          g_ptr_array_add (all, mpy_snapshot_ref (snapshot));
          if (mpy_snapshot_get_board_time (snapshot) == NULL && mpy_snapshot_get_time (snapshot) == NULL)
            times_known = FALSE;
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

  if (output != NULL && all->len > 0)
    {
      chart.dark = dark;
      chart.x_axis = x_axis != NULL ? (g_str_equal (x_axis, "time") ? MPY_CHART_X_TIME : MPY_CHART_X_INDEX)
                                    : (times_known ? MPY_CHART_X_TIME : MPY_CHART_X_INDEX);
      if (chart.x_axis == MPY_CHART_X_TIME && !times_known)
        fprintf (stderr, "%s: warning: not every dump has a time; the chart's x axis is the index\n",
                 g_get_prgname ());
      if (!mpy_chart_write_png (all, &chart, width, height, output, &error))
        {
          g_autofree char *message = name_target_not_temp (describe_error (error), output);

          fail ("%s: %s", output, message);
          return EXIT_INPUT;
        }
    }
  return status;
}

/* ------------------------------------------------------------------------------------------
 * main
 */

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "stats",   cmd_stats,       "stats [--json] FILE…              figures and statistics of every dump" },
  { "diff",    cmd_diff,        "diff [--json] A B                 compare dump B (after) with dump A (before)" },
  { "render",  cmd_render,      "render FILE[:N] -o OUT.png […]    draw a dump or a diff as a PNG (--animate: a GIF)" },
  { "timeline", cmd_timeline,   "timeline [--csv|--json] [-o CHART.png] FILE…\n"
    "                                    every dump's figures over time, and their chart" },
  { "ports",   mpy_cli_ports,   "ports                             list serial ports and likely boards" },
  { "capture", mpy_cli_capture, "capture PORT […]                  capture a dump from a board" },
  { "watch",   mpy_cli_watch,   "watch --port ADDR (--every S | --run SCRIPT.py | --listen) […]\n"
    "                                    record snapshots while a program runs" },
  { "leakcheck", mpy_cli_leakcheck, "leakcheck --port ADDR --exec CODE [--setup CODE] [--runs N] [--json]\n"
    "                                    is this code leaking? retained bytes per run, survivors" },
  { "cost",    mpy_cli_cost,    "cost --port ADDR --import MODULE… [--json]\n"
    "                                    what importing each module keeps, by kind, and its qstrs" },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: %s COMMAND [OPTION…] [ARG…]\n\n"
                "MicroPython heap maps from micropython.mem_info(1) dumps.\n\nCommands:\n", prgname);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %s\n", commands[i].summary);
  fprintf (out, "\n%s\n“%s COMMAND --help” describes a command’s options.\n"
                "Exit status: 0 success, 1 bad input (unreadable file, no such dump, render\n"
                "--diff-with of dumps that cannot be compared block by block, device failure),\n"
                "2 usage error. `diff` of such dumps compares their figures and exits 0.\n", index_help, prgname);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* Control characters from boards and files are shown, not obeyed (mpy-cli-text.c). */
  mpy_cli_text_install ();
  atexit (mpy_cli_text_finish);
  /* The core's and device's messages are translated (from the build tree when run there). */
  mpy_i18n_init ();

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("%s %s\n", prgname, PACKAGE_VERSION);
      return EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *name = g_strdup_printf ("%s %s", prgname, commands[i].name);

        int status;

        /* GOptionContext names the program with it in --help. */
        g_set_prgname (name);
        status = commands[i].run (argc - 1, argv + 1);
        /* A full disk or a closed pipe under stdout: the output is lost, so it failed. */
        if (!mpy_cli_text_flush_stdout ())
          {
            int err = errno;

            fprintf (stderr, "%s: could not write the output: %s\n", name, g_strerror (err));
            if (status == EXIT_OK)
              status = EXIT_INPUT;
          }
        /* Cairo's font caches, so that leak checkers see only real leaks. */
        cairo_debug_reset_static_data ();
        return status;
      }

  fprintf (stderr, "%s: unknown command “%s”\n\n", prgname, argv[1]);
  print_usage (stderr);
  return EXIT_USAGE;
}

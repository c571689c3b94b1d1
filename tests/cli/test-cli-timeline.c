/* test-cli-timeline.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* mpymemmap-cli and the time dimension: named logs in stats --json, figure diffs, and the
 * timeline command (its keys are those of stats --json; its chart is a PNG). */

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <cairo.h>
#include <json-glib/json-glib.h>

#include "mpy-test-cli.h"
#include "mpy-test-dirs.h"

#define RUN(...) run_cli_v ((const char * const[]) { __VA_ARGS__, NULL })

static char *
data_file (const char *dir,
           const char *name)
{
  return g_test_build_filename (G_TEST_DIST, dir, name, NULL);
}

static void
test_stats_named_log (void)
{
  g_autofree char *log = data_file ("core/data", "webassembly-named-log.txt");
  g_autoptr(Run) run = RUN ("stats", "--json", log);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *dumps;

  g_assert_cmpint (run->status, ==, 0);
  root = parse_json (run->out);
  dumps = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (dumps), ==, 3);
  {
    JsonObject *second = json_array_get_object_element (dumps, 1);

    g_assert_cmpstr (json_object_get_string_member (second, "label"), ==, "after alloc");
    g_assert_cmpstr (json_object_get_string_member (second, "time"), ==, "2026-12-04T18:30:01.033000Z");
    g_assert_cmpstr (json_object_get_string_member (second, "board_time"), ==, "2026-12-04T18:30:01.033000Z");
    g_assert_true (json_object_get_null_member (second, "capture_time"));
  }
}

static JsonObject *
object_of (JsonNode *root)
{
  return json_node_get_object (root);
}

/* Two mem_info() dumps without maps: exit 0, the deltas, and no block counts. */
static void
test_diff_figures_only (void)
{
  g_autofree char *a = data_file ("fixtures", "qemu-mps2-an385-meminfo-noarg.txt");
  g_autofree char *b = data_file ("fixtures", "qemu-mps2-an385-after-alloc-noarg.txt");
  g_autoptr(Run) run = RUN ("diff", "--json", a, b);
  g_autoptr(Run) stats = RUN ("stats", "--json", a, b);
  g_autoptr(Run) text = RUN ("diff", a, b);
  g_autoptr(JsonNode) root = NULL, stats_root = NULL;
  JsonObject *deltas, *before, *after;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  root = parse_json (run->out);
  stats_root = parse_json (stats->out);
  before = json_array_get_object_element (json_node_get_array (stats_root), 0);
  after = json_array_get_object_element (json_node_get_array (stats_root), 1);
  g_assert_true (json_object_get_boolean_member (object_of (root), "figures_only"));
  g_assert_nonnull (strstr (json_object_get_string_member (object_of (root), "no_block_diff_reason"),
                            "no block map"));
  g_assert_true (json_object_get_null_member (object_of (root), "blocks"));
  deltas = json_object_get_object_member (object_of (root), "deltas");
  /* every key of the figure table, after − before */
  for (const char *key = "gc_used"; key != NULL; key = g_str_equal (key, "gc_used") ? "one_blocks" : NULL)
    g_assert_cmpint (json_object_get_int_member (deltas, key), ==,
                     json_object_get_int_member (after, key) - json_object_get_int_member (before, key));
  g_assert_cmpint (json_object_get_int_member (deltas, "gc_used"), ==, 40928);
  g_assert_true (json_object_get_null_member (deltas, "objects"));

  g_assert_cmpint (text->status, ==, 0);
  g_assert_nonnull (strstr (text->out, "not compared"));
  g_assert_nonnull (strstr (text->out, "+40928"));
}

/* Maps of different layouts: the block diff is refused, the figures are compared. */
static void
test_diff_layouts_give_figures (void)
{
  g_autofree char *a = data_file ("fixtures", "microbit-v1.0.1-after-alloc.txt");
  g_autofree char *b = data_file ("fixtures", "qemu-mps2-an385-after-alloc.txt");
  g_autoptr(Run) run = RUN ("diff", "--json", a, b);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *deltas;

  g_assert_cmpint (run->status, ==, 0);
  root = parse_json (run->out);
  g_assert_true (json_object_get_boolean_member (object_of (root), "figures_only"));
  g_assert_nonnull (strstr (json_object_get_string_member (object_of (root), "no_block_diff_reason"),
                            "heap area 1 is 628 blocks"));
  deltas = json_object_get_object_member (object_of (root), "deltas");
  /* both have maps: map figures have deltas as well */
  g_assert_false (json_object_get_null_member (deltas, "objects"));
  g_assert_false (json_object_get_null_member (deltas, "gc_total"));
}

/* timeline --json rows: every dump of every file in order, the stats --json keys and values. */
static void
test_timeline_json_keys (void)
{
  g_autofree char *log = data_file ("core/data", "webassembly-named-log.txt");
  g_autofree char *map = data_file ("fixtures", "unix-heap256k-after-alloc.txt");
  g_autoptr(Run) run = RUN ("timeline", "--json", log, map);
  g_autoptr(Run) stats = RUN ("stats", "--json", log, map);
  g_autoptr(JsonNode) rows_root = NULL, stats_root = NULL;
  JsonArray *rows, *all;

  g_assert_cmpint (run->status, ==, 0);
  rows_root = parse_json (run->out);
  stats_root = parse_json (stats->out);
  rows = json_node_get_array (rows_root);
  all = json_node_get_array (stats_root);
  g_assert_cmpuint (json_array_get_length (rows), ==, 4);
  g_assert_cmpuint (json_array_get_length (rows), ==, json_array_get_length (all));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      JsonObject *full = json_array_get_object_element (all, i);
      g_autoptr(GList) members = json_object_get_members (row);

      for (GList *m = members; m != NULL; m = m->next)
        {
          JsonNode *mine = json_object_get_member (row, m->data);
          JsonNode *theirs = json_object_get_member (full, m->data);

          g_assert_nonnull (theirs);   /* the same key in stats --json */
          g_assert_true (json_node_equal (mine, theirs));
        }
      /* file, index, label, time and every figure */
      g_assert_true (json_object_has_member (row, "file"));
      g_assert_true (json_object_has_member (row, "index"));
      g_assert_true (json_object_has_member (row, "label"));
      g_assert_true (json_object_has_member (row, "time"));
      g_assert_true (json_object_has_member (row, "fragmentation"));
      g_assert_true (json_object_has_member (row, "mem_peak"));
    }
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 2), "index"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 3), "index"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 2), "label"), ==, "after gc");
}

/* Splits one CSV line (RFC 4180: quoted fields, "" for a quote). */
static GPtrArray *
split_csv (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = line; ; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, '"'), p++;
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
          continue;
        }
      if (*p == '"')
        quoted = TRUE;
      else if (*p == ',' || *p == '\0')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          if (*p == '\0')
            break;
        }
      else
        g_string_append_c (field, *p);
    }
  g_string_free (field, TRUE);
  return fields;
}

/* timeline --csv: the header row is the keys of the JSON rows; the values are the same. */
static void
test_timeline_csv (void)
{
  g_autofree char *log = data_file ("core/data", "webassembly-profiler-log.txt");
  g_autofree char *noarg = data_file ("fixtures", "unix-heap256k-meminfo-noarg.txt");
  g_autoptr(Run) csv = RUN ("timeline", "--csv", log, noarg);
  g_autoptr(Run) json = RUN ("timeline", "--json", log, noarg);
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) header = NULL;
  JsonArray *rows;

  g_assert_cmpint (csv->status, ==, 0);
  root = parse_json (json->out);
  rows = json_node_get_array (root);
  lines = g_strsplit (csv->out, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + json_array_get_length (rows) + 1);
  g_assert_cmpstr (lines[json_array_get_length (rows) + 1], ==, "");
  header = split_csv (lines[0]);
  {
    g_autoptr(GList) members = json_object_get_members (json_array_get_object_element (rows, 0));

    g_assert_cmpuint (header->len, ==, g_list_length (members));
    for (guint k = 0; k < header->len; k++)
      g_assert_true (json_object_has_member (json_array_get_object_element (rows, 0),
                                             g_ptr_array_index (header, k)));
  }
  for (guint r = 0; r < json_array_get_length (rows); r++)
    {
      g_autoptr(GPtrArray) cells = split_csv (lines[r + 1]);
      JsonObject *row = json_array_get_object_element (rows, r);

      g_assert_cmpuint (cells->len, ==, header->len);
      for (guint k = 0; k < header->len; k++)
        {
          JsonNode *node = json_object_get_member (row, g_ptr_array_index (header, k));
          const char *cell = g_ptr_array_index (cells, k);

          if (JSON_NODE_HOLDS_NULL (node))
            g_assert_cmpstr (cell, ==, "");
          else if (json_node_get_value_type (node) == G_TYPE_STRING)
            g_assert_cmpstr (cell, ==, json_node_get_string (node));
          else if (json_node_get_value_type (node) == G_TYPE_INT64)
            g_assert_cmpint (g_ascii_strtoll (cell, NULL, 10), ==, json_node_get_int (node));
          else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
            g_assert_cmpfloat (g_ascii_strtod (cell, NULL), ==, json_node_get_double (node));
        }
    }
  /* the profiler's ticks gave times */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 1), "time"), ==,
                   "2026-12-04T18:30:07.047000Z");
}

/* timeline -o: a PNG of the requested size; bad series keys are usage errors. */
static void
test_timeline_chart (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli-timeline");
  g_autofree char *png = g_build_filename (dir, "chart.png", NULL);
  g_autofree char *log = data_file ("core/data", "webassembly-named-log.txt");
  g_autoptr(Run) run = RUN ("timeline", "-o", png, "--width", "500", "--height", "300",
                            "--series", "gc_used,fragmentation", log);
  g_autoptr(Run) bad = RUN ("timeline", "-o", png, "--series", "nonsense", log);
  cairo_surface_t *surface;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->out, ==, "");
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 500);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 300);
  cairo_surface_destroy (surface);

  g_assert_cmpint (bad->status, ==, 2);
  g_assert_nonnull (strstr (bad->err, "“nonsense” is not a figure key"));
  mpy_test_remove_tree (dir);
}

/* All or nothing: a chart that cannot be written leaves stdout empty too (the CSV is not
 * printed first and then the run fails). */
static void
test_timeline_chart_failure_prints_nothing (void)
{
  g_autofree char *map = data_file ("fixtures", "unix-heap256k-after-alloc.txt");
  g_autoptr(Run) run = RUN ("timeline", "--csv", "-o", "/nonexistent-mpy-dir/chart.png", map);

  g_assert_cmpint (run->status, ==, 1);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_nonnull (strstr (run->err, "chart.png"));
}

/* -o onto something that is not a regular file (a FIFO here; /dev/full or /dev/null when run
 * as root): refused with a message, and left as it was. The PNG writers wrote a temporary
 * file and renamed it over the target, so `render -o /dev/full` as root replaced the device
 * node with a regular file and exited 0 (review). */
static void
test_output_not_regular_refused (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli-timeline");
  g_autofree char *fifo = g_build_filename (dir, "out.fifo", NULL);
  g_autofree char *map = data_file ("fixtures", "unix-heap256k-after-alloc.txt");
  const char *modes[] = { "render", "timeline", "animate" };

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(Run) run = NULL;
      GStatBuf st;

      if (i == 0)
        run = RUN ("render", map, "-o", fifo);
      else if (i == 1)
        run = RUN ("timeline", "-o", fifo, map);
      else
        run = RUN ("render", "--animate", map, "-o", fifo);
      g_test_message ("%s", modes[i]);
      g_assert_cmpint (run->status, ==, 1);
      g_assert_nonnull (strstr (run->err, "not a regular file"));
      g_assert_cmpint (g_stat (fifo, &st), ==, 0);
      g_assert_true (S_ISFIFO (st.st_mode));
    }
  mpy_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  /* meson passes the built CLI as the last argument (before g_test_init() sees it). */
  if (argc >= 2 && g_str_has_suffix (argv[argc - 1], "mpymemmap-cli"))
    cli_path = argv[--argc];
  g_test_init (&argc, &argv, NULL);
  if (cli_path == NULL)
    g_error ("give the path of the built mpymemmap-cli as the last argument");

  g_test_add_func ("/cli-timeline/stats/named-log", test_stats_named_log);
  g_test_add_func ("/cli-timeline/diff/figures-only", test_diff_figures_only);
  g_test_add_func ("/cli-timeline/diff/layouts-give-figures", test_diff_layouts_give_figures);
  g_test_add_func ("/cli-timeline/timeline/json-keys", test_timeline_json_keys);
  g_test_add_func ("/cli-timeline/timeline/csv", test_timeline_csv);
  g_test_add_func ("/cli-timeline/timeline/chart", test_timeline_chart);
  g_test_add_func ("/cli-timeline/timeline/chart-failure-prints-nothing", test_timeline_chart_failure_prints_nothing);
  g_test_add_func ("/cli-timeline/output-not-regular-refused", test_output_not_regular_refused);

  return g_test_run ();
}

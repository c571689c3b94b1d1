/* test-timeline.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The time dimension in core (DESIGN.md §10): named logs and board time, console context
 * (also through session files), figure diffs, and the chart renderer. */

#include <math.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mpy-chart-renderer.h"
#include "mpy-chart-scale.h"
#include "mpy-palette.h"
#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-metric.h"
#include "mpy-session.h"
#include "mpy-snapshot.h"

static GPtrArray *
read_test_file (const char *dir,
                const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, dir, name, NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *dumps = mpy_dump_reader_read_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dumps);
  return dumps;
}

static char *
iso (GDateTime *time)
{
  g_assert_nonnull (time);
  return g_date_time_format_iso8601 (time);
}

#define DUMP(a, i) ((MpySnapshot *) g_ptr_array_index ((a), (i)))

/* A log printed by real MicroPython (1.29, webassembly port) running the README's log_mem(). */
static void
test_named_log_real (void)
{
  g_autoptr(GPtrArray) dumps = read_test_file ("core/data", "webassembly-named-log.txt");
  g_autofree char *t0 = NULL, *t1 = NULL, *t2 = NULL;

  g_assert_cmpuint (dumps->len, ==, 3);
  g_assert_cmpstr (mpy_snapshot_get_label (DUMP (dumps, 0)), ==, "start");
  g_assert_cmpstr (mpy_snapshot_get_label (DUMP (dumps, 1)), ==, "after alloc");
  g_assert_cmpstr (mpy_snapshot_get_label (DUMP (dumps, 2)), ==, "after gc");

  /* time.time_ns(): nanoseconds since 1970, in UTC */
  t0 = iso (mpy_snapshot_get_board_time (DUMP (dumps, 0)));
  t1 = iso (mpy_snapshot_get_board_time (DUMP (dumps, 1)));
  t2 = iso (mpy_snapshot_get_board_time (DUMP (dumps, 2)));
  g_assert_cmpstr (t0, ==, "2026-12-04T18:30:01.020000Z");
  g_assert_cmpstr (t1, ==, "2026-12-04T18:30:01.033000Z");
  g_assert_cmpstr (t2, ==, "2026-12-04T18:30:01.055000Z");
  /* the board's time is not the capture time */
  g_assert_null (mpy_snapshot_get_time (DUMP (dumps, 0)));

  /* what the program printed between two dumps is the later one's; markers are left out */
  g_assert_null (mpy_snapshot_get_console (DUMP (dumps, 0)));
  g_assert_cmpstr (mpy_snapshot_get_console (DUMP (dumps, 1)), ==,
                   "building the table\ntable has 40 rows\n");
  g_assert_cmpstr (mpy_snapshot_get_console (DUMP (dumps, 2)), ==, "freed\n");

  /* the last is mem_info() without argument, the others have maps; all consistent */
  g_assert_true (mpy_snapshot_has_map (DUMP (dumps, 0)));
  g_assert_false (mpy_snapshot_has_map (DUMP (dumps, 2)));
  for (guint i = 0; i < dumps->len; i++)
    g_assert_false (mpy_snapshot_is_damaged (DUMP (dumps, i)));
}

static void
test_named_log_localtime (void)
{
  g_autoptr(GPtrArray) dumps = read_test_file ("core/data", "webassembly-named-log-localtime.txt");
  g_autofree char *t0 = NULL;

  g_assert_cmpuint (dumps->len, ==, 2);
  /* "*** Memory info: NAME ***" */
  g_assert_cmpstr (mpy_snapshot_get_label (DUMP (dumps, 0)), ==, "boot");
  g_assert_cmpstr (mpy_snapshot_get_label (DUMP (dumps, 1)), ==, "with x");
  /* a time.localtime() tuple, taken as UTC */
  t0 = iso (mpy_snapshot_get_board_time (DUMP (dumps, 0)));
  g_assert_cmpstr (t0, ==, "2026-12-04T18:30:07Z");
  g_assert_cmpstr (mpy_snapshot_get_console (DUMP (dumps, 1)), ==, "x is 300\n");
}

static const char figures_dump[] =
  "stack: 928 out of 80000\n"
  "GC: total: 259072, used: %u, free: %u\n"
  " No. of 1-blocks: 20, 2-blocks: 6, max blk sz: 9, max free sz: 8043\n";

static char *
figures_text (guint used)
{
  return g_strdup_printf (figures_dump, used, 259072 - used);
}

static void
test_named_log_variants (void)
{
  g_autofree char *d1 = figures_text (1000), *d2 = figures_text (2000), *d3 = figures_text (3000);
  g_autofree char *d4 = figures_text (4000), *d5 = figures_text (5000);
  g_autofree char *text = g_strconcat (
    "boot text\r\n",
    "***Memory info:tight***\r\n", "time: 1609463914756126000 \r\n", d1, "*****\r\n",
    "printed\n", "\n",
    "   ***   Memory info    spaced   name   ***\n", d2, "***\n",
    /* a marker whose time line is not a time: the name holds, the line is console */
    "*** Memory info bad time ***\n", "time:soon\n", d3, "**********\n",
    /* no marker: the label stays unset, a time: line alone is console */
    "time:1609463914756126000\n", d4,
    /* a marker with an empty name names nothing; a tuple with 9 items (the unix port) */
    "*** Memory info ***\n", "time:(2021, 1, 1, 0, 0, 5, 4, 1, 0)\n", d5, "***\n",
    "the end, printed after the last dump\n",
    NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (text, -1, &error);
  g_autofree char *t0 = NULL, *t4 = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (dumps->len, ==, 5);
  g_assert_cmpstr (mpy_snapshot_get_label (DUMP (dumps, 0)), ==, "tight");
  t0 = iso (mpy_snapshot_get_board_time (DUMP (dumps, 0)));
  g_assert_cmpstr (t0, ==, "2021-01-01T01:18:34.756126Z");
  g_assert_cmpstr (mpy_snapshot_get_console (DUMP (dumps, 0)), ==, "boot text\r\n");

  g_assert_cmpstr (mpy_snapshot_get_label (DUMP (dumps, 1)), ==, "spaced   name");
  g_assert_null (mpy_snapshot_get_board_time (DUMP (dumps, 1)));
  g_assert_cmpstr (mpy_snapshot_get_console (DUMP (dumps, 1)), ==, "printed\n\n");

  g_assert_cmpstr (mpy_snapshot_get_label (DUMP (dumps, 2)), ==, "bad time");
  g_assert_null (mpy_snapshot_get_board_time (DUMP (dumps, 2)));
  g_assert_cmpstr (mpy_snapshot_get_console (DUMP (dumps, 2)), ==, "time:soon\n");

  g_assert_null (mpy_snapshot_get_label (DUMP (dumps, 3)));
  g_assert_null (mpy_snapshot_get_board_time (DUMP (dumps, 3)));
  g_assert_cmpstr (mpy_snapshot_get_console (DUMP (dumps, 3)), ==, "time:1609463914756126000\n");

  g_assert_null (mpy_snapshot_get_label (DUMP (dumps, 4)));
  t4 = iso (mpy_snapshot_get_board_time (DUMP (dumps, 4)));
  g_assert_cmpstr (t4, ==, "2021-01-01T00:00:05Z");

  /* the figures are read as without the markers */
  {
    guint64 used;

    g_assert_true (mpy_snapshot_get_figure (DUMP (dumps, 1), MPY_FIGURE_GC_USED, &used));
    g_assert_cmpuint (used, ==, 2000);
  }

  /* renaming keeps what the dump printed: board time and console */
  {
    g_autoptr(MpySnapshot) renamed = mpy_snapshot_with_label (DUMP (dumps, 0), "mine");

    g_assert_cmpstr (mpy_snapshot_get_console (renamed), ==, "boot text\r\n");
    g_assert_true (mpy_snapshot_get_board_time (renamed) == mpy_snapshot_get_board_time (DUMP (dumps, 0)));
  }
}

/* PlanetInnovation's micropython-memory-profiler format, printed by real MicroPython. */
static void
test_profiler_ticks (void)
{
  g_autoptr(GPtrArray) dumps = read_test_file ("core/data", "webassembly-profiler-log.txt");
  static const char *expected[] = {
    /* clock line: ticks 34 at 18:30:07; dumps at ticks 35, 81, 129 */
    "2026-12-04T18:30:07.001000Z", "2026-12-04T18:30:07.047000Z", "2026-12-04T18:30:07.095000Z",
  };

  g_assert_cmpuint (dumps->len, ==, 3);
  for (guint i = 0; i < dumps->len; i++)
    {
      g_autofree char *t = iso (mpy_snapshot_get_board_time (DUMP (dumps, i)));

      g_assert_cmpstr (t, ==, expected[i]);
      g_assert_null (mpy_snapshot_get_label (DUMP (dumps, i)));
    }
  /* the @@@ lines are markers, not console */
  g_assert_null (mpy_snapshot_get_console (DUMP (dumps, 0)));
  g_assert_cmpstr (mpy_snapshot_get_console (DUMP (dumps, 1)), ==, "step 0 done\n");

  /* ticks_ms() wraps at 2^30; without the clock line the ticks give no time */
  {
    g_autofree char *d = figures_text (1000);
    g_autofree char *text = g_strdup_printf ("@@@ 1073741800 (2026, 12, 4, 10, 0, 0, 4, 338)\n"
                                             "@@@ 1073741810\n%s@@@\n@@@ 14\n%s@@@\n", d, d);
    g_autofree char *bare = g_strdup_printf ("@@@ 100\n%s@@@\n", d);
    g_autoptr(GPtrArray) wrapped = mpy_dump_reader_read (text, -1, NULL);
    g_autoptr(GPtrArray) unsynced = mpy_dump_reader_read (bare, -1, NULL);
    g_autofree char *w0 = NULL, *w1 = NULL;

    g_assert_cmpuint (wrapped->len, ==, 2);
    w0 = iso (mpy_snapshot_get_board_time (DUMP (wrapped, 0)));
    w1 = iso (mpy_snapshot_get_board_time (DUMP (wrapped, 1)));
    g_assert_cmpstr (w0, ==, "2026-12-04T10:00:00.010000Z");
    g_assert_cmpstr (w1, ==, "2026-12-04T10:00:00.038000Z");
    g_assert_null (mpy_snapshot_get_board_time (DUMP (unsynced, 0)));
  }
}

/* Label, board time and console survive a session file; the text round trips exactly. */
static void
test_session_round_trip (void)
{
  g_autoptr(GPtrArray) dumps = read_test_file ("core/data", "webassembly-named-log.txt");
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *text2 = NULL;
  gsize length, length2;

  /* console text with every byte a serial line can bring (not UTF-8, controls, quotes) */
  {
    MpySnapshot *noisy = mpy_snapshot_with_console (DUMP (dumps, 0),
                                                    "\"quoted\" \\ tab\t\x1b[2J \xff\xfe bytes\r\n");

    mpy_snapshot_unref (DUMP (dumps, 0));
    g_ptr_array_index (dumps, 0) = noisy;
  }
  text = mpy_session_to_text (dumps, &length);
  g_assert_nonnull (strstr (text, " board-time=2026-12-04T18:30:01.033000Z"));
  g_assert_nonnull (strstr (text, " console=\"building the table\\ntable has 40 rows\\n\""));
  /* still format 1: older readers skip the keys they do not know */
  g_assert_true (g_str_has_prefix (text, "# MpyMemMap session 1\n"));

  again = mpy_session_read_text (text, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, dumps->len);
  for (guint i = 0; i < dumps->len; i++)
    {
      MpySnapshot *a = DUMP (dumps, i), *b = DUMP (again, i);

      g_assert_cmpstr (mpy_snapshot_get_label (a), ==, mpy_snapshot_get_label (b));
      g_assert_cmpstr (mpy_snapshot_get_console (a), ==, mpy_snapshot_get_console (b));
      g_assert_true (g_date_time_equal (mpy_snapshot_get_board_time (a), mpy_snapshot_get_board_time (b)));
    }
  text2 = mpy_session_to_text (again, &length2);
  g_assert_cmpmem (text, length, text2, length2);

  /* a file without the new keys (an older writer) opens as before, without them */
  {
    g_autoptr(GRegex) re = g_regex_new (" (board-time=\\S+|console=\"([^\"\\\\]|\\\\.)*\")", 0, 0, NULL);
    g_autofree char *old = g_regex_replace_literal (re, text, -1, 0, "", 0, NULL);
    g_autoptr(GPtrArray) old_dumps = mpy_session_read_text (old, -1, &error);

    g_assert_no_error (error);
    g_assert_null (strstr (old, "console="));
    g_assert_cmpuint (old_dumps->len, ==, 3);
    g_assert_cmpstr (mpy_snapshot_get_label (DUMP (old_dumps, 1)), ==, "after alloc");
    g_assert_null (mpy_snapshot_get_console (DUMP (old_dumps, 1)));
    g_assert_null (mpy_snapshot_get_board_time (DUMP (old_dumps, 1)));
  }
}

static MpySnapshot *
read_fixture (const char *name)
{
  g_autoptr(GPtrArray) dumps = read_test_file ("fixtures", name);

  return mpy_snapshot_ref (DUMP (dumps, 0));
}

static double
delta_of (MpyDiff   *diff,
          MpyMetric  metric)
{
  double delta = G_MAXDOUBLE;

  g_assert_true (mpy_metric_get_delta (metric, diff, &delta));
  return delta;
}

static double
value_of (MpySnapshot *snapshot,
          MpyMetric    metric)
{
  MpyStats stats;
  double value = G_MAXDOUBLE;

  mpy_stats_compute (snapshot, &stats);
  g_assert_true (mpy_metric_get_value (metric, snapshot, &stats, &value));
  return value;
}

/* Dumps without maps, a map and a figures-only dump, and maps of different layouts compare
 * by their figures; the block diff is refused, with the reason. */
static void
test_figure_diff (void)
{
  g_autoptr(MpySnapshot) a = read_fixture ("unix-heap256k-meminfo-noarg.txt");
  g_autoptr(MpySnapshot) b = read_fixture ("unix-heap256k-after-alloc-noarg.txt");
  g_autoptr(MpySnapshot) map = read_fixture ("unix-heap256k-after-alloc.txt");
  g_autoptr(MpySnapshot) other = read_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autoptr(GError) why = NULL;

  {
    g_autoptr(MpyDiff) diff = mpy_diff_new_best (a, b, &why);

    g_assert_error (why, MPY_DIFF_ERROR, MPY_DIFF_ERROR_NO_MAP);
    g_assert_false (mpy_diff_has_blocks (diff));
    g_assert_null (mpy_diff_get_states (diff));
    g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_ALLOCATED), ==, 0);
    g_assert_cmpfloat (delta_of (diff, MPY_METRIC_GC_USED), ==,
                       value_of (b, MPY_METRIC_GC_USED) - value_of (a, MPY_METRIC_GC_USED));
    g_assert_cmpfloat (delta_of (diff, MPY_METRIC_GC_USED), >, 0);
    g_assert_cmpfloat (delta_of (diff, MPY_METRIC_ONE_BLOCKS), ==,
                       value_of (b, MPY_METRIC_ONE_BLOCKS) - value_of (a, MPY_METRIC_ONE_BLOCKS));
    /* map figures: neither side has them */
    g_assert_false (mpy_metric_get_delta (MPY_METRIC_OBJECTS, diff, NULL));
    g_clear_error (&why);
  }
  {
    g_autoptr(MpyDiff) diff = mpy_diff_new_best (a, map, &why);

    g_assert_error (why, MPY_DIFF_ERROR, MPY_DIFF_ERROR_NO_MAP);
    g_assert_false (mpy_diff_has_blocks (diff));
    g_assert_cmpfloat (delta_of (diff, MPY_METRIC_GC_FREE), ==,
                       value_of (map, MPY_METRIC_GC_FREE) - value_of (a, MPY_METRIC_GC_FREE));
    g_assert_false (mpy_metric_get_delta (MPY_METRIC_FRAGMENTATION, diff, NULL));
    g_clear_error (&why);
  }
  {
    g_autoptr(MpyDiff) diff = mpy_diff_new_best (map, other, &why);

    g_assert_error (why, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE);
    g_assert_false (mpy_diff_has_blocks (diff));
    /* both have maps: the map figures have deltas too */
    g_assert_cmpfloat (delta_of (diff, MPY_METRIC_OBJECTS), ==,
                       value_of (other, MPY_METRIC_OBJECTS) - value_of (map, MPY_METRIC_OBJECTS));
    g_assert_cmpfloat (delta_of (diff, MPY_METRIC_GC_TOTAL), ==,
                       value_of (other, MPY_METRIC_GC_TOTAL) - value_of (map, MPY_METRIC_GC_TOTAL));
    g_clear_error (&why);
  }
  {
    g_autoptr(MpySnapshot) before = read_fixture ("unix-heap256k-after-soft-reset.txt");
    g_autoptr(MpyDiff) diff = mpy_diff_new_best (before, map, &why);

    g_assert_no_error (why);
    g_assert_true (mpy_diff_has_blocks (diff));
    g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_ALLOCATED), >, 0);
  }
}

static guint32
pixel_at (cairo_surface_t *surface,
          double           x,
          double           y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return ((const guint32 *) (data + (int) y * stride))[(int) x] & 0xffffff;
}

static gboolean
close_to (guint32 a,
          guint32 b)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > 24)
      return FALSE;
  return TRUE;
}

static gboolean
line_near (cairo_surface_t *surface,
           double           x,
           double           y,
           guint32          color)
{
  for (int dy = -2; dy <= 2; dy++)
    if (close_to (pixel_at (surface, x, y + dy), color))
      return TRUE;
  return FALSE;
}

/* The chart (its PNG) has the used/free area and each series where their values are. */
static void
test_chart_pixels (void)
{
  static const guint used[] = { 20000, 60000, 120000, 40000 };
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  MpyChartOptions options = MPY_CHART_OPTIONS_INIT;
  MpyChartLayout layout;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint32 free_color = mpy_chart_get_free_color (FALSE);
  guint32 line_color = mpy_chart_get_line_color (MPY_METRIC_GC_FREE, 0, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (used); i++)
    {
      g_autofree char *text = figures_text (used[i]);

      g_ptr_array_add (snapshots, mpy_dump_reader_read_one (text, -1, NULL));
    }
  /* one line: the free bytes, on the byte axis */
  options.n_series = 1;
  options.series[0] = MPY_METRIC_GC_FREE;

  /* the PNG the CLI writes, read back */
  {
    g_autofree char *dir = g_dir_make_tmp ("mpy-chart-XXXXXX", NULL);
    g_autofree char *png = g_build_filename (dir, "chart.png", NULL);
    g_autoptr(GError) error = NULL;
    cairo_surface_t *loaded;

    g_assert_true (mpy_chart_write_png (snapshots, &options, 640, 320, png, &error));
    g_assert_no_error (error);
    loaded = cairo_image_surface_create_from_png (png);
    g_assert_cmpint (cairo_surface_status (loaded), ==, CAIRO_STATUS_SUCCESS);
    /* as RGB24 for pixel_at() */
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 320);
    cr = cairo_create (surface);
    cairo_set_source_surface (cr, loaded, 0, 0);
    cairo_paint (cr);
    cairo_destroy (cr);
    cairo_surface_destroy (loaded);
    cairo_surface_flush (surface);
    g_remove (png);
    g_rmdir (dir);
  }
  mpy_chart_layout_compute (&layout, snapshots, &options, 640, 320);

  /* the top of the byte axis is the heap's total */
  g_assert_cmpfloat (layout.bytes_max, ==, 259072);
  for (guint i = 0; i < G_N_ELEMENTS (used); i++)
    {
      double x = mpy_chart_layout_get_x (&layout, i) + (i == 0 ? 3 : i == G_N_ELEMENTS (used) - 1 ? -3 : 0);
      double y_used = mpy_chart_layout_get_y (&layout, -1, used[i]);
      double y_line = mpy_chart_layout_get_y (&layout, -1, 259072 - used[i]);
      guint32 in_used = pixel_at (surface, x, y_used + 4);
      double x_line = mpy_chart_layout_get_x (&layout, i) + (i == 0 ? 3 : i == G_N_ELEMENTS (used) - 1 ? -3 : 0);

      /* under the used top: the used colour (over the free grey); above it: free */
      g_assert_false (close_to (in_used, free_color));
      g_assert_true (close_to (pixel_at (surface, x, y_used - 6), free_color));
      /* the line where the value is (within its width and the slope to the next point) */
      g_assert_true (line_near (surface, x_line, y_line, line_color));
      /* and not where the value is not */
      g_assert_false (line_near (surface, x_line, y_line + 12, line_color));
      g_assert_false (line_near (surface, x_line, y_line - 12, line_color));
    }
  /* the x axis by index: equal steps */
  g_assert_cmpfloat (fabs ((mpy_chart_layout_get_x (&layout, 1) - mpy_chart_layout_get_x (&layout, 0))
                           - (mpy_chart_layout_get_x (&layout, 3) - mpy_chart_layout_get_x (&layout, 2))), <, 1e-9);
  g_assert_cmpint (mpy_chart_layout_index_at (&layout, mpy_chart_layout_get_x (&layout, 2) + 3), ==, 2);
  mpy_chart_layout_clear (&layout);
  cairo_surface_destroy (surface);

  /* by time: the board times place the points (13 ms and 35 ms after the first) */
  {
    g_autoptr(GPtrArray) timed = read_test_file ("core/data", "webassembly-named-log.txt");

    options.x_axis = MPY_CHART_X_TIME;
    mpy_chart_layout_compute (&layout, timed, &options, 640, 320);
    g_assert_true (layout.by_time);
    g_assert_cmpfloat (fabs (layout.x_values[1] - 0.013), <, 1e-6);
    g_assert_cmpfloat (fabs (layout.x_values[2] - 0.035), <, 1e-6);
    mpy_chart_layout_clear (&layout);
  }
}

/* `timeline -o --series gc_used`: the area already names heap used, so the line joins its
 * entry and every figure is in the legend once. */
static void
test_chart_legend_once (void)
{
  MpyChartOptions options = MPY_CHART_OPTIONS_INIT;
  MpyChartLegendEntry entries[MPY_CHART_MAX_LEGEND];
  guint n;

  options.n_series = 3;
  options.series[0] = MPY_METRIC_GC_USED;
  options.series[1] = MPY_METRIC_FRAGMENTATION;
  options.series[2] = MPY_METRIC_GC_USED;   /* twice on the command line */
  n = mpy_chart_get_legend (&options, entries);
  g_assert_cmpuint (n, ==, 3);
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      g_assert_cmpstr (mpy_metric_get_title (entries[i].metric), !=, mpy_metric_get_title (entries[j].metric));
  g_assert_cmpint (entries[0].metric, ==, MPY_METRIC_GC_USED);
  g_assert_true (entries[0].has_area);
  g_assert_cmpint (entries[0].series, ==, 0);   /* the line across the area's swatch */
  g_assert_cmpint (entries[1].metric, ==, MPY_METRIC_GC_FREE);
  g_assert_cmpint (entries[1].series, ==, -1);
  g_assert_cmpint (entries[2].metric, ==, MPY_METRIC_FRAGMENTATION);
  g_assert_false (entries[2].has_area);
  g_assert_cmpint (entries[2].series, ==, 1);

  /* without the area, the line has an entry of its own */
  options.area = FALSE;
  n = mpy_chart_get_legend (&options, entries);
  g_assert_cmpuint (n, ==, 2);
  g_assert_false (entries[0].has_area);
  g_assert_cmpint (entries[0].series, ==, 0);
}

/* One snapshot: in the middle of the plot with its own tick, its area a bar that shows, its
 * lines' points inside the plot, and the byte axis in whole KiB. */
static void
test_chart_single_snapshot (void)
{
  g_autofree char *text = figures_text (60000);
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  MpyChartOptions options = MPY_CHART_OPTIONS_INIT;
  MpyChartLayout layout;
  cairo_surface_t *surface;
  cairo_t *cr;
  double ticks[8], x, y_used, value;
  guint n;

  g_ptr_array_add (snapshots, mpy_dump_reader_read_one (text, -1, NULL));
  options.n_series = 1;
  options.series[0] = MPY_METRIC_ONE_BLOCKS;
  mpy_chart_layout_compute (&layout, snapshots, &options, 640, 320);
  x = mpy_chart_layout_get_x (&layout, 0);
  g_assert_cmpfloat (fabs (x - (layout.plot_x + layout.plot_width / 2)), <, 1e-9);
  g_assert_true (mpy_chart_layout_get_value (&layout, 0, 0, &value));
  g_assert_cmpfloat (value, >, 0);
  /* a count's own scale ends above its only value, on a round number */
  g_assert_cmpfloat (layout.series_max[0], >, value);
  g_assert_cmpfloat (mpy_chart_layout_get_y (&layout, 0, value), >, layout.plot_y + 2);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 320);
  cr = cairo_create (surface);
  mpy_chart_draw_layout (cr, &layout, &options, 640, 320);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  y_used = mpy_chart_layout_get_y (&layout, -1, 60000);
  /* the bar: heap used under its top a few px either side of the point, free above it */
  for (int dx = -6; dx <= 6; dx += 6)
    {
      g_assert_false (close_to (pixel_at (surface, x + dx, y_used + 6), mpy_palette_get_background (FALSE)));
      g_assert_false (close_to (pixel_at (surface, x + dx, y_used + 6), mpy_chart_get_free_color (FALSE)));
      g_assert_true (close_to (pixel_at (surface, x + dx, y_used - 6), mpy_chart_get_free_color (FALSE)));
    }
  /* and nothing of it far from the point */
  g_assert_true (close_to (pixel_at (surface, x - 60, y_used + 6), mpy_palette_get_background (FALSE)));
  cairo_surface_destroy (surface);
  mpy_chart_layout_clear (&layout);

  /* whole KiB on the byte axis (not 97.7 KiB steps of 100,000 B) */
  n = mpy_chart_byte_ticks (259072, 6, ticks);
  g_assert_cmpuint (n, >=, 3);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (fmod (ticks[i], 1024), ==, 0);
  g_assert_cmpfloat (mpy_chart_nice_ceiling (167), ==, 200);
  g_assert_cmpfloat (mpy_chart_nice_ceiling (6184), ==, 8000);
  g_assert_cmpfloat (mpy_chart_nice_ceiling (20), ==, 30);
  g_assert_cmpfloat (mpy_chart_nice_ceiling (0), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/timeline/named-log/real", test_named_log_real);
  g_test_add_func ("/timeline/named-log/localtime", test_named_log_localtime);
  g_test_add_func ("/timeline/named-log/variants", test_named_log_variants);
  g_test_add_func ("/timeline/named-log/profiler-ticks", test_profiler_ticks);
  g_test_add_func ("/timeline/session/round-trip", test_session_round_trip);
  g_test_add_func ("/timeline/figure-diff", test_figure_diff);
  g_test_add_func ("/timeline/chart/pixels", test_chart_pixels);
  g_test_add_func ("/timeline/chart/legend-names-each-figure-once", test_chart_legend_once);
  g_test_add_func ("/timeline/chart/single-snapshot", test_chart_single_snapshot);

  return g_test_run ();
}

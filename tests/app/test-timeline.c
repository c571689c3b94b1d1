/* test-timeline.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline below the canvas, in the real window under Xvfb: one point per snapshot of
 * the document, following it live; click, drag and keys write the document's selection, so
 * the canvas shows what the timeline picked; the hover text. Expected figures come from the
 * fixture text (regular expressions), not from the reader.
 */

#include <math.h>
#include <string.h>

#include <gif_lib.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-document.h"
#include "mpy-heap-view.h"
#include "mpy-dump-reader.h"
#include "mpy-metric.h"
#include "mpy-snapshot-item.h"
#include "mpy-test-app.h"
#include "mpy-timeline.h"

static GtkApplication *app;


static MpySnapshot *
read_fixture (const char *name,
              char      **text_out)
{
  g_autofree char *path = mpy_test_fixture (name);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  MpySnapshot *snapshot;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  snapshot = mpy_dump_reader_read_one (text, -1, &error);
  g_assert_no_error (error);
  if (text_out != NULL)
    *text_out = g_steal_pointer (&text);
  return snapshot;
}

static guint64
text_number (const char *text,
             const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *digits = NULL;

  g_assert_true (g_regex_match (regex, text, 0, &match));
  digits = g_match_info_fetch (match, 1);
  return g_ascii_strtoull (digits, NULL, 10);
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
    }
  g_assert_not_reached ();
}

/* The timeline has placed a point for every snapshot. */
static gboolean
timeline_laid_out (gpointer data)
{
  MpyWindow *window = data;
  guint n = mpy_test_n_rows (window);

  return n == 0 || mpy_timeline_get_point_position (MPY_TIMELINE (mpy_window_get_timeline (window)),
                                                    n - 1, NULL, NULL);
}

static MpyWindow *
window_with (const char *const *fixtures)
{
  MpyWindow *window = mpy_test_new_window (app, FALSE);
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; fixtures[i] != NULL; i++)
    {
      g_autoptr(MpySnapshot) s = read_fixture (fixtures[i], NULL);
      g_autofree char *label = g_strdup_printf ("step %u", i);

      g_ptr_array_add (snapshots, mpy_snapshot_with_label (s, label));
    }
  mpy_document_add (mpy_window_get_document (window), snapshots, FALSE);
  mpy_test_run_for (100);
  /* (under load the timeline's layout may still be to come) */
  g_assert_true (mpy_test_run_until (timeline_laid_out, window, 10000));
  return window;
}

static const char *const unix_steps[] = {
  "unix-heap256k-after-soft-reset.txt",
  "unix-heap256k-after-alloc.txt",
  "unix-heap256k-after-del-gc.txt",
  "unix-heap256k-fragmented.txt",
  "unix-heap256k-heap-full.txt",
  NULL
};

static guint
n_selected (MpyWindow *window)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (mpy_window_get_selection (window));

  return (guint) gtk_bitset_get_size (selected);
}

static gboolean
is_selected (MpyWindow *window,
             guint      position)
{
  return gtk_selection_model_is_selected (mpy_window_get_selection (window), position);
}

/* One point per snapshot, added and removed with the document. */
static void
test_timeline_follows_document (void)
{
  MpyWindow *window = window_with (unix_steps);
  MpyTimeline *timeline = MPY_TIMELINE (mpy_window_get_timeline (window));
  MpyDocument *document = mpy_window_get_document (window);
  g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  double x_last_before, x_last_after;

  g_assert_cmpuint (mpy_timeline_get_n_points (timeline), ==, 5);
  g_assert_true (mpy_timeline_get_point_position (timeline, 4, &x_last_before, NULL));

  g_ptr_array_add (more, read_fixture ("unix-heap256k-gc-disabled.txt", NULL));
  g_ptr_array_add (more, read_fixture ("unix-heap256k-after-heap-full-gc.txt", NULL));
  mpy_document_add (document, more, FALSE);
  g_assert_cmpuint (mpy_timeline_get_n_points (timeline), ==, 7);
  mpy_test_run_for (50);
  /* The old last point moved left to make room. */
  g_assert_true (mpy_timeline_get_point_position (timeline, 4, &x_last_after, NULL));
  g_assert_cmpfloat (x_last_after, <, x_last_before);

  gtk_selection_model_select_item (mpy_window_get_selection (window), 2, TRUE);
  g_assert_true (mpy_document_delete_selected (document));
  g_assert_cmpuint (mpy_timeline_get_n_points (timeline), ==, 6);
  g_assert_true (mpy_document_undo (document));
  g_assert_cmpuint (mpy_timeline_get_n_points (timeline), ==, 7);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A click on a point selects that snapshot: the canvas shows its map. */
static void
test_timeline_click_selects (void)
{
  MpyWindow *window = window_with (unix_steps);
  GtkWidget *timeline = mpy_window_get_timeline (window);
  GtkEventController *drag = find_controller (timeline, GTK_TYPE_GESTURE_DRAG);
  double x, y;
  guint index;

  g_assert_true (mpy_timeline_get_point_position (MPY_TIMELINE (timeline), 3, &x, &y));
  g_assert_true (mpy_timeline_get_point_at (MPY_TIMELINE (timeline), x + 1, y, &index));
  g_assert_cmpuint (index, ==, 3);

  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
  mpy_test_run_for (50);
  g_assert_cmpuint (n_selected (window), ==, 1);
  g_assert_true (is_selected (window, 3));
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MAP);
  g_assert_true (mpy_window_get_shown_snapshot (window) == mpy_test_row (window, 3));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Dragging over a range selects its first and last: the canvas shows their diff. */
static void
test_timeline_drag_selects_pair (void)
{
  MpyWindow *window = window_with (unix_steps);
  GtkWidget *timeline = mpy_window_get_timeline (window);
  GtkEventController *drag = find_controller (timeline, GTK_TYPE_GESTURE_DRAG);
  double x1, x4, y;
  MpyDiff *diff;

  g_assert_true (mpy_timeline_get_point_position (MPY_TIMELINE (timeline), 1, &x1, &y));
  g_assert_true (mpy_timeline_get_point_position (MPY_TIMELINE (timeline), 4, &x4, NULL));

  /* Right to left works too. */
  g_signal_emit_by_name (drag, "drag-begin", x4, y);
  g_signal_emit_by_name (drag, "drag-update", (x1 - x4) / 2, 0.0);
  g_signal_emit_by_name (drag, "drag-update", x1 - x4, 0.0);
  g_signal_emit_by_name (drag, "drag-end", x1 - x4, 0.0);
  mpy_test_run_for (50);

  g_assert_cmpuint (n_selected (window), ==, 2);
  g_assert_true (is_selected (window, 1));
  g_assert_true (is_selected (window, 4));
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_DIFF);
  diff = mpy_window_get_shown_diff (window);
  g_assert_nonnull (diff);
  g_assert_true (mpy_diff_get_before (diff) == mpy_test_row (window, 1));
  g_assert_true (mpy_diff_get_after (diff) == mpy_test_row (window, 4));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Left/Right step through the snapshots, Shift extends to a pair from the anchor. */
static void
test_timeline_keyboard (void)
{
  MpyWindow *window = window_with (unix_steps);
  GtkWidget *timeline = mpy_window_get_timeline (window);
  GtkEventController *key = find_controller (timeline, GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  gtk_selection_model_select_item (mpy_window_get_selection (window), 1, TRUE);
  g_signal_emit_by_name (key, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_cmpuint (n_selected (window), ==, 1);
  g_assert_true (is_selected (window, 2));

  g_signal_emit_by_name (key, "key-pressed", GDK_KEY_Right, 0, GDK_SHIFT_MASK, &handled);
  g_signal_emit_by_name (key, "key-pressed", GDK_KEY_Right, 0, GDK_SHIFT_MASK, &handled);
  g_assert_cmpuint (n_selected (window), ==, 2);
  g_assert_true (is_selected (window, 2));
  g_assert_true (is_selected (window, 4));
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_DIFF);

  g_signal_emit_by_name (key, "key-pressed", GDK_KEY_Left, 0, 0, &handled);
  g_assert_cmpuint (n_selected (window), ==, 1);
  g_assert_true (is_selected (window, 3));
  g_signal_emit_by_name (key, "key-pressed", GDK_KEY_Home, 0, 0, &handled);
  g_assert_true (is_selected (window, 0));
  g_signal_emit_by_name (key, "key-pressed", GDK_KEY_Left, 0, 0, &handled);
  g_assert_true (is_selected (window, 0));   /* stays at the first */

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Hover marks the point; the tooltip (the same hit test) names it and gives its figures. */
static void
test_timeline_hover_tooltip (void)
{
  MpyWindow *window = window_with (unix_steps);
  GtkWidget *timeline = mpy_window_get_timeline (window);
  GtkEventController *motion = find_controller (timeline, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  g_autofree char *text = NULL;
  g_autofree char *tip = NULL;
  g_autofree char *used_text = NULL;
  g_autoptr(MpySnapshot) s2 = read_fixture (unix_steps[2], &text);
  GtkTooltip *tooltip;
  gboolean shown = FALSE;
  guint64 used;
  double x, y;

  used = text_number (text, "GC: total: [0-9]+, used: ([0-9]+)");
  used_text = mpy_metric_format_value (MPY_METRIC_GC_USED, (double) used, 0);

  g_assert_true (mpy_timeline_get_point_position (MPY_TIMELINE (timeline), 2, &x, &y));
  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_cmpint (mpy_timeline_get_hovered (MPY_TIMELINE (timeline)), ==, 2);

  tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  g_signal_emit_by_name (timeline, "query-tooltip", (int) x, (int) y, FALSE, tooltip, &shown);
  g_assert_true (shown);
  g_object_unref (tooltip);

  tip = mpy_timeline_dup_point_text (MPY_TIMELINE (timeline), 2);
  g_assert_true (g_str_has_prefix (tip, "#2 step 2"));
  g_assert_nonnull (strstr (tip, used_text));

  /* Off the plot (the axis labels on the left): no point, no tooltip. */
  g_assert_false (mpy_timeline_get_point_at (MPY_TIMELINE (timeline), 2, y, NULL));
  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpint (mpy_timeline_get_hovered (MPY_TIMELINE (timeline)), ==, -1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* x by time places snapshots by their time; by index evenly. */
static void
test_timeline_x_by_time (void)
{
  MpyWindow *window = mpy_test_new_window (app, FALSE);
  MpyTimeline *timeline = MPY_TIMELINE (mpy_window_get_timeline (window));
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  static const int seconds[] = { 0, 10, 100 };
  double x0, x1, x2;

  for (guint i = 0; i < G_N_ELEMENTS (seconds); i++)
    {
      g_autoptr(MpySnapshot) s = read_fixture (unix_steps[i], NULL);
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (1700000000 + seconds[i]);

      g_ptr_array_add (snapshots, mpy_snapshot_with_metadata (s, t, "t", NULL, NULL, 0));
    }
  mpy_document_add (mpy_window_get_document (window), snapshots, FALSE);
  mpy_test_run_for (50);

  mpy_timeline_set_by_time (timeline, TRUE);
  g_assert_true (mpy_timeline_get_x_is_time (timeline));
  mpy_timeline_get_point_position (timeline, 0, &x0, NULL);
  mpy_timeline_get_point_position (timeline, 1, &x1, NULL);
  mpy_timeline_get_point_position (timeline, 2, &x2, NULL);
  g_assert_cmpfloat (fabs ((x1 - x0) * 10 - (x2 - x0)), <, 1.0);

  mpy_timeline_set_by_time (timeline, FALSE);
  mpy_timeline_get_point_position (timeline, 0, &x0, NULL);
  mpy_timeline_get_point_position (timeline, 1, &x1, NULL);
  mpy_timeline_get_point_position (timeline, 2, &x2, NULL);
  g_assert_cmpfloat (fabs ((x1 - x0) - (x2 - x1)), <, 1.0);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The widget's top and bottom are in the window, and at least @min_width px of it are
 * visible across (the columns beside the canvas are the window's layout, not the timeline's). */
static gboolean
inside (GtkWidget *widget,
        GtkWidget *window,
        double     min_width)
{
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (widget, window, &bounds))
    return FALSE;
  if (g_test_verbose ())
    g_test_message ("%s at %g,%g %gx%g in %dx%d", G_OBJECT_TYPE_NAME (widget), bounds.origin.x,
                    bounds.origin.y, bounds.size.width, bounds.size.height,
                    gtk_widget_get_width (window), gtk_widget_get_height (window));
  return bounds.origin.x >= 0 && bounds.origin.y >= 0 && bounds.size.height > 0
    && gtk_widget_get_width (window) - bounds.origin.x >= min_width
    && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (window) + 0.5;
}

/* At 800×600 the timeline, its controls and the canvas are all on screen; Ctrl+T hides it. */
static void
test_timeline_layout_800x600 (void)
{
  MpyWindow *window = window_with (unix_steps);
  GtkWidget *timeline = mpy_window_get_timeline (window);
  GVariant *state;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_selection_model_select_item (mpy_window_get_selection (window), 0, TRUE);
  mpy_test_run_for (300);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 800);
  g_assert_true (inside (timeline, GTK_WIDGET (window), 200));
  g_assert_cmpint (gtk_widget_get_height (timeline), >=, 90);
  g_assert_cmpint (gtk_widget_get_width (timeline), >=, 200);
  g_assert_true (inside (mpy_window_get_heap_view (window), GTK_WIDGET (window), 100));
  g_assert_cmpint (gtk_widget_get_height (mpy_window_get_heap_view (window)), >=, 150);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-timeline", NULL));
  state = g_action_group_get_action_state (G_ACTION_GROUP (window), "show-timeline");
  g_assert_false (g_variant_get_boolean (state));
  g_variant_unref (state);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The timeline as drawn: its node rendered by the window's renderer, 0xRRGGBB per pixel. */
static guint32 *
render_timeline (GtkWidget *timeline,
                 int       *width,
                 int       *height)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (timeline));
  guint32 *pixels;

  *width = gtk_widget_get_width (timeline);
  *height = gtk_widget_get_height (timeline);
  /* The widget's own drawing, now (not the frame GTK last kept of it). */
  GTK_WIDGET_GET_CLASS (timeline)->snapshot (timeline, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  pixels = g_new (guint32, (gsize) *width * *height);
  gdk_texture_download (texture, (guchar *) pixels, (gsize) *width * 4);
  for (gsize i = 0; i < (gsize) *width * *height; i++)
    pixels[i] &= 0xffffff;
  return pixels;
}

static gboolean
color_near (guint32 a,
            guint32 b)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > 40)
      return FALSE;
  return TRUE;
}

/* Is @rgb within ±@dy px of row @y in column @x? */
static gboolean
line_at (const guint32 *pixels,
         int            width,
         int            height,
         int            x,
         double         y,
         int            dy,
         guint32        rgb)
{
  for (int row = (int) floor (y) - dy; row <= (int) ceil (y) + dy; row++)
    if (row >= 0 && row < height && color_near (pixels[(gsize) row * width + x], rgb))
      return TRUE;
  return FALSE;
}

static gboolean
widget_allocated (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

/* Far more snapshots than pixel columns, each unlike the one before: every column of the
 * line spans both values (with nothing above or below), and a new selection leaves the
 * drawn chart as it was but for the selection's mark. */
static void
test_timeline_dense_lines (void)
{
  g_autoptr(GListStore) store = g_list_store_new (MPY_TYPE_SNAPSHOT_ITEM);
  g_autoptr(GtkSelectionModel) selection = NULL;
  g_autoptr(MpySnapshot) low = read_fixture ("unix-heap256k-after-soft-reset.txt", NULL);
  g_autoptr(MpySnapshot) high = read_fixture ("unix-heap256k-heap-full.txt", NULL);
  guint32 color = mpy_chart_series_get_color (MPY_CHART_SERIES_USED, FALSE);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *timeline = mpy_timeline_new ();
  g_autofree guint32 *pixels = NULL;
  g_autofree guint32 *selected = NULL;
  double x_first, x_last, y_low, y_high;
  int width, height, changed = 0;

  for (guint i = 0; i < 4000; i++)
    {
      g_autoptr(MpySnapshotItem) item = mpy_snapshot_item_new (i % 2 ? high : low);

      g_list_store_append (store, item);
    }
  selection = GTK_SELECTION_MODEL (gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (store))));
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 160);
  gtk_window_set_child (GTK_WINDOW (window), timeline);
  g_object_set (timeline, "show-area", FALSE, "show-largest-free-run", FALSE, NULL);
  mpy_timeline_set_model (MPY_TIMELINE (timeline), selection);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (mpy_test_run_until (widget_allocated, timeline, 5000));
  mpy_test_run_for (100);

  g_assert_true (mpy_timeline_get_point_position (MPY_TIMELINE (timeline), 0, &x_first, &y_low));
  g_assert_true (mpy_timeline_get_point_position (MPY_TIMELINE (timeline), 3999, &x_last, &y_high));
  g_assert_cmpfloat (y_low - y_high, >, 40);   /* higher values are further up */
  pixels = render_timeline (timeline, &width, &height);
  for (int x = (int) x_first + 2; x < (int) x_last - 2; x++)
    {
      g_assert_true (line_at (pixels, width, height, x, y_low, 1, color));
      g_assert_true (line_at (pixels, width, height, x, y_high, 1, color));
      g_assert_true (line_at (pixels, width, height, x, (y_low + y_high) / 2, 0, color));
      g_assert_false (line_at (pixels, width, height, x, y_high - 5, 1, color));
      g_assert_false (line_at (pixels, width, height, x, y_low + 5, 1, color));
    }

  /* A selection: its line over the chart, the rest of the picture the same. */
  gtk_selection_model_select_item (selection, 2000, TRUE);
  selected = render_timeline (timeline, &width, &height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (pixels[(gsize) y * width + x] != selected[(gsize) y * width + x])
        {
          double x_sel;

          g_assert_true (mpy_timeline_get_point_position (MPY_TIMELINE (timeline), 2000, &x_sel, NULL));
          g_assert_cmpfloat (fabs (x - x_sel), <=, 2);
          changed++;
        }
  g_assert_cmpint (changed, >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A document of one snapshot: its point in the middle, its area a bar either side of it
 * (an area through one point has no width), its figures inside the plot. */
static void
test_timeline_single_snapshot (void)
{
  static const char *const one[] = { "unix-heap256k-after-alloc.txt", NULL };
  MpyWindow *window = window_with (one);
  GtkWidget *timeline = mpy_window_get_timeline (window);
  g_autofree guint32 *pixels = NULL;
  double x, y;
  int width, height;
  guint32 far;

  gtk_selection_model_unselect_all (mpy_window_get_selection (window));
  mpy_test_run_for (50);
  g_assert_true (mpy_timeline_get_point_position (MPY_TIMELINE (timeline), 0, &x, &y));
  pixels = render_timeline (timeline, &width, &height);
  g_assert_cmpfloat (fabs (x - width / 2.0), <, 40);   /* the plot's middle (axis on the left) */
  far = pixels[(gsize) ((int) y + 4) * width + (int) x - 60];
  for (int dx = -6; dx <= 6; dx += 12)
    g_assert_false (color_near (pixels[(gsize) ((int) y + 4) * width + (int) x + dx], far));
  g_assert_cmpfloat (y, >, 10);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The scrubber shows frame N as the diff of N against N − 1 (the first alone), and follows
 * the selection made elsewhere. */
static void
test_playback_scrubber_steps_frames (void)
{
  MpyWindow *window = window_with (unix_steps);
  GtkRange *scale = mpy_window_get_playback_scale (window);
  MpyDiff *diff;

  g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_range_get_adjustment (scale)), ==, 4);
  gtk_range_set_value (scale, 3);
  mpy_test_run_for (20);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_DIFF);
  diff = mpy_window_get_shown_diff (window);
  g_assert_true (mpy_diff_get_before (diff) == mpy_test_row (window, 2));
  g_assert_true (mpy_diff_get_after (diff) == mpy_test_row (window, 3));
  /* The heap view draws that diff. */
  g_assert_true (mpy_heap_view_get_diff (MPY_HEAP_VIEW (mpy_window_get_heap_view (window))) == diff);

  gtk_range_set_value (scale, 0);
  mpy_test_run_for (20);
  g_assert_cmpuint (n_selected (window), ==, 1);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MAP);
  g_assert_true (mpy_window_get_shown_snapshot (window) == mpy_test_row (window, 0));

  gtk_selection_model_select_item (mpy_window_get_selection (window), 2, TRUE);
  g_assert_cmpfloat (gtk_range_get_value (scale), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct {
  MpyWindow *window;
  GArray    *afters;   /* guint: the later snapshot of each diff shown */
} Frames;

static void
record_frame_cb (GtkSelectionModel *selection,
                 guint              position,
                 guint              n,
                 Frames            *frames)
{
  MpyDiff *diff = mpy_window_get_shown_diff (frames->window);

  for (guint i = 1; diff != NULL && i < mpy_test_n_rows (frames->window); i++)
    if (mpy_diff_get_after (diff) == mpy_test_row (frames->window, i)
        && mpy_diff_get_before (diff) == mpy_test_row (frames->window, i - 1)
        && (frames->afters->len == 0 || g_array_index (frames->afters, guint, frames->afters->len - 1) != i))
      g_array_append_val (frames->afters, i);
}

static gboolean
stopped (gpointer data)
{
  return !mpy_window_get_playing (data);
}

/* Play runs through every successive diff in order and stops on the last. */
static void
test_playback_plays_successive_diffs (void)
{
  MpyWindow *window = window_with (unix_steps);
  GtkSelectionModel *selection = mpy_window_get_selection (window);
  Frames frames = { window, g_array_new (FALSE, FALSE, sizeof (guint)) };
  gulong handler;
  GVariant *state;

  gtk_selection_model_select_item (selection, 4, TRUE);   /* at the end: plays from the start */
  handler = g_signal_connect_after (selection, "selection-changed", G_CALLBACK (record_frame_cb), &frames);
  g_object_set (gtk_widget_get_template_child (GTK_WIDGET (window), MPY_TYPE_WINDOW, "playback_speed"),
                "selected", 4, NULL);   /* 30 frames/s */
  g_assert_cmpuint (mpy_window_get_playback_fps (window), ==, 30);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_true (mpy_window_get_playing (window));
  g_assert_true (mpy_test_run_until (stopped, window, 5000));
  g_signal_handler_disconnect (selection, handler);

  g_assert_cmpuint (frames.afters->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (g_array_index (frames.afters, guint, i), ==, i + 1);
  g_assert_true (is_selected (window, 3));
  g_assert_true (is_selected (window, 4));
  state = g_action_group_get_action_state (G_ACTION_GROUP (window), "play");
  g_assert_false (g_variant_get_boolean (state));
  g_variant_unref (state);

  g_array_unref (frames.afters);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
gif_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;

  if (!mpy_window_export_gif_finish (MPY_WINDOW (object), result, error) && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "failed without an error");
  else if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static gboolean
gif_finished (gpointer data)
{
  return *(GError **) data != NULL;
}

/* Export GIF from the window: a frame per snapshot of the document, decoded by giflib. */
static void
test_playback_export_gif (void)
{
  MpyWindow *window = window_with (unix_steps);
  g_autofree char *dir = g_dir_make_tmp ("mpy-gif-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "play.gif", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GifFileType *gif;
  int gif_error = 0;

  mpy_window_export_gif_async (window, file, NULL, gif_done_cb, &error);
  g_assert_true (mpy_test_run_until (gif_finished, &error, 30000));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);   /* "done" */

  gif = DGifOpenFileName (path, &gif_error);
  g_assert_nonnull (gif);
  g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
  g_assert_cmpint (gif->ImageCount, ==, 5);
  DGifCloseFile (gif, &gif_error);

  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mpy_test_app_init (&argc, &argv);
  app = GTK_APPLICATION (mpy_application_new (G_APPLICATION_NON_UNIQUE));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/timeline/follows-document", test_timeline_follows_document);
  g_test_add_func ("/timeline/click-selects", test_timeline_click_selects);
  g_test_add_func ("/timeline/drag-selects-pair", test_timeline_drag_selects_pair);
  g_test_add_func ("/timeline/keyboard", test_timeline_keyboard);
  g_test_add_func ("/timeline/hover-tooltip", test_timeline_hover_tooltip);
  g_test_add_func ("/timeline/x-by-time", test_timeline_x_by_time);
  g_test_add_func ("/timeline/layout-800x600", test_timeline_layout_800x600);
  g_test_add_func ("/timeline/dense-lines", test_timeline_dense_lines);
  g_test_add_func ("/timeline/single-snapshot", test_timeline_single_snapshot);
  g_test_add_func ("/timeline/playback/scrubber-steps-frames", test_playback_scrubber_steps_frames);
  g_test_add_func ("/timeline/playback/plays-successive-diffs", test_playback_plays_successive_diffs);
  g_test_add_func ("/timeline/playback/export-gif", test_playback_export_gif);

  status = g_test_run ();
  g_object_unref (app);
  mpy_test_app_cleanup ();
  return status;
}

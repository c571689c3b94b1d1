/* test-widgets.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The heap canvas and the figures panel in real windows (run under Xvfb). Expected values come
 * from the fixture text itself (parsed here with regular expressions), not from the reader.
 */

#include <string.h>

#include <gtk/gtk.h>

#include "mpy-damage-band.h"
#include "mpy-dump-reader.h"
#include "mpy-figures-panel.h"
#include "mpy-heap-view.h"
#include "mpy-heap-view-private.h"
#include "mpy-leak.h"
#include "mpy-legend.h"
#include "mpy-metric.h"
#include "mpy-renderer.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static char *
fixture_text (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static MpySnapshot *
load_fixture (const char *name)
{
  g_autofree char *text = fixture_text (name);
  g_autoptr(GError) error = NULL;
  MpySnapshot *snapshot = mpy_dump_reader_read_one (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  return snapshot;
}

/* The number captured by group 1 of @pattern in @text. */
static guint64
text_number (const char *text,
             const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *digits = NULL;

  g_assert_nonnull (regex);
  if (!g_regex_match (regex, text, 0, &match))
    g_error ("pattern %s not found in fixture", pattern);
  digits = g_match_info_fetch (match, 1);
  return g_ascii_strtoull (digits, NULL, 10);
}

/* The kind characters of the first map line of the fixture. */
static char *
first_map_line (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("^[0-9a-f]{5,8}: ([^\\r\\n]+)", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_true (g_regex_match (regex, text, 0, &match));
  return g_match_info_fetch (match, 1);
}

/* The kind characters of every printed map line, in order. */
static GStrv
map_lines (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("^[0-9a-f]{5,8}: ([^\\r\\n]+)", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *line = g_match_info_fetch (match, 1);

      g_strv_builder_add (builder, line);
      g_match_info_next (match, NULL);
    }
  return g_strv_builder_end (builder);
}

/* Column and row of the first free block in @text's map. Only for a dump without abbreviated
 * free lines, where dump line n is block row n. */
static void
first_free_cell (const char *text,
                 guint      *column,
                 guint      *row)
{
  g_auto(GStrv) lines = map_lines (text);
  const char *dot = NULL;
  guint r;

  for (r = 0; lines[r] != NULL; r++)
    if ((dot = strchr (lines[r], '.')) != NULL)
      break;
  g_assert_nonnull (dot);
  g_assert_null (strstr (text, "lines all free"));
  *column = dot - lines[r];
  *row = r;
}

static guint64
map_base (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("GC memory layout; from ([0-9a-f]+):", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *hex = NULL;

  g_assert_true (g_regex_match (regex, text, 0, &match));
  hex = g_match_info_fetch (match, 1);
  return g_ascii_strtoull (hex, NULL, 16);
}

static void
iterate_until (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (done (data));
}

static gboolean
is_allocated (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static void
settle (void)
{
  /* Let pending layout and frame clock work run. */
  for (int i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

typedef struct {
  GtkWidget     *window;
  GtkWidget     *scrolled;
  MpyHeapView   *view;
  MpyDamageBand *band;
  MpyLegend     *legend;
} Canvas;

/* The canvas as the window puts it together: the damage band over the scrolled view (bound
 * to its "notice"), the legend under it (following the view). */
static void
canvas_open (Canvas *c,
             int     width,
             int     height)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  c->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (c->window), width, height);
  c->scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (c->scrolled, TRUE);
  c->view = MPY_HEAP_VIEW (mpy_heap_view_new ());
  c->band = MPY_DAMAGE_BAND (mpy_damage_band_new ());
  c->legend = MPY_LEGEND (mpy_legend_new ());
  g_object_bind_property (c->view, "notice", c->band, "text", G_BINDING_SYNC_CREATE);
  mpy_legend_set_view (c->legend, c->view);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (c->scrolled), GTK_WIDGET (c->view));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (c->band));
  gtk_box_append (GTK_BOX (box), c->scrolled);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (c->legend));
  gtk_window_set_child (GTK_WINDOW (c->window), box);
  gtk_window_present (GTK_WINDOW (c->window));
  iterate_until (is_allocated, c->view);
  settle ();
}

static void
canvas_close (Canvas *c)
{
  gtk_window_destroy (GTK_WINDOW (c->window));
  settle ();
}

/* The widget as the screen would show it, drawn by the window's own GskRenderer. */
typedef struct {
  int     width;
  int     height;
  gsize   stride;
  guchar *data;
} Pixels;

static void
pixels_grab (Pixels    *px,
             GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  px->width = gtk_widget_get_width (widget);
  px->height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, px->width, px->height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, px->width, px->height));
  px->stride = (gsize) px->width * 4;
  px->data = g_malloc ((gsize) px->height * px->stride);
  gdk_texture_download (texture, px->data, px->stride);
}

static guint32
pixels_get (Pixels *px,
            int     x,
            int     y)
{
  guint32 v;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, px->width);
  g_assert_cmpint (y, <, px->height);
  memcpy (&v, px->data + (gsize) y * px->stride + (gsize) x * 4, 4);
  return v & 0xffffff;
}

/* Whether @rgb appears anywhere in @px (the legend widget's pixels). */
static gboolean
legend_has_color (Pixels  *px,
                  guint32  rgb)
{
  for (int y = 0; y < px->height; y++)
    for (int x = 0; x < px->width; x++)
      if (pixels_get (px, x, y) == rgb)
        return TRUE;
  return FALSE;
}

static void
pixels_clear (Pixels *px)
{
  g_clear_pointer (&px->data, g_free);
}

/* Widget coordinates of the centre of cell (col, row). */
static void
cell_centre (MpyHeapView *view,
             guint        col,
             guint        row,
             double      *x,
             double      *y)
{
  double ox, oy, s = mpy_heap_view_get_scale (view);

  mpy_heap_view_get_origin (view, &ox, &oy);
  *x = ox + (col + 0.5) * s;
  *y = oy + (row + 0.5) * s;
}

static guint32
pixel_at_cell (Pixels      *px,
               MpyHeapView *view,
               guint        col,
               guint        row)
{
  double x, y;

  cell_centre (view, col, row, &x, &y);
  return pixels_get (px, (int) x, (int) y);
}

/* ---- heap view -------------------------------------------------------------------------- */

static void
test_heap_view_map_pixels (gconstpointer data)
{
  MpyHeapViewDrawMethod method = GPOINTER_TO_INT (data);
  g_autofree char *text = fixture_text ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *line = first_map_line (text);
  g_autoptr(MpySnapshot) snapshot = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  MpyRenderOptions options;
  Canvas c;
  Pixels px;
  guint checked = 0;

  canvas_open (&c, 700, 400);
  mpy_heap_view_set_draw_method (c.view, method);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_to (c.view, 10, 0, 0);
  settle ();
  mpy_heap_view_get_options (c.view, &options);
  g_assert_false (options.dark);   /* the default theme under Xvfb is light */

  pixels_grab (&px, GTK_WIDGET (c.view));
  /* Every block of the first dump line is drawn in its kind's colour (tails in the tail grey
   * when rainbow is off). */
  for (guint i = 0; line[i] != '\0' && line[i] != '\r' && i < 64; i++)
    {
      char kind = line[i] == 't' ? '=' : line[i];

      g_assert_cmphex (pixel_at_cell (&px, c.view, i, 0), ==,
                       mpy_palette_get_kind_color (kind, FALSE));
      checked++;
    }
  g_assert_cmpuint (checked, ==, 64);
  pixels_clear (&px);

  /* The legend stays visible wherever the map is scrolled, with a swatch for every kind. */
  gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (c.view)), 1e6);
  settle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (c.legend)));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (c.legend)), >, 0);
  pixels_grab (&px, GTK_WIDGET (c.legend));
  for (guint i = 0; i < MPY_N_KINDS; i++)
    if (!legend_has_color (&px, mpy_palette_get_kind_color (mpy_kinds[i], FALSE)))
      g_error ("no legend swatch for kind %c", mpy_kinds[i]);
  pixels_clear (&px);

  /* show-free off: free blocks take the background colour. */
  options.show_free = FALSE;
  mpy_heap_view_set_options (c.view, &options);
  settle ();
  pixels_grab (&px, GTK_WIDGET (c.view));
  {
    guint column, row;

    first_free_cell (text, &column, &row);
    mpy_heap_view_zoom_to (c.view, 10, 0, 0);
    gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (c.view)), 0);
    settle ();
    pixels_clear (&px);
    pixels_grab (&px, GTK_WIDGET (c.view));
    g_assert_cmphex (pixel_at_cell (&px, c.view, column, row), ==,
                     mpy_palette_get_background (FALSE));
    g_assert_cmphex (pixel_at_cell (&px, c.view, 0, 0), ==,
                     mpy_palette_get_kind_color (line[0], FALSE));
  }
  pixels_clear (&px);
  canvas_close (&c);
}

/* The diff state of block @i of the first line, worked out from the two dump lines. */
static MpyDiffState
expected_state (const char *before,
                const char *after,
                guint       i)
{
  gboolean used_before = before[i] != '.';
  gboolean used_after = after[i] != '.';
  guint start_before = i, start_after = i;

  if (!used_before && !used_after)
    return MPY_DIFF_FREE;
  if (!used_before)
    return MPY_DIFF_ALLOCATED;
  if (!used_after)
    return MPY_DIFF_FREED;
  while (start_before > 0 && before[start_before] == '=')
    start_before--;
  while (start_after > 0 && after[start_after] == '=')
    start_after--;
  if (start_before == start_after && before[start_before] == after[start_after])
    return MPY_DIFF_UNCHANGED;
  return MPY_DIFF_CHANGED;
}

static void
test_heap_view_diff_pixels (void)
{
  g_autofree char *text_before = fixture_text ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *text_after = fixture_text ("microbit-v1.0.1-after-del-gc.txt");
  g_autofree char *line_before = first_map_line (text_before);
  g_autofree char *line_after = first_map_line (text_after);
  g_autoptr(MpySnapshot) before = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) after = load_fixture ("microbit-v1.0.1-after-del-gc.txt");
  g_autoptr(MpyDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  guint seen[MPY_N_DIFF_STATES] = { 0, };
  Canvas c;
  Pixels px;

  diff = mpy_diff_new (before, after, &error);
  g_assert_no_error (error);

  canvas_open (&c, 700, 400);
  mpy_heap_view_set_snapshot (c.view, after);
  mpy_heap_view_set_diff (c.view, diff);
  g_assert_true (mpy_heap_view_get_diff (c.view) == diff);
  mpy_heap_view_zoom_to (c.view, 10, 0, 0);
  settle ();

  pixels_grab (&px, GTK_WIDGET (c.view));
  for (guint i = 0; i < 64; i++)
    {
      MpyDiffState state = expected_state (line_before, line_after, i);

      g_assert_cmphex (pixel_at_cell (&px, c.view, i, 0), ==,
                       mpy_palette_get_diff_color (state, FALSE));
      seen[state]++;
    }
  /* The fixtures' first line has blocks that were kept, freed and are still free. */
  g_assert_cmpuint (seen[MPY_DIFF_UNCHANGED], >, 0);
  g_assert_cmpuint (seen[MPY_DIFF_FREED], >, 0);
  pixels_clear (&px);
  /* The legend switches to the diff states. */
  pixels_grab (&px, GTK_WIDGET (c.legend));
  for (int st = 0; st < MPY_N_DIFF_STATES; st++)
    if (!legend_has_color (&px, mpy_palette_get_diff_color (st, FALSE)))
      g_error ("no legend swatch for diff state %s", mpy_diff_state_get_name (st));
  pixels_clear (&px);

  /* Back to the plain map. */
  mpy_heap_view_set_diff (c.view, NULL);
  settle ();
  pixels_grab (&px, GTK_WIDGET (c.view));
  g_assert_cmphex (pixel_at_cell (&px, c.view, 0, 0), ==,
                   mpy_palette_get_kind_color (line_after[0], FALSE));
  pixels_clear (&px);
  canvas_close (&c);
}

/* The tooltip of @block (shown where the pointer's hit test finds it) names its change as the
 * legend entry of @color does: "Change: NAME (…)". */
static void
assert_change_named_as_legend (MpyHeapView *view,
                               gsize        block,
                               guint32      color)
{
  MpyLegendEntry entries[MPY_LEGEND_MAX_ENTRIES];
  MpyRenderOptions options = MPY_RENDER_OPTIONS_INIT;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  GtkTooltip *tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  const char *name = NULL;
  gboolean shown = FALSE;
  double x, y;
  guint n;

  mpy_heap_view_get_options (view, &options);
  n = mpy_palette_get_legend (mpy_heap_view_get_snapshot (view), mpy_heap_view_get_diff (view),
                              &options, entries);
  for (guint i = 0; i < n; i++)
    if (entries[i].color == color)
      name = entries[i].name;
  g_assert_nonnull (name);

  cell_centre (view, block % 64, block / 64, &x, &y);
  g_signal_emit_by_name (view, "query-tooltip", (int) x, (int) y, FALSE, tooltip, &shown);
  g_assert_true (shown);
  g_object_unref (tooltip);
  text = mpy_heap_view_describe_block (view, block);
  expected = g_strdup_printf ("\nChange: %s (", name);
  g_test_message ("block %" G_GSIZE_FORMAT ": %s", block, text);
  g_assert_nonnull (strstr (text, expected));
}

/* A pair around gc.collect() (its "after" captured right after it, its "before" not) paints
 * the blocks gc freed in the garbage colour, with a legend entry for it; the same two maps
 * as a plain diff keep the freed colour. */
static void
test_heap_view_gc_pair_garbage (void)
{
  g_autofree char *text_before = fixture_text ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *text_after = fixture_text ("microbit-v1.0.1-after-del-gc.txt");
  g_autofree char *line_before = first_map_line (text_before);
  g_autofree char *line_after = first_map_line (text_after);
  g_autoptr(MpySnapshot) before = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) plain_after = load_fixture ("microbit-v1.0.1-after-del-gc.txt");
  g_autoptr(MpySnapshot) gc_after = NULL;
  g_autoptr(MpyDiff) plain = NULL;
  g_autoptr(MpyDiff) pair = NULL;
  guint freed_cell = G_MAXUINT;
  Canvas c;
  Pixels px;

  gc_after = mpy_snapshot_with_metadata (plain_after, NULL, "after gc.collect()", NULL, NULL,
                                         MPY_SNAPSHOT_FLAG_GC);
  plain = mpy_diff_new (before, plain_after, NULL);
  pair = mpy_diff_new (before, gc_after, NULL);
  g_assert_nonnull (plain);
  g_assert_nonnull (pair);
  g_assert_false (mpy_pair_is_gc_pair (plain));
  g_assert_true (mpy_pair_is_gc_pair (pair));
  g_assert_cmphex (mpy_palette_get_garbage_color (FALSE), !=, mpy_palette_get_diff_color (MPY_DIFF_FREED, FALSE));
  g_assert_cmphex (mpy_palette_get_garbage_color (TRUE), !=, mpy_palette_get_diff_color (MPY_DIFF_FREED, TRUE));
  for (guint i = 0; i < 64 && freed_cell == G_MAXUINT; i++)
    if (expected_state (line_before, line_after, i) == MPY_DIFF_FREED)
      freed_cell = i;
  g_assert_cmpuint (freed_cell, !=, G_MAXUINT);

  canvas_open (&c, 700, 400);
  mpy_heap_view_set_snapshot (c.view, gc_after);
  mpy_heap_view_set_diff (c.view, pair);
  mpy_heap_view_zoom_to (c.view, 10, 0, 0);
  settle ();
  pixels_grab (&px, GTK_WIDGET (c.view));
  g_assert_cmphex (pixel_at_cell (&px, c.view, freed_cell, 0), ==, mpy_palette_get_garbage_color (FALSE));
  pixels_clear (&px);
  pixels_grab (&px, GTK_WIDGET (c.legend));
  g_assert_true (legend_has_color (&px, mpy_palette_get_garbage_color (FALSE)));
  pixels_clear (&px);
  /* Hovering such a block says what the legend calls its colour, not "freed". */
  assert_change_named_as_legend (c.view, freed_cell, mpy_palette_get_garbage_color (FALSE));

  mpy_heap_view_set_snapshot (c.view, plain_after);
  mpy_heap_view_set_diff (c.view, plain);
  settle ();
  pixels_grab (&px, GTK_WIDGET (c.view));
  g_assert_cmphex (pixel_at_cell (&px, c.view, freed_cell, 0), ==,
                   mpy_palette_get_diff_color (MPY_DIFF_FREED, FALSE));
  pixels_clear (&px);
  pixels_grab (&px, GTK_WIDGET (c.legend));
  g_assert_false (legend_has_color (&px, mpy_palette_get_garbage_color (FALSE)));
  pixels_clear (&px);
  assert_change_named_as_legend (c.view, freed_cell, mpy_palette_get_diff_color (MPY_DIFF_FREED, FALSE));
  canvas_close (&c);
}

static void
test_heap_view_dark_theme (void)
{
  g_autofree char *text = fixture_text ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *line = first_map_line (text);
  g_autoptr(MpySnapshot) snapshot = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  GtkSettings *settings = gtk_settings_get_default ();
  MpyRenderOptions options;
  Canvas c;
  Pixels px;

  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  canvas_open (&c, 700, 400);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_to (c.view, 10, 0, 0);
  settle ();

  mpy_heap_view_get_options (c.view, &options);
  g_assert_true (options.dark);
  pixels_grab (&px, GTK_WIDGET (c.view));
  for (guint i = 0; i < 64; i++)
    g_assert_cmphex (pixel_at_cell (&px, c.view, i, 0), ==,
                     mpy_palette_get_kind_color (line[i], TRUE));
  pixels_clear (&px);

  canvas_close (&c);
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  settle ();
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  g_error ("no %s on the heap view", g_type_name (type));
  return NULL;
}

static gboolean
block_at (MpyHeapView *view,
          double       x,
          double       y,
          gsize       *block)
{
  return mpy_heap_view_get_block_at (view, x, y, block);
}

static void
test_heap_view_zoom_keeps_anchor (void)
{
  g_autoptr(MpySnapshot) snapshot = load_fixture ("unix-heap256k-after-alloc.txt");
  GtkAdjustment *hadj, *vadj;
  Canvas c;
  double x, y, ax, ay, scale;
  gsize anchor_block, block;
  int view_h;

  canvas_open (&c, 400, 300);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  gtk_widget_activate_action (GTK_WIDGET (c.view), "heap.zoom-reset", NULL);
  settle ();
  g_assert_cmpfloat (mpy_heap_view_get_scale (c.view), ==, 8.0);

  /* The map (64 × 8 px wide, > 100 rows) is larger than the view: it scrolls. */
  hadj = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (c.view));
  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (c.view));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadj), >, gtk_adjustment_get_page_size (vadj));
  {
    MpyRenderOptions options;

    mpy_heap_view_get_options (c.view, &options);
    g_assert_cmpfloat (gtk_adjustment_get_upper (vadj), ==,
                       mpy_layout_get_n_rows (snapshot, &options) * 8.0);
    g_assert_cmpfloat (gtk_adjustment_get_upper (hadj), ==, 64 * 8.0);
  }
  gtk_adjustment_set_value (vadj, 200);
  gtk_adjustment_set_value (hadj, 40);
  settle ();

  /* Explicit anchor: the centre of cell (20, 40) stays on the same block at 2× and at ½×. */
  cell_centre (c.view, 20, 40, &x, &y);
  g_assert_true (block_at (c.view, x, y, &anchor_block));
  g_assert_cmpuint (anchor_block, ==, 40 * 64 + 20);
  mpy_heap_view_zoom_to (c.view, 16, x, y);
  settle ();

  g_assert_cmpfloat (mpy_heap_view_get_scale (c.view), ==, 16.0);
  g_assert_true (block_at (c.view, x, y, &block));
  g_assert_cmpuint (block, ==, anchor_block);

  /* The actions zoom about the pointer when it is over the map (Xvfb may leave it there),
   * else about the centre of the view. */
  view_h = gtk_widget_get_height (GTK_WIDGET (c.view));
  mpy_heap_view_get_zoom_anchor (c.view, &ax, &ay);
  g_test_message ("action anchor %g, %g", ax, ay);
  g_assert_true (block_at (c.view, ax, ay, &anchor_block));
  scale = mpy_heap_view_get_scale (c.view);
  gtk_widget_activate_action (GTK_WIDGET (c.view), "heap.zoom-in", NULL);
  settle ();
  g_assert_cmpfloat (mpy_heap_view_get_scale (c.view), >, scale);
  g_assert_true (block_at (c.view, ax, ay, &block));
  g_assert_cmpuint (block, ==, anchor_block);

  scale = mpy_heap_view_get_scale (c.view);
  gtk_widget_activate_action (GTK_WIDGET (c.view), "heap.zoom-out", NULL);
  gtk_widget_activate_action (GTK_WIDGET (c.view), "heap.zoom-out", NULL);
  settle ();
  g_assert_cmpfloat (mpy_heap_view_get_scale (c.view), <, scale);
  g_assert_true (block_at (c.view, ax, ay, &block));
  g_assert_cmpuint (block, ==, anchor_block);

  /* A pinch zooms by the gesture's factor about the same anchor. */
  {
    GtkEventController *pinch = find_controller (GTK_WIDGET (c.view), GTK_TYPE_GESTURE_ZOOM);

    mpy_heap_view_get_zoom_anchor (c.view, &ax, &ay);
    g_assert_true (block_at (c.view, ax, ay, &anchor_block));
    scale = mpy_heap_view_get_scale (c.view);
    g_signal_emit_by_name (pinch, "begin", NULL);
    g_signal_emit_by_name (pinch, "scale-changed", 1.5);
    g_signal_emit_by_name (pinch, "scale-changed", 2.0);
    settle ();
    g_assert_cmpfloat_with_epsilon (mpy_heap_view_get_scale (c.view), scale * 2.0, 1e-9);
    g_assert_true (block_at (c.view, ax, ay, &block));
    g_assert_cmpuint (block, ==, anchor_block);
  }

  /* Fit: the whole map is inside the view, first and last block included. */
  gtk_widget_activate_action (GTK_WIDGET (c.view), "heap.zoom-fit", NULL);
  settle ();
  {
    MpyRenderOptions options;
    gsize n_blocks = mpy_snapshot_get_n_blocks (snapshot);
    guint col, row;

    mpy_heap_view_get_options (c.view, &options);
    mpy_layout_get_position (snapshot, &options, n_blocks - 1, &col, &row);
    cell_centre (c.view, col, row, &x, &y);
    g_assert_cmpfloat (y, <, view_h);
    g_assert_true (block_at (c.view, x, y, &block));
    g_assert_cmpuint (block, ==, n_blocks - 1);
    cell_centre (c.view, 0, 0, &x, &y);
    g_assert_true (block_at (c.view, x, y, &block));
    g_assert_cmpuint (block, ==, 0);
  }

  /* Nothing is hit at the bottom edge or outside the map. */
  g_assert_false (block_at (c.view, 1, gtk_widget_get_height (GTK_WIDGET (c.view)) - 2, &block));
  g_assert_false (block_at (c.view, -5, 10, &block));

  canvas_close (&c);
}

static void
test_heap_view_columns (void)
{
  g_autoptr(MpySnapshot) snapshot = load_fixture ("unix-heap256k-after-alloc.txt");
  MpyRenderOptions options;
  Canvas c;
  double x, y;
  gsize block;

  canvas_open (&c, 1200, 300);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_to (c.view, 8, 0, 0);
  g_object_set (c.view, "columns", 2, NULL);
  settle ();
  mpy_heap_view_get_options (c.view, &options);
  g_assert_cmpuint (options.columns, ==, 2);
  /* With 128 blocks per row the cell at column 100 of row 1 is block 228. */
  cell_centre (c.view, 100, 1, &x, &y);
  g_assert_true (mpy_heap_view_get_block_at (c.view, x, y, &block));
  g_assert_cmpuint (block, ==, 228);
  canvas_close (&c);
}

/* Zooming in from the fitted view, where the map is narrower than the view and centred: the
 * block under the pointer stays under it at every step (it drifted by blocks when each step
 * re-centred the map). */
static void
test_heap_view_zoom_from_fit_keeps_anchor (void)
{
  g_autoptr(MpySnapshot) snapshot = load_fixture ("unix-heap256k-after-alloc.txt");
  Canvas c;
  double x, y, cw, scale;
  gsize anchor_block, block;

  canvas_open (&c, 400, 300);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_fit (c.view);
  settle ();
  scale = mpy_heap_view_get_scale (c.view);
  cw = 64 * scale;
  g_assert_cmpfloat (cw, <, gtk_widget_get_width (GTK_WIDGET (c.view)));

  cell_centre (c.view, 40, 100, &x, &y);
  g_assert_true (block_at (c.view, x, y, &anchor_block));
  g_assert_cmpuint (anchor_block, ==, 100 * 64 + 40);

  for (int step = 0; step < 4; step++)
    {
      mpy_heap_view_zoom_to (c.view, mpy_heap_view_get_scale (c.view) * 1.15, x, y);
      settle ();
      g_assert_cmpfloat (mpy_heap_view_get_scale (c.view), >, scale);
      g_assert_true (block_at (c.view, x, y, &block));
      g_assert_cmpuint (block, ==, anchor_block);
    }
  /* Still narrower than the view, and still wholly inside it. */
  {
    double ox, oy;

    mpy_heap_view_get_origin (c.view, &ox, &oy);
    g_assert_cmpfloat (64 * mpy_heap_view_get_scale (c.view), <, gtk_widget_get_width (GTK_WIDGET (c.view)));
    g_assert_cmpfloat (ox, >=, 0);
    g_assert_cmpfloat (ox + 64 * mpy_heap_view_get_scale (c.view), <=, gtk_widget_get_width (GTK_WIDGET (c.view)));
  }

  /* Fit again: centred again. */
  mpy_heap_view_zoom_fit (c.view);
  settle ();
  {
    double ox, oy;

    mpy_heap_view_get_origin (c.view, &ox, &oy);
    g_assert_cmpfloat (fabs (ox - floor ((gtk_widget_get_width (GTK_WIDGET (c.view)) - cw) / 2)), <, 1e-6);
  }
  canvas_close (&c);
}

/* A fitted map stays fitted when its width changes (a large heap at 64 blocks per row fits as
 * a hairline; at 1024 per row it fills the view); a zoomed one keeps its zoom. */
static void
test_heap_view_columns_refit (void)
{
  g_autoptr(MpySnapshot) snapshot = load_fixture ("unix-heap256k-after-alloc.txt");
  MpyRenderOptions options;
  Canvas c;
  double width, height, rows, expected;

  canvas_open (&c, 400, 300);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_fit (c.view);
  settle ();

  g_object_set (c.view, "columns", 16, NULL);
  settle ();
  mpy_heap_view_get_options (c.view, &options);
  g_assert_cmpuint (options.columns, ==, 16);
  width = gtk_widget_get_width (GTK_WIDGET (c.view));
  height = gtk_widget_get_height (GTK_WIDGET (c.view));
  rows = mpy_layout_get_n_rows (snapshot, &options);
  expected = MIN (width / 1024, height / rows);
  g_test_message ("fit at 1024 per row: %g (view %g × %g, %g rows)", mpy_heap_view_get_scale (c.view),
                  width, height, rows);
  g_assert_cmpfloat (fabs (mpy_heap_view_get_scale (c.view) - expected), <, 1e-9);

  /* Zoomed by the user: a new width keeps the zoom. */
  mpy_heap_view_zoom_to (c.view, 8, 0, 0);
  g_object_set (c.view, "columns", 2, NULL);
  settle ();
  g_assert_cmpfloat (mpy_heap_view_get_scale (c.view), ==, 8.0);
  canvas_close (&c);
}

static void
test_heap_view_describe_block (void)
{
  g_autofree char *text = fixture_text ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *line = first_map_line (text);
  g_autoptr(MpySnapshot) snapshot = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) later = load_fixture ("microbit-v1.0.1-after-del-gc.txt");
  g_autofree char *later_text = fixture_text ("microbit-v1.0.1-after-del-gc.txt");
  g_autofree char *later_line = first_map_line (later_text);
  g_autoptr(MpyDiff) diff = NULL;
  MpyHeapView *view = MPY_HEAP_VIEW (mpy_heap_view_new ());
  guint64 base = map_base (text);
  guint bpb = (guint) (text_number (text, "GC: total: (\\d+)") / mpy_snapshot_get_n_blocks (snapshot));
  guint start, len, tail;
  g_autofree char *description = NULL;
  g_autofree char *address = NULL;
  g_autofree char *object = NULL;
  g_autofree char *size = NULL;

  g_object_ref_sink (view);
  mpy_heap_view_set_snapshot (view, snapshot);

  /* Pick the first object of the line with at least one tail; describe its last tail. */
  for (start = 0; line[start] != '\0'; start++)
    if (line[start] != '.' && line[start] != '=' && line[start + 1] == '=')
      break;
  g_assert_cmpint (line[start], !=, '\0');
  for (len = 1; line[start + len] == '='; len++)
    ;
  tail = start + len - 1;

  description = mpy_heap_view_describe_block (view, tail);
  g_assert_nonnull (description);
  g_test_message ("%s", description);
  address = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", base + (guint64) tail * bpb);
  object = g_strdup_printf ("%s object at block %u", mpy_kind_get_name (line[start]), start);
  size = g_strdup_printf ("%u blocks, %u bytes", len, len * bpb);
  g_assert_nonnull (strstr (description, address));
  g_assert_nonnull (strstr (description, "Kind: tail"));
  g_assert_nonnull (strstr (description, object));
  g_assert_nonnull (strstr (description, size));
  g_clear_pointer (&description, g_free);

  /* A free block reports its free run. */
  {
    guint column, row;

    first_free_cell (text, &column, &row);
    description = mpy_heap_view_describe_block (view, row * 64 + column);
    g_test_message ("%s", description);
    g_assert_nonnull (strstr (description, "Kind: free"));
    g_assert_nonnull (strstr (description, "Free run:"));
    g_clear_pointer (&description, g_free);
  }

  /* Diff mode: a freed block says so and names what was there before. */
  diff = mpy_diff_new (snapshot, later, NULL);
  g_assert_nonnull (diff);
  mpy_heap_view_set_diff (view, diff);
  for (guint i = 0; i < 64; i++)
    if (expected_state (line, later_line, i) == MPY_DIFF_FREED)
      {
        g_autofree char *before_kind = NULL;
        guint head = i;

        while (head > 0 && line[head] == '=')
          head--;
        before_kind = g_strdup_printf ("Before: %s object at block %u",
                                       mpy_kind_get_name (line[head]), head);
        description = mpy_heap_view_describe_block (view, i);
        g_test_message ("%s", description);
        g_assert_nonnull (strstr (description, "Change: freed"));
        g_assert_nonnull (strstr (description, before_kind));
        g_clear_pointer (&description, g_free);
        break;
      }

  /* Out of range: no text. */
  g_assert_null (mpy_heap_view_describe_block (view, mpy_snapshot_get_n_blocks (snapshot)));
  g_object_unref (view);
}

static void
test_heap_view_figures_only (void)
{
  g_autoptr(MpySnapshot) snapshot = load_fixture ("microbit-v1.0.1-meminfo-noarg.txt");
  Canvas c;
  gsize block;

  g_assert_false (mpy_snapshot_has_map (snapshot));
  canvas_open (&c, 400, 300);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  gtk_widget_activate_action (GTK_WIDGET (c.view), "heap.zoom-fit", NULL);
  settle ();
  g_assert_false (mpy_heap_view_get_block_at (c.view, 10, 10, &block));
  g_assert_null (mpy_heap_view_describe_block (c.view, 0));
  /* Still draws (a message and the legend) without a map. */
  {
    Pixels px;

    pixels_grab (&px, GTK_WIDGET (c.view));
    pixels_clear (&px);
  }
  canvas_close (&c);
}

static gint64
hovered_block (MpyHeapView *view)
{
  gint64 block;

  g_object_get (view, "hovered-block", &block, NULL);
  return block;
}

/* The pointer over a block makes it the hovered block and outlines its whole object. */
static void
test_heap_view_hover (void)
{
  g_autofree char *text = fixture_text ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *line = first_map_line (text);
  g_autoptr(MpySnapshot) snapshot = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  GtkEventController *motion;
  Canvas c;
  Pixels before, after;
  guint start, len = 0, best_start = 0, best_len = 0;
  double x, y, ox, oy;
  GdkRGBA fg;
  guint32 fg_rgb;
  guint changed = 0;

  /* The longest object of the first line. */
  for (start = 0; start < 64; start += MAX (len, 1))
    {
      len = 0;
      if (line[start] == '.' || line[start] == '=')
        continue;
      for (len = 1; start + len < 64 && line[start + len] == '='; len++)
        ;
      if (len > best_len)
        {
          best_len = len;
          best_start = start;
        }
    }
  g_assert_cmpuint (best_len, >=, 3);

  canvas_open (&c, 700, 400);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_to (c.view, 10, 0, 0);
  settle ();
  g_assert_cmpint (hovered_block (c.view), ==, -1);
  pixels_grab (&before, GTK_WIDGET (c.view));

  motion = find_controller (GTK_WIDGET (c.view), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  cell_centre (c.view, best_start + best_len - 1, 1, &x, &y);
  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_cmpint (hovered_block (c.view), ==, 64 + best_start + best_len - 1);
  cell_centre (c.view, best_start + best_len - 1, 0, &x, &y);
  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_cmpint (hovered_block (c.view), ==, best_start + best_len - 1);
  settle ();
  pixels_grab (&after, GTK_WIDGET (c.view));

  /* The top edge of every cell of the object is now drawn in the text colour. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (c.view)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fg_rgb = ((guint32) (fg.red * 255 + 0.5) << 16) | ((guint32) (fg.green * 255 + 0.5) << 8) |
           (guint32) (fg.blue * 255 + 0.5);
  mpy_heap_view_get_origin (c.view, &ox, &oy);
  for (guint i = best_start; i < best_start + best_len; i++)
    {
      int px = (int) (ox + (i + 0.5) * 10);
      int py = (int) (oy + 1 * 10);   /* the edge between row 0 and row 1 */

      if (pixels_get (&after, px, py) != pixels_get (&before, px, py))
        changed++;
      g_assert_cmphex (pixels_get (&after, px, py), ==, fg_rgb);
    }
  g_assert_cmpuint (changed, >, 0);
  pixels_clear (&before);
  pixels_clear (&after);

  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpint (hovered_block (c.view), ==, -1);

  /* The tooltip comes from the same hit test: over a block, never over the legend. */
  {
    GtkTooltip *tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
    gboolean shown = FALSE;
    int height = gtk_widget_get_height (GTK_WIDGET (c.view));

    g_signal_emit_by_name (c.view, "query-tooltip", (int) x, (int) y, FALSE, tooltip, &shown);
    g_assert_true (shown);
    shown = TRUE;
    g_signal_emit_by_name (c.view, "query-tooltip", 5, height - 3, FALSE, tooltip, &shown);
    g_assert_false (shown);
    g_object_unref (tooltip);
  }
  canvas_close (&c);
}

/* Dragging pans the view like the scrollbars. */
static void
test_heap_view_drag_pans (void)
{
  g_autoptr(MpySnapshot) snapshot = load_fixture ("unix-heap256k-after-alloc.txt");
  GtkEventController *drag;
  GtkAdjustment *vadj;
  Canvas c;
  gsize block_before, block_after;

  canvas_open (&c, 700, 400);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_to (c.view, 8, 0, 0);
  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (c.view));
  gtk_adjustment_set_value (vadj, 100);
  settle ();
  g_assert_true (mpy_heap_view_get_block_at (c.view, 300, 150, &block_before));

  drag = find_controller (GTK_WIDGET (c.view), GTK_TYPE_GESTURE_DRAG);
  g_signal_emit_by_name (drag, "drag-begin", 300.0, 150.0);
  g_signal_emit_by_name (drag, "drag-update", 0.0, -80.0);
  g_signal_emit_by_name (drag, "drag-end", 0.0, -80.0);
  settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, 180);
  /* The block that was under the pointer moved up with the drag. */
  g_assert_true (mpy_heap_view_get_block_at (c.view, 300, 150 - 80, &block_after));
  g_assert_cmpuint (block_after, ==, block_before);
  canvas_close (&c);
}

/* The largest free run is outlined in the highlight colour, and only when asked. */
static void
test_heap_view_largest_free (void)
{
  g_autofree char *text = fixture_text ("microbit-v1.0.1-after-alloc.txt");
  g_auto(GStrv) lines = map_lines (text);
  g_autofree char *all = g_strjoinv ("", lines);
  g_autoptr(MpySnapshot) snapshot = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  gsize best = 0, best_len = 0;
  gboolean found = FALSE;
  Canvas c;
  Pixels px;
  double ox, oy;

  /* Block n of the map is character n of the printed lines (no abbreviated lines here). */
  g_assert_null (strstr (text, "lines all free"));
  for (gsize i = 0; all[i] != '\0';)
    {
      gsize j = i;

      while (all[j] == '.')
        j++;
      if (j - i > best_len)
        {
          best_len = j - i;
          best = i;
        }
      i = j > i ? j : i + 1;
    }
  g_assert_cmpuint (best_len, ==, text_number (text, "max free sz: (\\d+)"));

  canvas_open (&c, 700, 400);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_to (c.view, 10, 0, 0);
  settle ();
  pixels_grab (&px, GTK_WIDGET (c.view));
  mpy_heap_view_get_origin (c.view, &ox, &oy);
  for (gsize i = best; i < best + best_len && i / 64 == best / 64; i++)
    if (pixels_get (&px, (int) (ox + (i % 64 + 0.5) * 10), (int) (oy + (best / 64) * 10)) ==
        MPY_HEAP_VIEW_HIGHLIGHT_LIGHT)
      found = TRUE;
  g_assert_true (found);
  pixels_clear (&px);

  g_object_set (c.view, "highlight-largest-free", FALSE, NULL);
  settle ();
  pixels_grab (&px, GTK_WIDGET (c.view));
  for (int y = 0; y < px.height; y++)
    for (int x = 0; x < px.width; x++)
      g_assert_cmphex (pixels_get (&px, x, y), !=, MPY_HEAP_VIEW_HIGHLIGHT_LIGHT);
  pixels_clear (&px);
  canvas_close (&c);
}

/* Objects set to be outlined (the Leak check's survivors) are boxed in the highlight colour
 * on the snapshot they belong to, and not on another one. */
static void
test_heap_view_outline_objects (void)
{
  g_autoptr(MpySnapshot) snapshot = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) other = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  MpyBlockRun run = { 0, 0 };
  Canvas c;
  Pixels px;
  double ox, oy;
  guint32 edge;

  /* the first object of the second row that starts there */
  for (gsize i = 64; i < 128 && run.n_blocks == 0; i++)
    {
      gsize start, n;

      if (mpy_snapshot_get_object (snapshot, i, &start, &n) && start == i)
        run = (MpyBlockRun) { i, n };
    }
  g_assert_cmpuint (run.n_blocks, >, 0);

  canvas_open (&c, 700, 400);
  g_object_set (c.view, "highlight-largest-free", FALSE, NULL);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_to (c.view, 10, 0, 0);
  settle ();
  pixels_grab (&px, GTK_WIDGET (c.view));
  mpy_heap_view_get_origin (c.view, &ox, &oy);
  edge = pixels_get (&px, (int) (ox + (run.first_block % 64 + 0.5) * 10), (int) (oy + (run.first_block / 64) * 10));
  g_assert_cmphex (edge, !=, MPY_HEAP_VIEW_HIGHLIGHT_LIGHT);
  pixels_clear (&px);

  mpy_heap_view_set_outline_objects (c.view, snapshot, &run, 1);
  g_assert_cmpuint (mpy_heap_view_get_n_outline_objects (c.view), ==, 1);
  settle ();
  pixels_grab (&px, GTK_WIDGET (c.view));
  /* the top edge of its head cell */
  edge = pixels_get (&px, (int) (ox + (run.first_block % 64 + 0.5) * 10), (int) (oy + (run.first_block / 64) * 10));
  g_assert_cmphex (edge, ==, MPY_HEAP_VIEW_HIGHLIGHT_LIGHT);
  pixels_clear (&px);

  /* another snapshot shown: its objects are not the survivors */
  mpy_heap_view_set_snapshot (c.view, other);
  settle ();
  g_assert_cmpuint (mpy_heap_view_get_n_outline_objects (c.view), ==, 0);
  pixels_grab (&px, GTK_WIDGET (c.view));
  for (int y = 0; y < px.height; y++)
    for (int x = 0; x < px.width; x++)
      g_assert_cmphex (pixels_get (&px, x, y), !=, MPY_HEAP_VIEW_HIGHLIGHT_LIGHT);
  pixels_clear (&px);
  canvas_close (&c);
}

/* A damaged dump is flagged over the map and in the figures, never shown as if whole. */
static void
test_damaged_dump (void)
{
  g_autofree char *text = fixture_text ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(GRegex) used = g_regex_new ("used: (\\d+)", 0, 0, NULL);
  g_autofree char *wrong = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *replacement = NULL;
  MpyFiguresPanel *panel;
  Canvas c;
  Pixels px;

  /* The header claims 16 bytes more in use than the map holds. */
  replacement = g_strdup_printf ("used: %" G_GUINT64_FORMAT,
                                 text_number (text, "used: (\\d+)") + 16);
  wrong = g_regex_replace_literal (used, text, -1, 0, replacement, 0, NULL);
  snapshot = mpy_dump_reader_read_one (wrong, -1, NULL);
  g_assert_nonnull (snapshot);
  g_assert_true (mpy_snapshot_is_damaged (snapshot));

  canvas_open (&c, 700, 400);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_to (c.view, 10, 0, 0);
  settle ();
  notice = mpy_heap_view_get_notice (c.view);
  g_assert_nonnull (notice);
  g_test_message ("%s", notice);
  g_assert_nonnull (strstr (notice, mpy_snapshot_get_damage_reason (snapshot)));
  /* The warning is one line in a band of its own over the canvas, bound to the view's
   * "notice" with the whole text in its tooltip: it never covers the map, so the first row's
   * cells show in their colours at the top of the view. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (c.band)));
  g_assert_cmpstr (mpy_damage_band_get_text (c.band), ==, notice);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (c.band)), ==, notice);
  {
    graphene_point_t band_bottom, view_top;

    g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (c.band)), >, 8);
    g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (c.band)), <, 48);
    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (c.band), c.window,
                                             &GRAPHENE_POINT_INIT (0, gtk_widget_get_height (GTK_WIDGET (c.band))),
                                             &band_bottom));
    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (c.view), c.window,
                                             &GRAPHENE_POINT_INIT (0, 0), &view_top));
    g_assert_cmpfloat (band_bottom.y, <=, view_top.y);
  }
  pixels_grab (&px, GTK_WIDGET (c.band));
  g_assert_cmphex (pixels_get (&px, 2, 2), !=, mpy_palette_get_background (FALSE));
  pixels_clear (&px);
  pixels_grab (&px, GTK_WIDGET (c.view));
  {
    g_autofree char *line = first_map_line (text);
    double x, y;

    for (guint col = 0; col < 4; col++)
      {
        cell_centre (c.view, col, 0, &x, &y);
        g_assert_cmphex (pixels_get (&px, (int) x, (int) y), ==,
                         mpy_palette_get_kind_color (line[col], FALSE));
      }
  }
  pixels_clear (&px);
  canvas_close (&c);

  /* A consistent dump: no band. */
  {
    g_autoptr(MpySnapshot) whole = mpy_dump_reader_read_one (text, -1, NULL);

    canvas_open (&c, 400, 300);
    mpy_heap_view_set_snapshot (c.view, snapshot);
    settle ();
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (c.band)));
    mpy_heap_view_set_snapshot (c.view, whole);
    settle ();
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (c.band)));
    g_assert_null (mpy_damage_band_get_text (c.band));
    canvas_close (&c);
  }

  /* A small heap in a small view: still one line, the map still shown whole under it. */
  canvas_open (&c, 300, 200);
  mpy_heap_view_set_snapshot (c.view, snapshot);
  mpy_heap_view_zoom_fit (c.view);
  settle ();
  {
    double ox, oy;
    MpyRenderOptions options;
    int view_h = gtk_widget_get_height (GTK_WIDGET (c.view));

    mpy_heap_view_get_options (c.view, &options);
    mpy_heap_view_get_origin (c.view, &ox, &oy);
    g_assert_cmpfloat (oy, >=, 0);
    g_assert_cmpfloat (oy + mpy_layout_get_n_rows (snapshot, &options) * mpy_heap_view_get_scale (c.view),
                       <=, view_h + 1e-6);
  }
  canvas_close (&c);

  panel = MPY_FIGURES_PANEL (mpy_figures_panel_new ());
  g_object_ref_sink (panel);
  mpy_figures_panel_set_snapshot (panel, snapshot);
  g_assert_cmpstr (mpy_figures_panel_get_value_text (panel, "damage"), ==,
                   mpy_snapshot_get_damage_reason (snapshot));
  g_object_unref (panel);
}

/* Whether @rgb appears in rows [top, bottom) of a Cairo RGB24 image. */
static gboolean
image_has_color (cairo_surface_t *image,
                 int              top,
                 int              bottom,
                 guint32          rgb)
{
  const guchar *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);

  for (int y = MAX (top, 0); y < MIN (bottom, cairo_image_surface_get_height (image)); y++)
    for (int x = 0; x < cairo_image_surface_get_width (image); x++)
      if ((((const guint32 *) (gconstpointer) (data + (gsize) y * stride))[x] & 0xffffff) == rgb)
        return TRUE;
  return FALSE;
}

/* The canvas's legend widget and the PNG's legend show the same entries of the one palette
 * table: the same texts in the same order, the same swatch colours, painted in both. */
static void
test_legend_widget_matches_png (void)
{
  g_autoptr(MpySnapshot) before = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) after = load_fixture ("microbit-v1.0.1-after-del-gc.txt");
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, after, NULL);
  Canvas c;

  canvas_open (&c, 700, 400);
  for (guint mode = 0; mode < 3; mode++)
    {
      MpyRenderOptions options;
      MpyLegendEntry entries[MPY_LEGEND_MAX_ENTRIES];
      cairo_surface_t *png;
      cairo_t *cr;
      double ox, oy;
      int w, h, map_bottom;
      guint n;
      Pixels px;

      mpy_heap_view_set_snapshot (c.view, after);
      if (mode == 1)
        mpy_heap_view_set_diff (c.view, diff);
      g_object_set (c.view, "rainbow", mode == 2, "highlight-largest-free", FALSE, NULL);
      settle ();
      mpy_heap_view_get_options (c.view, &options);

      n = mpy_palette_get_legend (after, mode == 1 ? diff : NULL, &options, entries);
      g_assert_cmpuint (n, ==, mode == 1 ? MPY_N_DIFF_STATES : mode == 2 ? MPY_N_KINDS - 1 : MPY_N_KINDS);
      g_assert_cmpuint (mpy_legend_get_n_items (c.legend), ==, n);

      /* The PNG, drawn by the renderer with the same options. */
      mpy_renderer_get_size (after, mode == 1 ? diff : NULL, &options, 2, &w, &h);
      png = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cr = cairo_create (png);
      mpy_renderer_draw (cr, after, mode == 1 ? diff : NULL, &options, 2);
      cairo_destroy (cr);
      cairo_surface_flush (png);
      mpy_renderer_get_map_origin (after, mode == 1 ? diff : NULL, &options, 2, &ox, &oy);
      map_bottom = (int) (oy + mpy_layout_get_n_rows (after, &options) * 2) + 1;

      pixels_grab (&px, GTK_WIDGET (c.legend));
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *text = mpy_legend_entry_get_text (&entries[i]);

          g_assert_cmpstr (mpy_legend_get_item_text (c.legend, i), ==, text);
          g_assert_cmphex (mpy_legend_get_item_color (c.legend, i), ==, entries[i].color);
          if (!legend_has_color (&px, entries[i].color))
            g_error ("mode %u: the legend widget has no swatch %06x for %s", mode, entries[i].color, text);
          if (!image_has_color (png, map_bottom, h, entries[i].color))
            g_error ("mode %u: the PNG legend has no swatch %06x for %s", mode, entries[i].color, text);
        }
      pixels_clear (&px);
      cairo_surface_destroy (png);
    }

  /* The canvas's highlight adds one entry of its own, after the palette's. */
  g_object_set (c.view, "highlight-largest-free", TRUE, NULL);
  settle ();
  g_assert_cmpuint (mpy_legend_get_n_items (c.legend), ==, MPY_N_KINDS);
  g_assert_cmphex (mpy_legend_get_item_color (c.legend, MPY_N_KINDS - 1), ==, MPY_HEAP_VIEW_HIGHLIGHT_LIGHT);
  canvas_close (&c);
}

/* ---- figures panel ---------------------------------------------------------------------- */

/* The value text of @key starts with the number @value (then a unit, a delta, or nothing). */
static void
assert_value_starts (MpyFiguresPanel *panel,
                     const char      *key,
                     guint64          value)
{
  const char *text = mpy_figures_panel_get_value_text (panel, key);
  char *end = NULL;

  g_assert_nonnull (text);
  if (!g_ascii_isdigit (text[0]) || g_ascii_strtoull (text, &end, 10) != value ||
      g_ascii_isdigit (*end) || *end == '.')
    g_error ("%s: expected %" G_GUINT64_FORMAT "…, got \"%s\"", key, value, text);
}

static void
test_figures_panel_header (void)
{
  const char *fixtures[] = {
    "microbit-v1.0.1-after-alloc.txt",
    "qemu-mps2-an385-after-alloc.txt",
    "unix-heap256k-fragmented.txt",
  };

  for (guint f = 0; f < G_N_ELEMENTS (fixtures); f++)
    {
      g_autofree char *text = fixture_text (fixtures[f]);
      g_autoptr(MpySnapshot) snapshot = load_fixture (fixtures[f]);
      MpyFiguresPanel *panel = MPY_FIGURES_PANEL (mpy_figures_panel_new ());
      guint64 stack_used = text_number (text, "stack: (\\d+)");
      guint64 stack_limit = text_number (text, "stack: \\d+ out of (\\d+)");
      guint64 total = text_number (text, "GC: total: (\\d+)");
      guint64 free_bytes = text_number (text, "GC: total: \\d+, used: \\d+, free: (\\d+)");
      g_autofree char *percent = NULL;

      g_object_ref_sink (panel);
      mpy_figures_panel_set_snapshot (panel, snapshot);

      assert_value_starts (panel, "stack_used", stack_used);
      assert_value_starts (panel, "stack_limit", stack_limit);
      assert_value_starts (panel, "gc_total", total);
      assert_value_starts (panel, "gc_used", text_number (text, "GC: total: \\d+, used: (\\d+)"));
      assert_value_starts (panel, "gc_free", free_bytes);
      assert_value_starts (panel, "one_blocks", text_number (text, "No. of 1-blocks: (\\d+)"));
      assert_value_starts (panel, "two_blocks", text_number (text, "2-blocks: (\\d+)"));
      assert_value_starts (panel, "max_block", text_number (text, "max blk sz: (\\d+)"));
      assert_value_starts (panel, "max_free", text_number (text, "max free sz: (\\d+)"));
      if (strstr (text, "mem: total=") != NULL)
        {
          assert_value_starts (panel, "mem_total", text_number (text, "mem: total=(\\d+)"));
          assert_value_starts (panel, "mem_peak", text_number (text, "peak=(\\d+)"));
        }
      else
        g_assert_null (mpy_figures_panel_get_value_text (panel, "mem_total"));

      /* Human units next to the byte count. */
      if (total >= 1024)
        g_assert_nonnull (strstr (mpy_figures_panel_get_value_text (panel, "gc_total"), "KiB"));

      percent = g_strdup_printf ("%.1f %%", 100.0 * free_bytes / total);
      g_assert_cmpstr (mpy_figures_panel_get_value_text (panel, "gc_free_share"), ==, percent);
      g_clear_pointer (&percent, g_free);
      percent = g_strdup_printf ("%.1f %%", 100.0 * (stack_limit - stack_used) / stack_limit);
      g_assert_cmpstr (mpy_figures_panel_get_value_text (panel, "stack_free_share"), ==, percent);

      /* The map's figures: the largest free run agrees with the header's max free. */
      assert_value_starts (panel, "largest_free_run", text_number (text, "max free sz: (\\d+)"));
      g_assert_nonnull (mpy_figures_panel_get_value_text (panel, "fragmentation"));
      g_assert_nonnull (mpy_figures_panel_get_value_text (panel, "free_holes"));
      g_assert_true (g_str_has_prefix (mpy_figures_panel_get_value_text (panel, "largest_free_run_address"), "0x"));
      g_assert_nonnull (mpy_figures_panel_get_value_text (panel, "kind_free"));
      g_assert_nonnull (mpy_figures_panel_get_value_text (panel, "histogram_0"));
      /* One-block objects are histogram bucket 0. */
      assert_value_starts (panel, "histogram_0", text_number (text, "No. of 1-blocks: (\\d+)"));

      g_object_unref (panel);
    }
}

/* How many labels of the panel read @text. */
static guint
count_labels (GtkWidget  *widget,
              const char *text)
{
  guint n = 0;

  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_labels (child, text);
  return n;
}

/* The panel iterates the figure table: one row (its title, once) for every figure the
 * snapshot has, with the table's text for it, and none for a figure it lacks. */
static void
test_figures_panel_one_row_per_figure (void)
{
  const char *fixtures[] = {
    "unix-heap256k-fragmented.txt",        /* mem: line and a map */
    "microbit-v1.0.1-after-alloc.txt",     /* no mem: line */
    "qemu-mps2-an385-meminfo-noarg.txt",   /* no map */
  };

  for (guint f = 0; f < G_N_ELEMENTS (fixtures); f++)
    {
      g_autoptr(MpySnapshot) snapshot = load_fixture (fixtures[f]);
      MpyFiguresPanel *panel = MPY_FIGURES_PANEL (mpy_figures_panel_new ());
      guint shown = 0, missing = 0;
      MpyStats stats;

      g_object_ref_sink (panel);
      mpy_figures_panel_set_snapshot (panel, snapshot);
      mpy_stats_compute (snapshot, &stats);
      for (guint m = 0; m < MPY_N_METRICS; m++)
        {
          const char *key = mpy_metric_get_key ((MpyMetric) m);
          const char *title = mpy_metric_get_title ((MpyMetric) m);
          g_autofree char *want = mpy_metric_describe ((MpyMetric) m, snapshot, &stats, NULL);

          g_assert_cmpstr (mpy_figures_panel_get_value_text (panel, key), ==, want);
          g_assert_cmpuint (count_labels (GTK_WIDGET (panel), title), ==, want != NULL ? 1 : 0);
          if (want != NULL)
            g_assert_cmpuint (count_labels (GTK_WIDGET (panel), want), >=, 1);
          if (want != NULL)
            shown++;
          else
            missing++;
        }
      g_test_message ("%s: %u figures shown, %u absent", fixtures[f], shown, missing);
      g_assert_cmpuint (shown, >, 10);
      if (f > 0)
        g_assert_cmpuint (missing, >, 0);
      g_object_unref (panel);
    }
}

/* The model reaches the widgets as typed properties: a .ui binds the figures panel to the
 * canvas, and a GtkExpression reads the canvas's snapshot as an MpySnapshot. */
static void
test_typed_properties_bind (void)
{
  static const char ui[] =
    "<interface>"
    "  <object class=\"MpyHeapView\" id=\"view\"/>"
    "  <object class=\"MpyFiguresPanel\" id=\"panel\">"
    "    <property name=\"snapshot\" bind-source=\"view\" bind-property=\"snapshot\" bind-flags=\"sync-create\"/>"
    "    <property name=\"diff\" bind-source=\"view\" bind-property=\"diff\" bind-flags=\"sync-create\"/>"
    "  </object>"
    "</interface>";
  g_autoptr(MpySnapshot) before = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) after = load_fixture ("microbit-v1.0.1-after-del-gc.txt");
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, after, NULL);
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GtkExpression) expression = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  GParamSpec *pspec;
  MpyHeapView *view;
  MpyFiguresPanel *panel;

  g_type_ensure (MPY_TYPE_HEAP_VIEW);
  g_type_ensure (MPY_TYPE_FIGURES_PANEL);
  pspec = g_object_class_find_property (g_type_class_peek (MPY_TYPE_HEAP_VIEW), "snapshot");
  g_assert_true (G_IS_PARAM_SPEC_BOXED (pspec));
  g_assert_true (pspec->value_type == MPY_TYPE_SNAPSHOT);
  pspec = g_object_class_find_property (g_type_class_peek (MPY_TYPE_HEAP_VIEW), "diff");
  g_assert_true (pspec->value_type == MPY_TYPE_DIFF);

  builder = gtk_builder_new ();
  gtk_builder_add_from_string (builder, ui, -1, &error);
  g_assert_no_error (error);
  view = MPY_HEAP_VIEW (gtk_builder_get_object (builder, "view"));
  panel = MPY_FIGURES_PANEL (gtk_builder_get_object (builder, "panel"));
  g_assert_null (mpy_figures_panel_get_value_text (panel, "gc_used"));

  mpy_heap_view_set_snapshot (view, before);
  g_assert_nonnull (mpy_figures_panel_get_value_text (panel, "gc_used"));
  g_assert_null (mpy_figures_panel_get_value_text (panel, "diff_objects_new"));
  mpy_heap_view_set_diff (view, diff);
  g_assert_nonnull (mpy_figures_panel_get_value_text (panel, "diff_objects_new"));
  mpy_heap_view_set_snapshot (view, after);
  g_assert_null (mpy_figures_panel_get_value_text (panel, "diff_objects_new"));

  expression = gtk_property_expression_new (MPY_TYPE_HEAP_VIEW, NULL, "snapshot");
  g_assert_true (gtk_expression_evaluate (expression, view, &value));
  g_assert_true (G_VALUE_HOLDS (&value, MPY_TYPE_SNAPSHOT));
  g_assert_true (g_value_get_boxed (&value) == after);
}

static void
test_figures_panel_diff (void)
{
  g_autofree char *text_before = fixture_text ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *text_after = fixture_text ("microbit-v1.0.1-after-del-gc.txt");
  g_autoptr(MpySnapshot) before = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) after = load_fixture ("microbit-v1.0.1-after-del-gc.txt");
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, after, NULL);
  MpyFiguresPanel *panel = MPY_FIGURES_PANEL (mpy_figures_panel_new ());
  struct {
    const char *key;
    const char *pattern;
  } figures[] = {
    { "gc_used", "GC: total: \\d+, used: (\\d+)" },
    { "gc_free", "GC: total: \\d+, used: \\d+, free: (\\d+)" },
    { "one_blocks", "No. of 1-blocks: (\\d+)" },
    { "two_blocks", "2-blocks: (\\d+)" },
    { "max_free", "max free sz: (\\d+)" },
    { "stack_used", "stack: (\\d+)" },
  };

  g_assert_nonnull (diff);
  g_object_ref_sink (panel);
  mpy_figures_panel_set_snapshot (panel, after);
  g_assert_null (strstr (mpy_figures_panel_get_value_text (panel, "gc_used"), "Δ"));

  mpy_figures_panel_set_diff (panel, diff);
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      guint64 a = text_number (text_after, figures[i].pattern);
      guint64 b = text_number (text_before, figures[i].pattern);
      g_autofree char *delta = g_strdup_printf ("(Δ\u00a0%+" G_GINT64_FORMAT ")", (gint64) a - (gint64) b);
      const char *value = mpy_figures_panel_get_value_text (panel, figures[i].key);

      assert_value_starts (panel, figures[i].key, a);
      if (!g_str_has_suffix (value, delta))
        g_error ("%s: expected a delta %s in \"%s\"", figures[i].key, delta, value);
    }
  g_assert_nonnull (mpy_figures_panel_get_value_text (panel, "diff_objects_freed"));
  g_assert_nonnull (strstr (mpy_figures_panel_get_value_text (panel, "fragmentation"), "Δ"));
  assert_value_starts (panel, "diff_objects_freed", mpy_diff_get_objects_freed (diff));

  /* Leaving diff mode drops the deltas. */
  mpy_figures_panel_set_diff (panel, NULL);
  mpy_figures_panel_set_snapshot (panel, after);
  g_assert_null (strstr (mpy_figures_panel_get_value_text (panel, "gc_used"), "Δ"));
  g_assert_null (mpy_figures_panel_get_value_text (panel, "diff_objects_freed"));
  g_object_unref (panel);
}

/* The panel says how a snapshot was taken (soft reset, gc.collect() first) and where. */
static void
test_figures_panel_capture_details (void)
{
  g_autoptr(MpySnapshot) plain = load_fixture ("microbit-v1.0.1-after-del-gc.txt");
  g_autoptr(GDateTime) time = g_date_time_new_utc (2026, 11, 25, 17, 30, 5);
  g_autoptr(MpySnapshot) snapshot =
    mpy_snapshot_with_metadata (plain, time, "after gc", "/dev/ttyACM0", "MicroPython v1.9.2",
                                MPY_SNAPSHOT_FLAG_SOFT_RESET | MPY_SNAPSHOT_FLAG_GC);
  MpyFiguresPanel *panel = MPY_FIGURES_PANEL (mpy_figures_panel_new ());

  g_object_ref_sink (panel);
  mpy_figures_panel_set_snapshot (panel, snapshot);
  g_assert_cmpstr (mpy_figures_panel_get_value_text (panel, "port"), ==, "/dev/ttyACM0");
  g_assert_cmpstr (mpy_figures_panel_get_value_text (panel, "banner"), ==, "MicroPython v1.9.2");
  g_assert_cmpstr (mpy_figures_panel_get_value_text (panel, "time"), ==, "2026-11-25 17:30:05");
  g_assert_nonnull (strstr (mpy_figures_panel_get_value_text (panel, "flags"), "soft reset"));
  g_assert_nonnull (strstr (mpy_figures_panel_get_value_text (panel, "flags"), "gc.collect()"));

  /* A dump read from a file has none of this: no empty rows. */
  mpy_figures_panel_set_snapshot (panel, plain);
  g_assert_null (mpy_figures_panel_get_value_text (panel, "flags"));
  g_assert_null (mpy_figures_panel_get_value_text (panel, "port"));
  g_object_unref (panel);
}

static void
test_figures_panel_no_map (void)
{
  g_autofree char *text = fixture_text ("qemu-mps2-an385-meminfo-noarg.txt");
  g_autoptr(MpySnapshot) snapshot = load_fixture ("qemu-mps2-an385-meminfo-noarg.txt");
  GtkWidget *window = gtk_window_new ();
  MpyFiguresPanel *panel = MPY_FIGURES_PANEL (mpy_figures_panel_new ());

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (panel));
  mpy_figures_panel_set_snapshot (panel, snapshot);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (is_allocated, panel);

  assert_value_starts (panel, "gc_used", text_number (text, "GC: total: \\d+, used: (\\d+)"));
  g_assert_null (mpy_figures_panel_get_value_text (panel, "fragmentation"));
  mpy_figures_panel_set_snapshot (panel, NULL);
  g_assert_null (mpy_figures_panel_get_value_text (panel, "gc_used"));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
count_signal (gpointer  instance,
              guint    *count)
{
  (*count)++;
}

/* "Fits?": a size the heap has a run for fits, at the first such run (first fit, as
 * gc_alloc() looks); one block more than the longest run does not, and the answer says by
 * how much and how much free space is in smaller holes; the canvas gets the run. */
static void
test_figures_panel_fits (void)
{
  g_autoptr(MpySnapshot) snapshot = load_fixture ("microbit-v1.0.1-fragmented.txt");
  MpyFiguresPanel *panel = MPY_FIGURES_PANEL (g_object_ref_sink (mpy_figures_panel_new ()));
  const guint8 *kinds = mpy_snapshot_get_kinds (snapshot);
  gsize n_blocks = mpy_snapshot_get_n_blocks (snapshot), first = 0, n = 0, free_blocks = 0;
  guint bpb = mpy_snapshot_get_bytes_per_block (snapshot);
  MpyStats stats;
  guint changes = 0;
  gsize want = G_MAXSIZE, run = 0;
  g_autofree char *size = NULL;
  const char *text;

  mpy_stats_compute (snapshot, &stats);
  g_assert_cmpuint (stats.largest_free_run, >, 2);
  g_assert_cmpuint (stats.free_holes, >, 1);   /* fragmented: the question is real */
  mpy_figures_panel_set_snapshot (panel, snapshot);
  g_signal_connect (panel, "fit-changed", G_CALLBACK (count_signal), &changes);

  /* half the longest run: the first free run that long, found by hand */
  for (gsize b = 0; b < n_blocks && want == G_MAXSIZE; b++)
    {
      run = kinds[b] == MPY_KIND_FREE ? run + 1 : 0;
      if (run == stats.largest_free_run / 2)
        want = b + 1 - run;
    }
  size = g_strdup_printf ("%" G_GSIZE_FORMAT, (stats.largest_free_run / 2) * bpb);
  mpy_figures_panel_set_fit_text (panel, size);
  text = mpy_figures_panel_get_value_text (panel, "fit");
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "Fits: "));
  g_assert_true (mpy_figures_panel_get_fit_run (panel, &first, &n));
  g_assert_cmpuint (first, ==, want);
  g_assert_cmpuint (n, ==, stats.largest_free_run / 2);
  g_assert_cmpuint (changes, >=, 1);

  /* one byte more than the largest allocation: misses by one block */
  g_clear_pointer (&size, g_free);
  size = g_strdup_printf ("%" G_GSIZE_FORMAT, stats.largest_free_run * bpb + 1);
  changes = 0;
  mpy_figures_panel_set_fit_text (panel, size);
  text = mpy_figures_panel_get_value_text (panel, "fit");
  g_assert_true (g_str_has_prefix (text, "Does not fit: "));
  g_assert_nonnull (strstr (text, bpb == 16 ? "16\u00a0bytes" : "bytes"));
  g_assert_false (mpy_figures_panel_get_fit_run (panel, NULL, NULL));
  g_assert_cmpuint (changes, ==, 1);
  /* every free run is shorter than that: all free blocks are in smaller holes */
  for (gsize b = 0; b < n_blocks; b++)
    free_blocks += kinds[b] == MPY_KIND_FREE;
  {
    g_autofree char *scattered = g_strdup_printf ("%" G_GSIZE_FORMAT, free_blocks * bpb);

    g_assert_nonnull (strstr (text, scattered));
  }

  /* KiB and nonsense */
  mpy_figures_panel_set_fit_text (panel, "0.5k");
  g_assert_true (mpy_figures_panel_get_fit_run (panel, NULL, &n));
  g_assert_cmpuint (n, ==, (512 + bpb - 1) / bpb);
  mpy_figures_panel_set_fit_text (panel, "lots");
  g_assert_true (g_str_has_prefix (mpy_figures_panel_get_value_text (panel, "fit"), "Type a size"));
  mpy_figures_panel_set_fit_text (panel, "");
  g_assert_null (mpy_figures_panel_get_value_text (panel, "fit"));

  g_object_unref (panel);
}

/* A pair around gc.collect(): garbage (what gc freed) and live bytes, adding up to what was
 * in use before. */
static void
test_figures_panel_garbage_live (void)
{
  g_autoptr(MpySnapshot) before = load_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) loaded = load_fixture ("microbit-v1.0.1-after-del-gc.txt");
  g_autoptr(MpySnapshot) after = mpy_snapshot_with_metadata (loaded, NULL, NULL, NULL, NULL,
                                                             MPY_SNAPSHOT_FLAG_GC);
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, after, NULL);
  MpyFiguresPanel *panel = MPY_FIGURES_PANEL (g_object_ref_sink (mpy_figures_panel_new ()));
  MpyStats stats;
  gsize freed, changed, unchanged;
  g_autofree char *garbage = NULL;
  g_autofree char *live = NULL;

  g_assert_nonnull (diff);
  mpy_stats_compute (before, &stats);
  freed = mpy_diff_count_blocks (diff, MPY_DIFF_FREED);
  changed = mpy_diff_count_blocks (diff, MPY_DIFF_CHANGED);
  unchanged = mpy_diff_count_blocks (diff, MPY_DIFF_UNCHANGED);
  g_assert_cmpuint (freed, >, 0);
  g_assert_cmpuint (freed + changed + unchanged, ==, stats.n_blocks - stats.free_blocks);

  mpy_figures_panel_set_diff (panel, diff);
  garbage = g_strdup_printf ("%" G_GSIZE_FORMAT "\u00a0bytes", (freed + changed) * stats.bytes_per_block);
  live = g_strdup_printf ("%" G_GSIZE_FORMAT "\u00a0bytes", unchanged * stats.bytes_per_block);
  g_assert_true (g_str_has_prefix (mpy_figures_panel_get_value_text (panel, "garbage_bytes"), garbage));
  g_assert_true (g_str_has_prefix (mpy_figures_panel_get_value_text (panel, "live_bytes"), live));

  /* not a pair (no gc.collect() between): no garbage verdict */
  {
    g_autoptr(MpyDiff) plain = mpy_diff_new (before, loaded, NULL);

    mpy_figures_panel_set_diff (panel, plain);
    g_assert_null (mpy_figures_panel_get_value_text (panel, "garbage_bytes"));
  }
  g_object_unref (panel);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_data_func ("/widgets/heap-view/map-pixels", GINT_TO_POINTER (MPY_HEAP_VIEW_DRAW_CAIRO),
                        test_heap_view_map_pixels);
  /* The alternative drawing path the benchmark compares must draw the same picture. */
  g_test_add_data_func ("/widgets/heap-view/map-pixels-texture",
                        GINT_TO_POINTER (MPY_HEAP_VIEW_DRAW_TEXTURE), test_heap_view_map_pixels);
  g_test_add_func ("/widgets/heap-view/diff-pixels", test_heap_view_diff_pixels);
  g_test_add_func ("/widgets/heap-view/dark-theme", test_heap_view_dark_theme);
  g_test_add_func ("/widgets/heap-view/zoom-keeps-anchor", test_heap_view_zoom_keeps_anchor);
  g_test_add_func ("/widgets/heap-view/zoom-from-fit-keeps-anchor", test_heap_view_zoom_from_fit_keeps_anchor);
  g_test_add_func ("/widgets/heap-view/columns-refit", test_heap_view_columns_refit);
  g_test_add_func ("/widgets/heap-view/columns", test_heap_view_columns);
  g_test_add_func ("/widgets/heap-view/describe-block", test_heap_view_describe_block);
  g_test_add_func ("/widgets/heap-view/hover-outlines-object", test_heap_view_hover);
  g_test_add_func ("/widgets/heap-view/drag-pans", test_heap_view_drag_pans);
  g_test_add_func ("/widgets/heap-view/largest-free-run", test_heap_view_largest_free);
  g_test_add_func ("/widgets/heap-view/outline-objects", test_heap_view_outline_objects);
  g_test_add_func ("/widgets/heap-view/gc-pair-garbage", test_heap_view_gc_pair_garbage);
  g_test_add_func ("/widgets/heap-view/figures-only", test_heap_view_figures_only);
  g_test_add_func ("/widgets/damaged-dump-is-flagged", test_damaged_dump);
  g_test_add_func ("/widgets/legend/same-palette-as-png", test_legend_widget_matches_png);
  g_test_add_func ("/widgets/figures-panel/header", test_figures_panel_header);
  g_test_add_func ("/widgets/figures-panel/fits", test_figures_panel_fits);
  g_test_add_func ("/widgets/figures-panel/garbage-live", test_figures_panel_garbage_live);
  g_test_add_func ("/widgets/figures-panel/one-row-per-figure", test_figures_panel_one_row_per_figure);
  g_test_add_func ("/widgets/figures-panel/diff-deltas", test_figures_panel_diff);
  g_test_add_func ("/widgets/typed-properties-bind-in-ui", test_typed_properties_bind);
  g_test_add_func ("/widgets/figures-panel/no-map", test_figures_panel_no_map);
  g_test_add_func ("/widgets/figures-panel/capture-details", test_figures_panel_capture_details);

  return g_test_run ();
}

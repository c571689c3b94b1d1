/* test-layout.c — the window adapts to its size: 800×600 clips nothing, the canvas keeps
 * priority, extra height goes to the snapshot list (suite 'app', real windows under Xvfb)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-device-sidebar-private.h"
#include "mpy-figures-panel.h"
#include "mpy-i18n.h"
#include "mpy-window-testing.h"
#ifdef HAVE_DEVICE
# include "mpy-cost-dialog.h"
# include "mpy-leak-dialog.h"
# include "mpy-watch-control.h"
#endif

static MpyApplication *app;

static gboolean
flag_done (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  GtkWidget *widget;
  int        width;
  int        height;
} SizeWait;

static gboolean
has_size (gpointer data)
{
  SizeWait *wait = data;

  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (wait->widget));

  /* The surface: the window widget is smaller by the client-side decoration's margins. */
  return gtk_widget_get_mapped (wait->widget) && surface != NULL
         && gdk_surface_get_width (surface) == wait->width
         && gdk_surface_get_height (surface) == wait->height;
}

/* Iterates until @cond holds, at most @ms. */
static gboolean
run_until (GSourceFunc cond,
           gpointer    data,
           guint       ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, flag_done, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return !timed_out;
}

/* Sets the window's size and waits until it has it (Xvfb has no window manager). */
static void
resize_to (GtkWindow *window,
           int        width,
           int        height)
{
  SizeWait wait = { GTK_WIDGET (window), width, height };

  gtk_window_set_default_size (window, width, height);
  if (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    gtk_window_present (window);
  if (!run_until (has_size, &wait, 5000))
    g_error ("the window is %d×%d, not %d×%d (a part's minimum size does not fit)",
             gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))),
             gdk_surface_get_height (gtk_native_get_surface (GTK_NATIVE (window))),
             width, height);
  run_for (150);
}

/* The nearest scrolled window around @widget (the part of the layout that holds it). */
static GtkWidget *
scroller_of (GtkWidget *widget)
{
  GtkWidget *w = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);

  g_assert_nonnull (w);
  return w;
}

/* Nothing is clipped: @widget got at least the size it needs (a widget allocated less than
 * its minimum is cut off), and it lies inside the window. */
static void
assert_not_clipped (GtkWidget  *widget,
                    GtkWindow  *window,
                    const char *what)
{
  gboolean scrolled = gtk_widget_get_parent (widget) != NULL
                      && GTK_IS_VIEWPORT (gtk_widget_get_parent (widget));
  int min_width, min_height;
  graphene_rect_t bounds;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (widget),
                      &min_height, NULL, NULL, NULL);
  g_test_message ("%s: %d×%d (needs %d×%d)", what, gtk_widget_get_width (widget),
                  gtk_widget_get_height (widget), min_width, min_height);
  g_assert_cmpint (gtk_widget_get_width (widget), >=, min_width);
  g_assert_cmpint (gtk_widget_get_height (widget), >=, min_height);
  /* Content that scrolls may be taller than its place: only its width must fit. */
  if (scrolled)
    return;
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &bounds));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (window)) + 0.5);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (GTK_WIDGET (window)) + 0.5);
}

/* Every visible descendant of @root that shows text or takes input (a label, a button, an
 * entry, a drop-down) got at least its minimum size (a label allocated less is cut off) and
 * lies inside the window horizontally and, unless it scrolls, vertically; inside a scrolled
 * window without a horizontal scrollbar it lies within the scrolled window's width. Returns
 * how many were checked. */
static guint
assert_parts_fit (GtkWidget  *root,
                  GtkWidget  *window,
                  const char *state)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      if (!gtk_widget_get_mapped (c) || !gtk_widget_get_child_visible (c) || GTK_IS_POPOVER (c))
        continue;
      if (GTK_IS_LABEL (c) || GTK_IS_BUTTON (c) || GTK_IS_ENTRY (c) || GTK_IS_DROP_DOWN (c)
          || GTK_IS_SPIN_BUTTON (c) || GTK_IS_MENU_BUTTON (c) || GTK_IS_CHECK_BUTTON (c))
        {
          const char *text = GTK_IS_LABEL (c) ? gtk_label_get_text (GTK_LABEL (c))
                             : GTK_IS_BUTTON (c) && gtk_button_get_label (GTK_BUTTON (c)) != NULL
                             ? gtk_button_get_label (GTK_BUTTON (c))
                             : gtk_widget_get_tooltip_text (c) != NULL ? gtk_widget_get_tooltip_text (c)
                             : GTK_IS_ENTRY (c) && gtk_entry_get_placeholder_text (GTK_ENTRY (c)) != NULL
                             ? gtk_entry_get_placeholder_text (GTK_ENTRY (c))
                             : G_OBJECT_TYPE_NAME (c);
          GtkWidget *sw = gtk_widget_get_ancestor (c, GTK_TYPE_SCROLLED_WINDOW);
          int width = gtk_widget_get_width (window), height = gtk_widget_get_height (window);
          graphene_rect_t r;
          int min_w, min_h;

          /* A label's size against its minimum (it has no padding: gtk_widget_get_width()
           * is a widget's content box, while its minimum includes padding and border). */
          if (GTK_IS_LABEL (c))
            {
              int mx = gtk_widget_get_margin_start (c) + gtk_widget_get_margin_end (c);
              int my = gtk_widget_get_margin_top (c) + gtk_widget_get_margin_bottom (c);

              gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
              gtk_widget_measure (c, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (c) + mx, &min_h, NULL, NULL, NULL);
              /* (the minimum counts the widget's margins; its width does not) */
              min_w -= mx;
              min_h -= my;
              if (gtk_widget_get_width (c) < min_w || gtk_widget_get_height (c) < min_h)
                g_error ("%s: \"%s\" is %d×%d, needs %d×%d", state, text,
                         gtk_widget_get_width (c), gtk_widget_get_height (c), min_w, min_h);
            }
          g_assert_true (gtk_widget_compute_bounds (c, window, &r));
          if (r.origin.x < -0.5 || r.origin.x + r.size.width > width + 0.5)
            g_error ("%s: \"%s\" lies at x %.0f…%.0f, outside the %d px window", state, text,
                     r.origin.x, r.origin.x + r.size.width, width);
          if (sw == NULL && (r.origin.y < -0.5 || r.origin.y + r.size.height > height + 0.5))
            g_error ("%s: \"%s\" lies at y %.0f…%.0f, outside the %d px window", state, text,
                     r.origin.y, r.origin.y + r.size.height, height);
          if (sw != NULL)
            {
              GtkPolicyType h;

              gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (sw), &h, NULL);
              g_assert_true (gtk_widget_compute_bounds (c, sw, &r));
              if (h == GTK_POLICY_NEVER
                  && (r.origin.x < -0.5 || r.origin.x + r.size.width > gtk_widget_get_width (sw) + 0.5))
                g_error ("%s: \"%s\" lies at x %.0f…%.0f of a %d px wide scrolled part", state, text,
                         r.origin.x, r.origin.x + r.size.width, gtk_widget_get_width (sw));
            }
          n++;
        }
      n += assert_parts_fit (c, window, state);
    }
  return n;
}

/* MPY_TEST_SHOT=FOLDER writes what the window looks like, to check by eye. */
static void
maybe_save_shot (GtkWindow  *window,
                 const char *name)
{
  const char *folder = g_getenv ("MPY_TEST_SHOT");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));

  if (folder == NULL)
    return;
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (folder, name, NULL);
  gdk_texture_save_to_png (texture, path);
}

static MpyWindow *
new_window (int width,
            int height)
{
  MpyWindow *window = mpy_window_new (GTK_APPLICATION (app));

  mpy_window_load_sample (window);
  resize_to (GTK_WINDOW (window), width, height);
  /* A map on the canvas and its figures in the panel, as the user sees them first. */
  gtk_selection_model_select_item (mpy_window_get_selection (window), 1, TRUE);
  run_for (200);
  return window;
}

/* MPY_TEST_WIDTHS=1: which parts are wide at their minimum, to find what widens the window. */
static void
dump_widths (GtkWidget *w,
             int        depth)
{
  int min;

  gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  if (min > 200 && depth < 14)
    g_test_message ("%*s%s %s: min %d", depth, "", G_OBJECT_TYPE_NAME (w),
                    GTK_IS_LABEL (w) ? gtk_label_get_text (GTK_LABEL (w)) : "", min);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    dump_widths (c, depth + 1);
}

static void
test_800x600_clips_nothing (void)
{
  MpyWindow *window = new_window (800, 600);
  MpyDeviceSidebar *sidebar = mpy_window_get_device_sidebar (window);
  GtkWidget *canvas = scroller_of (mpy_window_get_heap_view (window));
  GtkWidget *figures = scroller_of (mpy_window_get_figures_panel (window));
  GtkWidget *list = scroller_of (GTK_WIDGET (mpy_window_get_list_view (window)));
  GtkWidget *board = scroller_of (GTK_WIDGET (sidebar));

  maybe_save_shot (GTK_WINDOW (window), "800x600.png");
  if (g_getenv ("MPY_TEST_WIDTHS"))
    dump_widths (GTK_WIDGET (window), 0);

  /* (new_window() waited until the window was 800×600: no part's minimum made it larger.) */

  /* Every part fits in its place; what does not fit scrolls (the figures panel, the board
   * panel) rather than being cut off. */
  assert_not_clipped (canvas, GTK_WINDOW (window), "canvas");
  assert_not_clipped (figures, GTK_WINDOW (window), "figures");
  assert_not_clipped (mpy_window_get_figures_panel (window), GTK_WINDOW (window), "figures panel");
  assert_not_clipped (list, GTK_WINDOW (window), "snapshot list");
  assert_not_clipped (board, GTK_WINDOW (window), "board panel");
  assert_not_clipped (GTK_WIDGET (sidebar), GTK_WINDOW (window), "board panel content");

  /* The canvas has the most room of the three columns. */
  g_assert_cmpint (gtk_widget_get_width (canvas), >=, gtk_widget_get_width (figures));
  g_assert_cmpint (gtk_widget_get_width (canvas), >=, gtk_widget_get_width (list));
  g_assert_cmpint (gtk_widget_get_width (canvas), >=, 280);
  /* The list shows a few rows at least. */
  g_assert_cmpint (gtk_widget_get_height (list), >=, 100);

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (100);
}

/* A short window (banners at the top take height at 800×600) must not widen the snapshot
 * column: its wrapping hint label, asked for its width at a small height, once demanded a
 * single line's width and pushed the figures panel out of the window. */
static void
test_short_window_keeps_columns (void)
{
  MpyWindow *window = new_window (800, 600);
  GtkWidget *figures = scroller_of (mpy_window_get_figures_panel (window));
  GtkWidget *list = scroller_of (GTK_WIDGET (mpy_window_get_list_view (window)));
  int list_w = gtk_widget_get_width (list);

  resize_to (GTK_WINDOW (window), 800, 440);
  g_test_message ("snapshot column %d → %d px wide at 800×440", list_w, gtk_widget_get_width (list));
  g_assert_cmpint (gtk_widget_get_width (list), <=, list_w + 20);
  assert_not_clipped (figures, GTK_WINDOW (window), "figures");

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (100);
}

static void
test_space_goes_where_it_helps (void)
{
  MpyWindow *window = new_window (1000, 600);
  MpyDeviceSidebar *sidebar = mpy_window_get_device_sidebar (window);
  GtkWidget *canvas = scroller_of (mpy_window_get_heap_view (window));
  GtkWidget *figures = scroller_of (mpy_window_get_figures_panel (window));
  GtkWidget *list = scroller_of (GTK_WIDGET (mpy_window_get_list_view (window)));
  GtkWidget *output = scroller_of (mpy_device_sidebar_get_output_view (sidebar));
  int canvas_w = gtk_widget_get_width (canvas), figures_w = gtk_widget_get_width (figures);
  int list_w = gtk_widget_get_width (list);
  int list_h = gtk_widget_get_height (list), output_h = gtk_widget_get_height (output);

  /* Taller: the extra height goes to the snapshot list, not the Run output. */
  resize_to (GTK_WINDOW (window), 1000, 900);
  g_test_message ("list %d → %d px high, Run output %d → %d", list_h, gtk_widget_get_height (list),
                  output_h, gtk_widget_get_height (output));
  g_assert_cmpint (gtk_widget_get_height (list), >=, list_h + 250);
  g_assert_cmpint (gtk_widget_get_height (output), ==, output_h);

  /* Wider: the canvas gets it; narrower again: the canvas keeps its lead. */
  resize_to (GTK_WINDOW (window), 1400, 900);
  g_test_message ("canvas %d → %d px wide", canvas_w, gtk_widget_get_width (canvas));
  g_assert_cmpint (gtk_widget_get_width (canvas), >=, canvas_w + 350);
  g_assert_cmpint (gtk_widget_get_width (figures), ==, figures_w);
  g_assert_cmpint (gtk_widget_get_width (list), ==, list_w);
  resize_to (GTK_WINDOW (window), 800, 600);
  g_assert_cmpint (gtk_widget_get_width (canvas), >=, gtk_widget_get_width (figures));
  g_assert_cmpint (gtk_widget_get_width (canvas), >=, gtk_widget_get_width (list));

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (100);
}

/* A window opened large (the whole 1400×900 screen of the tests; a 1920×1080 one, or maximized
 * from the last session): the canvas gets the room, the figures column a sensible width (it
 * once got all beyond 660 px). */
static void
test_opened_large (void)
{
  MpyWindow *window = new_window (1400, 900);
  GtkWidget *canvas = scroller_of (mpy_window_get_heap_view (window));
  GtkWidget *figures = scroller_of (mpy_window_get_figures_panel (window));

  g_test_message ("opened at 1400×900: canvas %d px, figures %d px", gtk_widget_get_width (canvas),
                  gtk_widget_get_width (figures));
  g_assert_cmpint (gtk_widget_get_width (figures), <=, 360);
  g_assert_cmpint (gtk_widget_get_width (canvas), >=, 2 * gtk_widget_get_width (figures));
  assert_not_clipped (figures, GTK_WINDOW (window), "figures");

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (100);
}

static void
test_german_from_build_tree (void)
{
  MpyWindow *window;
  GtkLabel *status;

  /* The app's own binding of the text domain (main.c), to the build tree's catalogues
   * (MPY_LOCALE_DIR, as `meson devenv` and run-app.sh set it). */
  if (g_test_subprocess ())
    {
      g_setenv ("LANGUAGE", "de", TRUE);
      setlocale (LC_ALL, "C.UTF-8");
      mpy_i18n_init ();
      textdomain (GETTEXT_PACKAGE);
      window = new_window (800, 600);
      status = mpy_device_sidebar_get_status_label (mpy_window_get_device_sidebar (window));
      maybe_save_shot (GTK_WINDOW (window), "800x600-de.png");
      g_printerr ("status: %s\n", gtk_label_get_text (status));
      gtk_window_destroy (GTK_WINDOW (window));
      run_for (100);
      return;
    }

  if (g_getenv ("MPY_LOCALE_DIR") == NULL)
    {
      g_test_skip ("MPY_LOCALE_DIR is not set: run through meson test");
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*status: Nicht verbunden*");
}

static gboolean
count_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
ticked_thrice (gpointer data)
{
  return *(guint *) data >= 3;
}

/* Waits until @window has gone through three frames since now (each frame lays out what a
 * state change queued; under load a fixed wait may end before that is done). */
static void
settle (GtkWidget *window)
{
  guint n = 0;
  guint id = gtk_widget_add_tick_callback (window, count_tick, &n, NULL);

  if (!run_until (ticked_thrice, &n, 10000))
    g_error ("the window saw %u frames in 10 s", n);
  gtk_widget_remove_tick_callback (window, id);
  run_for (50);
}

/* The first descendant of @root of type @type (by name: the test links no device code). */
static GtkWidget *
find_descendant (GtkWidget  *root,
                 GType       type)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
      if ((found = find_descendant (c, type)) != NULL)
        return found;
    }
  return NULL;
}

/* The window's minimum size fits 800×600, and every row of the figures panel lies within the
 * panel, the panel's scrolled window and the window; then every part of the window fits. */
static void
assert_state_fits (GtkWindow  *window,
                   const char *state)
{
  GtkWidget *w = GTK_WIDGET (window);
  MpyWindow *mpy = MPY_WINDOW (window);
  GtkWidget *panel = mpy_window_get_figures_panel (mpy);
  GtkWidget *scroller = scroller_of (panel);
  GtkWidget *grid = find_descendant (panel, GTK_TYPE_GRID);
  g_autofree char *shot = g_strdup_printf ("%s-%s.png", g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "en", state);
  int min_w, min_h, rows = 0;
  guint parts;

  settle (w);
  maybe_save_shot (window, shot);
  gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (w, GTK_ORIENTATION_VERTICAL, 800, &min_h, NULL, NULL, NULL);
  /* (a subprocess's messages are not shown: MPY_TEST_SHOT prints them) */
  if (g_getenv ("MPY_TEST_SHOT") != NULL)
    g_printerr ("%s: the window needs %d×%d, is %d×%d\n", state, min_w, min_h,
                gtk_widget_get_width (w), gtk_widget_get_height (w));
  g_assert_cmpint (min_w, <=, 800);
  g_assert_cmpint (min_h, <=, 600);
  g_assert_cmpint (gtk_widget_get_width (w), <=, 800);

  g_assert_nonnull (grid);
  /* MPY_TEST_WIDTHS=1: what widens the panel */
  if (g_getenv ("MPY_TEST_WIDTHS"))
    dump_widths (panel, 0);
  for (GtkWidget *row = gtk_widget_get_first_child (grid); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      graphene_rect_t in_panel, in_scroller, in_window;

      g_assert_true (gtk_widget_compute_bounds (row, panel, &in_panel));
      g_assert_true (gtk_widget_compute_bounds (row, scroller, &in_scroller));
      g_assert_true (gtk_widget_compute_bounds (row, w, &in_window));
      if (in_panel.origin.x < 0 || in_panel.origin.x + in_panel.size.width > gtk_widget_get_width (panel) + 0.5
          || in_scroller.origin.x < 0
          || in_scroller.origin.x + in_scroller.size.width > gtk_widget_get_width (scroller) + 0.5
          || in_window.origin.x + in_window.size.width > gtk_widget_get_width (w) + 0.5)
        g_error ("%s: the figures row \"%s\" (x %.0f…%.0f) leaves the panel (%d px) or the window", state,
                 GTK_IS_LABEL (row) ? gtk_label_get_text (GTK_LABEL (row)) : G_OBJECT_TYPE_NAME (row),
                 in_window.origin.x, in_window.origin.x + in_window.size.width, gtk_widget_get_width (panel));
      rows++;
    }
  g_assert_cmpint (rows, >, 0);
  parts = assert_parts_fit (w, w, state);
  if (g_getenv ("MPY_TEST_SHOT") != NULL)
    g_printerr ("%s: %d figures rows and %u parts fit\n", state, rows, parts);
}

#ifdef HAVE_DEVICE
/* A dialog the window opened (Leak Check, Import Cost): it fits 800×600 too. */
static void
assert_dialog_fits (MpyWindow  *window,
                    const char *action,
                    GType       type,
                    const char *state)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint before = g_list_model_get_n_items (toplevels);
  g_autoptr(GtkWindow) dialog = NULL;
  g_autofree char *shot = g_strdup_printf ("%s-%s.png", g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "en", state);
  int min_w, min_h;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  run_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, before + 1);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GtkWindow) t = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (t, type) && gtk_window_get_transient_for (t) == GTK_WINDOW (window))
        dialog = g_steal_pointer (&t);
    }
  g_assert_nonnull (dialog);
  gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_VERTICAL, -1, &min_h, NULL, NULL, NULL);
  g_test_message ("%s: the window needs %d×%d", state, min_w, min_h);
  g_assert_cmpint (min_w, <=, 800);
  g_assert_cmpint (min_h, <=, 600);
  maybe_save_shot (dialog, shot);
  assert_parts_fit (GTK_WIDGET (dialog), GTK_WIDGET (dialog), state);
  gtk_window_destroy (dialog);
  run_for (100);
}
#endif

/* A copy of @fixture that lost one line of its block map (as a serial link can). */
static char *
damaged_dump (const char *fixture)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", fixture, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GString *lossy = g_string_new (NULL);
  guint map_lines = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strlen (lines[i]) > 10 && lines[i][8] == ':' && g_ascii_isxdigit (lines[i][0]) && ++map_lines == 3)
        continue;
      g_string_append (lossy, lines[i]);
      g_string_append_c (lossy, '\n');
    }
  return g_string_free (lossy, FALSE);
}

/* The mnemonic letters of @model's items (its sections together: one popover), lower case,
 * into @seen; a letter seen twice fails (Alt+letter would pick only one of them). */
static void
collect_mnemonics (GMenuModel *model,
                   GHashTable *seen,
                   const char *menu)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);
      const char *u;

      if (section != NULL)
        collect_mnemonics (section, seen, menu);
      if (submenu != NULL)
        {
          g_autoptr(GHashTable) own = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

          collect_mnemonics (submenu, own, menu);
        }
      if (!g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label)
          || (u = strchr (label, '_')) == NULL || u[1] == '\0')
        continue;
      {
        g_autofree char *key = g_utf8_strdown (u + 1, g_utf8_next_char (u + 1) - (u + 1));
        const char *other = g_hash_table_lookup (seen, key);

        if (other != NULL)
          g_error ("%s: \"%s\" and \"%s\" have the same mnemonic %s", menu, other, label, key);
        g_hash_table_insert (seen, g_steal_pointer (&key), g_strdup (label));
      }
    }
}

/* No two items of one of the window's menus share a mnemonic. */
static void
assert_menu_mnemonics_unique (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

      collect_mnemonics (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)), seen,
                         gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "a menu");
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    assert_menu_mnemonics_unique (c);
}

/* Every state a user meets, at 800×600 in the process's language. */
static void
check_states_at_800x600 (void)
{
  MpyWindow *window = new_window (800, 600);
  GtkWindow *w = GTK_WINDOW (window);
  GtkSelectionModel *selection = mpy_window_get_selection (window);
  MpyDeviceSidebar *sidebar = mpy_window_get_device_sidebar (window);
  g_autofree char *damaged = NULL;

  assert_state_fits (w, "one-snapshot");
  assert_menu_mnemonics_unique (GTK_WIDGET (w));
  assert_menu_mnemonics_unique (gtk_window_get_titlebar (w));

  gtk_selection_model_select_range (selection, 1, 2, TRUE);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_DIFF);
  assert_state_fits (w, "diff");

  /* The unix port's map against the Cortex-M3's: figures only. */
  gtk_selection_model_select_item (selection, 1, TRUE);
  gtk_selection_model_select_item (selection, 4, FALSE);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MESSAGE);
  assert_state_fits (w, "figure-diff");

  /* A pair around gc.collect(): Garbage and Live rows too. */
  {
    g_autoptr(GPtrArray) pair = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
    MpySnapshot *shown = mpy_window_get_shown_snapshot (window);
    g_autoptr(GtkBitset) selected = NULL;

    g_ptr_array_add (pair, mpy_snapshot_with_metadata (shown, NULL, "before gc.collect()", NULL, NULL, 0));
    g_ptr_array_add (pair, mpy_snapshot_with_metadata (shown, NULL, "after gc.collect()", NULL, NULL,
                                                       MPY_SNAPSHOT_FLAG_GC));
    mpy_window_add_snapshots (window, pair, TRUE);
    selected = gtk_selection_model_get_selection (selection);
    g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 2);
    g_assert_nonnull (mpy_figures_panel_get_value_text (MPY_FIGURES_PANEL (mpy_window_get_figures_panel (window)),
                                                        "garbage_bytes"));
    assert_state_fits (w, "gc-pair");
  }

  /* (the revealer slides: wait until it is done) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-timeline", NULL));
  run_for (600);
  assert_state_fits (w, "timeline-hidden");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-timeline", NULL));
  run_for (600);
  gtk_selection_model_select_item (selection, 0, TRUE);
  /* At 1 frame/s, so that the check sees a frame laid out, not one being built. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_descendant (gtk_widget_get_parent (GTK_WIDGET (mpy_window_get_playback_scale (window))),
                                                              GTK_TYPE_DROP_DOWN)), 0);
  g_assert_cmpuint (mpy_window_get_playback_fps (window), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_true (mpy_window_get_playing (window));
  assert_state_fits (w, "playing");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "play", g_variant_new_boolean (FALSE));
  g_assert_false (mpy_window_get_playing (window));

  damaged = damaged_dump ("qemu-mps2-an385-after-alloc.txt");
  mpy_window_add_text (window, damaged);
  g_assert_true (mpy_snapshot_is_damaged (mpy_window_get_shown_snapshot (window)));
  assert_state_fits (w, "damaged");

#ifdef HAVE_DEVICE
  /* The Watch control in each mode, and its status line after Start without a board. */
  {
    MpyWatchControl *watch = MPY_WATCH_CONTROL (mpy_device_sidebar_get_watch_control (sidebar));
    const MpyBoardWatchMode modes[] = { MPY_BOARD_WATCH_EVERY, MPY_BOARD_WATCH_RUN, MPY_BOARD_WATCH_LISTEN };

    for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
      {
        g_autofree char *name = g_strdup_printf ("watch-%u", m);

        mpy_watch_control_set_mode (watch, modes[m]);
        assert_state_fits (w, name);
      }
    mpy_watch_control_set_mode (watch, MPY_BOARD_WATCH_EVERY);
    mpy_watch_control_toggle (watch);
    run_for (300);
    g_test_message ("watch status: %s", mpy_watch_control_get_status (watch));
    assert_state_fits (w, "watch-started");
    if (mpy_watch_control_get_watching (watch))
      mpy_watch_control_toggle (watch);
  }

  assert_dialog_fits (window, "win.leak-check", MPY_TYPE_LEAK_DIALOG, "leak-check");
  assert_dialog_fits (window, "win.import-cost", MPY_TYPE_COST_DIALOG, "import-cost");
#endif

  gtk_window_destroy (w);
  run_for (100);
}

static void
test_states_at_800x600 (gconstpointer data)
{
  const char *language = data;

  if (g_test_subprocess ())
    {
      if (language != NULL)
        {
          g_setenv ("LANGUAGE", language, TRUE);
          setlocale (LC_ALL, "C.UTF-8");
          mpy_i18n_init ();
          textdomain (GETTEXT_PACKAGE);
        }
      check_states_at_800x600 ();
      return;
    }
  if (language != NULL && g_getenv ("MPY_LOCALE_DIR") == NULL)
    {
      g_test_skip ("MPY_LOCALE_DIR is not set: run through meson test");
      return;
    }
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT
                                                      | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  app = mpy_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/app/layout/800x600-clips-nothing", test_800x600_clips_nothing);
  g_test_add_func ("/app/layout/space-goes-where-it-helps", test_space_goes_where_it_helps);
  g_test_add_func ("/app/layout/short-window-keeps-columns", test_short_window_keeps_columns);
  g_test_add_func ("/app/layout/opened-large", test_opened_large);
  g_test_add_func ("/app/layout/german-from-build-tree", test_german_from_build_tree);
  g_test_add_data_func ("/app/layout/states-800x600/en", NULL, test_states_at_800x600);
  g_test_add_data_func ("/app/layout/states-800x600/de", "de", test_states_at_800x600);

  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}

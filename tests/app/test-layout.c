/* test-layout.c — the window adapts to its size: 800×600 clips nothing, the canvas keeps
 * priority, extra height goes to the snapshot list (suite 'app', real windows under Xvfb)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <locale.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-device-sidebar-private.h"
#include "mpy-i18n.h"
#include "mpy-window-testing.h"

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
  g_test_add_func ("/app/layout/german-from-build-tree", test_german_from_build_tree);

  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}

/* screenshot.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows the real main window (1400×900 at the top left) with the bundled sample session for a
 * few seconds, so that a screenshot can be taken for the README. With --diff the first two
 * sample snapshots after the first (allocations, then del and gc.collect()) are
 * selected and the canvas shows their diff. The screen is twice as wide as
 * the window so that Xvfb's pointer, in the middle of the screen, raises no tooltip
 * (--menu opens the main menu, to check it):
 *
 *   xvfb-run -a -s "-screen 0 2800x900x24" sh -c \
 *     '_build/tests/app/mpymemmap-screenshot --diff 6 & sleep 4; \
 *      import -window root -crop 1400x900+0+0 docs/screenshot.png; wait' 
 */

#include <stdlib.h>
#include <string.h>

#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-window-testing.h"

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
find_primary_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_primary_menu_button (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint wake = g_timeout_add (10, wake_up_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MpyApplication) app = NULL;
  gboolean diff = FALSE;
  gboolean menu = FALSE;
  guint hold_ms = 6000;
  MpyWindow *window;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--diff") == 0)
        diff = TRUE;
      else if (strcmp (argv[i], "--menu") == 0)
        menu = TRUE;
      else if (g_ascii_isdigit (argv[i][0]))
        hold_ms = (guint) atoi (argv[i]) * 1000;
      else
        {
          g_printerr ("usage: %s [--diff] [--menu] [SECONDS]\n", argv[0]);
          return EXIT_FAILURE;
        }
    }

  gtk_init ();
  app = mpy_application_new (G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, NULL))
    return EXIT_FAILURE;

  window = mpy_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  mpy_window_load_sample (window);
  gtk_window_present (GTK_WINDOW (window));
  run_for (1500);

  if (diff)
    {
      gtk_selection_model_select_range (mpy_window_get_selection (window), 1, 2, TRUE);
      run_for (500);
    }

  if (menu)
    {
      GtkWidget *button = find_primary_menu_button (gtk_window_get_titlebar (GTK_WINDOW (window)));

      if (button != NULL)
        gtk_menu_button_popup (GTK_MENU_BUTTON (button));
      run_for (500);
    }

  /* Stay on screen while `import` takes the picture. */
  run_for (hold_ms);

  gtk_window_destroy (GTK_WINDOW (window));
  return EXIT_SUCCESS;
}

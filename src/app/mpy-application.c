/* mpy-application.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <signal.h>

#include <string.h>

#include <epoxy/gl.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "mpy-application.h"
#include "mpy-window.h"

struct _MpyApplication
{
  GtkApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (MpyApplication, mpy_application, GTK_TYPE_APPLICATION)

static MpyWindow *
get_main_window (MpyApplication *self,
                 gboolean       *created)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  *created = window == NULL;
  if (window == NULL)
    window = GTK_WINDOW (mpy_window_new (GTK_APPLICATION (self)));

  return MPY_WINDOW (window);
}

static void
mpy_application_activate (GApplication *app)
{
  gboolean created;
  MpyWindow *window = get_main_window (MPY_APPLICATION (app), &created);

  if (created)
    mpy_window_load_initial (window);

  gtk_window_present (GTK_WINDOW (window));
}

static void
mpy_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  gboolean created;
  MpyWindow *window = get_main_window (MPY_APPLICATION (app), &created);

  /* Files given: no sample, but what a crashed run left is still offered. */
  if (created)
    mpy_window_offer_restore (window);
  mpy_window_open_files (window, files, (guint) n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The MpyMemMap developers", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", "MpyMemMap",
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("See the heap of a MicroPython board as a picture"),
                         "copyright", "© 2026 The MpyMemMap developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", developers,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Closing runs each window's close-request, which flushes the autosave journal. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }
}

/* SIGTERM (logout, systemd, kill), SIGINT (Ctrl-C in a terminal), SIGHUP (the terminal
 * closed): end as a quit would, without asking, since nobody may be there to answer. Each
 * window is destroyed, so each document flushes its journal and removes its lock file when
 * nothing is unsaved; an unsaved journal stays, its lock free, and the next start offers it. */
static gboolean
terminate_on_signal (gpointer user_data)
{
  GtkApplication *app = user_data;
  GList *windows;

  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
};

/* GL drawn in software (llvmpipe and its kin: a virtual machine, a remote session, Xvfb)
 * repaints the whole window for any change, on the CPU: about 85 ms of CPU for a step to the
 * next snapshot on this project's machine, where GTK's Cairo renderer repaints only what
 * changed (about 30 ms in all). Unless the user chose a renderer (GSK_RENDERER), take the
 * Cairo one there. Before the first window: GTK reads the variable for its first renderer. */
static void
prefer_cairo_over_software_gl (void)
{
  static const char *const software[] = { "llvmpipe", "softpipe", "swrast", "Software Rasterizer" };
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GdkGLContext) context = NULL;
  const char *renderer;

  if (g_getenv ("GSK_RENDERER") != NULL || display == NULL)
    return;
  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return;   /* no GL at all: GTK falls back to Cairo itself */
  gdk_gl_context_make_current (context);
  renderer = (const char *) glGetString (GL_RENDERER);
  for (guint i = 0; renderer != NULL && i < G_N_ELEMENTS (software); i++)
    if (strstr (renderer, software[i]) != NULL)
      {
        g_debug ("GL renderer “%s” is software: drawing with Cairo", renderer);
        g_setenv ("GSK_RENDERER", "cairo", TRUE);
        break;
      }
  gdk_gl_context_clear_current ();
}

static void
mpy_application_startup (GApplication *app)
{
  g_autoptr(GtkCssProvider) css = NULL;

  G_APPLICATION_CLASS (mpy_application_parent_class)->startup (app);
  prefer_cairo_over_software_gl ();

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  mpy_window_install_accels (GTK_APPLICATION (app));

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/com/example/MpyMemMap/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  gtk_window_set_default_icon_name (APP_ID);

  /* Only the primary instance gets here; a remote one just forwards its files. */
  g_unix_signal_add (SIGTERM, terminate_on_signal, app);
  g_unix_signal_add (SIGINT, terminate_on_signal, app);
  g_unix_signal_add (SIGHUP, terminate_on_signal, app);
}

static void
mpy_application_class_init (MpyApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = mpy_application_activate;
  app_class->open = mpy_application_open;
  app_class->startup = mpy_application_startup;
}

static void
mpy_application_init (MpyApplication *self)
{
}

MpyApplication *
mpy_application_new (GApplicationFlags extra_flags)
{
  return g_object_new (MPY_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | extra_flags,
                       "resource-base-path", "/com/example/MpyMemMap",
                       NULL);
}

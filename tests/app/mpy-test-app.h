/* mpy-test-app.h — helpers for the tests of the application in real windows
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-window-testing.h"

G_BEGIN_DECLS

typedef gboolean (*MpyTestCondition) (gpointer data);

/* g_test_init () with isolated folders and gtk_init (); GtkRecentManager (a singleton that
 * keeps the file it first chose) gets one folder for the whole run, removed by
 * mpy_test_app_cleanup (). */
void         mpy_test_app_init    (int              *argc,
                                   char           ***argv);
void         mpy_test_app_cleanup (void);

/* Runs the main loop until @cond holds or @timeout_ms pass; returns whether it holds. */
gboolean     mpy_test_run_until   (MpyTestCondition cond,
                                   gpointer         data,
                                   guint            timeout_ms);
void         mpy_test_run_for     (guint            ms);
/* The window is on screen, with its canvas allocated when it shows a map. */
gboolean     mpy_test_window_mapped (gpointer      window);
/* A window of @app, mapped and sized, with the sample when @with_sample. */
MpyWindow   *mpy_test_new_window  (GtkApplication  *app,
                                   gboolean         with_sample);
char        *mpy_test_fixture     (const char      *name);
guint        mpy_test_n_rows      (MpyWindow       *window);
MpySnapshot *mpy_test_row         (MpyWindow       *window,
                                   guint            position);
/* The windows of @app that are MpyWindows, newest first. */
GList       *mpy_test_windows     (GtkApplication  *app);
/* The dialog (a GtkMessageDialog) shown for @parent, or NULL. */
GtkDialog   *mpy_test_find_dialog (GtkWindow       *parent);
/* The first banner (GtkInfoBar) the window shows, or NULL. */
GtkInfoBar  *mpy_test_revealed_info_bar (MpyWindow *window);

G_END_DECLS

/* mpy-window.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-document.h"

G_BEGIN_DECLS

#define MPY_TYPE_WINDOW (mpy_window_get_type ())
G_DECLARE_FINAL_TYPE (MpyWindow, mpy_window, MPY, WINDOW, GtkApplicationWindow)

/* A window shows one document (its own, until closed). */
MpyWindow   *mpy_window_new               (GtkApplication *application);
MpyDocument *mpy_window_get_document      (MpyWindow      *self);

/* Start-up content: offers to restore what a crashed run left unsaved, else the sample. */
void         mpy_window_load_initial      (MpyWindow      *self);
void         mpy_window_load_sample       (MpyWindow      *self);
/* Offers (in a banner) to restore the documents a crashed run left; FALSE if none. */
gboolean     mpy_window_offer_restore     (MpyWindow      *self);

/* Opens @files without blocking: a session opens as a document of its own (here when this
 * window holds nothing of the user's, else in a window of its own); console logs and dumps
 * are imported into this document. */
void         mpy_window_open_files        (MpyWindow      *self,
                                           GFile         **files,
                                           guint           n_files);
/* Adds every dump in @files (sessions too) to this document. */
void         mpy_window_import_files      (MpyWindow      *self,
                                           GFile         **files,
                                           guint           n_files);
/* Reads dump text (a paste, a drop) into this document; errors go to the error banner. */
void         mpy_window_add_text          (MpyWindow      *self,
                                           const char     *text);

/* An error in the window's banner. */
void         mpy_window_show_error        (MpyWindow      *self,
                                           const char     *what,
                                           const GError   *error);

/* Every keyboard shortcut of the application's windows: see mpy-window-actions.c. */
void         mpy_window_install_accels    (GtkApplication *application);

G_END_DECLS

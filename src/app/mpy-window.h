/* mpy-window.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-device-sidebar.h"
#include "mpy-diff.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* The least pixels per block of an exported PNG; small heaps get more, so that the map is at
 * least MPY_WINDOW_EXPORT_MAP_SIZE px on its longer side (within mpy_renderer_get_max_scale()). */
#define MPY_WINDOW_EXPORT_SCALE 4.0
#define MPY_WINDOW_EXPORT_MAP_SIZE 1000

typedef enum {
  MPY_VIEW_EMPTY,    /* nothing selected, or an empty list */
  MPY_VIEW_MAP,      /* one snapshot with a map */
  MPY_VIEW_DIFF,     /* two snapshots of the same layout */
  MPY_VIEW_MESSAGE,  /* a hint or an explanation instead of a map */
} MpyViewMode;

#define MPY_TYPE_WINDOW (mpy_window_get_type ())
G_DECLARE_FINAL_TYPE (MpyWindow, mpy_window, MPY, WINDOW, GtkApplicationWindow)

MpyWindow         *mpy_window_new               (GtkApplication *application);

/* Start-up content: offers to restore an autosave journal left by a crashed run, else shows
 * the bundled sample session. */
void               mpy_window_load_initial      (MpyWindow      *self);
void               mpy_window_load_sample       (MpyWindow      *self);
/* Offers (in a banner) to restore the autosave journal a crashed run left; FALSE if none. */
gboolean           mpy_window_offer_restore     (MpyWindow      *self);

/* Adds every dump found in @files (session files, console logs) without blocking. */
void               mpy_window_open_files        (MpyWindow      *self,
                                                 GFile         **files,
                                                 guint           n_files);
/* Adds @snapshots (element-type MpySnapshot) at the end; with @select they become the selection. */
void               mpy_window_add_snapshots     (MpyWindow      *self,
                                                 GPtrArray      *snapshots,
                                                 gboolean        select);
/* Reads dump text (a paste, a drop) and adds what it finds; errors go to the error banner. */
void               mpy_window_add_text          (MpyWindow      *self,
                                                 const char     *text);

/* The list: a GListModel of MpySnapshotItem, and its GtkMultiSelection. */
GListModel        *mpy_window_get_snapshots     (MpyWindow      *self);
GtkSelectionModel *mpy_window_get_selection     (MpyWindow      *self);
/* The session file Save writes to, or NULL. */
GFile             *mpy_window_get_file          (MpyWindow      *self);

MpyViewMode        mpy_window_get_view_mode     (MpyWindow      *self);
/* The text shown instead of the map in MPY_VIEW_MESSAGE and MPY_VIEW_EMPTY. */
const char        *mpy_window_get_view_message  (MpyWindow      *self);
/* The heading over the canvas (labels, and a damaged dump's reason). */
const char        *mpy_window_get_view_title    (MpyWindow      *self);
/* What the canvas shows: the snapshot (the later one in diff mode) and the diff or NULL. */
MpySnapshot       *mpy_window_get_shown_snapshot (MpyWindow     *self);
MpyDiff           *mpy_window_get_shown_diff    (MpyWindow      *self);

/* The heap canvas (an MpyHeapView) and the figures panel (an MpyFiguresPanel); placeholders
 * in a build without the widgets library. */
GtkWidget         *mpy_window_get_heap_view     (MpyWindow      *self);
GtkWidget         *mpy_window_get_figures_panel (MpyWindow      *self);
MpyDeviceSidebar  *mpy_window_get_device_sidebar (MpyWindow     *self);

/* Errors shown in the window's banner; NULL when the banner is hidden. */
void               mpy_window_show_error        (MpyWindow      *self,
                                                 const char     *what,
                                                 const GError   *error);
const char        *mpy_window_get_error_message (MpyWindow      *self);

/* Writes the current map or diff as a PNG on a worker thread. */
void               mpy_window_export_png_async  (MpyWindow           *self,
                                                 GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean           mpy_window_export_png_finish (MpyWindow     *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

/* Writes the session to @file on a worker thread; it becomes the file Save writes to. */
void               mpy_window_save_to_async     (MpyWindow           *self,
                                                 GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean           mpy_window_save_to_finish    (MpyWindow     *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

/* Pixels per block an export of the shown map or diff uses (at the canvas's columns). */
double             mpy_window_get_export_scale  (MpyWindow           *self);

/* The journal this window writes its unsaved snapshots to (its own, locked while it lives). */
const char        *mpy_window_get_autosave_path (MpyWindow           *self);

G_END_DECLS

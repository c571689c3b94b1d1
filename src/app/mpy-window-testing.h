/* mpy-window-testing.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window shows, for tests and the screenshot tool: not used by the application.
 */

#pragma once

#include "mpy-device-sidebar.h"
#include "mpy-diff.h"
#include "mpy-window.h"

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

/* The document's list (of MpySnapshotItem), its selection and file. */
GListModel        *mpy_window_get_snapshots      (MpyWindow *self);
GtkSelectionModel *mpy_window_get_selection      (MpyWindow *self);
GFile             *mpy_window_get_file           (MpyWindow *self);
/* Adds @snapshots (element-type MpySnapshot) at the end, as a capture does. */
void               mpy_window_add_snapshots      (MpyWindow *self,
                                                  GPtrArray *snapshots,
                                                  gboolean   select);

MpyViewMode        mpy_window_get_view_mode      (MpyWindow *self);
/* The text shown instead of the map in MPY_VIEW_MESSAGE and MPY_VIEW_EMPTY. */
const char        *mpy_window_get_view_message   (MpyWindow *self);
/* The console context shown under the figures, or NULL when the expander is hidden. */
char              *mpy_window_dup_console_text   (MpyWindow *self);
/* The heading over the canvas (labels, and a damaged dump's reason). */
const char        *mpy_window_get_view_title     (MpyWindow *self);
/* What the canvas shows: the snapshot (the later one in diff mode) and the diff or NULL. */
MpySnapshot       *mpy_window_get_shown_snapshot (MpyWindow *self);
MpyDiff           *mpy_window_get_shown_diff     (MpyWindow *self);

/* The heap canvas (an MpyHeapView), the figures panel (an MpyFiguresPanel), the sidebar. */
GtkWidget         *mpy_window_get_heap_view      (MpyWindow *self);
GtkWidget         *mpy_window_get_figures_panel  (MpyWindow *self);
MpyDeviceSidebar  *mpy_window_get_device_sidebar (MpyWindow *self);
GtkListView       *mpy_window_get_list_view      (MpyWindow *self);
/* The timeline below the canvas (an MpyTimeline) and the playback scrubber. */
GtkWidget         *mpy_window_get_timeline       (MpyWindow *self);
GtkRange          *mpy_window_get_playback_scale (MpyWindow *self);
gboolean           mpy_window_get_playing        (MpyWindow *self);
/* Frames per second of the playback (the speed menu's choice). */
guint              mpy_window_get_playback_fps   (MpyWindow *self);
/* Writes the playback (every snapshot of the document) as an animated GIF on a worker
 * thread, at the canvas's columns and palette. */
void               mpy_window_export_gif_async   (MpyWindow           *self,
                                                  GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           mpy_window_export_gif_finish  (MpyWindow     *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);

/* The error banner's text; NULL when it is hidden. */
const char        *mpy_window_get_error_message  (MpyWindow *self);
/* The undo banner's text; NULL when it is hidden. */
const char        *mpy_window_get_undo_message   (MpyWindow *self);

/* Writes the current map or diff as a PNG on a worker thread. */
void               mpy_window_export_png_async   (MpyWindow           *self,
                                                  GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           mpy_window_export_png_finish  (MpyWindow     *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);
/* Pixels per block an export of the shown map or diff uses (at the canvas's columns). */
double             mpy_window_get_export_scale   (MpyWindow     *self);

/* Saves the document to @file (as Save As does). */
void               mpy_window_save_to_async      (MpyWindow           *self,
                                                  GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           mpy_window_save_to_finish     (MpyWindow     *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);

/* The journal the window's document writes its unsaved snapshots to. */
const char        *mpy_window_get_autosave_path  (MpyWindow     *self);

G_END_DECLS

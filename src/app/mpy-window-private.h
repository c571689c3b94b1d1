/* mpy-window-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-autosave.h"
#include "mpy-journal-lock.h"
#include "mpy-window.h"

G_BEGIN_DECLS

struct _MpyWindow
{
  GtkApplicationWindow  parent_instance;

  GListStore           *snapshots;
  GtkMultiSelection    *selection;
  GFile                *file;
  MpyAutosave          *autosave;
  char                 *journal_path;     /* this window's own journal */
  MpyJournalLock       *journal_lock;     /* held while the window lives */
  GPtrArray            *pending_restore;  /* journal of a crashed run, until Restore/Discard */
  GPtrArray            *restore_claims;   /* the MpyJournalLocks of those journals */
  GCancellable         *cancellable;      /* file operations; cancelled in dispose */
  GSettings            *settings;         /* NULL when the schema is not installed */

  MpySnapshot          *shown_snapshot;
  MpyDiff              *shown_diff;
  MpyViewMode           view_mode;
  char                 *view_message;
  gsize                 fitted_blocks;    /* layout the canvas was last fitted to */
  guint                 fit_tick_id;

  guint                 n_captures;
  guint                 n_pasted;
  guint                 showing_sample : 1;
  guint                 dirty : 1;
  guint                 loading_lines : 1;

  /* Template children */
  GtkInfoBar           *error_bar;
  GtkLabel             *error_label;
  GtkInfoBar           *restore_bar;
  GtkLabel             *restore_label;
  MpyDeviceSidebar     *device_sidebar;
  GtkListView          *snapshot_view;
  GtkLabel             *selection_hint;
  GtkLabel             *view_title;
  GtkStack             *view_stack;
  GtkLabel             *view_message_label;
  GtkScrolledWindow    *canvas_scroller;
  GtkScrolledWindow    *figures_scroller;
  GMenu                *recent_section;

  GtkWidget            *heap_view;
  GtkWidget            *figures_panel;
};

/* mpy-window-actions.c */
void      _mpy_window_class_actions_init (GtkWidgetClass *widget_class);
void      _mpy_window_update_actions     (MpyWindow      *self);

/* mpy-window.c */
GPtrArray *_mpy_window_collect_snapshots (MpyWindow      *self);
void       _mpy_window_add_snapshots_full (MpyWindow     *self,
                                           GPtrArray     *snapshots,
                                           gboolean       select,
                                           gboolean       on_disk);
void       _mpy_window_sync_autosave     (MpyWindow      *self);
void       _mpy_window_update_title      (MpyWindow      *self);

gboolean   _mpy_window_has_setting       (MpyWindow      *self,
                                          const char     *key);
void       _mpy_window_remember_folder   (MpyWindow      *self,
                                          const char     *key,
                                          GFile          *file);
void       _mpy_window_restore_folder    (MpyWindow      *self,
                                          const char     *key,
                                          GtkFileChooser *chooser);
void       _mpy_window_remember_recent   (MpyWindow      *self,
                                          GFile          *file);
void       _mpy_window_remember_port     (MpyWindow      *self);
void       _mpy_window_update_recent_menu (MpyWindow     *self);

G_END_DECLS

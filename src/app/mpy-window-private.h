/* mpy-window-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window is split by concern: mpy-window.c (the view of the document), -actions.c (every
 * action and shortcut), -files.c (open, import, save, close), -settings.c (what is
 * remembered between runs).
 */

#pragma once

#include "mpy-document.h"
#include "mpy-window-testing.h"

G_BEGIN_DECLS

struct _MpyWindow
{
  GtkApplicationWindow  parent_instance;

  MpyDocument          *document;
  GPtrArray            *drafts;           /* MpyDocumentDraft of a crashed run, until answered */
  GCancellable         *cancellable;      /* file operations; cancelled in dispose */
  GSettings            *settings;         /* NULL when the schema is not installed */
  GtkWidget            *close_dialog;     /* Save / Discard / Cancel, while asked */

  MpySnapshot          *shown_snapshot;
  MpyDiff              *shown_diff;
  MpyViewMode           view_mode;
  char                 *view_message;
  gsize                 fitted_blocks;    /* layout the canvas was last fitted to */
  guint                 fit_tick_id;
  guint                 undo_timeout_id;

  guint                 n_captures;
  guint                 loading_lines : 1;
  guint                 close_confirmed : 1;

  /* Template children */
  GtkInfoBar           *error_bar;
  GtkLabel             *error_label;
  GtkInfoBar           *restore_bar;
  GtkLabel             *restore_label;
  GtkRevealer          *undo_revealer;
  GtkLabel             *undo_label;
  MpyDeviceSidebar     *device_sidebar;
  GtkListView          *snapshot_view;
  GtkLabel             *selection_hint;
  GtkLabel             *view_title;
  GtkStack             *view_stack;
  GtkLabel             *view_message_label;
  GtkScrolledWindow    *canvas_scroller;
  GtkScrolledWindow    *figures_scroller;
  GtkPaned             *content_paned;    /* canvas | figures */
  GMenu                *recent_section;
  GtkWidget            *heap_view;
  GtkWidget            *figures_panel;
  GtkRevealer          *timeline_revealer;
  GtkWidget            *timeline;
  GtkBox               *playback_controls;
  GtkExpander          *console_expander;   /* the shown dump's console context */
  GtkTextView          *console_view;
  GtkToggleButton      *play_button;
  GtkRange             *playback_scale;
  GtkDropDown          *playback_speed;
  GtkInfoBar           *gif_bar;
  GtkLabel             *gif_label;
  GtkProgressBar       *gif_progress;

  /* Playback (mpy-window-timeline.c) */
  guint                 playback_tick_id;     /* the frame clock's tick while playing */
  gint64                playback_due;         /* frame time of the next step, µs */
  guint                 playback_frame;
  guint                 updating_playback : 1;
  GCancellable         *gif_cancellable;  /* the GIF export running, or NULL */
};

/* mpy-window-actions.c */
void      _mpy_window_class_actions_init (GtkWidgetClass *widget_class);
void      _mpy_window_actions_init       (MpyWindow      *self);
void      _mpy_window_update_actions     (MpyWindow      *self);

/* mpy-window.c */
/* Adds what a capture brought, selects and shows it, and gives the list the focus. */
void      _mpy_window_add_captured       (MpyWindow      *self,
                                          GPtrArray      *snapshots);
void      _mpy_window_scroll_to          (MpyWindow      *self,
                                          guint           position);
void      _mpy_window_show_undo          (MpyWindow      *self);

/* mpy-window-view.c */
/* Shows what is selected: one snapshot, the diff of two, or a message. */
void      _mpy_window_update_view        (MpyWindow      *self);
/* The figures panel's "Fits?" run, outlined on the canvas. */
void      _mpy_window_fit_changed_cb     (MpyWindow      *self);

/* mpy-window-files.c */
void      _mpy_window_files_init         (MpyWindow      *self);
void      _mpy_window_restore_bar_response_cb (MpyWindow  *self,
                                               int         response,
                                               GtkInfoBar *bar);
void      _mpy_window_open_action        (MpyWindow      *self,
                                          gboolean        import);
void      _mpy_window_save               (MpyWindow      *self,
                                          gboolean        choose_file,
                                          gboolean        close_after);
gboolean  _mpy_window_confirm_close      (MpyWindow      *self);

/* mpy-window-timeline.c: the timeline below the canvas */
void      _mpy_window_timeline_init      (MpyWindow      *self);
void      _mpy_window_timeline_dispose   (MpyWindow      *self);
void      _mpy_window_timeline_class_init (GtkWidgetClass *widget_class);
/* Shows frame @frame of the playback: snapshot @frame alone when it is the first, else its
 * diff against the one before it (the document's selection becomes that pair). */
void      _mpy_window_show_frame         (MpyWindow      *self,
                                          guint           frame);
void      _mpy_window_export_gif_action  (MpyWindow      *self);

/* mpy-window-settings.c */
void      _mpy_window_settings_init      (MpyWindow      *self);
gboolean  _mpy_window_has_setting        (MpyWindow      *self,
                                          const char     *key);
void      _mpy_window_remember_folder    (MpyWindow      *self,
                                          const char     *key,
                                          GFile          *file);
void      _mpy_window_restore_folder     (MpyWindow      *self,
                                          const char     *key,
                                          GtkFileChooser *chooser);
void      _mpy_window_remember_recent    (MpyWindow      *self,
                                          GFile          *file);
void      _mpy_window_remember_port      (MpyWindow      *self);
void      _mpy_window_update_recent_menu (MpyWindow      *self);
void      _mpy_window_device_path_cb     (MpyWindow      *self,
                                          GParamSpec     *pspec,
                                          MpyDeviceSidebar *sidebar);
void      _mpy_window_device_lines_cb    (MpyWindow      *self,
                                          GParamSpec     *pspec,
                                          MpyDeviceSidebar *sidebar);

G_END_DECLS

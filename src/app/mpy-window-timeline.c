/* mpy-window-timeline.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline below the canvas: the chart of the document (it writes the document's
 * selection, so a click shows a snapshot and a dragged range a diff, as the list does), the
 * menu of what it shows, the playback of successive diffs (the notebook's play()) and its
 * export as an animated GIF.
 */

#include <glib/gi18n.h>

#include "mpy-gif.h"
#include "mpy-heap-view.h"
#include "mpy-timeline.h"
#include "mpy-window-private.h"

static const guint speeds[] = { 1, 2, 5, 10, 30 };   /* frames per second, as in the menu */

static guint
n_items (MpyWindow *self)
{
  return g_list_model_get_n_items (mpy_document_get_snapshots (self->document));
}

/* ---- playback ----------------------------------------------------------------------------- */

void
_mpy_window_show_frame (MpyWindow *self,
                        guint      frame)
{
  GtkSelectionModel *selection = mpy_document_get_selection (self->document);
  guint n = n_items (self);

  if (frame >= n)
    return;
  self->playback_frame = frame;
  if (frame == 0)
    gtk_selection_model_select_item (selection, 0, TRUE);
  else
    {
      g_autoptr(GtkBitset) pair = gtk_bitset_new_range (frame - 1, 2);
      g_autoptr(GtkBitset) mask = gtk_bitset_new_range (0, n);

      gtk_selection_model_set_selection (selection, pair, mask);
    }
  /* The list follows the movie: the frame's snapshot is on screen beside the canvas. */
  _mpy_window_scroll_to (self, frame);
}

guint
mpy_window_get_playback_fps (MpyWindow *self)
{
  guint selected;

  g_return_val_if_fail (MPY_IS_WINDOW (self), 1);

  selected = gtk_drop_down_get_selected (self->playback_speed);
  return selected < G_N_ELEMENTS (speeds) ? speeds[selected] : 5;
}

gboolean
mpy_window_get_playing (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), FALSE);

  return self->playback_tick_id != 0;
}

GtkRange *
mpy_window_get_playback_scale (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->playback_scale;
}

static void set_playing (MpyWindow *self,
                         gboolean   playing);

/* One step per frame of the window's frame clock at most, when the step is due: a step that
 * takes longer than the frame leaves the frame painted before the next one (a timer would
 * run again before the paint, which waits for an idle main loop, and nothing would show). */
static gboolean
playback_tick_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       data)
{
  MpyWindow *self = MPY_WINDOW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  gint64 period = G_USEC_PER_SEC / mpy_window_get_playback_fps (self);

  if (self->playback_due == 0)
    self->playback_due = now + period;
  if (now < self->playback_due)
    return G_SOURCE_CONTINUE;
  /* Behind by more than a step: count afresh rather than rush to catch up. */
  self->playback_due += period;
  if (self->playback_due < now)
    self->playback_due = now + period;

  if (self->playback_frame + 1 >= n_items (self))
    {
      /* The end: stay on the last diff. */
      self->playback_tick_id = 0;
      set_playing (self, FALSE);
      return G_SOURCE_REMOVE;
    }
  _mpy_window_show_frame (self, self->playback_frame + 1);
  return G_SOURCE_CONTINUE;
}

static void
stop_ticking (MpyWindow *self)
{
  if (self->playback_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->playback_tick_id);
  self->playback_tick_id = 0;
}

static void
set_playing (MpyWindow *self,
             gboolean   playing)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "play");

  stop_ticking (self);
  playing = playing && n_items (self) > 0;
  if (playing)
    {
      /* Standing at the end: play from the start. The first frame shows at once. */
      if (self->playback_frame + 1 >= n_items (self))
        self->playback_frame = 0;
      _mpy_window_show_frame (self, self->playback_frame);
      self->playback_due = 0;
      self->playback_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), playback_tick_cb, NULL, NULL);
    }
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (playing));
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
}

static void
play_change_state_cb (GSimpleAction *action,
                      GVariant      *state,
                      gpointer       user_data)
{
  set_playing (MPY_WINDOW (user_data), g_variant_get_boolean (state));
}

static void
playback_speed_changed_cb (MpyWindow   *self,
                           GParamSpec  *pspec,
                           GtkDropDown *dropdown)
{
  /* A new speed takes effect at the next step. */
  self->playback_due = 0;
}

static void
playback_scale_changed_cb (MpyWindow *self,
                           GtkRange  *range)
{
  if (self->updating_playback)
    return;
  _mpy_window_show_frame (self, (guint) (gtk_range_get_value (range) + 0.5));
}

/* The scrubber follows the document: its range is the snapshots, its value the later of
 * what is selected (from the list, the timeline or the playback). */
static void
sync_scrubber (MpyWindow *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (mpy_document_get_selection (self->document));
  guint n = n_items (self);

  self->updating_playback = TRUE;
  gtk_range_set_range (self->playback_scale, 0, MAX (n, 1) - 1);
  if (!gtk_bitset_is_empty (selected))
    {
      self->playback_frame = MIN (gtk_bitset_get_maximum (selected), MAX (n, 1) - 1);
      gtk_range_set_value (self->playback_scale, self->playback_frame);
    }
  self->updating_playback = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->playback_scale), n > 1);
}

static void
document_items_changed_cb (MpyWindow  *self,
                           guint       position,
                           guint       removed,
                           guint       added,
                           GListModel *model)
{
  if (g_list_model_get_n_items (model) == 0)
    set_playing (self, FALSE);
  sync_scrubber (self);
}

static void
document_selection_changed_cb (MpyWindow         *self,
                               guint              position,
                               guint              n,
                               GtkSelectionModel *selection)
{
  sync_scrubber (self);
}

/* ---- GIF export --------------------------------------------------------------------------- */

typedef struct {
  GPtrArray        *snapshots;
  MpyRenderOptions  options;
  double            scale;
  guint             delay_ms;
  char             *path;
  GWeakRef          window;
} GifData;

static void
gif_data_free (GifData *data)
{
  g_ptr_array_unref (data->snapshots);
  g_free (data->path);
  g_weak_ref_clear (&data->window);
  g_free (data);
}

typedef struct {
  GWeakRef window;
  guint    done;
  guint    total;
} GifProgress;

static gboolean
gif_progress_idle_cb (gpointer user_data)
{
  GifProgress *progress = user_data;
  g_autoptr(MpyWindow) self = g_weak_ref_get (&progress->window);

  if (self != NULL && self->gif_cancellable != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Writing the GIF: frame %u of %u"), progress->done, progress->total);

      gtk_label_set_text (self->gif_label, text);
      gtk_progress_bar_set_fraction (self->gif_progress, (double) progress->done / MAX (progress->total, 1));
    }
  g_weak_ref_clear (&progress->window);
  g_free (progress);
  return G_SOURCE_REMOVE;
}

/* On the worker thread: tells the main loop how far it is. */
static void
gif_progress_cb (guint    done,
                 guint    total,
                 gpointer user_data)
{
  GifData *data = user_data;
  g_autoptr(GObject) window = g_weak_ref_get (&data->window);
  GifProgress *progress;

  if (window == NULL)
    return;
  progress = g_new0 (GifProgress, 1);
  g_weak_ref_init (&progress->window, window);
  progress->done = done;
  progress->total = total;
  g_idle_add (gif_progress_idle_cb, progress);
}

static void
gif_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GifData *data = task_data;
  GError *error = NULL;

  if (mpy_gif_write_animation (data->snapshots, &data->options, data->scale, data->delay_ms, data->path,
                               cancellable, gif_progress_cb, data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mpy_window_export_gif_async (MpyWindow           *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GifData *data;
  guint max_scale;

  g_return_if_fail (MPY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_window_export_gif_async);

  data = g_new0 (GifData, 1);
  data->snapshots = mpy_document_dup_snapshots (self->document);
  data->options = (MpyRenderOptions) MPY_RENDER_OPTIONS_INIT;
  mpy_heap_view_get_options (MPY_HEAP_VIEW (self->heap_view), &data->options);
  data->options.dark = FALSE;   /* a file is read on white paper and screens alike */
  max_scale = mpy_gif_get_max_scale (data->snapshots, &data->options, 4);
  data->scale = MAX (max_scale, 1);
  data->delay_ms = 1000 / mpy_window_get_playback_fps (self);   /* the playback's speed */
  data->path = g_file_get_path (file);
  g_weak_ref_init (&data->window, self);
  if (data->path == NULL)
    {
      gif_data_free (data);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Images can only be written to local folders: choose a folder on this computer."));
      return;
    }
  g_task_set_task_data (task, data, (GDestroyNotify) gif_data_free);
  g_task_run_in_thread (task, gif_thread);
}

gboolean
mpy_window_export_gif_finish (MpyWindow     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_window_export_gif_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_gif_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  MpyWindow *self = MPY_WINDOW (object);
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->gif_cancellable);
  gtk_info_bar_set_revealed (self->gif_bar, FALSE);
  _mpy_window_update_actions (self);
  if (!mpy_window_export_gif_finish (self, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    mpy_window_show_error (self, _("The GIF could not be written"), error);
}

static void
gif_bar_response_cb (MpyWindow  *self,
                     int         response,
                     GtkInfoBar *bar)
{
  if (self->gif_cancellable != NULL)
    g_cancellable_cancel (self->gif_cancellable);
}

static void
gif_chooser_response_cb (GtkNativeDialog *native,
                         int              response,
                         MpyWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->gif_cancellable == NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      _mpy_window_remember_folder (self, "last-export-folder", file);
      self->gif_cancellable = g_cancellable_new ();
      gtk_label_set_text (self->gif_label, _("Writing the GIF…"));
      gtk_progress_bar_set_fraction (self->gif_progress, 0);
      gtk_info_bar_set_revealed (self->gif_bar, TRUE);
      _mpy_window_update_actions (self);
      mpy_window_export_gif_async (self, file, self->gif_cancellable, export_gif_done_cb, NULL);
    }

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

void
_mpy_window_export_gif_action (MpyWindow *self)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Export the Playback as an Animated GIF"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("GIF images"));
  gtk_file_filter_add_mime_type (filter, "image/gif");
  gtk_file_filter_add_suffix (filter, "gif");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  _mpy_window_restore_folder (self, "last-export-folder", GTK_FILE_CHOOSER (native));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), "playback.gif");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (gif_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* ---- setup -------------------------------------------------------------------------------- */

static void
add_property_action (MpyWindow  *self,
                     const char *name,
                     gpointer    object,
                     const char *property)
{
  g_autoptr(GPropertyAction) action = g_property_action_new (name, object, property);

  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
}

void
_mpy_window_timeline_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, playback_scale);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, playback_speed);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, gif_bar);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, gif_label);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, gif_progress);
  gtk_widget_class_bind_template_callback (widget_class, playback_scale_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, playback_speed_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, gif_bar_response_cb);
}

void
_mpy_window_timeline_init (MpyWindow *self)
{
  MpyTimeline *timeline = MPY_TIMELINE (self->timeline);
  g_autoptr(GSimpleAction) play = NULL;

  mpy_timeline_set_model (timeline, mpy_document_get_selection (self->document));

  /* The menu's items follow the chart's properties. */
  add_property_action (self, "show-timeline", self->timeline_revealer, "reveal-child");
  add_property_action (self, "timeline-show-area", timeline, "show-area");
  add_property_action (self, "timeline-by-time", timeline, "by-time");
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    {
      const char *property = mpy_timeline_series_property (s);
      g_autofree char *name = g_strconcat ("timeline-", property, NULL);

      add_property_action (self, name, timeline, property);
    }

  play = g_simple_action_new_stateful ("play", NULL, g_variant_new_boolean (FALSE));
  g_signal_connect_object (play, "change-state", G_CALLBACK (play_change_state_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (play));

  g_signal_connect_object (mpy_document_get_snapshots (self->document), "items-changed",
                           G_CALLBACK (document_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (mpy_document_get_selection (self->document), "selection-changed",
                           G_CALLBACK (document_selection_changed_cb), self, G_CONNECT_SWAPPED);
  sync_scrubber (self);
}

void
_mpy_window_timeline_dispose (MpyWindow *self)
{
  stop_ticking (self);
  if (self->gif_cancellable != NULL)
    g_cancellable_cancel (self->gif_cancellable);
  g_clear_object (&self->gif_cancellable);
}

GtkWidget *
mpy_window_get_timeline (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->timeline;
}

/* mpy-window-actions.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's actions: capture, files, export, paste, zoom and list editing. Menus, buttons,
 * accelerators and tests all go through these.
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mpy-renderer.h"
#include "mpy-session.h"
#include "mpy-snapshot-item.h"
#include "mpy-window-private.h"

#ifdef HAVE_WIDGETS
# include "mpy-heap-view.h"
#endif

/* Capture ----------------------------------------------------------------------------------- */

static MpySnapshot *
label_capture (MpyWindow   *self,
               MpySnapshot *snapshot,
               const char  *label)
{
  const char *existing = mpy_snapshot_get_label (snapshot);

  if (existing != NULL && *existing != '\0')
    return mpy_snapshot_ref (snapshot);

  return mpy_snapshot_with_label (snapshot, label);
}

#ifdef HAVE_DEVICE
typedef struct {
  MpyWindow       *self;
  MpyBoardCapture  kind;
} CaptureData;

static void
capture_data_free (CaptureData *data)
{
  g_object_unref (data->self);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CaptureData, capture_data_free)

/* The board did the sequencing; the window labels and keeps what came, even the first half
 * of a pair whose second half failed or was cancelled (a capture is never lost). */
static void
capture_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CaptureData) data = user_data;
  MpyWindow *self = data->self;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = mpy_board_capture_finish (MPY_BOARD (object), result, &snapshots, &error);
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && self->device_sidebar != NULL)
    mpy_window_show_error (self, _("The capture failed"), error);
  if (snapshots->len == 0)
    return;

  if (ok && self->device_sidebar != NULL)
    _mpy_window_remember_port (self);

  added = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  self->n_captures++;
  for (guint i = 0; i < snapshots->len; i++)
    {
      MpySnapshot *snapshot = g_ptr_array_index (snapshots, i);
      MpySnapshotFlags flags = mpy_snapshot_get_flags (snapshot);
      g_autofree char *label = NULL;

      if (data->kind == MPY_BOARD_CAPTURE_BEFORE_AFTER_GC)
        label = g_strdup_printf (i == 0 ? _("Capture %u, before gc.collect()")
                                        : _("Capture %u, after gc.collect()"), self->n_captures);
      else if (flags & MPY_SNAPSHOT_FLAG_SOFT_RESET)
        label = g_strdup_printf (_("Capture %u, after soft reset"), self->n_captures);
      else if (flags & MPY_SNAPSHOT_FLAG_GC)
        label = g_strdup_printf (_("Capture %u, after gc.collect()"), self->n_captures);
      else
        label = g_strdup_printf (_("Capture %u"), self->n_captures);
      g_ptr_array_add (added, label_capture (self, snapshot, label));
    }

  /* Selecting the pair shows it as a diff at once. */
  if (added->len > 1 && self->selection != NULL)
    gtk_selection_model_unselect_all (mpy_window_get_selection (self));
  /* The window closed meanwhile: keep what came (it goes to the journal), select nothing. */
  mpy_window_add_snapshots (self, added, self->device_sidebar != NULL);
}
#endif

static void
capture (MpyWindow *self,
         guint      kind)
{
#ifdef HAVE_DEVICE
  CaptureData *data = g_new0 (CaptureData, 1);

  data->self = g_object_ref (self);
  data->kind = (MpyBoardCapture) kind;
  mpy_board_capture_async (mpy_device_sidebar_get_board (self->device_sidebar),
                           data->kind, NULL, capture_done_cb, data);
#else
  {
    g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                   _("This build of MpyMemMap has no device support: open or paste dumps instead."));

    mpy_window_show_error (self, _("The capture failed"), error);
  }
#endif
}

static void
capture_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);

#ifdef HAVE_DEVICE
  if (g_str_equal (action_name, "win.capture-gc"))
    capture (self, MPY_BOARD_CAPTURE_GC);
  else if (g_str_equal (action_name, "win.capture-reset"))
    capture (self, MPY_BOARD_CAPTURE_SOFT_RESET);
  else if (g_str_equal (action_name, "win.capture-before-after"))
    capture (self, MPY_BOARD_CAPTURE_BEFORE_AFTER_GC);
  else if (_mpy_window_has_setting (self, "gc-before-capture")
           && g_settings_get_boolean (self->settings, "gc-before-capture"))
    capture (self, MPY_BOARD_CAPTURE_GC);
  else
    capture (self, MPY_BOARD_CAPTURE_PLAIN);
#else
  capture (self, 0);
#endif
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
#ifdef HAVE_DEVICE
  mpy_board_cancel (mpy_device_sidebar_get_board (MPY_WINDOW (widget)->device_sidebar));
#endif
}

/* Export ------------------------------------------------------------------------------------ */

typedef struct {
  MpySnapshot      *snapshot;
  MpyDiff          *diff;
  MpyRenderOptions  options;
  double            scale;
  char             *path;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_pointer (&data->snapshot, mpy_snapshot_unref);
  g_clear_pointer (&data->diff, mpy_diff_unref);
  g_free (data->path);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;

  if (!mpy_renderer_write_png (data->snapshot, data->diff, &data->options, data->scale,
                               data->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_options (MpyWindow        *self,
                MpyRenderOptions *options)
{
  *options = (MpyRenderOptions) MPY_RENDER_OPTIONS_INIT;
#ifdef HAVE_WIDGETS
  mpy_heap_view_get_options (MPY_HEAP_VIEW (self->heap_view), options);
#endif
  /* An image file is read on white paper and screens alike: always the light palette. */
  options->dark = FALSE;
}

static double
export_scale_for (MpySnapshot            *snapshot,
                  MpyDiff                *diff,
                  const MpyRenderOptions *options)
{
  guint longer = MAX (mpy_layout_get_row_width (options), mpy_layout_get_n_rows (snapshot, options));
  guint max_scale = mpy_renderer_get_max_scale (snapshot, diff, options);
  double scale;

  /* The map, not the header text, is the picture: at least ~1000 px on its longer side. */
  scale = MAX (MPY_WINDOW_EXPORT_SCALE,
               ceil ((double) MPY_WINDOW_EXPORT_MAP_SIZE / MAX (longer, 1)));
  /* Within the largest picture Cairo can hold (0: not even 1 px per block fits; writing then
   * fails with the columns that would). */
  if (max_scale > 0)
    scale = MIN (scale, max_scale);
  else
    scale = 1;
  return scale;
}

/**
 * mpy_window_get_export_scale:
 *
 * Returns: the pixels per block an export of the shown map or diff uses, or 0 when nothing
 *   with a map is shown
 */
double
mpy_window_get_export_scale (MpyWindow *self)
{
  MpyRenderOptions options;

  g_return_val_if_fail (MPY_IS_WINDOW (self), 0);

  if (self->shown_snapshot == NULL || !mpy_snapshot_has_map (self->shown_snapshot))
    return 0;
  export_options (self, &options);
  return export_scale_for (self->shown_snapshot, self->shown_diff, &options);
}

void
mpy_window_export_png_async (MpyWindow           *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (MPY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_window_export_png_async);

  if (self->shown_snapshot == NULL
      || (self->shown_diff == NULL && !mpy_snapshot_has_map (self->shown_snapshot)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("There is no map to export: select a snapshot with a block map, or two to export their diff."));
      return;
    }

  data = g_new0 (ExportData, 1);
  data->snapshot = mpy_snapshot_ref (self->shown_snapshot);
  data->diff = self->shown_diff ? mpy_diff_ref (self->shown_diff) : NULL;
  export_options (self, &data->options);
  data->scale = export_scale_for (data->snapshot, data->diff, &data->options);
  data->path = g_file_get_path (file);
  if (data->path == NULL)
    {
      export_data_free (data);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Images can only be written to local folders: choose a folder on this computer."));
      return;
    }

  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
mpy_window_export_png_finish (MpyWindow     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  MpyWindow *self = MPY_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!mpy_window_export_png_finish (self, result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    mpy_window_show_error (self, _("The image could not be exported"), error);
}

static char *
sanitize_for_file_name (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) || c == '-' || c == '_' || c == '.')
        g_string_append_unichar (out, c);
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

static char *
suggest_png_name (MpyWindow *self)
{
  MpySnapshot *after = self->shown_snapshot;
  g_autofree char *label = NULL;
  g_autofree char *stamp = NULL;
  GDateTime *time;

  if (self->shown_diff != NULL)
    {
      g_autofree char *a = sanitize_for_file_name (mpy_snapshot_get_label (mpy_diff_get_before (self->shown_diff)));
      g_autofree char *b = sanitize_for_file_name (mpy_snapshot_get_label (mpy_diff_get_after (self->shown_diff)));
      label = g_strdup_printf ("%s-vs-%s", *b ? b : "after", *a ? a : "before");
    }
  else
    label = sanitize_for_file_name (after ? mpy_snapshot_get_label (after) : NULL);

  if (label == NULL || *label == '\0')
    {
      g_free (label);
      label = g_strdup ("heap");
    }

  time = after ? mpy_snapshot_get_time (after) : NULL;
  if (time != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (time);
      stamp = g_date_time_format (local, "%Y%m%d-%H%M%S");
      return g_strdup_printf ("%s-%s.png", label, stamp);
    }

  return g_strdup_printf ("%s.png", label);
}

static void
export_chooser_response_cb (GtkNativeDialog *native,
                            int              response,
                            MpyWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      _mpy_window_remember_folder (self, "last-export-folder", file);
      mpy_window_export_png_async (self, file, self->cancellable, export_done_cb, NULL);
    }

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static const char *
label_or_untitled (MpySnapshot *snapshot)
{
  const char *label = mpy_snapshot_get_label (snapshot);

  return label != NULL && *label != '\0' ? label : _("Untitled snapshot");
}

static void
export_png_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = suggest_png_name (self);
  g_autofree char *title = NULL;

  /* The title says what the image will show. */
  if (self->shown_diff != NULL)
    title = g_strdup_printf (_("Export the Diff “%s → %s” as PNG"),
                             label_or_untitled (mpy_diff_get_before (self->shown_diff)),
                             label_or_untitled (mpy_diff_get_after (self->shown_diff)));
  else if (self->shown_snapshot != NULL)
    title = g_strdup_printf (_("Export the Map of “%s” as PNG"),
                             label_or_untitled (self->shown_snapshot));
  else
    title = g_strdup (_("Export PNG"));

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  _mpy_window_restore_folder (self, "last-export-folder", GTK_FILE_CHOOSER (native));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (export_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Open and save ----------------------------------------------------------------------------- */

static void
add_session_filters (GtkFileChooser *chooser,
                     gboolean        with_logs)
{
  g_autoptr(GtkFileFilter) sessions = gtk_file_filter_new ();

  gtk_file_filter_set_name (sessions, _("MpyMemMap sessions"));
  gtk_file_filter_add_suffix (sessions, "mpysession");
  gtk_file_filter_add_mime_type (sessions, "application/x-mpymemmap-session");
  gtk_file_chooser_add_filter (chooser, sessions);

  if (with_logs)
    {
      g_autoptr(GtkFileFilter) logs = gtk_file_filter_new ();
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (logs, _("Sessions and console logs"));
      gtk_file_filter_add_suffix (logs, "mpysession");
      gtk_file_filter_add_mime_type (logs, "application/x-mpymemmap-session");
      gtk_file_filter_add_mime_type (logs, "text/plain");
      gtk_file_filter_add_suffix (logs, "log");
      gtk_file_filter_add_suffix (logs, "txt");
      gtk_file_chooser_add_filter (chooser, logs);
      gtk_file_chooser_set_filter (chooser, logs);

      gtk_file_filter_set_name (all, _("All files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (chooser, all);
    }
}

static void
open_chooser_response_cb (GtkNativeDialog *native,
                          int              response,
                          MpyWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      if (array->len > 0)
        _mpy_window_remember_folder (self, "last-open-folder", g_ptr_array_index (array, 0));
      mpy_window_open_files (self, (GFile **) array->pdata, array->len);
    }

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open Session or Console Log"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  add_session_filters (GTK_FILE_CHOOSER (native), TRUE);
  _mpy_window_restore_folder (self, "last-open-folder", GTK_FILE_CHOOSER (native));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (open_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));

  mpy_window_open_files (self, &file, 1);
}

static void
save_write_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!mpy_session_write_file_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
mpy_window_save_to_async (MpyWindow           *self,
                          GFile               *file,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (MPY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_window_save_to_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Sessions can only be saved to local folders: choose a folder on this computer."));
      return;
    }

  snapshots = _mpy_window_collect_snapshots (self);
  mpy_session_write_file_async (path, snapshots, cancellable, save_write_done_cb,
                                g_steal_pointer (&task));
}

gboolean
mpy_window_save_to_finish (MpyWindow     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  GFile *file;

  g_return_val_if_fail (MPY_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  file = g_task_get_task_data (G_TASK (result));
  g_set_object (&self->file, file);
  self->dirty = FALSE;
  self->showing_sample = FALSE;
  /* Everything is in the session file now: the journal can go. */
  if (self->autosave != NULL)
    mpy_autosave_clear (self->autosave);

  _mpy_window_remember_recent (self, file);
  _mpy_window_remember_folder (self, "last-save-folder", file);
  _mpy_window_update_title (self);

  return TRUE;
}

static void
save_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MpyWindow *self = MPY_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!mpy_window_save_to_finish (self, result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    mpy_window_show_error (self, _("The session could not be saved; your snapshots are still here and in the autosave"), error);
}

static void
save_chooser_response_cb (GtkNativeDialog *native,
                          int              response,
                          MpyWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *name = g_file_get_basename (file);

      /* The suffix is how the desktop recognises the file as a session. */
      if (name != NULL && !g_str_has_suffix (name, ".mpysession") && strchr (name, '.') == NULL)
        {
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *with_suffix = g_strconcat (name, ".mpysession", NULL);

          GFile *renamed = g_file_get_child (parent, with_suffix);

          g_object_unref (file);
          file = renamed;
        }

      mpy_window_save_to_async (self, file, self->cancellable, save_done_cb, NULL);
    }

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Save Session"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  add_session_filters (GTK_FILE_CHOOSER (native), FALSE);
  if (self->file != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (native), self->file, NULL);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d");
      g_autofree char *name = g_strdup_printf ("heap-%s.mpysession", stamp);

      _mpy_window_restore_folder (self, "last-save-folder", GTK_FILE_CHOOSER (native));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (save_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);

  if (self->file == NULL)
    save_as_action (widget, "win.save-as", NULL);
  else
    mpy_window_save_to_async (self, self->file, self->cancellable, save_done_cb, NULL);
}

/* Paste ------------------------------------------------------------------------------------- */

static void
paste_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MpyWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (text == NULL)
    {
      mpy_window_show_error (self, _("The clipboard holds no text: copy the output of micropython.mem_info(1) and paste again"), error);
      return;
    }

  mpy_window_add_text (self, text);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* In a text entry Ctrl+V pastes into the entry, as everywhere else. */
  if (focus != NULL
      && ((GTK_IS_EDITABLE (focus) && gtk_editable_get_editable (GTK_EDITABLE (focus)))
          || (GTK_IS_TEXT_VIEW (focus) && gtk_text_view_get_editable (GTK_TEXT_VIEW (focus)))))
    {
      gtk_widget_activate_action (focus, "clipboard.paste", NULL);
      return;
    }

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), self->cancellable,
                                 paste_done_cb, g_object_ref (self));
}

/* Zoom and list ----------------------------------------------------------------------------- */

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
#ifdef HAVE_WIDGETS
  MpyWindow *self = MPY_WINDOW (widget);
  g_autofree char *heap_action = g_strconcat ("heap.", action_name + strlen ("win."), NULL);

  gtk_widget_activate_action (self->heap_view, heap_action, NULL);
#endif
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(MpySnapshotItem) item = NULL;
  guint position;

  if (gtk_bitset_is_empty (selected))
    return;

  position = gtk_bitset_get_minimum (selected);
  gtk_widget_activate_action (GTK_WIDGET (self->snapshot_view), "list.scroll-to-item", "u", position);
  item = g_list_model_get_item (G_LIST_MODEL (self->snapshots), position);
  mpy_snapshot_item_request_rename (item);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint n = (guint) gtk_bitset_get_size (selected);

  if (n == 0)
    return;

  /* From the end, so the positions of the rest stay valid. */
  for (guint i = n; i > 0; i--)
    g_list_store_remove (self->snapshots, gtk_bitset_get_nth (selected, i - 1));

  self->dirty = TRUE;
  self->showing_sample = FALSE;
  _mpy_window_sync_autosave (self);
  _mpy_window_update_title (self);
}

void
_mpy_window_update_actions (MpyWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GtkBitset) selected = NULL;
  gboolean busy = mpy_device_sidebar_get_busy (self->device_sidebar);
  gboolean has_picture = self->view_mode == MPY_VIEW_MAP || self->view_mode == MPY_VIEW_DIFF;
  gboolean has_items = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots)) > 0;
  guint64 n_selected;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  n_selected = gtk_bitset_get_size (selected);

  gtk_widget_action_set_enabled (widget, "win.capture", !busy);
  gtk_widget_action_set_enabled (widget, "win.capture-gc", !busy);
  gtk_widget_action_set_enabled (widget, "win.capture-reset", !busy);
  gtk_widget_action_set_enabled (widget, "win.capture-before-after", !busy);
  gtk_widget_action_set_enabled (widget, "win.cancel", busy);
  gtk_widget_action_set_enabled (widget, "win.export-png", has_picture);
  gtk_widget_action_set_enabled (widget, "win.save", has_items);
  gtk_widget_action_set_enabled (widget, "win.save-as", has_items);
  gtk_widget_action_set_enabled (widget, "win.rename-snapshot", n_selected == 1);
  gtk_widget_action_set_enabled (widget, "win.delete-snapshots", n_selected > 0);
#ifdef HAVE_WIDGETS
  gtk_widget_action_set_enabled (widget, "win.zoom-in", has_picture);
  gtk_widget_action_set_enabled (widget, "win.zoom-out", has_picture);
  gtk_widget_action_set_enabled (widget, "win.zoom-reset", has_picture);
  gtk_widget_action_set_enabled (widget, "win.zoom-fit", has_picture);
#else
  gtk_widget_action_set_enabled (widget, "win.zoom-in", FALSE);
  gtk_widget_action_set_enabled (widget, "win.zoom-out", FALSE);
  gtk_widget_action_set_enabled (widget, "win.zoom-reset", FALSE);
  gtk_widget_action_set_enabled (widget, "win.zoom-fit", FALSE);
#endif
}

void
_mpy_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.capture", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "win.capture-gc", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "win.capture-reset", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "win.capture-before-after", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.export-png", NULL, export_png_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.rename-snapshot", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "win.delete-snapshots", NULL, delete_action);

  /* Ctrl+V in the bubble phase: an entry with the focus pastes into itself first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste", NULL);
}

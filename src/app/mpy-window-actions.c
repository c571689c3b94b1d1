/* mpy-window-actions.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's actions: capture, files, export, paste, zoom and list editing, and every
 * keyboard shortcut of the application (the table at the end). Menus, buttons, shortcuts and
 * tests all go through these.
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mpy-heap-view.h"
#ifdef HAVE_DEVICE
# include "mpy-cost-dialog.h"
# include "mpy-leak-dialog.h"
#endif
#include "mpy-renderer.h"
#include "mpy-snapshot-item.h"
#include "mpy-window-private.h"

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
  self->n_captures = mpy_document_next_capture_number (mpy_window_get_document (self));
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

  /* The window closed meanwhile: keep what came (it goes to the journal), select nothing. */
  if (self->device_sidebar == NULL)
    mpy_window_add_snapshots (self, added, FALSE);
  else
    _mpy_window_add_captured (self, added);
}

/* A watch on the board (the sidebar's Watch control): each snapshot into the document, and
 * so its journal, the moment it is complete. A dump the program named keeps its name; the
 * others are numbered like captures. Selected, as a capture is, without taking the keyboard
 * from wherever it is (a watch goes on while the user looks around). */
static void
watch_snapshot_cb (MpyWindow   *self,
                   MpySnapshot *snapshot,
                   MpyBoard    *board)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autofree char *label = NULL;

  self->n_captures = mpy_document_next_capture_number (mpy_window_get_document (self));
  label = g_strdup_printf (_("Capture %u"), self->n_captures);
  g_ptr_array_add (added, label_capture (self, snapshot, label));
  gtk_selection_model_unselect_all (mpy_window_get_selection (self));
  mpy_window_add_snapshots (self, added, TRUE);
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

/* Leak check: a window of its own that drives the board (MpyBoard does the sequencing). */
static void
leak_check_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
#ifdef HAVE_DEVICE
  MpyWindow *self = MPY_WINDOW (widget);
  GtkWidget *dialog = mpy_leak_dialog_new (GTK_WINDOW (self),
                                           mpy_device_sidebar_get_board (self->device_sidebar));

  gtk_window_present (GTK_WINDOW (dialog));
#endif
}

/* Import cost: a window of its own that drives the board. */
static void
import_cost_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
#ifdef HAVE_DEVICE
  MpyWindow *self = MPY_WINDOW (widget);
  GtkWidget *dialog = mpy_cost_dialog_new (GTK_WINDOW (self),
                                           mpy_device_sidebar_get_board (self->device_sidebar));

  gtk_window_present (GTK_WINDOW (dialog));
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
  mpy_heap_view_get_options (MPY_HEAP_VIEW (self->heap_view), options);
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

static void
export_gif_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  _mpy_window_export_gif_action (MPY_WINDOW (widget));
}

/* Files (mpy-window-files.c) ---------------------------------------------------------------- */

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  _mpy_window_open_action (MPY_WINDOW (widget), g_str_equal (action_name, "win.import"));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));

  mpy_window_open_files (MPY_WINDOW (widget), &file, 1);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  _mpy_window_save (MPY_WINDOW (widget), g_str_equal (action_name, "win.save-as"), FALSE);
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
  MpyWindow *self = MPY_WINDOW (widget);
  g_autofree char *heap_action = g_strconcat ("heap.", action_name + strlen ("win."), NULL);

  gtk_widget_activate_action (self->heap_view, heap_action, NULL);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);
  MpyDocument *document = mpy_window_get_document (self);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (mpy_document_get_selection (document));
  g_autoptr(MpySnapshotItem) item = NULL;
  guint position;

  if (gtk_bitset_is_empty (selected))
    return;

  position = gtk_bitset_get_minimum (selected);
  _mpy_window_scroll_to (self, position);
  item = g_list_model_get_item (mpy_document_get_snapshots (document), position);
  mpy_snapshot_item_request_rename (item);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);

  if (mpy_document_delete_selected (mpy_window_get_document (self)))
    _mpy_window_show_undo (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  MpyWindow *self = MPY_WINDOW (widget);

  mpy_document_undo (mpy_window_get_document (self));
  gtk_revealer_set_reveal_child (self->undo_revealer, FALSE);
}

void
_mpy_window_update_actions (MpyWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  MpyDocument *document = mpy_window_get_document (self);
  g_autoptr(GtkBitset) selected = NULL;
  gboolean busy = mpy_device_sidebar_get_busy (self->device_sidebar);
  gboolean has_picture = self->view_mode == MPY_VIEW_MAP || self->view_mode == MPY_VIEW_DIFF;
  gboolean has_items = g_list_model_get_n_items (mpy_document_get_snapshots (document)) > 0;
  guint64 n_selected;

  selected = gtk_selection_model_get_selection (mpy_document_get_selection (document));
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
  gtk_widget_action_set_enabled (widget, "win.undo", mpy_document_get_can_undo (document));
  gtk_widget_action_set_enabled (widget, "win.zoom-in", has_picture);
  gtk_widget_action_set_enabled (widget, "win.zoom-out", has_picture);
  gtk_widget_action_set_enabled (widget, "win.zoom-reset", has_picture);
  gtk_widget_action_set_enabled (widget, "win.zoom-fit", has_picture);
  gtk_widget_action_set_enabled (widget, "win.export-gif", has_items && self->gif_cancellable == NULL);
}

/* Shortcuts --------------------------------------------------------------------------------- */

typedef enum {
  SHORTCUT_APP,     /* an application accelerator: works wherever the focus is */
  SHORTCUT_WINDOW,  /* in the bubble phase: a text entry with the focus handles it first */
  SHORTCUT_LIST,    /* only while the snapshot list has the focus */
} ShortcutScope;

/* Every keyboard shortcut of the window, in one place (the Keyboard Shortcuts window,
 * gtk/help-overlay.ui, lists them for the user; the canvas's own keys are in mpy-heap-view.c). */
static const struct {
  const char    *action;
  ShortcutScope  scope;
  const char    *accels[4];
} shortcuts[] = {
  { "app.quit", SHORTCUT_APP, { "<Control>q", NULL } },
  { "win.capture", SHORTCUT_APP, { "<Control>r", NULL } },
  { "win.capture-gc", SHORTCUT_APP, { "<Control><Shift>r", NULL } },
  { "win.cancel", SHORTCUT_APP, { "<Control>period", NULL } },
  { "win.export-png", SHORTCUT_APP, { "<Control>e", NULL } },
  { "win.open", SHORTCUT_APP, { "<Control>o", NULL } },
  { "win.import", SHORTCUT_APP, { "<Control>i", NULL } },
  { "win.save", SHORTCUT_APP, { "<Control>s", NULL } },
  { "win.save-as", SHORTCUT_APP, { "<Control><Shift>s", NULL } },
  { "win.zoom-in", SHORTCUT_APP, { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
  { "win.zoom-out", SHORTCUT_APP, { "<Control>minus", "<Control>KP_Subtract", NULL } },
  { "win.zoom-reset", SHORTCUT_APP, { "<Control>0", "<Control>KP_0", NULL } },
  { "win.zoom-fit", SHORTCUT_APP, { "<Control>f", NULL } },
  { "win.show-timeline", SHORTCUT_APP, { "<Control>t", NULL } },
  { "win.play", SHORTCUT_APP, { "<Control>space", NULL } },
  { "win.export-gif", SHORTCUT_APP, { "<Control><Shift>e", NULL } },
  { "win.paste", SHORTCUT_WINDOW, { "<Control>v", NULL } },
  { "win.undo", SHORTCUT_WINDOW, { "<Control>z", NULL } },
  { "win.delete-snapshots", SHORTCUT_LIST, { "Delete", "KP_Delete", NULL } },
  { "win.rename-snapshot", SHORTCUT_LIST, { "F2", NULL } },
};

static void
add_shortcuts (ShortcutScope  scope,
               gpointer       target)
{
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      if (shortcuts[i].scope != scope)
        continue;
      if (scope == SHORTCUT_APP)
        {
          gtk_application_set_accels_for_action (target, shortcuts[i].action, shortcuts[i].accels);
          continue;
        }
      for (guint j = 0; shortcuts[i].accels[j] != NULL; j++)
        {
          GtkShortcut *shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (shortcuts[i].accels[j]),
                                                    gtk_named_action_new (shortcuts[i].action));

          if (scope == SHORTCUT_WINDOW)
            {
              gtk_widget_class_add_shortcut (target, shortcut);
              g_object_unref (shortcut);
            }
          else
            gtk_shortcut_controller_add_shortcut (target, shortcut);
        }
    }
}

void
mpy_window_install_accels (GtkApplication *application)
{
  g_return_if_fail (GTK_IS_APPLICATION (application));

  add_shortcuts (SHORTCUT_APP, application);
}

void
_mpy_window_actions_init (MpyWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  add_shortcuts (SHORTCUT_LIST, controller);
  gtk_widget_add_controller (GTK_WIDGET (self->snapshot_view), controller);

#ifdef HAVE_DEVICE
  if (self->device_sidebar != NULL)
    g_signal_connect_object (mpy_device_sidebar_get_board (self->device_sidebar), "watch-snapshot",
                             G_CALLBACK (watch_snapshot_cb), self, G_CONNECT_SWAPPED);
#endif

  /* The canvas's view options, as menu items that follow its properties. */
  {
    static const char *view_properties[] = { "columns", "rainbow", "show-free", "highlight-largest-free" };

    for (guint i = 0; i < G_N_ELEMENTS (view_properties); i++)
      {
        g_autoptr(GPropertyAction) action = g_property_action_new (view_properties[i], self->heap_view,
                                                                   view_properties[i]);
        g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
      }
  }
}

void
_mpy_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.capture", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "win.capture-gc", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "win.capture-reset", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "win.capture-before-after", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.leak-check", NULL, leak_check_action);
  gtk_widget_class_install_action (widget_class, "win.import-cost", NULL, import_cost_action);
  gtk_widget_class_install_action (widget_class, "win.export-png", NULL, export_png_action);
  gtk_widget_class_install_action (widget_class, "win.export-gif", NULL, export_gif_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.rename-snapshot", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "win.delete-snapshots", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);

  add_shortcuts (SHORTCUT_WINDOW, widget_class);
}

/* mpy-window-files.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's files: open (a session as a document of its own), import into this document,
 * save, the restore of what a crashed run left, and the question on closing with unsaved
 * changes.
 */

#include <string.h>

#include <glib/gi18n.h>

#include "mpy-session.h"
#include "mpy-window-private.h"

/* Open and import ---------------------------------------------------------------------------- */

static void
add_session_filters (GtkFileChooser *chooser,
                     gboolean        with_logs)
{
  g_autoptr(GtkFileFilter) sessions = gtk_file_filter_new ();

  gtk_file_filter_set_name (sessions, _("MpyMemMap sessions"));
  gtk_file_filter_add_suffix (sessions, "mpysession");
  gtk_file_filter_add_suffix (sessions, "mpysession.gz");
  gtk_file_filter_add_mime_type (sessions, "application/x-mpymemmap-session");
  gtk_file_chooser_add_filter (chooser, sessions);

  if (!with_logs)
    {
      /* Save As: the compressed kind for long watches; the file name's ending decides. */
      g_autoptr(GtkFileFilter) compressed = gtk_file_filter_new ();

      gtk_file_filter_set_name (compressed, _("Compressed MpyMemMap sessions (.mpysession.gz)"));
      gtk_file_filter_add_suffix (compressed, "mpysession.gz");
      gtk_file_chooser_add_filter (chooser, compressed);
      gtk_file_chooser_set_filter (chooser, sessions);
    }

  if (with_logs)
    {
      g_autoptr(GtkFileFilter) logs = gtk_file_filter_new ();
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (logs, _("Sessions and console logs"));
      gtk_file_filter_add_suffix (logs, "mpysession");
      gtk_file_filter_add_suffix (logs, "mpysession.gz");
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

/* Several files open in the order given, whatever order their reads finish in, and every
 * failure is reported in one banner once the last read is done. */
typedef struct {
  GFile     *file;
  GPtrArray *found;
  GError    *error;
  GError    *warning;   /* a truncated or damaged session: what was cut */
  gboolean   done;
} OpenSlot;

typedef struct {
  MpyWindow *self;
  gboolean   import;     /* sessions too go into this document */
  OpenSlot  *slots;
  guint      n_slots;
  guint      n_pending;
  guint      next;       /* first slot not yet added to the list */
  GString   *failures;   /* "name: reason" lines */
  char      *first_failed;
  guint      n_failed;
} OpenBatch;

typedef struct {
  OpenBatch *batch;
  guint      index;
} OpenData;

static void
open_batch_free (OpenBatch *batch)
{
  for (guint i = 0; i < batch->n_slots; i++)
    {
      g_clear_object (&batch->slots[i].file);
      g_clear_pointer (&batch->slots[i].found, g_ptr_array_unref);
      g_clear_error (&batch->slots[i].error);
      g_clear_error (&batch->slots[i].warning);
    }
  g_free (batch->slots);
  g_string_free (batch->failures, TRUE);
  g_free (batch->first_failed);
  g_clear_object (&batch->self);
  g_free (batch);
}

static gboolean
is_session_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && (g_str_has_suffix (name, ".mpysession")
                          || g_str_has_suffix (name, ".mpysession.gz"));
}

static void
open_batch_note_failure (OpenBatch    *batch,
                         GFile        *file,
                         const char   *name,
                         const GError *error)
{
  if (batch->n_failed == 0)
    batch->first_failed = g_strdup (name);
  batch->n_failed++;
  if (batch->failures->len > 0)
    g_string_append_c (batch->failures, '\n');
  const char *reason = error != NULL ? error->message : _("It holds no heap dump.");

  if (batch->n_slots > 1)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *display = path ? g_filename_display_name (path) : NULL;

      g_autoptr(GString) text = NULL;

      /* The reader's reasons name the full path, often first; the line starts with the file's
       * name, which is enough. */
      if (display != NULL && g_str_has_prefix (reason, display)
          && g_str_has_prefix (reason + strlen (display), ": "))
        reason += strlen (display) + 2;
      text = g_string_new (reason);
      if (display != NULL)
        g_string_replace (text, display, name, 0);
      g_string_append_printf (batch->failures, "%s: %s", name, text->str);
    }
  else
    g_string_append (batch->failures, reason);
}

/* A session is a document of its own: shown where it is open already, else here when this
 * window holds nothing of the user's, else in a new window. */
static void
open_session (MpyWindow *self,
              GFile     *file,
              GPtrArray *found)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  MpyWindow *target = NULL;

  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    if (MPY_IS_WINDOW (l->data))
      {
        GFile *shown = mpy_document_get_file (MPY_WINDOW (l->data)->document);

        if (shown != NULL && g_file_equal (shown, file))
          {
            gtk_window_present (GTK_WINDOW (l->data));
            return;
          }
      }

  if (mpy_document_is_blank (self->document) || app == NULL)
    target = self;
  else
    {
      target = mpy_window_new (app);
      gtk_window_present (GTK_WINDOW (target));
    }

  mpy_document_load (target->document, file, found);
  _mpy_window_scroll_to (target, found->len - 1);
}

static void
open_batch_add_slot (OpenBatch *batch,
                     OpenSlot  *slot)
{
  MpyWindow *self = batch->self;
  g_autofree char *name = g_file_get_basename (slot->file);

  if (g_error_matches (slot->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (slot->found == NULL || slot->found->len == 0)
    {
      open_batch_note_failure (batch, slot->file, name,
                               slot->error != NULL ? slot->error : slot->warning);
      return;
    }

  if (!batch->import && is_session_file (slot->file))
    open_session (self, slot->file, slot->found);
  else
    {
      guint position = mpy_document_import (self->document, slot->file, slot->found);

      _mpy_window_scroll_to (self, position + slot->found->len - 1);
    }

  _mpy_window_remember_recent (self, slot->file);

  if (slot->warning != NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Part of “%s” could not be opened"), name);

      mpy_window_show_error (self, what, slot->warning);
    }
}

static void
open_batch_flush (OpenBatch *batch)
{
  while (batch->next < batch->n_slots && batch->slots[batch->next].done)
    open_batch_add_slot (batch, &batch->slots[batch->next++]);

  if (batch->n_pending > 0)
    return;

  if (batch->n_failed > 0)
    {
      g_autofree char *what = NULL;
      g_autoptr(GError) error = NULL;

      if (batch->n_failed == 1)
        what = g_strdup_printf (_("Could not open “%s”"), batch->first_failed);
      else
        what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file could not be opened",
                                          "%u files could not be opened",
                                          batch->n_failed),
                                batch->n_failed);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, batch->failures->str);
      mpy_window_show_error (batch->self, what, error);
    }

  open_batch_free (batch);
}

static void
open_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenData *data = user_data;
  OpenBatch *batch = data->batch;
  OpenSlot *slot = &batch->slots[data->index];

  g_free (data);
  slot->found = mpy_session_read_file_finish_full (result, &slot->warning, &slot->error);
  slot->done = TRUE;
  batch->n_pending--;
  open_batch_flush (batch);
}

static void
open_files (MpyWindow  *self,
            GFile     **files,
            guint       n_files,
            gboolean    import)
{
  OpenBatch *batch;

  if (n_files == 0)
    return;

  batch = g_new0 (OpenBatch, 1);
  batch->self = g_object_ref (self);
  batch->import = import;
  batch->slots = g_new0 (OpenSlot, n_files);
  batch->n_slots = n_files;
  batch->failures = g_string_new (NULL);

  /* Every slot is set up before any read starts, so no callback sees a half-made batch. */
  for (guint i = 0; i < n_files; i++)
    {
      batch->slots[i].file = g_object_ref (files[i]);
      batch->n_pending++;
    }

  for (guint i = 0; i < n_files; i++)
    {
      OpenSlot *slot = &batch->slots[i];
      g_autofree char *path = g_file_get_path (slot->file);
      OpenData *data;

      if (path == NULL)
        {
          slot->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                             _("Only local files can be opened: copy the file to this computer first."));
          slot->done = TRUE;
          batch->n_pending--;
          continue;
        }

      data = g_new0 (OpenData, 1);
      data->batch = batch;
      data->index = i;
      mpy_session_read_file_async (path, self->cancellable, open_done_cb, data);
    }

  /* Only non-local files: nothing async runs, so report now. An async read always calls
   * back later, never from here. */
  if (batch->n_pending == 0)
    open_batch_flush (batch);
}


void
mpy_window_open_files (MpyWindow  *self,
                       GFile     **files,
                       guint       n_files)
{
  g_return_if_fail (MPY_IS_WINDOW (self));

  open_files (self, files, n_files, FALSE);
}

void
mpy_window_import_files (MpyWindow  *self,
                         GFile     **files,
                         guint       n_files)
{
  g_return_if_fail (MPY_IS_WINDOW (self));

  open_files (self, files, n_files, TRUE);
}

typedef struct {
  MpyWindow *self;
  gboolean   import;
} ChooserData;

static void
open_chooser_response_cb (GtkNativeDialog *native,
                          int              response,
                          ChooserData     *data)
{
  MpyWindow *self = data->self;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      if (array->len > 0)
        _mpy_window_remember_folder (self, "last-open-folder", g_ptr_array_index (array, 0));
      open_files (self, (GFile **) array->pdata, array->len, data->import);
    }

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
  g_free (data);
}

void
_mpy_window_open_action (MpyWindow *self,
                         gboolean   import)
{
  GtkFileChooserNative *native;
  ChooserData *data = g_new0 (ChooserData, 1);

  data->self = self;
  data->import = import;
  native = gtk_file_chooser_native_new (import ? _("Import Into This Session")
                                               : _("Open Session or Console Log"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        import ? _("_Import") : _("_Open"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  add_session_filters (GTK_FILE_CHOOSER (native), TRUE);
  _mpy_window_restore_folder (self, "last-open-folder", GTK_FILE_CHOOSER (native));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (open_chooser_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Save --------------------------------------------------------------------------------------- */

static void
document_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MpyWindow *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GFile *file;

  if (!mpy_document_save_finish (MPY_DOCUMENT (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  file = mpy_document_get_file (MPY_DOCUMENT (object));
  _mpy_window_remember_recent (self, file);
  _mpy_window_remember_folder (self, "last-save-folder", file);
  g_task_return_boolean (task, TRUE);
}

void
mpy_window_save_to_async (MpyWindow           *self,
                          GFile               *file,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (MPY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_window_save_to_async);
  mpy_document_save_async (self->document, file, cancellable, document_saved_cb, task);
}

gboolean
mpy_window_save_to_finish (MpyWindow     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  MpyWindow *self;
  gboolean   close_after;
} SaveData;

static void
save_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SaveData *data = user_data;
  g_autoptr(MpyWindow) self = data->self;
  g_autoptr(GError) error = NULL;

  if (!mpy_window_save_to_finish (self, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mpy_window_show_error (self, _("The session could not be saved; your snapshots are still here and in the autosave"), error);
    }
  else if (data->close_after)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  g_free (data);
}

static void
save_to (MpyWindow *self,
         GFile     *file,
         gboolean   close_after)
{
  SaveData *data = g_new0 (SaveData, 1);

  data->self = g_object_ref (self);
  data->close_after = close_after;
  mpy_window_save_to_async (self, file, self->cancellable, save_done_cb, data);
}

static void
save_chooser_response_cb (GtkNativeDialog *native,
                          int              response,
                          gpointer         user_data)
{
  MpyWindow *self = g_object_get_data (G_OBJECT (native), "window");
  gboolean close_after = GPOINTER_TO_INT (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *name = g_file_get_basename (file);

      /* The suffix is how the desktop recognises the file as a session. */
      if (name != NULL && !g_str_has_suffix (name, MPY_SESSION_SUFFIX) && strchr (name, '.') == NULL)
        {
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *with_suffix = g_strconcat (name, MPY_SESSION_SUFFIX, NULL);
          GFile *renamed = g_file_get_child (parent, with_suffix);

          g_object_unref (file);
          file = renamed;
        }

      save_to (self, file, close_after);
    }

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

void
_mpy_window_save (MpyWindow *self,
                  gboolean   choose_file,
                  gboolean   close_after)
{
  GFile *file = mpy_document_get_file (self->document);
  GtkFileChooserNative *native;

  if (file != NULL && !choose_file)
    {
      save_to (self, file, close_after);
      return;
    }

  native = gtk_file_chooser_native_new (_("Save Session"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  g_object_set_data (G_OBJECT (native), "window", self);
  add_session_filters (GTK_FILE_CHOOSER (native), FALSE);
  if (file != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (native), file, NULL);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d");
      g_autofree char *name = g_strdup_printf ("heap-%s.mpysession", stamp);

      _mpy_window_restore_folder (self, "last-save-folder", GTK_FILE_CHOOSER (native));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (save_chooser_response_cb),
                    GINT_TO_POINTER (close_after));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Restore after a crash ------------------------------------------------------------------- */

enum {
  RESTORE_RESPONSE_DISCARD = 1,
  RESTORE_RESPONSE_RESTORE = 2,
};

/* Each unsaved document of a crashed run comes back in a window of its own (the first in this
 * one when it holds nothing of the user's). */
void
_mpy_window_restore_bar_response_cb (MpyWindow  *self,
                                     int         response,
                                     GtkInfoBar *bar)
{
  g_autoptr(GPtrArray) drafts = g_steal_pointer (&self->drafts);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  gtk_info_bar_set_revealed (bar, FALSE);
  if (drafts == NULL)
    return;

  for (guint i = 0; i < drafts->len; i++)
    {
      MpyDocumentDraft *draft = g_ptr_array_index (drafts, i);
      MpyWindow *target = self;

      if (response == RESTORE_RESPONSE_DISCARD)
        {
          /* Only those this window claimed: a running instance's journal is never touched. */
          mpy_journal_lock_discard (g_steal_pointer (&draft->lock));
          continue;
        }
      if (response != RESTORE_RESPONSE_RESTORE)
        continue;

      if (!mpy_document_is_blank (self->document) && app != NULL)
        {
          target = mpy_window_new (app);
          gtk_window_present (GTK_WINDOW (target));
        }
      mpy_document_restore (target->document, draft);
      _mpy_window_scroll_to (target, draft->snapshots->len - 1);
    }
}

gboolean
mpy_window_offer_restore (MpyWindow *self)
{
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n_snapshots = 0;

  g_return_val_if_fail (MPY_IS_WINDOW (self), FALSE);

  if (self->drafts != NULL)
    return TRUE;

  /* Only journals of runs that ended: a running instance holds the lock of its own. */
  drafts = mpy_document_claim_drafts (&error);
  if (error != NULL)
    mpy_window_show_error (self, _("The autosave of an earlier run could not be read; it is kept as it is"), error);
  if (drafts->len == 0)
    return FALSE;

  for (guint i = 0; i < drafts->len; i++)
    n_snapshots += ((MpyDocumentDraft *) g_ptr_array_index (drafts, i))->snapshots->len;
  if (drafts->len == 1)
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u snapshot of an earlier run was not saved. Restore it?",
                                         "%u snapshots of an earlier run were not saved. Restore them?",
                                         n_snapshots),
                               n_snapshots);
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u session of an earlier run was not saved. Restore it?",
                                         "%u sessions of an earlier run were not saved. Restore them, each in a window of its own?",
                                         drafts->len),
                               drafts->len);
  gtk_label_set_text (self->restore_label, message);
  self->drafts = g_steal_pointer (&drafts);
  gtk_info_bar_set_revealed (self->restore_bar, TRUE);

  return TRUE;
}

void
_mpy_window_files_init (MpyWindow *self)
{
  gtk_info_bar_add_button (self->restore_bar, _("_Discard"), RESTORE_RESPONSE_DISCARD);
  gtk_info_bar_add_button (self->restore_bar, _("_Restore"), RESTORE_RESPONSE_RESTORE);
  gtk_info_bar_set_default_response (self->restore_bar, RESTORE_RESPONSE_RESTORE);
}

/* Close with unsaved changes ----------------------------------------------------------------- */

enum {
  CLOSE_RESPONSE_DISCARD = 1,
  CLOSE_RESPONSE_SAVE = 2,
};

static void
close_dialog_response_cb (GtkDialog *dialog,
                          int        response,
                          MpyWindow *self)
{
  self->close_dialog = NULL;
  gtk_window_destroy (GTK_WINDOW (dialog));

  switch (response)
    {
    case CLOSE_RESPONSE_SAVE:
      _mpy_window_save (self, FALSE, TRUE);
      break;

    case CLOSE_RESPONSE_DISCARD:
      /* Discarded on purpose: the next start does not offer it back. */
      mpy_document_discard_journal (self->document);
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;

    default:
      break;
    }
}

/* Whether the window may close now; if not, the user is being asked. */
gboolean
_mpy_window_confirm_close (MpyWindow *self)
{
  GFile *file = mpy_document_get_file (self->document);
  g_autofree char *name = NULL;
  g_autofree char *question = NULL;
  GtkWidget *dialog;

  if (self->close_confirmed || !mpy_document_get_dirty (self->document))
    return TRUE;

  if (self->close_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->close_dialog));
      return FALSE;
    }

  name = file ? g_file_get_basename (file) : NULL;
  question = name ? g_strdup_printf (_("Save the changes to “%s” before closing?"), name)
                  : g_strdup (_("Save the snapshots before closing?"));
  dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                   GTK_DIALOG_MODAL,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "%s", question);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            _("If you don’t save, the changes are lost."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Discard"), CLOSE_RESPONSE_DISCARD,
                          name ? _("_Save") : _("_Save As…"), CLOSE_RESPONSE_SAVE,
                          NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), CLOSE_RESPONSE_SAVE);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), CLOSE_RESPONSE_DISCARD),
                            "destructive-action");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_dialog_response_cb), self, 0);
  self->close_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));

  return FALSE;
}

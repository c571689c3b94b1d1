/* mpy-document-files.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The document on disk: its journal while it has unsaved changes (the whole list, and the
 * session file it belongs to), the drafts a crashed run left, and saving.
 */

#include <glib/gi18n.h>

#include "mpy-document-private.h"
#include "mpy-session.h"

void
mpy_document_draft_free (MpyDocumentDraft *draft)
{
  if (draft == NULL)
    return;
  /* Not restored: the journal stays for the next start. */
  g_clear_pointer (&draft->lock, mpy_journal_lock_free);
  g_clear_pointer (&draft->snapshots, g_ptr_array_unref);
  g_clear_object (&draft->file);
  g_free (draft);
}

/* Journal --------------------------------------------------------------------------------- */

static void
note_journal_file (MpyDocument *self)
{
  g_autofree char *path = self->file && self->dirty ? g_file_get_path (self->file) : NULL;
  g_autoptr(GError) error = NULL;

  if (self->journal_lock != NULL
      && !mpy_journal_lock_set_document_file (self->journal_lock, path, &error))
    g_signal_emit (self, _mpy_document_signals[JOURNAL_FAILED], 0, error->message);
}

/* While there are unsaved changes the journal is the whole document, however each snapshot
 * arrived; otherwise there is none (the session file or the sample has it all). */
void
_mpy_document_sync_journal (MpyDocument *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));

  if (self->autosave == NULL)
    return;

  if (!self->dirty || self->sample || n == 0)
    {
      if (self->journaled)
        {
          mpy_autosave_clear (self->autosave);
          self->journaled = FALSE;
        }
      note_journal_file (self);
      return;
    }

  {
    g_autoptr(GPtrArray) all = mpy_document_dup_snapshots (self);

    note_journal_file (self);
    mpy_autosave_replace (self->autosave, all);
    self->journaled = TRUE;
  }
}

/* New snapshots at the end: one record each when the journal already has the rest. */
void
_mpy_document_journal_append (MpyDocument *self,
                              GPtrArray   *items)
{
  if (self->autosave == NULL)
    return;

  if (!self->journaled || !self->dirty)
    {
      _mpy_document_sync_journal (self);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    mpy_autosave_add (self->autosave, mpy_snapshot_item_get_snapshot (g_ptr_array_index (items, i)));
}


void
mpy_document_flush_journal (MpyDocument *self)
{
  g_return_if_fail (MPY_IS_DOCUMENT (self));

  if (self->autosave != NULL)
    mpy_autosave_flush (self->autosave);
}

void
mpy_document_discard_journal (MpyDocument *self)
{
  g_return_if_fail (MPY_IS_DOCUMENT (self));

  _mpy_document_set_flags (self, FALSE, self->sample);
  _mpy_document_sync_journal (self);
  mpy_document_flush_journal (self);
}

GPtrArray *
mpy_document_claim_drafts (GError **error)
{
  g_autoptr(GPtrArray) claims = mpy_journal_lock_claim_orphans (NULL);
  GPtrArray *drafts = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_document_draft_free);

  for (guint i = 0; i < claims->len; i++)
    {
      MpyJournalLock *lock = g_steal_pointer (&claims->pdata[i]);
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GError) warning = NULL;
      g_autofree char *file = NULL;
      MpyDocumentDraft *draft;

      found = mpy_autosave_load_full (mpy_journal_lock_get_journal_path (lock), &warning,
                                      &local_error);
      /* Damaged records were skipped; the message names the copy that keeps their bytes. */
      if (warning != NULL && error != NULL && *error == NULL)
        g_propagate_error (error, g_steal_pointer (&warning));
      if (local_error != NULL)
        {
          /* Kept as it is, and not claimed: nothing deletes it. */
          if (error != NULL && *error == NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          mpy_journal_lock_free (lock);
          continue;
        }
      if (found == NULL || found->len == 0)
        {
          /* An empty journal of an ended run: nothing to offer, nothing to keep. */
          mpy_journal_lock_discard (lock);
          continue;
        }

      draft = g_new0 (MpyDocumentDraft, 1);
      draft->lock = lock;
      draft->snapshots = g_steal_pointer (&found);
      file = mpy_journal_lock_dup_document_file (lock);
      if (file != NULL)
        draft->file = g_file_new_for_path (file);
      g_ptr_array_add (drafts, draft);
    }

  return drafts;
}

/* Saving ---------------------------------------------------------------------------------- */

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
mpy_document_save_async (MpyDocument         *self,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (MPY_IS_DOCUMENT (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_document_save_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Sessions can only be saved to local folders: choose a folder on this computer."));
      return;
    }

  snapshots = mpy_document_dup_snapshots (self);
  mpy_session_write_file_async (path, snapshots, cancellable, save_write_done_cb,
                                g_steal_pointer (&task));
}

gboolean
mpy_document_save_finish (MpyDocument   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  _mpy_document_set_file (self, g_task_get_task_data (G_TASK (result)));
  /* Everything is in the session file now: the journal goes. */
  _mpy_document_set_flags (self, FALSE, FALSE);
  _mpy_document_sync_journal (self);

  return TRUE;
}

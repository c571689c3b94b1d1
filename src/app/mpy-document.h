/* mpy-document.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-journal-lock.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_TYPE_DOCUMENT (mpy_document_get_type ())
G_DECLARE_FINAL_TYPE (MpyDocument, mpy_document, MPY, DOCUMENT, GObject)

/**
 * MpyDocument:
 *
 * What one window shows (DESIGN.md §9): the snapshot list (a #GListModel of
 * #MpySnapshotItem), its selection, the session file it was opened from or saved to, whether
 * it has unsaved changes, the undo of delete and rename, and its autosave journal. While the
 * document has unsaved changes, its journal holds every snapshot in list order with its label,
 * and the file beside it, so that a restore after a crash brings the document back as it was.
 *
 * Properties: "file" (#GFile, nullable), "dirty", "sample" (holds only the untouched
 * sample), "can-undo", "undo-text" (what Undo would bring back), "title" (for the window).
 * Signals: "journal-failed" (const char *message): the journal could not be written;
 * "item-changed" (MpySnapshotItem *item): an item holds another snapshot (a rename, an undo).
 */

/* An unsaved document a run that ended left in its journal. */
typedef struct {
  MpyJournalLock *lock;       /* claimed: nobody else offers or deletes it */
  GPtrArray      *snapshots;  /* (element-type MpySnapshot) */
  GFile          *file;       /* the session it belonged to, or NULL */
} MpyDocumentDraft;

void               mpy_document_draft_free        (MpyDocumentDraft *draft);
/* The drafts of runs that ended, oldest first; @error tells of a journal that could not be
 * read (it is kept, unclaimed). Empty journals are deleted. */
GPtrArray         *mpy_document_claim_drafts      (GError          **error);

MpyDocument       *mpy_document_new               (void);

GListModel        *mpy_document_get_snapshots     (MpyDocument      *self);
GtkSelectionModel *mpy_document_get_selection     (MpyDocument      *self);
GFile             *mpy_document_get_file          (MpyDocument      *self);
gboolean           mpy_document_get_dirty         (MpyDocument      *self);
gboolean           mpy_document_get_sample        (MpyDocument      *self);
/* Nothing of the user's in it: empty, or the untouched sample. A session opens into it. */
gboolean           mpy_document_is_blank          (MpyDocument      *self);
char              *mpy_document_dup_title         (MpyDocument      *self);
/* The snapshots in list order (element-type MpySnapshot). */
GPtrArray         *mpy_document_dup_snapshots     (MpyDocument      *self);

/* The journal of this document (its own, locked while the document lives). */
const char        *mpy_document_get_journal_path  (MpyDocument      *self);
/* Blocks until the journal is on disk. */
void               mpy_document_flush_journal     (MpyDocument      *self);
/* The user discarded the unsaved changes: the journal and its lock go. */
void               mpy_document_discard_journal   (MpyDocument      *self);

/* The bundled sample session, untouched: the first snapshot of the user's replaces it. */
gboolean           mpy_document_load_sample       (MpyDocument      *self,
                                                   GError          **error);
/* @snapshots, read from the session @file, become the whole document (no unsaved changes). */
void               mpy_document_load              (MpyDocument      *self,
                                                   GFile            *file,
                                                   GPtrArray        *snapshots);
/* A draft becomes the whole document, unsaved, in this document's journal; the draft's own
 * journal is deleted once that is on disk. */
void               mpy_document_restore           (MpyDocument      *self,
                                                   MpyDocumentDraft *draft);

/* Appends @snapshots (element-type MpySnapshot); with @select they become the selection (a
 * pair shows as a diff). Returns the position of the first. */
guint              mpy_document_add               (MpyDocument      *self,
                                                   GPtrArray        *snapshots,
                                                   gboolean          select);
/* Appends the dumps found in @text (a paste, a drop), labelled "Pasted dump N"; FALSE with
 * @error when it holds none. */
gboolean           mpy_document_add_text          (MpyDocument      *self,
                                                   const char       *text,
                                                   GError          **error);
/* Appends the dumps read from @file (a console log, a dump, another session), labelled by
 * the file's name where they have no label. */
guint              mpy_document_import            (MpyDocument      *self,
                                                   GFile            *file,
                                                   GPtrArray        *snapshots);
/* The number for the next "Capture N": never one a snapshot of this document has. */
guint              mpy_document_next_capture_number (MpyDocument    *self);

/* Deletes the selected snapshots (undoable); FALSE when none is selected. */
gboolean           mpy_document_delete_selected   (MpyDocument      *self);
/* Undoes the last delete or rename; FALSE when there is nothing to undo. */
gboolean           mpy_document_undo              (MpyDocument      *self);
gboolean           mpy_document_get_can_undo      (MpyDocument      *self);
const char        *mpy_document_get_undo_text     (MpyDocument      *self);

/* Writes the document to @file on a worker thread; it becomes the document's file. */
void               mpy_document_save_async        (MpyDocument          *self,
                                                   GFile                *file,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean           mpy_document_save_finish       (MpyDocument          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS

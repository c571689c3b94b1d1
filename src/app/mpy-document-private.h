/* mpy-document-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MpyDocument is split by concern: mpy-document.c (the list, adding, undo) and
 * mpy-document-files.c (journal, drafts, save).
 */

#pragma once

#include "mpy-autosave.h"
#include "mpy-document.h"
#include "mpy-snapshot-item.h"

G_BEGIN_DECLS

/* Enough to take back a slip or two; older steps are forgotten. */
#define MAX_UNDO 20

typedef enum {
  UNDO_DELETE,
  UNDO_RENAME,
} UndoKind;

typedef struct {
  UndoKind   kind;
  char      *text;       /* what Undo brings back, for the banner */
  /* UNDO_DELETE: the items and the positions they had, ascending */
  GPtrArray *items;
  GArray    *positions;
  /* UNDO_RENAME */
  MpySnapshotItem *item;
  MpySnapshot     *before;
} UndoStep;

struct _MpyDocument
{
  GObject            parent_instance;

  GListStore        *snapshots;
  GtkMultiSelection *selection;
  GFile             *file;
  GQueue             undo;          /* UndoStep, newest first */

  char              *journal_path;
  MpyJournalLock    *journal_lock;  /* held while the document lives */
  MpyAutosave       *autosave;

  guint              n_captures;    /* the highest capture number handed out */
  guint              n_pasted;
  guint              dirty : 1;
  guint              sample : 1;
  guint              journaled : 1; /* the journal holds the whole list */
  guint              undoing : 1;
};

enum {
  JOURNAL_FAILED,
  ITEM_CHANGED,
  N_SIGNALS
};

extern guint _mpy_document_signals[N_SIGNALS];

/* mpy-document.c */
void _mpy_document_set_flags      (MpyDocument *self,
                                   gboolean     dirty,
                                   gboolean     sample);
void _mpy_document_set_file       (MpyDocument *self,
                                   GFile       *file);

/* mpy-document-files.c */
void _mpy_document_sync_journal   (MpyDocument *self);
void _mpy_document_journal_append (MpyDocument *self,
                                   GPtrArray   *items);

G_END_DECLS

/* mpy-journal-lock.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each running window journals to a file of its own, autosave-<pid>-<n>.mpysession beside
 * mpy_autosave_get_default_path(), and holds "<journal>.lock" locked (flock) while it lives.
 * A journal whose lock is free belongs to a run that ended without saving (a crash): only
 * those are offered for restore, claimed by taking their lock, so that two instances never
 * offer, restore or delete the same one, nor one another's live journal. */
typedef struct _MpyJournalLock MpyJournalLock;

/* A new journal path for this process (not yet locked). */
char           *mpy_journal_lock_new_own_path     (void);
/* Takes the lock of @journal_path without waiting; NULL with G_IO_ERROR_BUSY when a running
 * instance holds it. */
MpyJournalLock *mpy_journal_lock_try              (const char     *journal_path,
                                                   GError        **error);
const char     *mpy_journal_lock_get_journal_path (MpyJournalLock *lock);
/* Releases the lock; the journal stays. */
void            mpy_journal_lock_free             (MpyJournalLock *lock);
/* Deletes the journal and its lock file, then releases the lock. */
void            mpy_journal_lock_discard          (MpyJournalLock *lock);
/* The file the journaled document was opened from or saved to, kept beside the journal in
 * "<journal>.file" (written atomically), so a restore knows where the snapshots belong.
 * @document_path NULL: the document has no file (the note is removed). */
gboolean        mpy_journal_lock_set_document_file (MpyJournalLock *lock,
                                                    const char     *document_path,
                                                    GError        **error);
/* That file, or NULL. */
char           *mpy_journal_lock_dup_document_file (MpyJournalLock *lock);
/* The journals ("autosave*.mpysession") in @dir whose lock is free, each now locked by the
 * caller; oldest first. @dir NULL: the folder of mpy_autosave_get_default_path(). */
GPtrArray      *mpy_journal_lock_claim_orphans    (const char     *dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyJournalLock, mpy_journal_lock_free)

G_END_DECLS

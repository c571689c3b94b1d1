/* mpy-autosave.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_TYPE_AUTOSAVE (mpy_autosave_get_type ())
G_DECLARE_FINAL_TYPE (MpyAutosave, mpy_autosave, MPY, AUTOSAVE, GObject)

/* $XDG_STATE_HOME/mpymemmap/autosave.mpysession (g_get_user_state_dir ()) */
char        *mpy_autosave_get_default_path (void);

/* A journal in session-file format. Every added snapshot is written and fsync'ed on a worker
 * thread at once (well within a second), so kill -9 loses nothing. Signal "write-failed"
 * (const char *message) is emitted on the creating thread's main context when a write fails
 * (disk full, no permission): tell the user to save the session. */
MpyAutosave *mpy_autosave_new        (const char *path);   /* NULL: the default path */
const char  *mpy_autosave_get_path   (MpyAutosave *self);
void         mpy_autosave_add        (MpyAutosave *self, MpySnapshot *snapshot);
/* Rewrites the journal with exactly @snapshots (after a rename, delete or open), atomically. */
void         mpy_autosave_replace    (MpyAutosave *self, GPtrArray *snapshots);
/* Removes the journal (after an explicit save or a clean "discard"). */
void         mpy_autosave_clear      (MpyAutosave *self);
/* Blocks until every queued write is on disk (for tests and shutdown). */
void         mpy_autosave_flush      (MpyAutosave *self);
/* What a previous run left: NULL when nothing (or empty); the snapshots otherwise. A record
 * cut off by a crash or a full disk is skipped, the records after it are read. @path NULL:
 * the default path. */
GPtrArray   *mpy_autosave_load       (const char *path, GError **error);
/* The same; a damaged record in the middle (a full disk, a crash) is skipped and the records
 * after it are read, @warning says what could not be restored, and the journal's bytes are
 * kept as "JOURNAL.damaged" for recovery by hand. A journal whose records all are damaged is
 * an error (keep the file). */
GPtrArray   *mpy_autosave_load_full  (const char *path, GError **warning, GError **error);

G_END_DECLS

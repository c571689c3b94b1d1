/* mpy-session.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_SESSION_ERROR (mpy_session_error_quark ())

typedef enum {
  MPY_SESSION_ERROR_NEWER_VERSION,  /* written by a newer MpyMemMap */
  MPY_SESSION_ERROR_TRUNCATED,      /* a snapshot record ends early */
  MPY_SESSION_ERROR_MALFORMED,      /* a record header that cannot be read (line given) */
  MPY_SESSION_ERROR_TOO_LARGE,
  MPY_SESSION_ERROR_BINARY,
} MpySessionError;

GQuark      mpy_session_error_quark (void);

/* The format this version writes and the newest it reads ("# MpyMemMap session 1"). */
#define MPY_SESSION_FORMAT_VERSION 1
/* Files and texts larger than this are refused before reading. */
#define MPY_SESSION_MAX_SIZE (256 * 1024 * 1024)
/* The file name extension of session files (MIME type application/x-mpymemmap-session). */
#define MPY_SESSION_SUFFIX ".mpysession"

/* Errors: MPY_SESSION_ERROR for session files and over-large input, MPY_READER_ERROR for
 * other text (e.g. MPY_READER_ERROR_NO_DUMP), G_IO_ERROR when the file cannot be read (a
 * FIFO or device is G_IO_ERROR_NOT_REGULAR_FILE, over 256 MiB G_IO_ERROR_MESSAGE_TOO_LARGE).
 * Messages name the file, the line and what to do.
 *
 * Parses a session file's text, or — when @text is not a session file — any text (a console
 * log, the notebook's printout, one dump) through the dump reader: every dump becomes a
 * snapshot, with label/time/port/flags where the session file has them.
 * Returns (transfer full) (element-type MpySnapshot) or NULL with @error. */
GPtrArray  *mpy_session_read_text   (const char *text, gssize length, GError **error);
GPtrArray  *mpy_session_read_file   (const char *path, GError **error);

/* The same, but a truncated session (cut at any byte) or one with damaged records opens
 * every whole record, and @warning names what was cut or skipped (show it to the user).
 * With @warning NULL these fail on damage like the functions above. */
GPtrArray  *mpy_session_read_text_full (const char *text, gssize length,
                                        GError **warning, GError **error);
GPtrArray  *mpy_session_read_file_full (const char *path, GError **warning, GError **error);

/* The session file text for @snapshots (element-type MpySnapshot). */
char       *mpy_session_to_text     (GPtrArray *snapshots, gsize *length);
/* Atomic: temporary file, then rename. */
gboolean    mpy_session_write_file  (const char *path, GPtrArray *snapshots, GError **error);
/* Appends one snapshot record, creating the file with its header if needed (capture -o); a
 * new file named .gz, or an existing gzip file, gets the record as one more gzip member.
 * The record lands whole or not at all: on a failed write (a full disk) the file is cut back
 * to its old length, so every earlier snapshot stays readable. */
gboolean    mpy_session_append_file (const char *path, MpySnapshot *snapshot, GError **error);
/* Whether mpy_session_append_file() would add to @path: TRUE when it does not exist yet, is
 * empty or is a session file of a format this version writes; checks before a capture. */
gboolean    mpy_session_check_appendable (const char *path, GError **error);

/* The same on a worker thread (GTask), for the UI. */
void        mpy_session_read_file_async   (const char *path, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GPtrArray  *mpy_session_read_file_finish  (GAsyncResult *result, GError **error);
GPtrArray  *mpy_session_read_file_finish_full (GAsyncResult *result, GError **warning,
                                               GError **error);
void        mpy_session_write_file_async  (const char *path, GPtrArray *snapshots,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean    mpy_session_write_file_finish (GAsyncResult *result, GError **error);

G_END_DECLS

/* mpy-dump-reader.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mpy-file-loader.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_READER_ERROR (mpy_reader_error_quark ())

typedef enum {
  MPY_READER_ERROR_NO_DUMP,      /* the text holds no mem_info dump at all */
  MPY_READER_ERROR_BINARY,       /* the input is not text (NUL bytes, invalid data) */
  MPY_READER_ERROR_TOO_LARGE,    /* over the size limit */
  MPY_READER_ERROR_MALFORMED,    /* a dump line that cannot be read; message has line:column */
} MpyReaderError;

GQuark      mpy_reader_error_quark (void);

/**
 * mpy_dump_reader_read:
 * @text: any text: one dump, a raw-REPL reply, a whole console log
 * @length: length of @text in bytes, or -1 if NUL-terminated
 * @error: return location for a #GError
 *
 * Finds every mem_info dump in @text. Lines that are not dump lines are skipped.
 * A dump whose map disagrees with its header, or which lost lines, is returned
 * marked damaged (see mpy_snapshot_is_damaged()), never dropped or padded.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the dumps in order,
 *   or %NULL with @error set when there is none (%MPY_READER_ERROR_NO_DUMP) or
 *   the input is unreadable.
 */
GPtrArray  *mpy_dump_reader_read      (const char  *text,
                                       gssize       length,
                                       GError     **error);

/* Reads a file (bounded in size) and returns every dump in it, as above. */
GPtrArray  *mpy_dump_reader_read_file (const char  *path,
                                       GError     **error);

/* Exactly one dump expected (e.g. a raw-REPL reply); the first is returned if several. */
MpySnapshot *mpy_dump_reader_read_one (const char  *text,
                                       gssize       length,
                                       GError     **error);

/* The dump text of a session record (its header gave the length): as read_one, but without
 * the "is this text" check, so control bytes and NULs of a noisy console are kept. */
MpySnapshot *mpy_dump_reader_read_record (const char  *text,
                                          gsize        length,
                                          GError     **error);

/* Text that arrives in pieces (a file read piece by piece): the same dumps as reading the
 * whole text, each handed out once the text after it shows where it ends. */
typedef struct _MpyDumpReader MpyDumpReader;

MpyDumpReader *mpy_dump_reader_new         (const char     *source);
gboolean       mpy_dump_reader_feed        (MpyDumpReader  *self,
                                            const char     *text,
                                            gsize           length,
                                            GPtrArray      *dumps,
                                            GError        **error);
gboolean       mpy_dump_reader_finish      (MpyDumpReader  *self,
                                            GPtrArray      *dumps,
                                            GError        **error);
/* Feeds the rest of @file, piece by piece, and finishes. */
gboolean       mpy_dump_reader_feed_file   (MpyDumpReader  *self,
                                            MpyFileReader  *file,
                                            GCancellable   *cancellable,
                                            GPtrArray      *dumps,
                                            GError        **error);
guint          mpy_dump_reader_get_n_dumps (MpyDumpReader  *self);
void           mpy_dump_reader_free        (MpyDumpReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyDumpReader, mpy_dump_reader_free)

G_END_DECLS

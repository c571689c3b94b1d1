/* mpy-dump-stream.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "mpy-snapshot.h"

G_BEGIN_DECLS

/**
 * MpyDumpStream:
 *
 * Turns a board's output, as it arrives piece by piece, into snapshots: each dump (a named
 * log section or bare mem_info() output) is handed out once it is complete, read by the
 * dump reader (and so named, timed and given its console context by the named-log pass)
 * from the text since the previous one. A dump is complete when a line follows it that is
 * not part of it (the star line of a named section, the program's next print), when the
 * caller says the board fell silent (mpy_dump_stream_flush()) or at the end of the stream.
 */
typedef struct _MpyDumpStream MpyDumpStream;

MpyDumpStream *mpy_dump_stream_new   (void);
void           mpy_dump_stream_free  (MpyDumpStream *self);

/* Adds @text; returns (transfer full) the dumps completed by it, in order (maybe empty). */
GPtrArray     *mpy_dump_stream_feed  (MpyDumpStream *self,
                                      const char    *text,
                                      gsize          length);
/* The board fell silent or the stream ended: every dump in what is held, complete or not,
 * in order (maybe empty). What follows the last of them stays held (see get_rest()). */
GPtrArray     *mpy_dump_stream_flush (MpyDumpStream *self);
/* The text held that is not (yet) part of a dump handed out: what the program printed
 * after the last one. */
const char    *mpy_dump_stream_get_rest (MpyDumpStream *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyDumpStream, mpy_dump_stream_free)

G_END_DECLS

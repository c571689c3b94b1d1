/* mpy-named-log-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* Names, board times and console context of the dumps of a log (mpy-named-log.c), given
 * one after the other with the text before each; used by the dump reader on every text it
 * reads (not on a session record). */
typedef struct _MpyNamedLog MpyNamedLog;

MpyNamedLog *_mpy_named_log_new      (void);
void         _mpy_named_log_free     (MpyNamedLog *self);
MpySnapshot *_mpy_named_log_annotate (MpyNamedLog *self,
                                      MpySnapshot *dump,
                                      const char  *gap,
                                      gsize        gap_length);

/* Is [@line, @end) a line of stars only (at least three), which ends a named section? */
gboolean _mpy_named_log_is_star_line (const char *line,
                                      const char *end);

G_END_DECLS

/* mpy-named-log-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* Names, board times and console context of the dumps read from @text (mpy-named-log.c);
 * called by the dump reader on every text it reads (not on a session record). */
void _mpy_named_log_annotate (const char *text,
                              gsize       length,
                              GPtrArray  *dumps);

/* Is [@line, @end) a line of stars only (at least three), which ends a named section? */
gboolean _mpy_named_log_is_star_line (const char *line,
                                      const char *end);

G_END_DECLS

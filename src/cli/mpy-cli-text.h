/* mpy-cli-text.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

/* The state of an escape that runs over several writes (a `\r` waiting for its `\n`, the
 * first bytes of a UTF-8 character). */
typedef struct {
  guint  n_pending;
  guchar pending[8];
} MpyCliEscaper;

void  mpy_cli_escape_text       (MpyCliEscaper *escaper,
                                 const char    *text,
                                 gsize          length,
                                 gboolean       at_end,
                                 GString       *out);

void  mpy_cli_text_install      (void);
void  mpy_cli_text_finish       (void);
gboolean mpy_cli_text_flush_stdout (void);
FILE *mpy_cli_text_get_raw_stdout (void);

G_END_DECLS

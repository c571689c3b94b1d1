/* mpy-cli-timeline.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* The keys of a `timeline` row, in column order: file, index, label, time, board_time,
 * capture_time, every figure of the table, has_map, damaged. Each is a key of `stats --json`
 * with the same value. NULL-terminated; owned by the module. */
const char * const *mpy_cli_timeline_get_keys (void);

/* One row: the `stats --json` object of @snapshot cut to the timeline keys. */
JsonObject *mpy_cli_timeline_row          (MpySnapshot *snapshot,
                                           const char  *file,
                                           guint        index);

/* CSV (RFC 4180): the header row of the keys, and one row's values (null is empty). */
void        mpy_cli_timeline_print_csv_header (FILE       *out);
void        mpy_cli_timeline_print_csv_row    (FILE       *out,
                                               JsonObject *row);

G_END_DECLS

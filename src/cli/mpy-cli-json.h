/* mpy-cli-json.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mpy-diff.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* The stats object of `stats --json` for one dump (also printed by `capture --json`). */
JsonNode *mpy_cli_snapshot_to_json (MpySnapshot *snapshot,
                                    const char  *file,
                                    guint        index);

/* One member per figure of the table (mpy-metric.h) by its key: the value, or null. */
void      mpy_cli_add_times          (JsonBuilder *builder,
                                      MpySnapshot *snapshot);
void      mpy_cli_add_metrics        (JsonBuilder *builder,
                                      MpySnapshot *snapshot);
/* One member per figure of the table by its key: after − before, or null. */
void      mpy_cli_add_metric_deltas  (JsonBuilder *builder,
                                      MpyDiff     *diff);

/* Prints @node pretty to stdout with a trailing newline. */
void      mpy_cli_print_json       (JsonNode *node);
/* An array printed an element at a time, exactly as mpy_cli_print_json() prints it whole,
 * without holding every element's tree (10,000 dumps of a long session): @first for the first
 * element, then _end() once after the last (there is at least one). */
void      mpy_cli_print_json_array_item (JsonNode *node,
                                         gboolean  first);
void      mpy_cli_print_json_array_end  (void);

G_END_DECLS

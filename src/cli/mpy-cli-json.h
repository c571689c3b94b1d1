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

G_END_DECLS

/* mpy-fit.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* A run of free blocks in one area of the map. */
typedef struct {
  guint   area;
  gsize   first_block;   /* index in mpy_snapshot_get_kinds() */
  gsize   n_blocks;
  guint64 address;
} MpyFreeRun;

/* The answer to "will an object of N bytes fit": where gc_alloc() would put it now (first
 * fit, areas in order, as MicroPython searches after a collection), or why not. */
typedef struct {
  gboolean   fits;
  gsize      blocks_needed;        /* ⌈bytes / bytes per block⌉, at least 1 */
  MpyFreeRun run;                  /* the first free run that takes it (fits) or the longest */
  guint64    missing_bytes;        /* when it does not fit: needed − largest allocation */
  guint64    scattered_free_bytes; /* free bytes in runs shorter than needed */
} MpyFitAnswer;

/* The longest free run of area @area (the first of equal ones); FALSE when the area has no
 * free block or @snapshot no map. */
gboolean mpy_fit_area_largest_free_run (MpySnapshot *snapshot,
                                        guint        area,
                                        MpyFreeRun  *run);

/* FALSE when @snapshot has no map (nothing can be said); else fills @answer. */
gboolean mpy_fit_check                 (MpySnapshot  *snapshot,
                                        guint64       bytes,
                                        MpyFitAnswer *answer);

/* "2048", "2 KiB", "1.5k", "300 B" → bytes; FALSE for anything else. */
gboolean mpy_fit_parse_size            (const char *text,
                                        guint64    *bytes);

G_END_DECLS

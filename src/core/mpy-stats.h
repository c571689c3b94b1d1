/* mpy-stats.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_HISTOGRAM_BUCKETS 32   /* bucket i: objects of [2^i, 2^(i+1)) blocks */

typedef struct {
  gsize   n_blocks;
  guint   bytes_per_block;
  gsize   kind_blocks[MPY_N_KINDS];   /* indexed like mpy_kinds */
  gsize   kind_objects[MPY_N_KINDS];  /* objects whose head is that kind (free/tail: 0) */
  gsize   used_blocks;                /* heads + tails (marked excluded) */
  gsize   free_blocks;
  gsize   n_objects;
  gsize   one_block_objects;
  gsize   two_block_objects;
  gsize   largest_object;             /* blocks */
  gsize   free_holes;                 /* maximal free runs (per area) */
  gsize   largest_free_run;           /* blocks */
  gsize   largest_free_run_start;     /* block index */
  guint64 largest_free_run_address;
  double  fragmentation;              /* 1 - largest_free_run / free_blocks; 0 when no free space */
  gsize   histogram[MPY_HISTOGRAM_BUCKETS];
} MpyStats;

/* Fills @stats from the map of @snapshot (all zero for a figures-only snapshot). */
void mpy_stats_compute (MpySnapshot *snapshot,
                        MpyStats    *stats);

G_END_DECLS

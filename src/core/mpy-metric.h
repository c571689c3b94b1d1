/* mpy-metric.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-diff.h"
#include "mpy-snapshot.h"
#include "mpy-stats.h"

G_BEGIN_DECLS

/**
 * MpyMetric:
 *
 * The figures of a snapshot, each defined once in the figure table (mpy-metric.c): its key
 * (the same in `stats --json`, `diff --json`, the figures panel and every later series or
 * CSV header), its translatable title, its unit, its getter and its formatting. Every figure
 * is optional: a header figure the dump did not print, or a map figure of a dump without a
 * map, is absent. The enum order is the display order.
 */
typedef enum {
  MPY_METRIC_STACK_USED,                /* stack_used */
  MPY_METRIC_STACK_LIMIT,               /* stack_limit */
  MPY_METRIC_STACK_FREE_SHARE,          /* stack_free_share: (limit − used) / limit */
  MPY_METRIC_STACK_USE,                 /* stack_use: micropython.stack_use() (capture --qstr) */
  MPY_METRIC_GC_TOTAL,                  /* gc_total */
  MPY_METRIC_GC_USED,                   /* gc_used */
  MPY_METRIC_GC_FREE,                   /* gc_free */
  MPY_METRIC_GC_FREE_SHARE,             /* gc_free_share: free / total */
  MPY_METRIC_MAX_NEW_SPLIT,             /* max_new_split */
  MPY_METRIC_ONE_BLOCKS,                /* one_blocks */
  MPY_METRIC_TWO_BLOCKS,                /* two_blocks */
  MPY_METRIC_MAX_BLOCK,                 /* max_block */
  MPY_METRIC_MAX_FREE,                  /* max_free */
  MPY_METRIC_MEM_TOTAL,                 /* mem_total */
  MPY_METRIC_MEM_CURRENT,               /* mem_current */
  MPY_METRIC_MEM_PEAK,                  /* mem_peak */
  MPY_METRIC_BYTES_PER_BLOCK,           /* bytes_per_block */
  MPY_METRIC_BLOCK_COUNT,               /* block_count */
  MPY_METRIC_AREA_COUNT,                /* area_count */
  MPY_METRIC_OBJECTS,                   /* objects */
  MPY_METRIC_FREE_HOLES,                /* free_holes */
  MPY_METRIC_LARGEST_FREE_RUN,          /* largest_free_run (blocks) */
  MPY_METRIC_LARGEST_FREE_RUN_ADDRESS,  /* largest_free_run_address */
  MPY_METRIC_LARGEST_ALLOCATION,        /* largest_allocation_bytes: longest free run × block size */
  MPY_METRIC_FRAGMENTATION,             /* fragmentation: 1 − largest free run / free */
  MPY_METRIC_QSTR_COUNT,                /* qstr_count: micropython.qstr_info() n_qstr (capture --qstr) */
  MPY_METRIC_QSTR_BYTES,                /* qstr_bytes: its n_str_data_bytes */
  MPY_N_METRICS
} MpyMetric;

typedef enum {
  MPY_METRIC_UNIT_BYTES,
  MPY_METRIC_UNIT_BLOCKS,    /* shown with their bytes when the block size is known */
  MPY_METRIC_UNIT_COUNT,
  MPY_METRIC_UNIT_RATIO,     /* 0 … 1, shown as a percentage */
  MPY_METRIC_UNIT_ADDRESS,   /* shown in hex; no delta */
} MpyMetricUnit;

/* Which part of the dump a figure describes; the figures panel shows one heading each. */
typedef enum {
  MPY_METRIC_GROUP_STACK,
  MPY_METRIC_GROUP_HEAP,     /* the GC: line and the block counts printed with it */
  MPY_METRIC_GROUP_ALLOC,    /* the mem: line */
  MPY_METRIC_GROUP_MAP,      /* computed from the block map */
  MPY_METRIC_GROUP_QSTR,     /* micropython.qstr_info(), captured on request */
  MPY_N_METRIC_GROUPS
} MpyMetricGroup;

const char     *mpy_metric_get_key         (MpyMetric metric);
const char     *mpy_metric_get_title       (MpyMetric metric);   /* translated */
MpyMetricUnit   mpy_metric_get_unit        (MpyMetric metric);
MpyMetricGroup  mpy_metric_get_group       (MpyMetric metric);
const char     *mpy_metric_group_get_title (MpyMetricGroup group); /* translated */
gboolean        mpy_metric_from_key        (const char *key,
                                            MpyMetric  *metric);
/* The figure of the table that holds a header figure. */
MpyMetric       mpy_metric_from_figure     (MpyFigure figure);
/* TRUE for figures whose value is a whole number (JSON writes them as integers). */
gboolean        mpy_metric_is_integer      (MpyMetric metric);
/* FALSE for addresses: the difference of two addresses means nothing. */
gboolean        mpy_metric_has_delta       (MpyMetric metric);

/* The value as a double (exact for every integer figure a heap can have); FALSE when
 * @snapshot does not have the figure. @stats are mpy_stats_compute() of @snapshot. */
gboolean        mpy_metric_get_value       (MpyMetric       metric,
                                            MpySnapshot    *snapshot,
                                            const MpyStats *stats,
                                            double         *value);
/* after − before of the diff's two snapshots; FALSE when either lacks the figure or the
 * figure has no delta. */
gboolean        mpy_metric_get_delta       (MpyMetric  metric,
                                            MpyDiff   *diff,
                                            double    *delta);

/* Text for a human, translated: "10048 bytes (9.8 KiB)", "12 blocks, 192 bytes", "12.5 %",
 * "0x20000a40". @bytes_per_block 0 leaves the bytes out of a block count. Numbers and units
 * are joined by non-breaking spaces. */
char           *mpy_metric_format_value    (MpyMetric metric,
                                            double    value,
                                            guint     bytes_per_block);
/* The same for any value in @unit (e.g. the blocks of one kind). */
char           *mpy_metric_unit_format_value (MpyMetricUnit unit,
                                              double        value,
                                              guint         bytes_per_block);
/* A plain number for a table cell, JSON-like and untranslated: "10048", "0x20000a40",
 * ratios as a percentage with one decimal, "12.5%". */
char           *mpy_metric_format_number   (MpyMetric metric,
                                            double    value);
/* A signed delta: "+12", "−3" for counts, "+1.5" (percentage points) for ratios. */
char           *mpy_metric_format_delta    (MpyMetric metric,
                                            double    delta);
/* The figure of @snapshot as text for a human, with " (Δ +n)" when @diff is non-NULL and
 * the delta is known; NULL when @snapshot does not have the figure. */
char           *mpy_metric_describe        (MpyMetric       metric,
                                            MpySnapshot    *snapshot,
                                            const MpyStats *stats,
                                            MpyDiff        *diff);

G_END_DECLS

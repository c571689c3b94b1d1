/* mpy-chart-scale.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "mpy-metric.h"
#include "mpy-snapshot.h"
#include "mpy-stats.h"

G_BEGIN_DECLS

/**
 * MpyChartSeries:
 *
 * The figures a chart over time offers (the timeline in the app; a chart of the CLI), in
 * legend order, each a figure of the figure table. Values of byte and block figures are
 * drawn in bytes against one axis; counts and ratios are scaled to their own range.
 */
typedef enum {
  MPY_CHART_SERIES_USED,              /* gc_used */
  MPY_CHART_SERIES_FREE,              /* gc_free */
  MPY_CHART_SERIES_LARGEST_FREE_RUN,  /* largest_free_run (in bytes) */
  MPY_CHART_SERIES_FRAGMENTATION,     /* fragmentation */
  MPY_CHART_SERIES_ONE_BLOCKS,        /* one_blocks */
  MPY_CHART_SERIES_TWO_BLOCKS,        /* two_blocks */
  MPY_CHART_SERIES_MAX_BLOCK,         /* max_block (in bytes) */
  MPY_CHART_SERIES_STACK_USED,        /* stack_used */
  MPY_N_CHART_SERIES
} MpyChartSeries;

MpyMetric mpy_chart_series_get_metric (MpyChartSeries series);
/* 0xRRGGBB; readable for colour-blind readers (Okabe–Ito), a lighter set when @dark. */
guint32   mpy_chart_series_get_color  (MpyChartSeries series,
                                       gboolean       dark);
/* TRUE when the series is drawn in bytes against the chart's byte axis. */
gboolean  mpy_chart_series_is_bytes   (MpyChartSeries series);

/* The value of @series for @snapshot (blocks converted to bytes); FALSE when the snapshot
 * lacks the figure. @stats are mpy_stats_compute() of @snapshot. */
gboolean  mpy_chart_series_get_value  (MpyChartSeries  series,
                                       MpySnapshot    *snapshot,
                                       const MpyStats *stats,
                                       double         *value);

/* Ticks for a time axis in seconds (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h …):
 * the first tick ≥ @min and the step; returns how many. Value axes use
 * mpy_chart_nice_ticks() of mpy-chart-renderer.h, shared with the CLI's chart. */
guint     mpy_chart_time_ticks        (double   min,
                                       double   max,
                                       guint    max_ticks,
                                       double  *first,
                                       double  *step);
/* The top of a scale for values up to @max: the next of 1, 1.5, 2, 3, 4, 5, 6, 8 × 10^n
 * above it (1 for 0), so that the highest point is not pinned to the plot's edge. */
double    mpy_chart_nice_ceiling      (double   max);
/* The labelled values of a byte axis from 0 to about @top: steps of 1-2-5 whole KiB (from
 * 4 KiB) or MiB (from 4 MiB), at most @max_ticks into @ticks. Returns how many. */
guint     mpy_chart_byte_ticks        (double   top,
                                       guint    max_ticks,
                                       double  *ticks);
/* "0 s", "90 s", "12 min", "1.5 h": a duration on a time axis. */
char     *mpy_chart_format_seconds    (double   seconds);
/* "96 KiB", "1.5 MiB", "512 B": a compact byte count for an axis. */
char     *mpy_chart_format_bytes      (double   bytes);

/**
 * MpyChartColumn:
 *
 * What a line through many points looks like in one pixel column: it enters at @first,
 * spans @min … @max and leaves at @last. mpy_chart_decimate() turns n points into at most
 * one column per pixel, so that drawing costs the width, not the number of points.
 */
typedef struct {
  double x;
  double first, min, max, last;
} MpyChartColumn;

/* @xs are pixel positions in increasing order, @ys the values (NaN: no value, the line
 * breaks there). Appends MpyChartColumn to @columns; a NaN ends a run with a column whose
 * x is NaN. */
void      mpy_chart_decimate          (const double *xs,
                                       const double *ys,
                                       gsize         n,
                                       GArray       *columns);

G_END_DECLS

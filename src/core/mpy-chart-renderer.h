/* mpy-chart-renderer.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The timeline chart (DESIGN.md §10): figures of the figure table (mpy-metric.h) over a
 * sequence of snapshots, drawn with Cairo in the renderer's palette (mpy-palette.h): a stacked
 * area of heap used and free, and one line per selected series, x by time or by index.
 *
 * `mpymemmap-cli timeline -o CHART.png` draws it with mpy_chart_write_png(). It is meant to be
 * shared with the app's timeline widget (src/app/widgets/mpy-timeline*): the widget can paint
 * with mpy_chart_draw() into a Cairo node, and use the same layout (MpyChartLayout: the plot
 * area, the scales, mpy_chart_layout_get_x() and mpy_chart_layout_index_at() for hover and
 * clicks) and the same axis ticks (mpy_chart_nice_ticks()), so the two never disagree.
 * Each figure is read once per snapshot (into the layout); with more snapshots than pixel
 * columns the lines keep each column's first, lowest, highest and last value, and the area
 * each column's highest, so 10,000 snapshots draw as fast as 1,000. */

#pragma once

#include <cairo.h>

#include "mpy-metric.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

typedef enum {
  MPY_CHART_X_INDEX,   /* one step per snapshot */
  MPY_CHART_X_TIME,    /* the snapshot's time: board time, else capture time */
} MpyChartXAxis;

#define MPY_CHART_MAX_SERIES 8

typedef struct {
  MpyChartXAxis x_axis;
  gboolean      dark;
  gboolean      area;                            /* the used/free stacked area */
  guint         n_series;
  MpyMetric     series[MPY_CHART_MAX_SERIES];    /* lines, in legend order */
} MpyChartOptions;

/* Index axis, light, the area, lines of the largest free run and fragmentation. */
#define MPY_CHART_OPTIONS_INIT \
  { MPY_CHART_X_INDEX, FALSE, TRUE, 2, { MPY_METRIC_MAX_FREE, MPY_METRIC_FRAGMENTATION } }

/* Where things go, for drawing and for hit tests; from mpy_chart_layout_compute(). */
typedef struct {
  double  plot_x, plot_y, plot_width, plot_height;  /* the plot area, in surface units */
  double  x_min, x_max;        /* data range on x: an index, or seconds since the first time */
  double  bytes_max;           /* top of the left axis (bytes); 0 when nothing is in bytes */
  double  series_max[MPY_CHART_MAX_SERIES];  /* top of each series' own scale */
  guint   n_points;
  double *x_values;            /* n_points: each snapshot's x in data units */
  gboolean by_time;            /* x is time (every snapshot had one) */
  guint   n_columns;           /* values per snapshot: heap used, heap free, then each series */
  double *values;              /* n_points × n_columns, NAN where a snapshot lacks the figure */
} MpyChartLayout;

/* The layout of the chart of @snapshots (element-type MpySnapshot) in @width × @height.
 * MPY_CHART_X_TIME falls back to the index when a snapshot has no time. Clear with
 * mpy_chart_layout_clear(). */
void     mpy_chart_layout_compute  (MpyChartLayout        *layout,
                                    GPtrArray             *snapshots,
                                    const MpyChartOptions *options,
                                    double                 width,
                                    double                 height);
void     mpy_chart_layout_resize   (MpyChartLayout        *layout,
                                    const MpyChartOptions *options,
                                    double                 width,
                                    double                 height);
void     mpy_chart_layout_clear    (MpyChartLayout        *layout);
/* The x (surface units) of snapshot @index; the y of @value of series @series (-1: bytes). */
double   mpy_chart_layout_get_x    (const MpyChartLayout  *layout,
                                    guint                  index);
double   mpy_chart_layout_get_y    (const MpyChartLayout  *layout,
                                    int                    series,
                                    double                 value);
/* The value of snapshot @index for series @series (-2: heap used, -1: heap free), as cached
 * by the layout; FALSE when the snapshot lacks it. */
gboolean mpy_chart_layout_get_value (const MpyChartLayout *layout,
                                     guint                 index,
                                     int                   series,
                                     double               *value);
/* The snapshot nearest to @x, or -1 when there is none. */
int      mpy_chart_layout_index_at (const MpyChartLayout  *layout,
                                    double                 x);

/* Up to @max_ticks "nice" values (1, 2, 5 × 10^n steps) from @min to @max into @ticks;
 * returns how many. */
guint    mpy_chart_nice_ticks      (double                 min,
                                    double                 max,
                                    guint                  max_ticks,
                                    double                *ticks);

/* The colour of line @series (0-based) as 0xRRGGBB, and of the area's used and free. */
guint32  mpy_chart_get_series_color (guint                 series,
                                     gboolean              dark);
/* The colour of a line of @metric at position @series: the app timeline's colour for that
 * figure when it has one (mpy-chart-scale.h), else mpy_chart_get_series_color(). */
guint32  mpy_chart_get_line_color   (MpyMetric             metric,
                                     guint                 series,
                                     gboolean              dark);
guint32  mpy_chart_get_used_color   (gboolean              dark);
guint32  mpy_chart_get_free_color   (gboolean              dark);

/* One entry of the legend under the plot: a figure with its area swatch (the stacked
 * area's used or free), its line, or both when a line draws the area's figure again. */
typedef struct {
  MpyMetric metric;
  gboolean  has_area;
  guint32   area_color;   /* 0xRRGGBB, when has_area */
  int       series;       /* the line's index in the options, or -1 */
  guint32   line_color;   /* 0xRRGGBB, when series ≥ 0 */
} MpyChartLegendEntry;

#define MPY_CHART_MAX_LEGEND (MPY_CHART_MAX_SERIES + 2)

/* The legend's entries in order (the area's used and free first), each figure once; returns
 * how many (at most MPY_CHART_MAX_LEGEND). */
guint    mpy_chart_get_legend      (const MpyChartOptions *options,
                                    MpyChartLegendEntry   *entries);

/* Paints the whole chart (background, axes, area, lines, legend) into @cr at 0,0. */
void     mpy_chart_draw            (cairo_t               *cr,
                                    GPtrArray             *snapshots,
                                    const MpyChartOptions *options,
                                    double                 width,
                                    double                 height);

/* The same from a layout computed before (no snapshot read): for redraws of a widget. */
void     mpy_chart_draw_layout     (cairo_t               *cr,
                                    const MpyChartLayout  *layout,
                                    const MpyChartOptions *options,
                                    double                 width,
                                    double                 height);

/* Draws the chart at @width × @height px and writes it to @path as a PNG atomically.
 * FALSE with @error (MPY_RENDER_ERROR_WRITE) when it cannot be written. */
gboolean mpy_chart_write_png       (GPtrArray             *snapshots,
                                    const MpyChartOptions *options,
                                    int                    width,
                                    int                    height,
                                    const char            *path,
                                    GError               **error);

G_END_DECLS

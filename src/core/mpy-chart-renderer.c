/* mpy-chart-renderer.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline chart (see mpy-chart-renderer.h): shared by `mpymemmap-cli timeline -o` and
 * meant for the app's timeline widget, which can reuse its layout, scales and ticks.
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mpy-chart-renderer.h"
#include "mpy-chart-scale.h"
#include "mpy-diff.h"
#include "mpy-palette.h"
#include "mpy-renderer.h"
#include "mpy-renderer-private.h"
#include "mpy-snapshot-private.h"
#include "mpy-stats.h"

#define MARGIN_LEFT    64.0
#define MARGIN_RIGHT   16.0
#define MARGIN_TOP     12.0
#define MARGIN_BOTTOM  36.0
#define LEGEND_ROW     16.0
#define FONT_SIZE      11.0
#define LINE_WIDTH     2.0

static void
set_color (cairo_t *cr,
           guint32  rgb,
           double   alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0, alpha);
}

/**
 * mpy_chart_get_series_color:
 * @series: a line's position among the selected series
 * @dark: the dark variant
 *
 * Returns: its colour, from the palette table (Okabe–Ito colours of the kinds and diff states).
 */
guint32
mpy_chart_get_series_color (guint    series,
                            gboolean dark)
{
  switch (series % MPY_CHART_MAX_SERIES)
    {
    /* not the orange and vermillion family: "heap used" is vermillion */
    case 0: return mpy_palette_get_diff_color (MPY_DIFF_UNCHANGED, dark);   /* blue */
    case 1: return mpy_palette_get_kind_color (MPY_KIND_FLOAT, dark);       /* purple */
    case 2: return mpy_palette_get_kind_color (MPY_KIND_DICT, dark);        /* dark green */
    case 3: return mpy_palette_get_kind_color (MPY_KIND_STR, dark);         /* indigo */
    case 4: return mpy_palette_get_kind_color (MPY_KIND_BYTECODE, dark);    /* light blue */
    case 5: return mpy_palette_get_diff_color (MPY_DIFF_CHANGED, dark);     /* yellow */
    case 6: return mpy_palette_get_kind_color (MPY_KIND_ARRAY, dark);       /* light cyan */
    default: return mpy_palette_get_foreground (dark);
    }
}

/**
 * mpy_chart_get_line_color:
 * @metric: the line's figure
 * @series: its position among the selected series
 * @dark: the dark variant
 *
 * Returns: the colour the app's timeline gives @metric (mpy-chart-scale.h), so a figure has
 *   one colour in both charts; for a figure the timeline does not offer, the colour of
 *   position @series (mpy_chart_get_series_color()).
 */
guint32
mpy_chart_get_line_color (MpyMetric metric,
                          guint     series,
                          gboolean  dark)
{
  for (guint k = 0; k < MPY_N_CHART_SERIES; k++)
    if (mpy_chart_series_get_metric ((MpyChartSeries) k) == metric)
      return mpy_chart_series_get_color ((MpyChartSeries) k, dark);
  return mpy_chart_get_series_color (series, dark);
}

/* Heap used: the diff's "allocated"; free: the map's free grey. */
guint32
mpy_chart_get_used_color (gboolean dark)
{
  return mpy_palette_get_diff_color (MPY_DIFF_ALLOCATED, dark);
}

guint32
mpy_chart_get_free_color (gboolean dark)
{
  return mpy_palette_get_kind_color (MPY_KIND_FREE, dark);
}

/* The time a chart puts a snapshot at: the board's, else the capture's. */
static GDateTime *
snapshot_time (MpySnapshot *snapshot)
{
  GDateTime *board = mpy_snapshot_get_board_time (snapshot);

  return board != NULL ? board : mpy_snapshot_get_time (snapshot);
}

/* Series in bytes share the left axis with the area; the others have a scale each. */
static gboolean
is_bytes (MpyMetric metric)
{
  return mpy_metric_get_unit (metric) == MPY_METRIC_UNIT_BYTES;
}

/**
 * mpy_chart_get_legend:
 * @options: (nullable): what the chart draws
 * @entries: (out caller-allocates) (array fixed-size=10): the entries
 *
 * The legend of the chart: with the area, heap used and free first; then each line. A line
 * of a figure the area already names (`--series gc_used`) joins the area's entry, so that
 * every figure is named once.
 *
 * Returns: the number of entries
 */
guint
mpy_chart_get_legend (const MpyChartOptions *options,
                      MpyChartLegendEntry   *entries)
{
  MpyChartOptions defaults = MPY_CHART_OPTIONS_INIT;
  guint n = 0;

  g_return_val_if_fail (entries != NULL, 0);

  if (options == NULL)
    options = &defaults;
  if (options->area)
    {
      entries[n++] = (MpyChartLegendEntry) { MPY_METRIC_GC_USED, TRUE, mpy_chart_get_used_color (options->dark), -1, 0 };
      entries[n++] = (MpyChartLegendEntry) { MPY_METRIC_GC_FREE, TRUE, mpy_chart_get_free_color (options->dark), -1, 0 };
    }
  for (guint s = 0; s < MIN (options->n_series, MPY_CHART_MAX_SERIES); s++)
    {
      MpyChartLegendEntry *entry = NULL;

      for (guint e = 0; e < n && entry == NULL; e++)
        if (entries[e].metric == options->series[s])
          entry = &entries[e];
      if (entry == NULL)
        {
          entry = &entries[n++];
          *entry = (MpyChartLegendEntry) { options->series[s], FALSE, 0, -1, 0 };
        }
      if (entry->series < 0)
        {
          entry->series = (int) s;
          entry->line_color = mpy_chart_get_line_color (options->series[s], s, options->dark);
        }
    }
  return n;
}

void
mpy_chart_layout_compute (MpyChartLayout        *layout,
                          GPtrArray             *snapshots,
                          const MpyChartOptions *options,
                          double                 width,
                          double                 height)
{
  MpyChartOptions defaults = MPY_CHART_OPTIONS_INIT;
  guint n_series;
  g_autoptr(GDateTime) first = NULL;

  g_return_if_fail (layout != NULL);
  g_return_if_fail (snapshots != NULL);

  if (options == NULL)
    options = &defaults;
  n_series = MIN (options->n_series, MPY_CHART_MAX_SERIES);
  memset (layout, 0, sizeof *layout);
  layout->n_points = snapshots->len;
  layout->x_values = g_new0 (double, MAX (snapshots->len, 1));

  /* x: time only when every snapshot has one */
  layout->by_time = options->x_axis == MPY_CHART_X_TIME && snapshots->len > 0;
  for (guint i = 0; layout->by_time && i < snapshots->len; i++)
    if (snapshot_time (g_ptr_array_index (snapshots, i)) == NULL)
      layout->by_time = FALSE;
  if (layout->by_time)
    first = g_date_time_ref (snapshot_time (g_ptr_array_index (snapshots, 0)));
  for (guint i = 0; i < snapshots->len; i++)
    layout->x_values[i] = layout->by_time
      ? g_date_time_difference (snapshot_time (g_ptr_array_index (snapshots, i)), first) / 1e6
      : (double) i;
  layout->x_min = layout->x_max = snapshots->len > 0 ? layout->x_values[0] : 0;
  for (guint i = 1; i < snapshots->len; i++)
    {
      layout->x_min = MIN (layout->x_min, layout->x_values[i]);
      layout->x_max = MAX (layout->x_max, layout->x_values[i]);
    }
  /* one snapshot (or all at one time): in the middle of a range one wide */
  if (layout->x_max <= layout->x_min)
    {
      layout->x_min -= 0.5;
      layout->x_max = layout->x_min + 1;
    }

  /* every figure read once; y: bytes on the left axis (the area's top is the heap's total) */
  layout->n_columns = 2 + n_series;
  layout->values = g_new (double, MAX ((gsize) snapshots->len * layout->n_columns, 1));
  for (guint i = 0; i < snapshots->len; i++)
    {
      MpySnapshot *snapshot = g_ptr_array_index (snapshots, i);
      double *row = layout->values + (gsize) i * layout->n_columns;
      /* the reader's statistics in place (what mpy_stats_compute() copies) */
      const MpyStats *stats = &_mpy_snapshot_get_data (snapshot)->stats;

      for (guint c = 0; c < layout->n_columns; c++)
        {
          MpyMetric metric = c == 0 ? MPY_METRIC_GC_USED : c == 1 ? MPY_METRIC_GC_FREE
                                                                  : options->series[c - 2];

          if (!mpy_metric_get_value (metric, snapshot, stats, &row[c]))
            row[c] = NAN;
        }
      if (options->area && !isnan (row[0]) && !isnan (row[1]))
        layout->bytes_max = MAX (layout->bytes_max, row[0] + row[1]);
      for (guint s = 0; s < n_series; s++)
        if (!isnan (row[2 + s]))
          {
            if (is_bytes (options->series[s]))
              layout->bytes_max = MAX (layout->bytes_max, row[2 + s]);
            else
              layout->series_max[s] = MAX (layout->series_max[s], row[2 + s]);
          }
    }
  for (guint s = 0; s < n_series; s++)
    {
      if (mpy_metric_get_unit (options->series[s]) == MPY_METRIC_UNIT_RATIO)
        layout->series_max[s] = 1.0;   /* shares and fragmentation: 0–100 % */
      else
        layout->series_max[s] = mpy_chart_nice_ceiling (layout->series_max[s]);
    }
  if (layout->bytes_max <= 0)
    layout->bytes_max = 1.0;

  mpy_chart_layout_resize (layout, options, width, height);
}

/**
 * mpy_chart_layout_resize:
 * @layout: a computed layout
 * @options: the options it was computed with
 * @width: the new width
 * @height: the new height
 *
 * Places the plot area for another size; the values read stay (no snapshot is read again).
 */
void
mpy_chart_layout_resize (MpyChartLayout        *layout,
                         const MpyChartOptions *options,
                         double                 width,
                         double                 height)
{
  MpyChartLegendEntry entries[MPY_CHART_MAX_LEGEND];
  guint n_entries;

  g_return_if_fail (layout != NULL);

  n_entries = mpy_chart_get_legend (options, entries);
  layout->plot_x = MARGIN_LEFT;
  layout->plot_y = MARGIN_TOP;
  layout->plot_width = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1.0);
  layout->plot_height = MAX (height - MARGIN_TOP - MARGIN_BOTTOM - LEGEND_ROW * ((n_entries + 2) / 3), 1.0);
}

void
mpy_chart_layout_clear (MpyChartLayout *layout)
{
  g_return_if_fail (layout != NULL);

  g_clear_pointer (&layout->x_values, g_free);
  g_clear_pointer (&layout->values, g_free);
}

gboolean
mpy_chart_layout_get_value (const MpyChartLayout *layout,
                            guint                 index,
                            int                   series,
                            double               *value)
{
  double v;

  g_return_val_if_fail (layout != NULL, FALSE);

  if (index >= layout->n_points || series < -2 || series + 2 >= (int) layout->n_columns)
    return FALSE;
  v = layout->values[(gsize) index * layout->n_columns + (guint) (series + 2)];
  if (value != NULL)
    *value = v;
  return !isnan (v);
}

double
mpy_chart_layout_get_x (const MpyChartLayout *layout,
                        guint                 index)
{
  double x;

  g_return_val_if_fail (layout != NULL, 0);

  x = index < layout->n_points ? layout->x_values[index] : layout->x_max;
  return layout->plot_x + (x - layout->x_min) / (layout->x_max - layout->x_min) * layout->plot_width;
}

double
mpy_chart_layout_get_y (const MpyChartLayout *layout,
                        int                   series,
                        double                value)
{
  double top;

  g_return_val_if_fail (layout != NULL, 0);

  top = series < 0 || series >= MPY_CHART_MAX_SERIES ? layout->bytes_max : layout->series_max[series];
  return layout->plot_y + layout->plot_height * (1.0 - CLAMP (value / top, 0.0, 1.0));
}

int
mpy_chart_layout_index_at (const MpyChartLayout *layout,
                           double                x)
{
  int best = -1;
  double best_distance = G_MAXDOUBLE;

  g_return_val_if_fail (layout != NULL, -1);

  for (guint i = 0; i < layout->n_points; i++)
    {
      double d = fabs (mpy_chart_layout_get_x (layout, i) - x);

      if (d < best_distance)
        {
          best_distance = d;
          best = (int) i;
        }
    }
  return best;
}

guint
mpy_chart_nice_ticks (double  min,
                      double  max,
                      guint   max_ticks,
                      double *ticks)
{
  double span, step, magnitude, residual, first;
  guint n = 0;

  g_return_val_if_fail (ticks != NULL || max_ticks == 0, 0);

  if (max_ticks == 0 || !(max > min) || !isfinite (min) || !isfinite (max))
    return 0;
  span = max - min;
  step = span / MAX (max_ticks - 1, 1);
  magnitude = pow (10, floor (log10 (step)));
  residual = step / magnitude;
  step = (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude;
  first = ceil (min / step - 1e-9) * step;
  for (double v = first; v <= max + step * 1e-9 && n < max_ticks; v += step)
    ticks[n++] = fabs (v) < step * 1e-9 ? 0 : v;
  return n;
}

static void
draw_text (cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      align)   /* 0 left, 0.5 centre, 1 right; y is the baseline */
{
  cairo_text_extents_t extents;

  cairo_text_extents (cr, text, &extents);
  cairo_move_to (cr, x - align * extents.x_advance, y);
  cairo_show_text (cr, text);
}

static void
draw_axes (cairo_t              *cr,
           const MpyChartLayout *layout,
           gboolean              dark)
{
  guint32 fg = mpy_palette_get_foreground (dark);
  double ticks[8];
  guint n;

  _mpy_select_font (cr, FONT_SIZE, FALSE);
  cairo_set_line_width (cr, 1.0);

  /* left axis: bytes, with grid lines, in steps of whole KiB or MiB where it fits */
  n = mpy_chart_byte_ticks (layout->bytes_max, 6, ticks);
  for (guint i = 0; i < n; i++)
    {
      double y = round (mpy_chart_layout_get_y (layout, -1, ticks[i])) + 0.5;
      g_autofree char *text = mpy_chart_format_bytes (ticks[i]);

      set_color (cr, fg, 0.12);
      cairo_move_to (cr, layout->plot_x, y);
      cairo_line_to (cr, layout->plot_x + layout->plot_width, y);
      cairo_stroke (cr);
      set_color (cr, fg, 1.0);
      draw_text (cr, text, layout->plot_x - 6, y + FONT_SIZE * 0.35, 1.0);
    }

  /* x axis: snapshots (1-2-5 steps), or seconds (the timeline's time steps: 1, 2, 5, 10,
   * 15, 30 s, 1 min …, as in the app; 1-2-5 steps below a few seconds) */
  if (layout->n_points == 1)
    {
      n = 1;   /* the snapshot's own tick, not the range around it */
      ticks[0] = layout->x_values[0];
    }
  else if (layout->by_time && layout->x_max - layout->x_min >= 4)
    {
      double first, step;

      n = MIN (mpy_chart_time_ticks (layout->x_min, layout->x_max, 8, &first, &step), G_N_ELEMENTS (ticks));
      for (guint i = 0; i < n; i++)
        ticks[i] = first + i * step;
    }
  else
    n = mpy_chart_nice_ticks (layout->x_min, layout->x_max, 8, ticks);
  for (guint i = 0; i < n; i++)
    {
      double x = layout->plot_x + (ticks[i] - layout->x_min) / (layout->x_max - layout->x_min)
                 * layout->plot_width;
      g_autofree char *text = NULL;

      if (!layout->by_time && ticks[i] != floor (ticks[i]))
        continue;   /* no snapshot 2.5 */
      text = layout->by_time ? mpy_chart_format_seconds (ticks[i]) : g_strdup_printf ("%.0f", ticks[i]);
      set_color (cr, fg, 1.0);
      cairo_move_to (cr, round (x) + 0.5, layout->plot_y + layout->plot_height);
      cairo_line_to (cr, round (x) + 0.5, layout->plot_y + layout->plot_height + 4);
      cairo_stroke (cr);
      {
        /* centred under its tick, but kept inside the chart at both ends */
        cairo_text_extents_t extents;
        double right = layout->plot_x + layout->plot_width + MARGIN_RIGHT;

        cairo_text_extents (cr, text, &extents);
        draw_text (cr, text, CLAMP (x - extents.x_advance / 2, 0, MAX (right - extents.x_advance, 0)),
                   layout->plot_y + layout->plot_height + 4 + FONT_SIZE, 0);
      }
    }

  set_color (cr, fg, 1.0);
  cairo_rectangle (cr, layout->plot_x + 0.5, layout->plot_y + 0.5,
                   layout->plot_width - 1, layout->plot_height - 1);
  cairo_stroke (cr);
}

/* The runs of one value column, one vertex group per pixel column (mpy_chart_decimate(),
 * shared with the app's timeline): with more snapshots than pixels, each column keeps its
 * first, lowest, highest and last value. NAN values break the run: @emit gets each run. */
typedef void (*EmitRun) (cairo_t *cr, const MpyChartLayout *layout, int scale,
                         const MpyChartColumn *columns, guint n);

static void
for_each_run (cairo_t              *cr,
              const MpyChartLayout *layout,
              int                   scale,
              double              (*get) (const MpyChartLayout *layout, guint i, gpointer data),
              gpointer              data,
              EmitRun               emit)
{
  g_autofree double *xs = g_new (double, MAX (layout->n_points, 1));
  g_autofree double *ys = g_new (double, MAX (layout->n_points, 1));
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (MpyChartColumn));
  guint start = 0;

  for (guint i = 0; i < layout->n_points; i++)
    {
      xs[i] = mpy_chart_layout_get_x (layout, i);
      ys[i] = get (layout, i, data);
    }
  mpy_chart_decimate (xs, ys, layout->n_points, columns);
  for (guint k = 0; k <= columns->len; k++)
    if (k == columns->len || isnan (g_array_index (columns, MpyChartColumn, k).x))
      {
        if (k > start)
          emit (cr, layout, scale, &g_array_index (columns, MpyChartColumn, start), k - start);
        start = k + 1;
      }
}

static double
get_column (const MpyChartLayout *layout,
            guint                 i,
            gpointer              data)
{
  return layout->values[(gsize) i * layout->n_columns + GPOINTER_TO_UINT (data)];
}

/* The area's top: heap used (data 0) or used + free (data 1). */
static double
get_area_top (const MpyChartLayout *layout,
              guint                 i,
              gpointer              data)
{
  const double *row = layout->values + (gsize) i * layout->n_columns;

  return GPOINTER_TO_UINT (data) == 0 ? (isnan (row[1]) ? NAN : row[0]) : row[0] + row[1];
}

static void
emit_area (cairo_t              *cr,
           const MpyChartLayout *layout,
           int                   scale,
           const MpyChartColumn *columns,
           guint                 n)
{
  double base = layout->plot_y + layout->plot_height;

  if (n == 1)
    {
      /* a lone snapshot: a bar 2 px wide, or 24 px when it is the chart's only one */
      double y = mpy_chart_layout_get_y (layout, scale, columns[0].max);
      double w = layout->n_points == 1 ? 24 : 2;

      cairo_rectangle (cr, columns[0].x - w / 2, y, w, base - y);
      return;
    }
  cairo_move_to (cr, columns[0].x, base);
  for (guint k = 0; k < n; k++)
    cairo_line_to (cr, columns[k].x, mpy_chart_layout_get_y (layout, scale, columns[k].max));
  cairo_line_to (cr, columns[n - 1].x, base);
  cairo_close_path (cr);
}

static void
emit_line (cairo_t              *cr,
           const MpyChartLayout *layout,
           int                   scale,
           const MpyChartColumn *columns,
           guint                 n)
{
  if (n == 1 && columns[0].min == columns[0].max)
    {
      /* a lone point: a dot (a circle stroked with the line's width) */
      cairo_new_sub_path (cr);
      cairo_arc (cr, columns[0].x, mpy_chart_layout_get_y (layout, scale, columns[0].first), LINE_WIDTH / 2, 0, 2 * G_PI);
      return;
    }
  for (guint k = 0; k < n; k++)
    {
      const MpyChartColumn *c = &columns[k];
      double x = c->x;

      if (k == 0)
        {
          cairo_new_sub_path (cr);
          cairo_move_to (cr, x, mpy_chart_layout_get_y (layout, scale, c->first));
        }
      cairo_line_to (cr, x, mpy_chart_layout_get_y (layout, scale, c->first));
      if (c->min != c->max)
        {
          cairo_line_to (cr, x, mpy_chart_layout_get_y (layout, scale, c->min));
          cairo_line_to (cr, x, mpy_chart_layout_get_y (layout, scale, c->max));
        }
      cairo_line_to (cr, x, mpy_chart_layout_get_y (layout, scale, c->last));
    }
}

/* The used/free stacked area: used from 0, free on top of it. Snapshots without the GC
 * figures break the area. */
static void
draw_area (cairo_t              *cr,
           const MpyChartLayout *layout,
           gboolean              dark)
{
  /* used + free (the total) first, then used over it */
  set_color (cr, mpy_chart_get_free_color (dark), 1.0);
  for_each_run (cr, layout, -1, get_area_top, GUINT_TO_POINTER (1), emit_area);
  cairo_fill (cr);
  set_color (cr, mpy_chart_get_used_color (dark), 0.8);
  for_each_run (cr, layout, -1, get_area_top, GUINT_TO_POINTER (0), emit_area);
  cairo_fill (cr);
}

static void
draw_series (cairo_t               *cr,
             const MpyChartLayout  *layout,
             const MpyChartOptions *options)
{
  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint s = 0; s < MIN (options->n_series, MPY_CHART_MAX_SERIES); s++)
    {
      int scale = is_bytes (options->series[s]) ? -1 : (int) s;

      /* a gap where a dump lacks the figure; a lone point shows as a dot (round caps) */
      set_color (cr, mpy_chart_get_line_color (options->series[s], s, options->dark), 1.0);
      for_each_run (cr, layout, scale, get_column, GUINT_TO_POINTER (2 + s), emit_line);
      cairo_stroke (cr);
    }
}

static void
draw_legend (cairo_t               *cr,
             const MpyChartLayout  *layout,
             const MpyChartOptions *options,
             double                 width)
{
  guint32 fg = mpy_palette_get_foreground (options->dark);
  double column = (width - MARGIN_LEFT - MARGIN_RIGHT) / 3;
  double top = layout->plot_y + layout->plot_height + MARGIN_BOTTOM - 6;
  MpyChartLegendEntry entries[MPY_CHART_MAX_LEGEND];
  guint n = mpy_chart_get_legend (options, entries);

  _mpy_select_font (cr, FONT_SIZE, FALSE);
  for (guint slot = 0; slot < n; slot++)
    {
      const MpyChartLegendEntry *entry = &entries[slot];
      double x = MARGIN_LEFT + (slot % 3) * column;
      double y = top + (slot / 3) * LEGEND_ROW;
      const char *title = mpy_metric_get_title (entry->metric);
      g_autofree char *text = NULL;

      if (entry->has_area)
        {
          set_color (cr, entry->area_color, 1.0);
          cairo_rectangle (cr, x, y - 9, 14, 10);
          cairo_fill (cr);
        }
      if (entry->series >= 0)
        {
          /* a line alone, or across the area's swatch when it draws the same figure */
          set_color (cr, entry->line_color, 1.0);
          cairo_set_line_width (cr, LINE_WIDTH + 1);
          cairo_move_to (cr, x, y - 4);
          cairo_line_to (cr, x + 14, y - 4);
          cairo_stroke (cr);
        }
      if (entry->series < 0 || is_bytes (entry->metric))
        text = g_strdup (title);
      else
        {
          /* its own scale: say where its top is */
          g_autofree char *top_text = mpy_metric_format_number (entry->metric, layout->series_max[entry->series]);

          /* Translators: a chart series with its own scale, "Fragmentation (0–100.0%)" */
          text = g_strdup_printf (_("%s (0–%s)"), title, top_text);
        }
      set_color (cr, fg, 1.0);
      draw_text (cr, text, x + 18, y, 0);
    }
}

/**
 * mpy_chart_draw:
 * @cr: a Cairo context
 * @snapshots: (element-type MpySnapshot): the snapshots, in order
 * @options: (nullable): what to draw (%NULL: MPY_CHART_OPTIONS_INIT)
 * @width: the chart's width
 * @height: the chart's height
 *
 * Paints the chart: background, grid and axes, the used/free area, the series lines and the
 * legend under the plot.
 */
void
mpy_chart_draw (cairo_t               *cr,
                GPtrArray             *snapshots,
                const MpyChartOptions *options,
                double                 width,
                double                 height)
{
  MpyChartLayout layout;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (snapshots != NULL);

  mpy_chart_layout_compute (&layout, snapshots, options, width, height);
  mpy_chart_draw_layout (cr, &layout, options, width, height);
  mpy_chart_layout_clear (&layout);
}

/**
 * mpy_chart_draw_layout:
 * @cr: a Cairo context
 * @layout: a layout from mpy_chart_layout_compute() (and _resize()) for @width × @height
 * @options: (nullable): the options it was computed with
 * @width: the chart's width
 * @height: the chart's height
 *
 * Paints the chart from @layout, reading no snapshot: a widget keeps the layout while the
 * snapshots stay the same and redraws from it (hover, resize after _resize()).
 */
void
mpy_chart_draw_layout (cairo_t               *cr,
                       const MpyChartLayout  *layout,
                       const MpyChartOptions *options,
                       double                 width,
                       double                 height)
{
  MpyChartOptions defaults = MPY_CHART_OPTIONS_INIT;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (layout != NULL);

  if (options == NULL)
    options = &defaults;

  cairo_save (cr);
  set_color (cr, mpy_palette_get_background (options->dark), 1.0);
  cairo_paint (cr);

  cairo_save (cr);
  cairo_rectangle (cr, layout->plot_x, layout->plot_y, layout->plot_width, layout->plot_height);
  cairo_clip (cr);
  if (options->area)
    draw_area (cr, layout, options->dark);
  draw_series (cr, layout, options);
  cairo_restore (cr);

  draw_axes (cr, layout, options->dark);
  draw_legend (cr, layout, options, width);
  cairo_restore (cr);
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
_mpy_check_output_target (const char  *path,
                          GError     **error)
{
  GStatBuf st;

  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("“%s” is not a regular file"), display);
      return FALSE;
    }
  return TRUE;
}

gboolean
_mpy_write_file_atomically (const char   *path,
                            const guint8 *data,
                            gsize         len,
                            GError      **error)
{
  /* g_file_set_contents writes a temporary file in the same folder and renames it */
  return _mpy_check_output_target (path, error)
         && g_file_set_contents (path, (const char *) data, (gssize) len, error);
}

/**
 * mpy_chart_write_png:
 * @snapshots: (element-type MpySnapshot): the snapshots, in order
 * @options: (nullable): what to draw
 * @width: px
 * @height: px
 * @path: the PNG file
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @path was written (a temporary file, then rename).
 */
gboolean
mpy_chart_write_png (GPtrArray             *snapshots,
                     const MpyChartOptions *options,
                     int                    width,
                     int                    height,
                     const char            *path,
                     GError               **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (snapshots != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  mpy_chart_draw (cr, snapshots, options, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, append_png, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                   "Could not draw the chart for “%s”: %s", path, cairo_status_to_string (status));
      return FALSE;
    }
  if (!_mpy_write_file_atomically (path, png->data, png->len, &local_error))
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                   "Could not write the chart: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* mpy-chart-scale.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a chart over time needs apart from drawing: which figures it offers, their colours,
 * tick positions and labels, and the decimation that keeps a redraw of 10,000 points cheap.
 */

#include <math.h>

#include <glib/gi18n.h>

#include "mpy-chart-renderer.h"
#include "mpy-chart-scale.h"

typedef struct {
  MpyMetric metric;
  guint32   light;
  guint32   dark;
} SeriesInfo;

/* Okabe–Ito's colour-blind-safe set, and lighter shades for a dark background. */
static const SeriesInfo series_table[MPY_N_CHART_SERIES] = {
  [MPY_CHART_SERIES_USED]             = { MPY_METRIC_GC_USED,          0xd55e00, 0xff8c42 },
  [MPY_CHART_SERIES_FREE]             = { MPY_METRIC_GC_FREE,          0x009e73, 0x3ddbb0 },
  [MPY_CHART_SERIES_LARGEST_FREE_RUN] = { MPY_METRIC_LARGEST_FREE_RUN, 0x0072b2, 0x56b4e9 },
  [MPY_CHART_SERIES_FRAGMENTATION]    = { MPY_METRIC_FRAGMENTATION,    0xcc79a7, 0xe6a5cc },
  [MPY_CHART_SERIES_ONE_BLOCKS]       = { MPY_METRIC_ONE_BLOCKS,       0xe69f00, 0xf5c04a },
  [MPY_CHART_SERIES_TWO_BLOCKS]       = { MPY_METRIC_TWO_BLOCKS,       0x8a6d00, 0xf0e442 },
  [MPY_CHART_SERIES_MAX_BLOCK]        = { MPY_METRIC_MAX_BLOCK,        0x000000, 0xffffff },
  [MPY_CHART_SERIES_STACK_USED]       = { MPY_METRIC_STACK_USED,       0x6a5acd, 0xa99cff },
};

MpyMetric
mpy_chart_series_get_metric (MpyChartSeries series)
{
  g_return_val_if_fail (series < MPY_N_CHART_SERIES, MPY_METRIC_GC_USED);

  return series_table[series].metric;
}

guint32
mpy_chart_series_get_color (MpyChartSeries series,
                            gboolean       dark)
{
  g_return_val_if_fail (series < MPY_N_CHART_SERIES, 0);

  return dark ? series_table[series].dark : series_table[series].light;
}

gboolean
mpy_chart_series_is_bytes (MpyChartSeries series)
{
  MpyMetricUnit unit;

  g_return_val_if_fail (series < MPY_N_CHART_SERIES, FALSE);

  unit = mpy_metric_get_unit (series_table[series].metric);
  return unit == MPY_METRIC_UNIT_BYTES || unit == MPY_METRIC_UNIT_BLOCKS;
}

gboolean
mpy_chart_series_get_value (MpyChartSeries  series,
                            MpySnapshot    *snapshot,
                            const MpyStats *stats,
                            double         *value)
{
  MpyMetric metric;
  double v;

  g_return_val_if_fail (series < MPY_N_CHART_SERIES, FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);

  metric = series_table[series].metric;
  if (!mpy_metric_get_value (metric, snapshot, stats, &v))
    return FALSE;
  if (mpy_metric_get_unit (metric) == MPY_METRIC_UNIT_BLOCKS)
    {
      guint bpb = mpy_snapshot_get_bytes_per_block (snapshot);

      if (bpb == 0)
        return FALSE;
      v *= bpb;
    }
  if (value != NULL)
    *value = v;
  return TRUE;
}

static guint
count_ticks (double min,
             double max,
             double step,
             double *first)
{
  double f = ceil (min / step - 1e-9) * step;

  *first = f;
  if (f > max + step * 1e-9)
    return 0;
  return (guint) floor ((max - f) / step + 1e-9) + 1;
}

guint
mpy_chart_time_ticks (double  min,
                      double  max,
                      guint   max_ticks,
                      double *first,
                      double *step)
{
  static const double steps[] = {
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600,
    12 * 3600, 86400,
  };

  g_return_val_if_fail (first != NULL && step != NULL, 0);

  max_ticks = MAX (max_ticks, 2);
  if (!(max > min))
    max = min + 1;
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (count_ticks (min, max, steps[i], first) <= max_ticks)
      {
        *step = steps[i];
        return count_ticks (min, max, steps[i], first);
      }
  /* Beyond days: whole days at a 1-2-5 step. */
  *step = 86400;
  while (count_ticks (min, max, *step, first) > max_ticks)
    *step *= *step / 86400 == 1 || floor (log10 (*step / 86400)) == log10 (*step / 86400) ? 2 : 2.5;
  return count_ticks (min, max, *step, first);
}

double
mpy_chart_nice_ceiling (double max)
{
  static const double steps[] = { 1, 1.5, 2, 3, 4, 5, 6, 8, 10 };
  double magnitude;

  if (!(max > 0) || !isfinite (max))
    return 1;
  magnitude = pow (10, floor (log10 (max)));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * magnitude > max * (1 + 1e-12))
      return steps[i] * magnitude;
  return 10 * magnitude;
}

guint
mpy_chart_byte_ticks (double  top,
                      guint   max_ticks,
                      double *ticks)
{
  double unit = top >= 4.0 * 1024 * 1024 ? 1024.0 * 1024 : top >= 4096 ? 1024 : 1;
  guint n;

  g_return_val_if_fail (ticks != NULL || max_ticks == 0, 0);

  n = mpy_chart_nice_ticks (0, top / unit, max_ticks, ticks);
  for (guint i = 0; i < n; i++)
    ticks[i] *= unit;
  return n;
}

char *
mpy_chart_format_seconds (double seconds)
{
  /* Translators: durations on the timeline's axis (s, min, h, d) */
  if (fabs (seconds) < 120)
    return g_strdup_printf (_("%g s"), seconds);
  if (fabs (seconds) < 7200)
    return g_strdup_printf (_("%g min"), round (seconds / 6) / 10);
  if (fabs (seconds) < 2 * 86400)
    return g_strdup_printf (_("%g h"), round (seconds / 360) / 10);
  return g_strdup_printf (_("%g d"), round (seconds / 8640) / 10);
}

char *
mpy_chart_format_bytes (double bytes)
{
  if (fabs (bytes) < 1024)
    return g_strdup_printf ("%.0f B", bytes);
  if (fabs (bytes) < 1024 * 1024)
    return g_strdup_printf ("%g KiB", round (bytes / 102.4) / 10);
  return g_strdup_printf ("%g MiB", round (bytes / (1024 * 102.4)) / 10);
}

void
mpy_chart_decimate (const double *xs,
                    const double *ys,
                    gsize         n,
                    GArray       *columns)
{
  MpyChartColumn column = { NAN, 0, 0, 0, 0 };
  gboolean open = FALSE;

  g_return_if_fail (columns != NULL);
  g_return_if_fail (n == 0 || (xs != NULL && ys != NULL));

  for (gsize i = 0; i < n; i++)
    {
      double px = floor (xs[i]);
      double y = ys[i];

      if (isnan (y))
        {
          if (open)
            {
              MpyChartColumn gap = { NAN, 0, 0, 0, 0 };

              g_array_append_val (columns, column);
              g_array_append_val (columns, gap);
              open = FALSE;
            }
          continue;
        }
      if (open && px == column.x)
        {
          column.min = MIN (column.min, y);
          column.max = MAX (column.max, y);
          column.last = y;
          continue;
        }
      if (open)
        g_array_append_val (columns, column);
      column.x = px;
      column.first = column.min = column.max = column.last = y;
      open = TRUE;
    }
  if (open)
    g_array_append_val (columns, column);
}

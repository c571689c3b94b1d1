/* mpy-metric.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figure table: every figure of a snapshot once. The figures panel, the CLI's text and
 * JSON output and the renderer's header iterate it, so a figure has one key, one title and
 * one way of being formatted everywhere.
 */

#include <math.h>

#include <glib/gi18n-lib.h>

#include "mpy-metric.h"

typedef gboolean (*MetricGetter) (MpySnapshot    *snapshot,
                                  const MpyStats *stats,
                                  double         *value);

typedef struct {
  const char     *key;
  const char     *title;      /* N_(): translated on the way out */
  MpyMetricUnit   unit;
  MpyMetricGroup  group;
  int             figure;     /* the header figure it reads, or -1 */
  MetricGetter    get;        /* for the figures computed from others or from the map */
} MetricInfo;

static gboolean
get_stack_free_share (MpySnapshot    *snapshot,
                      const MpyStats *stats,
                      double         *value)
{
  guint64 used, limit;

  if (!mpy_snapshot_get_figure (snapshot, MPY_FIGURE_STACK_USED, &used) ||
      !mpy_snapshot_get_figure (snapshot, MPY_FIGURE_STACK_LIMIT, &limit) || limit == 0)
    return FALSE;
  *value = (double) (limit - MIN (used, limit)) / (double) limit;
  return TRUE;
}

static gboolean
get_gc_free_share (MpySnapshot    *snapshot,
                   const MpyStats *stats,
                   double         *value)
{
  guint64 free_bytes, total;

  if (!mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_FREE, &free_bytes) ||
      !mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_TOTAL, &total) ||
      total == 0 || free_bytes > total)
    return FALSE;
  *value = (double) free_bytes / (double) total;
  return TRUE;
}

static gboolean
get_bytes_per_block (MpySnapshot    *snapshot,
                     const MpyStats *stats,
                     double         *value)
{
  guint bpb = mpy_snapshot_get_bytes_per_block (snapshot);

  *value = bpb;
  return bpb > 0;
}

#define MAP_GETTER(name, expression)                      \
  static gboolean                                         \
  name (MpySnapshot    *snapshot,                         \
        const MpyStats *stats,                            \
        double         *value)                            \
  {                                                       \
    if (!mpy_snapshot_has_map (snapshot))                 \
      return FALSE;                                       \
    *value = (double) (expression);                       \
    return TRUE;                                          \
  }

MAP_GETTER (get_block_count, stats->n_blocks)
MAP_GETTER (get_area_count, mpy_snapshot_get_n_areas (snapshot))
MAP_GETTER (get_objects, stats->n_objects)
MAP_GETTER (get_free_holes, stats->free_holes)
MAP_GETTER (get_largest_free_run, stats->largest_free_run)
MAP_GETTER (get_fragmentation, stats->fragmentation)

static gboolean
get_largest_free_run_address (MpySnapshot    *snapshot,
                              const MpyStats *stats,
                              double         *value)
{
  if (!mpy_snapshot_has_map (snapshot) || stats->largest_free_run == 0)
    return FALSE;
  *value = (double) stats->largest_free_run_address;
  return TRUE;
}

/* The largest object one allocation can get without the heap growing: the longest free run
 * (gc_alloc() needs its blocks consecutive, in one area). */
static gboolean
get_largest_allocation (MpySnapshot    *snapshot,
                        const MpyStats *stats,
                        double         *value)
{
  if (!mpy_snapshot_has_map (snapshot) || stats->bytes_per_block == 0)
    return FALSE;
  *value = (double) stats->largest_free_run * (double) stats->bytes_per_block;
  return TRUE;
}

static gboolean
get_stack_use (MpySnapshot    *snapshot,
               const MpyStats *stats,
               double         *value)
{
  guint64 v;

  if (!mpy_snapshot_get_stack_use (snapshot, &v))
    return FALSE;
  *value = (double) v;
  return TRUE;
}

static gboolean
get_qstr_count (MpySnapshot    *snapshot,
                const MpyStats *stats,
                double         *value)
{
  guint64 count;

  if (!mpy_snapshot_get_qstr_info (snapshot, &count, NULL))
    return FALSE;
  *value = (double) count;
  return TRUE;
}

static gboolean
get_qstr_bytes (MpySnapshot    *snapshot,
                const MpyStats *stats,
                double         *value)
{
  guint64 bytes;

  if (!mpy_snapshot_get_qstr_info (snapshot, NULL, &bytes))
    return FALSE;
  *value = (double) bytes;
  return TRUE;
}

#define HEADER(key, title, unit, group, figure) \
  { key, title, MPY_METRIC_UNIT_##unit, MPY_METRIC_GROUP_##group, MPY_FIGURE_##figure, NULL }
#define DERIVED(key, title, unit, group, getter) \
  { key, title, MPY_METRIC_UNIT_##unit, MPY_METRIC_GROUP_##group, -1, getter }

static const MetricInfo metrics[MPY_N_METRICS] = {
  [MPY_METRIC_STACK_USED]       = HEADER ("stack_used", N_("Stack used"), BYTES, STACK, STACK_USED),
  [MPY_METRIC_STACK_LIMIT]      = HEADER ("stack_limit", N_("Stack limit"), BYTES, STACK, STACK_LIMIT),
  [MPY_METRIC_STACK_FREE_SHARE] = DERIVED ("stack_free_share", N_("Stack free"), RATIO, STACK,
                                           get_stack_free_share),
  [MPY_METRIC_STACK_USE]        = DERIVED ("stack_use", N_("Stack in use (stack_use())"), BYTES, STACK,
                                           get_stack_use),
  [MPY_METRIC_GC_TOTAL]         = HEADER ("gc_total", N_("Heap total"), BYTES, HEAP, GC_TOTAL),
  [MPY_METRIC_GC_USED]          = HEADER ("gc_used", N_("Heap used"), BYTES, HEAP, GC_USED),
  [MPY_METRIC_GC_FREE]          = HEADER ("gc_free", N_("Heap free"), BYTES, HEAP, GC_FREE),
  [MPY_METRIC_GC_FREE_SHARE]    = DERIVED ("gc_free_share", N_("Heap free share"), RATIO, HEAP,
                                           get_gc_free_share),
  [MPY_METRIC_MAX_NEW_SPLIT]    = HEADER ("max_new_split", N_("Max new split"), BYTES, HEAP,
                                          GC_MAX_NEW_SPLIT),
  [MPY_METRIC_ONE_BLOCKS]       = HEADER ("one_blocks", N_("1-block objects"), COUNT, HEAP, ONE_BLOCKS),
  [MPY_METRIC_TWO_BLOCKS]       = HEADER ("two_blocks", N_("2-block objects"), COUNT, HEAP, TWO_BLOCKS),
  [MPY_METRIC_MAX_BLOCK]        = HEADER ("max_block", N_("Largest object"), BLOCKS, HEAP, MAX_BLOCK),
  [MPY_METRIC_MAX_FREE]         = HEADER ("max_free", N_("Largest free block"), BLOCKS, HEAP, MAX_FREE),
  [MPY_METRIC_MEM_TOTAL]        = HEADER ("mem_total", N_("Allocated in total"), BYTES, ALLOC, MEM_TOTAL),
  [MPY_METRIC_MEM_CURRENT]      = HEADER ("mem_current", N_("Allocated now"), BYTES, ALLOC, MEM_CURRENT),
  [MPY_METRIC_MEM_PEAK]         = HEADER ("mem_peak", N_("Allocation peak"), BYTES, ALLOC, MEM_PEAK),
  [MPY_METRIC_BYTES_PER_BLOCK]  = DERIVED ("bytes_per_block", N_("Block size"), BYTES, MAP,
                                           get_bytes_per_block),
  [MPY_METRIC_BLOCK_COUNT]      = DERIVED ("block_count", N_("Blocks"), COUNT, MAP, get_block_count),
  [MPY_METRIC_AREA_COUNT]       = DERIVED ("area_count", N_("Heap areas"), COUNT, MAP, get_area_count),
  [MPY_METRIC_OBJECTS]          = DERIVED ("objects", N_("Objects"), COUNT, MAP, get_objects),
  [MPY_METRIC_FREE_HOLES]       = DERIVED ("free_holes", N_("Free holes"), COUNT, MAP, get_free_holes),
  [MPY_METRIC_LARGEST_FREE_RUN] = DERIVED ("largest_free_run", N_("Largest free run"), BLOCKS, MAP,
                                           get_largest_free_run),
  [MPY_METRIC_LARGEST_FREE_RUN_ADDRESS] = DERIVED ("largest_free_run_address", N_("Largest free run at"),
                                                   ADDRESS, MAP, get_largest_free_run_address),
  [MPY_METRIC_LARGEST_ALLOCATION] = DERIVED ("largest_allocation_bytes", N_("Largest allocation"), BYTES,
                                             MAP, get_largest_allocation),
  [MPY_METRIC_FRAGMENTATION]    = DERIVED ("fragmentation", N_("Fragmentation"), RATIO, MAP,
                                           get_fragmentation),
  [MPY_METRIC_QSTR_COUNT]       = DERIVED ("qstr_count", N_("Interned strings"), COUNT, QSTR, get_qstr_count),
  [MPY_METRIC_QSTR_BYTES]       = DERIVED ("qstr_bytes", N_("Interned string bytes"), BYTES, QSTR,
                                           get_qstr_bytes),
};

static const char *group_titles[MPY_N_METRIC_GROUPS] = {
  [MPY_METRIC_GROUP_STACK] = N_("Stack"),
  [MPY_METRIC_GROUP_HEAP]  = N_("Heap"),
  [MPY_METRIC_GROUP_ALLOC] = N_("Allocations"),
  [MPY_METRIC_GROUP_MAP]   = N_("Block map"),
  [MPY_METRIC_GROUP_QSTR]  = N_("Interned strings (qstr_info())"),
};

/**
 * mpy_metric_get_key:
 * @metric: a figure
 *
 * Returns: the figure's key: the JSON member of `stats --json` and of the `deltas` of
 *   `diff --json`, the key of the figures panel's row, the CSV column ("gc_used", …).
 */
const char *
mpy_metric_get_key (MpyMetric metric)
{
  g_return_val_if_fail (metric < MPY_N_METRICS, NULL);
  return metrics[metric].key;
}

/**
 * mpy_metric_get_title:
 * @metric: a figure
 *
 * Returns: the figure's translated title ("Heap used").
 */
const char *
mpy_metric_get_title (MpyMetric metric)
{
  g_return_val_if_fail (metric < MPY_N_METRICS, NULL);
  return _(metrics[metric].title);
}

/**
 * mpy_metric_get_unit:
 * @metric: a figure
 *
 * Returns: the unit of the figure's value.
 */
MpyMetricUnit
mpy_metric_get_unit (MpyMetric metric)
{
  g_return_val_if_fail (metric < MPY_N_METRICS, MPY_METRIC_UNIT_COUNT);
  return metrics[metric].unit;
}

/**
 * mpy_metric_get_group:
 * @metric: a figure
 *
 * Returns: which part of the dump the figure describes.
 */
MpyMetricGroup
mpy_metric_get_group (MpyMetric metric)
{
  g_return_val_if_fail (metric < MPY_N_METRICS, MPY_METRIC_GROUP_MAP);
  return metrics[metric].group;
}

/**
 * mpy_metric_group_get_title:
 * @group: a group of figures
 *
 * Returns: the group's translated heading ("Stack", "Heap", …).
 */
const char *
mpy_metric_group_get_title (MpyMetricGroup group)
{
  g_return_val_if_fail (group < MPY_N_METRIC_GROUPS, NULL);
  return _(group_titles[group]);
}

/**
 * mpy_metric_from_key:
 * @key: a figure key
 * @metric: (out): the figure
 *
 * Returns: %TRUE when @key names a figure of the table.
 */
gboolean
mpy_metric_from_key (const char *key,
                     MpyMetric  *metric)
{
  g_return_val_if_fail (key != NULL, FALSE);

  for (guint m = 0; m < MPY_N_METRICS; m++)
    if (g_str_equal (metrics[m].key, key))
      {
        if (metric != NULL)
          *metric = (MpyMetric) m;
        return TRUE;
      }
  return FALSE;
}

/**
 * mpy_metric_from_figure:
 * @figure: a header figure
 *
 * Returns: the figure of the table that reads @figure.
 */
MpyMetric
mpy_metric_from_figure (MpyFigure figure)
{
  for (guint m = 0; m < MPY_N_METRICS; m++)
    if (metrics[m].figure == (int) figure)
      return (MpyMetric) m;
  g_return_val_if_reached (MPY_METRIC_GC_TOTAL);
}

/**
 * mpy_metric_is_integer:
 * @metric: a figure
 *
 * Returns: %TRUE when the figure's value is a whole number.
 */
gboolean
mpy_metric_is_integer (MpyMetric metric)
{
  return mpy_metric_get_unit (metric) != MPY_METRIC_UNIT_RATIO;
}

/**
 * mpy_metric_has_delta:
 * @metric: a figure
 *
 * Returns: %FALSE for figures whose difference between two snapshots means nothing
 *   (addresses).
 */
gboolean
mpy_metric_has_delta (MpyMetric metric)
{
  return mpy_metric_get_unit (metric) != MPY_METRIC_UNIT_ADDRESS;
}

/**
 * mpy_metric_get_value:
 * @metric: a figure
 * @snapshot: a snapshot
 * @stats: mpy_stats_compute() of @snapshot
 * @value: (out): the figure's value
 *
 * Returns: %FALSE when @snapshot does not have the figure (the dump did not print it, or
 *   it comes from a map the dump does not have).
 */
gboolean
mpy_metric_get_value (MpyMetric       metric,
                      MpySnapshot    *snapshot,
                      const MpyStats *stats,
                      double         *value)
{
  const MetricInfo *info;
  double v = 0;
  gboolean have;

  g_return_val_if_fail (metric < MPY_N_METRICS, FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  info = &metrics[metric];
  if (info->figure >= 0)
    {
      guint64 figure;

      have = mpy_snapshot_get_figure (snapshot, (MpyFigure) info->figure, &figure);
      v = (double) figure;
    }
  else
    have = info->get (snapshot, stats, &v);
  if (have && value != NULL)
    *value = v;
  return have;
}

/**
 * mpy_metric_get_delta:
 * @metric: a figure
 * @diff: a diff
 * @delta: (out): after − before
 *
 * Returns: %FALSE when either snapshot of @diff lacks the figure, or the figure has no
 *   delta (see mpy_metric_has_delta()).
 */
gboolean
mpy_metric_get_delta (MpyMetric  metric,
                      MpyDiff   *diff,
                      double    *delta)
{
  MpySnapshot *before, *after;
  MpyStats before_stats, after_stats;
  double a, b;

  g_return_val_if_fail (diff != NULL, FALSE);

  if (!mpy_metric_has_delta (metric))
    return FALSE;
  before = mpy_diff_get_before (diff);
  after = mpy_diff_get_after (diff);
  mpy_stats_compute (before, &before_stats);
  mpy_stats_compute (after, &after_stats);
  if (!mpy_metric_get_value (metric, before, &before_stats, &b) ||
      !mpy_metric_get_value (metric, after, &after_stats, &a))
    return FALSE;
  if (delta != NULL)
    *delta = a - b;
  return TRUE;
}

static char *
format_bytes (guint64 bytes)
{
  g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);
  g_autofree char *human = NULL;

  if (bytes < 1024)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\u00a0byte", "%s\u00a0bytes", bytes), n);
  human = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: a byte count and the same in KiB or MiB, "10048 bytes (9.8 KiB)" */
  return g_strdup_printf (_("%s\u00a0bytes (%s)"), n, human);
}

/**
 * mpy_metric_unit_format_value:
 * @unit: a unit
 * @value: a value in @unit
 * @bytes_per_block: the block size, to give a block count in bytes too; 0 for none
 *
 * Returns: (transfer full): @value as text for a human, translated.
 */
char *
mpy_metric_unit_format_value (MpyMetricUnit unit,
                              double        value,
                              guint         bytes_per_block)
{
  guint64 n = value > 0 ? (guint64) value : 0;
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, n);

  switch (unit)
    {
    case MPY_METRIC_UNIT_BYTES:
      return format_bytes (n);
    case MPY_METRIC_UNIT_BLOCKS:
      if (bytes_per_block > 0)
        {
          g_autofree char *bytes = format_bytes (n * bytes_per_block);

          /* Translators: a block count and its bytes, "12 blocks, 192 bytes" */
          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\u00a0block, %s",
                                               "%s\u00a0blocks, %s", n), number, bytes);
        }
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\u00a0block", "%s\u00a0blocks", n),
                              number);
    case MPY_METRIC_UNIT_RATIO:
      /* Translators: a percentage, "12.5 %" */
      return g_strdup_printf (_("%.1f %%"), 100.0 * value);
    case MPY_METRIC_UNIT_ADDRESS:
      return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", n);
    case MPY_METRIC_UNIT_COUNT:
    default:
      return g_steal_pointer (&number);
    }
}

/**
 * mpy_metric_format_value:
 * @metric: a figure
 * @value: a value of it
 * @bytes_per_block: the block size, to give a block count in bytes too; 0 for none
 *
 * Returns: (transfer full): @value as text for a human, translated.
 */
char *
mpy_metric_format_value (MpyMetric metric,
                         double    value,
                         guint     bytes_per_block)
{
  return mpy_metric_unit_format_value (mpy_metric_get_unit (metric), value, bytes_per_block);
}

/**
 * mpy_metric_format_number:
 * @metric: a figure
 * @value: a value of it
 *
 * Returns: (transfer full): @value as a plain number for a table cell, untranslated:
 *   decimal, addresses in hex, ratios as a percentage with one decimal ("12.5%").
 */
char *
mpy_metric_format_number (MpyMetric metric,
                          double    value)
{
  switch (mpy_metric_get_unit (metric))
    {
    case MPY_METRIC_UNIT_RATIO:
      return g_strdup_printf ("%.1f%%", 100.0 * value);
    case MPY_METRIC_UNIT_ADDRESS:
      return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", (guint64) value);
    default:
      return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);
    }
}

/**
 * mpy_metric_format_delta:
 * @metric: a figure
 * @delta: a difference of two values of it
 *
 * Returns: (transfer full): @delta with its sign: "+12", "-3"; percentage points with one
 *   decimal for ratios ("+1.5").
 */
char *
mpy_metric_format_delta (MpyMetric metric,
                         double    delta)
{
  if (mpy_metric_get_unit (metric) == MPY_METRIC_UNIT_RATIO)
    {
      /* Rounded first, so that a tiny fall reads "+0.0", not "-0.0". */
      double points = round (1000.0 * delta) / 10.0;

      return g_strdup_printf ("%+.1f", points == 0 ? 0.0 : points);
    }
  return g_strdup_printf ("%+" G_GINT64_FORMAT, (gint64) delta);
}

/**
 * mpy_metric_describe:
 * @metric: a figure
 * @snapshot: a snapshot
 * @stats: mpy_stats_compute() of @snapshot
 * @diff: (nullable): a diff whose "after" is @snapshot, for the delta
 *
 * Returns: (transfer full) (nullable): the figure as text for a human, "value (Δ +n)" in
 *   diff mode, or %NULL when @snapshot does not have it.
 */
char *
mpy_metric_describe (MpyMetric       metric,
                     MpySnapshot    *snapshot,
                     const MpyStats *stats,
                     MpyDiff        *diff)
{
  g_autofree char *text = NULL;
  g_autofree char *d = NULL;
  double value, delta;

  if (!mpy_metric_get_value (metric, snapshot, stats, &value))
    return NULL;
  text = mpy_metric_format_value (metric, value, mpy_snapshot_get_bytes_per_block (snapshot));
  if (metric == MPY_METRIC_LARGEST_ALLOCATION)
    {
      guint64 split;

      /* Where the port can grow its heap (ESP32-class), one allocation can get more. */
      if (mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_MAX_NEW_SPLIT, &split))
        {
          g_autofree char *grow = mpy_metric_unit_format_value (MPY_METRIC_UNIT_BYTES, (double) split, 0);
          g_autofree char *plain = g_steal_pointer (&text);

          /* Translators: the largest allocation, and how much the heap can still grow,
           * "4096 bytes (4.0 KiB); max new split 8192 bytes (8.0 KiB)" */
          text = g_strdup_printf (_("%s; max new split %s"), plain, grow);
        }
    }
  if (diff == NULL || !mpy_metric_get_delta (metric, diff, &delta))
    return g_steal_pointer (&text);
  d = mpy_metric_format_delta (metric, delta);
  /* Translators: a figure and its change since the earlier snapshot, "1024 bytes (Δ +32)" */
  return g_strdup_printf (_("%s (Δ\u00a0%s)"), text, d);
}

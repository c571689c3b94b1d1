/* mpy-timeline.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The series are kept apart from the drawing: points[] holds the values of every snapshot,
 * computed once when its item arrives; the chart is drawn into a cached render node and
 * redrawn only when the points, the selection, the series or the size change. Hover paints
 * over the cached node. Lines go through mpy_chart_decimate(), so a redraw costs the width
 * in pixels, not the number of snapshots.
 *
 * This file: the GObject, its properties, following the model, the layout. The drawing is in
 * mpy-timeline-draw.c, hit test and input in mpy-timeline-input.c.
 */

#include <math.h>

#include "mpy-chart-renderer.h"
#include "mpy-metric.h"
#include "mpy-snapshot.h"
#include "mpy-stats.h"
#include "mpy-timeline-private.h"

G_DEFINE_FINAL_TYPE (MpyTimeline, mpy_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_BY_TIME,
  PROP_SHOW_AREA,
  PROP_SERIES_FIRST,
  N_PROPS = PROP_SERIES_FIRST + MPY_N_CHART_SERIES
};

static GParamSpec *properties[N_PROPS];

/* ---- the series ------------------------------------------------------------------------ */

const char *
mpy_timeline_series_property (MpyChartSeries series)
{
  static const char *names[MPY_N_CHART_SERIES];

  g_return_val_if_fail (series < MPY_N_CHART_SERIES, NULL);

  if (names[series] == NULL)
    {
      g_autofree char *name = g_strconcat ("show-", mpy_metric_get_key (mpy_chart_series_get_metric (series)), NULL);

      g_strdelimit (name, "_", '-');
      names[series] = g_intern_string (name);
    }
  return names[series];
}

/* The board's own clock where the dump said (a named log), else when it was captured. */
GDateTime *
_mpy_timeline_snapshot_time (MpySnapshot *snapshot)
{
  GDateTime *board = mpy_snapshot_get_board_time (snapshot);

  return board != NULL ? board : mpy_snapshot_get_time (snapshot);
}

static void
compute_point (Point       *point,
               MpySnapshot *snapshot)
{
  MpyStats stats;
  GDateTime *time = snapshot ? _mpy_timeline_snapshot_time (snapshot) : NULL;

  point->time_us = time ? g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time)
                        : G_MININT64;
  point->bytes_per_block = snapshot ? mpy_snapshot_get_bytes_per_block (snapshot) : 0;
  if (snapshot != NULL)
    mpy_stats_compute (snapshot, &stats);
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    {
      double value;

      if (snapshot != NULL && mpy_chart_series_get_value (s, snapshot, &stats, &value))
        point->values[s] = value;
      else
        point->values[s] = NAN;
    }
}

MpySnapshot *
_mpy_timeline_item_dup_snapshot (gpointer item)
{
  MpySnapshot *snapshot = NULL;

  if (item != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (item), "snapshot") != NULL)
    g_object_get (item, "snapshot", &snapshot, NULL);
  return snapshot;
}

static void
items_changed_cb (MpyTimeline *self,
                  guint        position,
                  guint        removed,
                  guint        added,
                  GListModel  *model)
{
  g_array_remove_range (self->points, position, MIN (removed, self->points->len - position));
  if (added > 0)
    {
      g_autofree Point *fresh = g_new0 (Point, added);

      for (guint i = 0; i < added; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (model, position + i);
          g_autoptr(MpySnapshot) snapshot = _mpy_timeline_item_dup_snapshot (item);

          compute_point (&fresh[i], snapshot);
        }
      g_array_insert_vals (self->points, position, fresh, added);
    }

  if (self->hovered >= (int) self->points->len)
    self->hovered = -1;
  if (self->cursor >= (int) self->points->len)
    self->cursor = (int) self->points->len - 1;
  if (self->anchor >= (int) self->points->len)
    self->anchor = -1;
  _mpy_timeline_invalidate_layout (self);
}

/* The selection is painted over the cached chart: no redraw of the chart. */
static void
selection_changed_cb (MpyTimeline       *self,
                      guint              position,
                      guint              n_items,
                      GtkSelectionModel *model)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The whole model again (a new model). */
static void
reload (MpyTimeline *self)
{
  g_array_set_size (self->points, 0);
  if (self->model != NULL)
    items_changed_cb (self, 0, 0, g_list_model_get_n_items (G_LIST_MODEL (self->model)),
                      G_LIST_MODEL (self->model));
  else
    _mpy_timeline_invalidate_layout (self);
}

/* ---- layout ------------------------------------------------------------------------------ */

static gboolean
can_use_time (MpyTimeline *self)
{
  const Point *p = (const Point *) self->points->data;
  guint n = self->points->len;

  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (p[i].time_us == G_MININT64 || (i > 0 && p[i].time_us < p[i - 1].time_us))
      return FALSE;
  return p[n - 1].time_us > p[0].time_us;
}

/* The top of the byte axis: the data's maximum, or the next tick above it, so that the
 * highest point meets a labelled line; and its ticks (at most 6). */
static void
compute_byte_axis (MpyTimeline *self)
{
  double top = self->byte_max > 0 ? self->byte_max : 1024;
  double *ticks = self->byte_ticks;
  guint n = mpy_chart_byte_ticks (top, 5, ticks);   /* whole KiB or MiB, as the CLI's chart */

  if (n >= 2 && ticks[n - 1] < top)
    {
      double step = ticks[1] - ticks[0];

      top = ticks[n - 1] + step;
      if (n < 6)
        ticks[n++] = top;
    }
  self->n_byte_ticks = n;
  self->byte_top = top;
}

/* The envelope of @series (or of the area's tops: @area 1 used, 2 used + free) in pixel
 * columns: y of each point, decimated to at most one MpyChartColumn per pixel column. */
static void
compute_columns (MpyTimeline    *self,
                 int             series,
                 guint           area,
                 double         *ys,
                 GArray         *columns)
{
  const Point *p = (const Point *) self->points->data;
  guint n = self->points->len;
  double top = area || mpy_chart_series_is_bytes (series) ? self->byte_top : self->own_max[series];
  double y0 = self->plot.origin.y + self->plot.size.height;
  double k = top > 0 ? self->plot.size.height / top : 0;   /* as _mpy_timeline_value_y() */

  for (guint i = 0; i < n; i++)
    {
      double used = p[i].values[MPY_CHART_SERIES_USED];
      double v;

      if (area == 1)
        v = isnan (p[i].values[MPY_CHART_SERIES_FREE]) ? NAN : used;
      else if (area == 2)
        v = used + p[i].values[MPY_CHART_SERIES_FREE];
      else
        v = p[i].values[series];
      ys[i] = isnan (v) ? NAN : y0 - CLAMP (v * k, 0.0, self->plot.size.height);
    }
  g_array_set_size (columns, 0);
  mpy_chart_decimate ((const double *) self->xs->data, ys, n, columns);
}

static void
compute_layout (MpyTimeline *self,
                double       width,
                double       height)
{
  const Point *p = (const Point *) self->points->data;
  guint n = self->points->len;
  g_autofree double *ys = g_new (double, MAX (n, 1));

  self->plot = GRAPHENE_RECT_INIT (AXIS_WIDTH, MARGIN_TOP,
                                   MAX (1.0, width - AXIS_WIDTH - MARGIN_RIGHT),
                                   MAX (1.0, height - MARGIN_TOP - AXIS_HEIGHT));
  self->x_is_time = self->by_time && can_use_time (self);

  g_array_set_size (self->xs, n);
  for (guint i = 0; i < n; i++)
    {
      double f;

      if (n == 1)
        f = 0.5;
      else if (self->x_is_time)
        f = (double) (p[i].time_us - p[0].time_us) / (double) (p[n - 1].time_us - p[0].time_us);
      else
        f = (double) i / (double) (n - 1);
      g_array_index (self->xs, double, i) = self->plot.origin.x + f * self->plot.size.width;
    }

  self->byte_max = 0;
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    self->own_max[s] = 0;
  for (guint i = 0; i < n; i++)
    {
      double used = p[i].values[MPY_CHART_SERIES_USED];
      double free_ = p[i].values[MPY_CHART_SERIES_FREE];

      if (self->show_area && !isnan (used) && !isnan (free_))
        self->byte_max = MAX (self->byte_max, used + free_);
      for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
        {
          double v = p[i].values[s];

          if (isnan (v))
            continue;
          if (mpy_chart_series_is_bytes (s))
            {
              if (self->visible[s])
                self->byte_max = MAX (self->byte_max, v);
            }
          else
            self->own_max[s] = MAX (self->own_max[s], v);
        }
    }
  /* Counts up to a round number (one snapshot's are not pinned to the top edge); a share
   * always 0 … 100 %. */
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    if (!mpy_chart_series_is_bytes (s) && self->own_max[s] > 0)
      self->own_max[s] = mpy_chart_nice_ceiling (self->own_max[s]);
  if (self->own_max[MPY_CHART_SERIES_FRAGMENTATION] > 0)
    self->own_max[MPY_CHART_SERIES_FRAGMENTATION] = 1.0;
  compute_byte_axis (self);

  for (guint a = 0; a < 2; a++)
    {
      g_array_set_size (self->area_columns[a], 0);
      if (self->show_area)
        compute_columns (self, -1, a + 1, ys, self->area_columns[a]);
    }
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    {
      g_array_set_size (self->line_columns[s], 0);
      if (self->visible[s])
        compute_columns (self, s, 0, ys, self->line_columns[s]);
    }
}

/* The layout for the widget's size, computed when the points, the size or what is shown
 * changed since the last time. */
void
_mpy_timeline_ensure_layout (MpyTimeline *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->layout_valid && width == self->layout_width && height == self->layout_height)
    return;
  compute_layout (self, width, height);
  self->layout_valid = TRUE;
  self->layout_width = width;
  self->layout_height = height;
  /* The chart drawn for the old layout is stale. */
  g_clear_pointer (&self->cache_under, gsk_render_node_unref);
  g_clear_pointer (&self->cache_over, gsk_render_node_unref);
}

void
_mpy_timeline_invalidate_layout (MpyTimeline *self)
{
  self->layout_valid = FALSE;
  g_clear_pointer (&self->cache_under, gsk_render_node_unref);
  g_clear_pointer (&self->cache_over, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
_mpy_timeline_value_y (MpyTimeline    *self,
                       MpyChartSeries  series,
                       double          value,
                       double          byte_top)
{
  double top = mpy_chart_series_is_bytes (series) ? byte_top : self->own_max[series];
  double f = top > 0 ? value / top : 0;

  return self->plot.origin.y + self->plot.size.height * (1.0 - CLAMP (f, 0.0, 1.0));
}

static void
mpy_timeline_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 200;   /* it takes the width it is given; asking for more widens the window */
    }
  else
    {
      /* Small enough that the window's own minimum height does not grow (at 800×600 it
       * gets its natural height). */
      *minimum = 60;
      *natural = 110;
    }
}

static void
mpy_timeline_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  /* The hit test works before the first frame too; an allocation of the same size (the
   * window laid out again around the timeline) keeps the layout. */
  _mpy_timeline_ensure_layout (MPY_TIMELINE (widget));
}

/* ---- properties -------------------------------------------------------------------------- */

GtkWidget *
mpy_timeline_new (void)
{
  return g_object_new (MPY_TYPE_TIMELINE, NULL);
}

void
mpy_timeline_set_model (MpyTimeline       *self,
                        GtkSelectionModel *model)
{
  g_return_if_fail (MPY_IS_TIMELINE (self));
  g_return_if_fail (model == NULL || GTK_IS_SELECTION_MODEL (model));

  if (!g_set_object (&self->model, model))
    return;
  g_signal_group_set_target (self->list_signals, model);
  g_signal_group_set_target (self->selection_signals, model);
  self->cursor = -1;
  self->anchor = -1;
  self->hovered = -1;
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

GtkSelectionModel *
mpy_timeline_get_model (MpyTimeline *self)
{
  g_return_val_if_fail (MPY_IS_TIMELINE (self), NULL);

  return self->model;
}

void
mpy_timeline_set_by_time (MpyTimeline *self,
                          gboolean     by_time)
{
  g_return_if_fail (MPY_IS_TIMELINE (self));

  by_time = !!by_time;
  if (by_time == self->by_time)
    return;
  self->by_time = by_time;
  _mpy_timeline_invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BY_TIME]);
}

gboolean
mpy_timeline_get_by_time (MpyTimeline *self)
{
  g_return_val_if_fail (MPY_IS_TIMELINE (self), FALSE);

  return self->by_time;
}

gboolean
mpy_timeline_get_x_is_time (MpyTimeline *self)
{
  g_return_val_if_fail (MPY_IS_TIMELINE (self), FALSE);

  return self->by_time && can_use_time (self);
}

static void
set_show_area (MpyTimeline *self,
               gboolean     show)
{
  show = !!show;
  if (show == self->show_area)
    return;
  self->show_area = show;
  _mpy_timeline_invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_AREA]);
}

void
mpy_timeline_set_series_visible (MpyTimeline    *self,
                                 MpyChartSeries  series,
                                 gboolean        visible)
{
  g_return_if_fail (MPY_IS_TIMELINE (self));
  g_return_if_fail (series < MPY_N_CHART_SERIES);

  visible = !!visible;
  if (visible == self->visible[series])
    return;
  self->visible[series] = visible;
  _mpy_timeline_invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIES_FIRST + series]);
}

gboolean
mpy_timeline_get_series_visible (MpyTimeline    *self,
                                 MpyChartSeries  series)
{
  g_return_val_if_fail (MPY_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (series < MPY_N_CHART_SERIES, FALSE);

  return self->visible[series];
}

guint
mpy_timeline_get_n_points (MpyTimeline *self)
{
  g_return_val_if_fail (MPY_IS_TIMELINE (self), 0);

  return self->points->len;
}

static void
mpy_timeline_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MpyTimeline *self = MPY_TIMELINE (object);

  if (prop_id >= PROP_SERIES_FIRST && prop_id < N_PROPS)
    {
      g_value_set_boolean (value, self->visible[prop_id - PROP_SERIES_FIRST]);
      return;
    }
  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_BY_TIME:
      g_value_set_boolean (value, self->by_time);
      break;
    case PROP_SHOW_AREA:
      g_value_set_boolean (value, self->show_area);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_timeline_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  MpyTimeline *self = MPY_TIMELINE (object);

  if (prop_id >= PROP_SERIES_FIRST && prop_id < N_PROPS)
    {
      mpy_timeline_set_series_visible (self, prop_id - PROP_SERIES_FIRST, g_value_get_boolean (value));
      return;
    }
  switch (prop_id)
    {
    case PROP_MODEL:
      mpy_timeline_set_model (self, g_value_get_object (value));
      break;
    case PROP_BY_TIME:
      mpy_timeline_set_by_time (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_AREA:
      set_show_area (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_timeline_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  MpyTimeline *self = MPY_TIMELINE (widget);

  GTK_WIDGET_CLASS (mpy_timeline_parent_class)->css_changed (widget, change);
  /* Colours and fonts: the same layout, drawn again. */
  g_clear_pointer (&self->cache_under, gsk_render_node_unref);
  g_clear_pointer (&self->cache_over, gsk_render_node_unref);
  gtk_widget_queue_draw (widget);
}

static void
mpy_timeline_dispose (GObject *object)
{
  MpyTimeline *self = MPY_TIMELINE (object);

  if (self->list_signals != NULL)
    g_signal_group_set_target (self->list_signals, NULL);
  if (self->selection_signals != NULL)
    g_signal_group_set_target (self->selection_signals, NULL);
  g_clear_object (&self->model);
  g_clear_object (&self->list_signals);
  g_clear_object (&self->selection_signals);
  g_clear_pointer (&self->cache_under, gsk_render_node_unref);
  g_clear_pointer (&self->cache_over, gsk_render_node_unref);

  G_OBJECT_CLASS (mpy_timeline_parent_class)->dispose (object);
}

static void
mpy_timeline_finalize (GObject *object)
{
  MpyTimeline *self = MPY_TIMELINE (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->xs, g_array_unref);
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    g_clear_pointer (&self->line_columns[s], g_array_unref);
  for (guint a = 0; a < 2; a++)
    g_clear_pointer (&self->area_columns[a], g_array_unref);

  G_OBJECT_CLASS (mpy_timeline_parent_class)->finalize (object);
}

static void
mpy_timeline_class_init (MpyTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mpy_timeline_dispose;
  object_class->finalize = mpy_timeline_finalize;
  object_class->get_property = mpy_timeline_get_property;
  object_class->set_property = mpy_timeline_set_property;

  widget_class->snapshot = _mpy_timeline_snapshot;
  widget_class->measure = mpy_timeline_measure;
  widget_class->size_allocate = mpy_timeline_size_allocate;
  widget_class->css_changed = mpy_timeline_css_changed;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, GTK_TYPE_SELECTION_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BY_TIME] =
    g_param_spec_boolean ("by-time", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_AREA] =
    g_param_spec_boolean ("show-area", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    properties[PROP_SERIES_FIRST + s] =
      g_param_spec_boolean (mpy_timeline_series_property (s), NULL, NULL,
                            s == MPY_CHART_SERIES_USED || s == MPY_CHART_SERIES_LARGEST_FREE_RUN,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "timeline");
}

static void
mpy_timeline_init (MpyTimeline *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (Point));
  self->xs = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    self->line_columns[s] = g_array_new (FALSE, FALSE, sizeof (MpyChartColumn));
  for (guint a = 0; a < 2; a++)
    self->area_columns[a] = g_array_new (FALSE, FALSE, sizeof (MpyChartColumn));
  self->by_time = TRUE;
  self->show_area = TRUE;
  self->visible[MPY_CHART_SERIES_USED] = TRUE;
  self->visible[MPY_CHART_SERIES_LARGEST_FREE_RUN] = TRUE;
  self->hovered = -1;
  self->cursor = -1;
  self->anchor = -1;
  self->drag_first = -1;
  self->drag_last = -1;

  self->list_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_object (self->list_signals, "items-changed", G_CALLBACK (items_changed_cb),
                                 self, G_CONNECT_SWAPPED);
  self->selection_signals = g_signal_group_new (GTK_TYPE_SELECTION_MODEL);
  g_signal_group_connect_object (self->selection_signals, "selection-changed",
                                 G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  _mpy_timeline_init_input (self);
}

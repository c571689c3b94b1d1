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
 */

#include <math.h>

#include <glib/gi18n.h>

#include "mpy-chart-renderer.h"
#include "mpy-metric.h"
#include "mpy-snapshot.h"
#include "mpy-stats.h"
#include "mpy-theme.h"
#include "mpy-timeline.h"

#define AXIS_WIDTH    58.0   /* left: byte labels */
#define AXIS_HEIGHT   18.0   /* bottom: index or time labels */
#define MARGIN_TOP     8.0
#define MARGIN_RIGHT  10.0
#define DRAG_THRESHOLD 4.0

typedef struct {
  gint64 time_us;                      /* board or capture time; G_MININT64 when none */
  double values[MPY_N_CHART_SERIES];   /* NAN when the snapshot lacks the figure */
  guint  bytes_per_block;
} Point;

struct _MpyTimeline
{
  GtkWidget          parent_instance;

  GtkSelectionModel *model;
  GSignalGroup      *list_signals;       /* items-changed (a GListModel signal) */
  GSignalGroup      *selection_signals;  /* selection-changed */
  GArray            *points;            /* Point, one per item */
  gboolean           visible[MPY_N_CHART_SERIES];
  gboolean           by_time;
  gboolean           show_area;

  /* Layout of the last draw (what the hit test uses). */
  GArray            *xs;                /* double: x of each point, in widget pixels */
  graphene_rect_t    plot;
  gboolean           x_is_time;
  double             byte_max;
  double             own_max[MPY_N_CHART_SERIES];

  GskRenderNode     *cache;
  int                cache_width;
  int                cache_height;

  int                hovered;
  int                cursor;            /* keyboard position; -1 before the first */
  int                anchor;            /* Shift extends from here */
  gboolean           dragging;
  int                drag_first;
  int                drag_last;
  double             drag_start_x;
  double             drag_start_y;
};

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
static GDateTime *
snapshot_time (MpySnapshot *snapshot)
{
  GDateTime *board = mpy_snapshot_get_board_time (snapshot);

  return board != NULL ? board : mpy_snapshot_get_time (snapshot);
}

static void
compute_point (Point       *point,
               MpySnapshot *snapshot)
{
  MpyStats stats;
  GDateTime *time = snapshot ? snapshot_time (snapshot) : NULL;

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

static MpySnapshot *
item_dup_snapshot (gpointer item)
{
  MpySnapshot *snapshot = NULL;

  if (item != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (item), "snapshot") != NULL)
    g_object_get (item, "snapshot", &snapshot, NULL);
  return snapshot;
}

static void
invalidate (MpyTimeline *self)
{
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
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
          g_autoptr(MpySnapshot) snapshot = item_dup_snapshot (item);

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
  invalidate (self);
}

static void
selection_changed_cb (MpyTimeline       *self,
                      guint              position,
                      guint              n_items,
                      GtkSelectionModel *model)
{
  invalidate (self);
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
    invalidate (self);
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

static void
compute_layout (MpyTimeline *self,
                double       width,
                double       height)
{
  const Point *p = (const Point *) self->points->data;
  guint n = self->points->len;

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
  if (self->own_max[MPY_CHART_SERIES_FRAGMENTATION] > 0)
    self->own_max[MPY_CHART_SERIES_FRAGMENTATION] = 1.0;   /* a share: always 0 … 100 % */
}

/* The top of the byte axis: the data's maximum, or the next tick above it, so that the
 * highest point meets a labelled line. Fills @ticks (at most 6) and their count. */
static double
byte_axis_top (MpyTimeline *self,
               double      *ticks,
               guint       *n_ticks)
{
  double top = self->byte_max > 0 ? self->byte_max : 1024;
  guint n = mpy_chart_nice_ticks (0, top, 5, ticks);

  if (n >= 2 && ticks[n - 1] < top)
    {
      double step = ticks[1] - ticks[0];

      top = ticks[n - 1] + step;
      if (n < 6)
        ticks[n++] = top;
    }
  *n_ticks = n;
  return top;
}

static double
value_y (MpyTimeline    *self,
         MpyChartSeries  series,
         double          value,
         double          byte_top)
{
  double top = mpy_chart_series_is_bytes (series) ? byte_top : self->own_max[series];
  double f = top > 0 ? value / top : 0;

  return self->plot.origin.y + self->plot.size.height * (1.0 - CLAMP (f, 0.0, 1.0));
}

/* ---- drawing ----------------------------------------------------------------------------- */

static gboolean
is_dark (GtkWidget *widget,
         GdkRGBA   *fg)
{
  mpy_theme_get_foreground (widget, fg);
  return mpy_theme_wants_dark_palette (widget);
}

static void
set_rgb (cairo_t *cr,
         guint32  rgb,
         double   alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0, alpha);
}

/* The decimated line through the columns: one vertex per pixel column (where the line
 * leaves it), so the path never doubles back and Cairo's stroker and tessellator stay fast;
 * with @to_baseline the area under the columns' highest value. A column whose points span
 * more than a pixel gets that span as a bar (path_spans()). */
static void
path_columns (cairo_t *cr,
              GArray  *columns,
              gboolean to_baseline,
              double   baseline)
{
  gboolean open = FALSE;
  double last_x = 0;

  for (guint c = 0; c < columns->len; c++)
    {
      const MpyChartColumn *col = &g_array_index (columns, MpyChartColumn, c);
      double x = col->x + 0.5;
      double y = to_baseline ? col->min : col->last;   /* y grows downwards: min is the top */

      if (isnan (col->x))
        {
          if (open && to_baseline)
            {
              cairo_line_to (cr, last_x, baseline);
              cairo_close_path (cr);
            }
          open = FALSE;
          continue;
        }
      if (!open)
        {
          if (to_baseline)
            {
              cairo_move_to (cr, x, baseline);
              cairo_line_to (cr, x, y);
            }
          else
            cairo_move_to (cr, x, col->first);
          open = TRUE;
        }
      cairo_line_to (cr, x, y);
      last_x = x;
    }
  if (open && to_baseline)
    {
      cairo_line_to (cr, last_x, baseline);
      cairo_close_path (cr);
    }
}

static void
path_spans (cairo_t *cr,
            GArray  *columns)
{
  for (guint c = 0; c < columns->len; c++)
    {
      const MpyChartColumn *col = &g_array_index (columns, MpyChartColumn, c);

      if (!isnan (col->x) && col->max - col->min > 1.0)
        cairo_rectangle (cr, col->x, col->min, 1.0, col->max - col->min);
    }
}

static void
series_columns (MpyTimeline    *self,
                MpyChartSeries  series,
                double          byte_top,
                gboolean        stacked_on_used,
                double         *ys,
                GArray         *columns)
{
  const Point *p = (const Point *) self->points->data;
  guint n = self->points->len;

  for (guint i = 0; i < n; i++)
    {
      double v = p[i].values[series];

      if (stacked_on_used)
        v = isnan (v) || isnan (p[i].values[MPY_CHART_SERIES_USED]) ? NAN : v + p[i].values[MPY_CHART_SERIES_USED];
      ys[i] = isnan (v) ? NAN : value_y (self, series, v, byte_top);
    }
  g_array_set_size (columns, 0);
  mpy_chart_decimate ((const double *) self->xs->data, ys, n, columns);
}

static void
draw_text (GtkWidget   *widget,
           cairo_t     *cr,
           const char  *text,
           double       x,
           double       y,
           double       xalign)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 8");
  int w, h;

  pango_layout_set_font_description (layout, font);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

static void
draw_chart (MpyTimeline *self,
            cairo_t     *cr,
            double       width,
            double       height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n = self->points->len;
  GdkRGBA fg;
  gboolean dark = is_dark (widget, &fg);
  const graphene_rect_t *plot = &self->plot;
  double baseline = plot->origin.y + plot->size.height;
  double first, step, byte_top;
  double ticks[6];
  guint n_ticks;
  g_autofree double *ys = NULL;
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (MpyChartColumn));

  compute_layout (self, width, height);
  byte_top = byte_axis_top (self, ticks, &n_ticks);

  /* Grid and byte axis. */
  cairo_set_line_width (cr, 1);
  for (guint t = 0; t < n_ticks; t++)
    {
      double v = ticks[t];
      double y = round (baseline - plot->size.height * v / byte_top) + 0.5;
      g_autofree char *text = mpy_chart_format_bytes (v);

      gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.12 });
      cairo_move_to (cr, plot->origin.x, y);
      cairo_line_to (cr, plot->origin.x + plot->size.width, y);
      cairo_stroke (cr);
      gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.7 });
      draw_text (widget, cr, text, plot->origin.x - 4, y, 1.0);
    }

  /* The x axis: indexes or seconds since the first snapshot. */
  if (n > 0)
    {
      const Point *p = (const Point *) self->points->data;
      double span = self->x_is_time ? (p[n - 1].time_us - p[0].time_us) / (double) G_USEC_PER_SEC : (double) (n - 1);
      guint max_ticks = MAX (2, (guint) (plot->size.width / 70));
      guint nt;

      if (self->x_is_time)
        nt = mpy_chart_time_ticks (0, span, max_ticks, &first, &step);
      else
        {
          /* Whole snapshot numbers only. */
          double xticks[32];

          nt = mpy_chart_nice_ticks (0, MAX (span, 1), MIN (max_ticks, 32), xticks);
          first = 0;
          step = nt >= 2 ? MAX (1, round (xticks[1] - xticks[0])) : 1;
          nt = (guint) floor (MAX (span, 0) / step + 1e-9) + 1;
        }

      gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.7 });
      for (guint t = 0; t < nt; t++)
        {
          double v = first + t * step;
          double x;
          g_autofree char *text = NULL;

          if (v > span + 1e-9 || (n == 1 && v > 0))
            break;
          x = n == 1 ? plot->origin.x + plot->size.width / 2 : plot->origin.x + plot->size.width * v / MAX (span, 1e-9);
          text = self->x_is_time ? mpy_chart_format_seconds (v) : g_strdup_printf ("%.0f", v);
          draw_text (widget, cr, text, x, baseline + AXIS_HEIGHT / 2 + 1, 0.5);
        }
    }
  gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.4 });
  cairo_move_to (cr, plot->origin.x, baseline + 0.5);
  cairo_line_to (cr, plot->origin.x + plot->size.width, baseline + 0.5);
  cairo_stroke (cr);

  if (n == 0)
    {
      gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.55 });
      draw_text (widget, cr, _("No snapshots: the timeline shows one point per snapshot."),
                 plot->origin.x + plot->size.width / 2, plot->origin.y + plot->size.height / 2, 0.5);
      return;
    }

  /* The selection: a band between a pair, a line at each selected point. */
  if (self->model != NULL)
    {
      g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (self->model);
      guint64 n_sel = gtk_bitset_get_size (selected);

      gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { 0.21, 0.52, 0.89, 0.18 });
      if (n_sel == 2)
        {
          double x1 = g_array_index (self->xs, double, gtk_bitset_get_nth (selected, 0));
          double x2 = g_array_index (self->xs, double, gtk_bitset_get_nth (selected, 1));

          cairo_rectangle (cr, x1, plot->origin.y, x2 - x1, plot->size.height);
          cairo_fill (cr);
        }
      gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { 0.21, 0.52, 0.89, 0.9 });
      cairo_set_line_width (cr, 2);
      for (guint64 k = 0; k < n_sel && k < 64; k++)
        {
          guint i = gtk_bitset_get_nth (selected, k);

          if (i >= n)
            continue;
          cairo_move_to (cr, round (g_array_index (self->xs, double, i)), plot->origin.y);
          cairo_line_to (cr, round (g_array_index (self->xs, double, i)), baseline);
          cairo_stroke (cr);
        }
    }

  ys = g_new (double, n);

  /* The stacked area: used from the baseline, free on top of it. */
  if (self->show_area)
    {
      series_columns (self, MPY_CHART_SERIES_FREE, byte_top, TRUE, ys, columns);
      path_columns (cr, columns, TRUE, baseline);
      set_rgb (cr, mpy_chart_get_free_color (dark), 0.35);   /* the CLI chart's colours */
      cairo_fill (cr);
      series_columns (self, MPY_CHART_SERIES_USED, byte_top, FALSE, ys, columns);
      path_columns (cr, columns, TRUE, baseline);
      set_rgb (cr, mpy_chart_get_used_color (dark), 0.45);
      cairo_fill (cr);
    }

  /* What the lines are: a swatch and the figure's title each, along the top of the plot. */
  {
    double lx = plot->origin.x + 6;

    for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
      {
        const char *title;
        PangoLayout *layout;
        int w, h;

        if (!self->visible[s])
          continue;
        title = mpy_metric_get_title (mpy_chart_series_get_metric (s));
        layout = gtk_widget_create_pango_layout (widget, title);
        {
          PangoFontDescription *font = pango_font_description_from_string ("Sans 8");

          pango_layout_set_font_description (layout, font);
          pango_font_description_free (font);
        }
        pango_layout_get_pixel_size (layout, &w, &h);
        if (lx + 14 + w > plot->origin.x + plot->size.width)
          {
            g_object_unref (layout);
            break;
          }
        set_rgb (cr, mpy_chart_series_get_color (s, dark), 1.0);
        cairo_rectangle (cr, lx, plot->origin.y + 2 + h / 2.0 - 1.5, 10, 3);
        cairo_fill (cr);
        gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.8 });
        cairo_move_to (cr, lx + 13, plot->origin.y + 2);
        pango_cairo_show_layout (cr, layout);
        g_object_unref (layout);
        lx += 13 + w + 12;
      }
  }

  /* The lines of the shown series. */
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);   /* round joins cost 3× at 10,000 points */
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    {
      if (!self->visible[s])
        continue;
      series_columns (self, s, byte_top, FALSE, ys, columns);
      path_columns (cr, columns, FALSE, baseline);
      set_rgb (cr, mpy_chart_series_get_color (s, dark), 1.0);
      cairo_stroke (cr);
      path_spans (cr, columns);
      cairo_fill (cr);

      /* Few points: a dot each, so single snapshots are visible. */
      if (n <= plot->size.width / 8)
        for (guint i = 0; i < n; i++)
          if (!isnan (ys[i]))
            {
              cairo_arc (cr, g_array_index (self->xs, double, i), ys[i], 2.5, 0, 2 * G_PI);
              cairo_fill (cr);
            }
    }
}

static void
mpy_timeline_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  MpyTimeline *self = MPY_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0)
    return;

  if (self->cache == NULL || self->cache_width != width || self->cache_height != height)
    {
      /* Drawn once into an image, shown as a texture: a frame that only moves the hover
       * costs a texture blit, not a replay of the chart's paths. */
      int scale = gtk_widget_get_scale_factor (widget);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      cairo_t *cr = cairo_create (surface);

      cairo_scale (cr, scale, scale);
      draw_chart (self, cr, width, height);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                           (gsize) cairo_image_surface_get_stride (surface) * height * scale);
      texture = gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT, bytes,
                                        cairo_image_surface_get_stride (surface));
      cairo_surface_destroy (surface);

      g_clear_pointer (&self->cache, gsk_render_node_unref);
      self->cache = gsk_texture_node_new (texture, &GRAPHENE_RECT_INIT (0, 0, width, height));
      self->cache_width = width;
      self->cache_height = height;
    }
  if (self->cache != NULL)
    gtk_snapshot_append_node (snapshot, self->cache);

  /* Per frame only the hover and a drag's range. */
  if (self->dragging && self->drag_first >= 0 && self->drag_last >= 0)
    {
      double x1 = g_array_index (self->xs, double, MIN (self->drag_first, self->drag_last));
      double x2 = g_array_index (self->xs, double, MAX (self->drag_first, self->drag_last));

      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.21, 0.52, 0.89, 0.25 },
                                 &GRAPHENE_RECT_INIT (x1, self->plot.origin.y, MAX (1, x2 - x1),
                                                      self->plot.size.height));
    }
  if (self->hovered >= 0 && self->hovered < (int) self->xs->len)
    {
      GdkRGBA fg;
      double x = round (g_array_index (self->xs, double, self->hovered));

      is_dark (widget, &fg);
      fg.alpha = 0.5;
      gtk_snapshot_append_color (snapshot, &fg,
                                 &GRAPHENE_RECT_INIT (x - 0.5, self->plot.origin.y, 1, self->plot.size.height));
    }
  if (gtk_widget_has_visible_focus (widget) && self->cursor >= 0 && self->cursor < (int) self->xs->len)
    {
      GdkRGBA fg;
      double x = round (g_array_index (self->xs, double, self->cursor));

      is_dark (widget, &fg);
      fg.alpha = 0.8;
      gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (x - 3, self->plot.origin.y - 6, 6, 3));
    }
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
  MpyTimeline *self = MPY_TIMELINE (widget);

  /* The hit test works before the first frame too. */
  compute_layout (self, width, height);
}

/* ---- hit test and what it feeds ---------------------------------------------------------- */

gboolean
mpy_timeline_get_point_at (MpyTimeline *self,
                           double       x,
                           double       y,
                           guint       *index)
{
  const double *xs;
  guint n, lo, hi;

  g_return_val_if_fail (MPY_IS_TIMELINE (self), FALSE);

  n = self->xs->len;
  if (n == 0 || n != self->points->len)
    return FALSE;
  if (x < self->plot.origin.x - 8 || x > self->plot.origin.x + self->plot.size.width + 8 ||
      y < 0 || y > gtk_widget_get_height (GTK_WIDGET (self)))
    return FALSE;

  /* xs rise: the nearest by bisection. */
  xs = (const double *) self->xs->data;
  lo = 0;
  hi = n - 1;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (xs[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > 0 && fabs (xs[lo - 1] - x) <= fabs (xs[lo] - x))
    lo--;
  if (index != NULL)
    *index = lo;
  return TRUE;
}

gboolean
mpy_timeline_get_point_position (MpyTimeline *self,
                                 guint        index,
                                 double      *x,
                                 double      *y)
{
  const Point *p;
  double ticks[6], top;
  guint n_ticks;

  g_return_val_if_fail (MPY_IS_TIMELINE (self), FALSE);

  if (index >= self->xs->len || index >= self->points->len)
    return FALSE;
  p = &g_array_index (self->points, Point, index);
  top = byte_axis_top (self, ticks, &n_ticks);
  if (x != NULL)
    *x = g_array_index (self->xs, double, index);
  if (y != NULL)
    *y = isnan (p->values[MPY_CHART_SERIES_USED])
         ? self->plot.origin.y + self->plot.size.height / 2
         : value_y (self, MPY_CHART_SERIES_USED, p->values[MPY_CHART_SERIES_USED], top);
  return TRUE;
}

char *
mpy_timeline_dup_point_text (MpyTimeline *self,
                             guint        index)
{
  g_autoptr(GObject) item = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autofree char *label = NULL;
  GString *text;
  const Point *p;
  GDateTime *time;

  g_return_val_if_fail (MPY_IS_TIMELINE (self), NULL);

  if (self->model == NULL || index >= self->points->len)
    return NULL;

  item = g_list_model_get_item (G_LIST_MODEL (self->model), index);
  snapshot = item_dup_snapshot (item);
  if (item != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (item), "label") != NULL)
    g_object_get (item, "label", &label, NULL);
  if ((label == NULL || *label == '\0') && snapshot != NULL)
    {
      g_free (label);
      label = g_strdup (mpy_snapshot_get_label (snapshot));
    }
  p = &g_array_index (self->points, Point, index);

  text = g_string_new (NULL);
  /* Translators: the first line of the timeline's hover text: number and label */
  g_string_append_printf (text, _("#%u %s"), index, label != NULL && *label != '\0' ? label : _("(no label)"));
  time = snapshot ? snapshot_time (snapshot) : NULL;
  if (time != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (time);
      g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");

      g_string_append_printf (text, "\n%s", when);
    }
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    {
      MpyMetric metric = mpy_chart_series_get_metric (s);
      double value = p->values[s];
      g_autofree char *formatted = NULL;

      if (!self->visible[s] && !(self->show_area && (s == MPY_CHART_SERIES_USED || s == MPY_CHART_SERIES_FREE)))
        continue;
      if (isnan (value))
        continue;
      /* Back to the figure's own unit (blocks) for its formatting. */
      if (mpy_metric_get_unit (metric) == MPY_METRIC_UNIT_BLOCKS && p->bytes_per_block > 0)
        value /= p->bytes_per_block;
      formatted = mpy_metric_format_value (metric, value, p->bytes_per_block);
      /* Translators: a figure and its value in the timeline's hover text */
      g_string_append_printf (text, _("\n%s: %s"), mpy_metric_get_title (metric), formatted);
    }
  return g_string_free (text, FALSE);
}

int
mpy_timeline_get_hovered (MpyTimeline *self)
{
  g_return_val_if_fail (MPY_IS_TIMELINE (self), -1);

  return self->hovered;
}

static void
set_hovered (MpyTimeline *self,
             int          hovered)
{
  if (hovered == self->hovered)
    return;
  self->hovered = hovered;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (MpyTimeline              *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  guint index;

  set_hovered (self, mpy_timeline_get_point_at (self, x, y, &index) ? (int) index : -1);
}

static void
leave_cb (MpyTimeline              *self,
          GtkEventControllerMotion *motion)
{
  set_hovered (self, -1);
}

static gboolean
query_tooltip_cb (MpyTimeline *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  g_autofree char *text = NULL;
  guint index;

  if (keyboard && self->cursor >= 0)
    index = (guint) self->cursor;
  else if (!mpy_timeline_get_point_at (self, x, y, &index))
    return FALSE;
  text = mpy_timeline_dup_point_text (self, index);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* One snapshot, or the pair first → last (shown as their diff). */
static void
select_points (MpyTimeline *self,
               guint        first,
               guint        last)
{
  guint n;
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GtkBitset) mask = NULL;

  if (self->model == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  if (first >= n || last >= n)
    return;

  if (first == last)
    {
      gtk_selection_model_select_item (self->model, first, TRUE);
      return;
    }
  selected = gtk_bitset_new_empty ();
  gtk_bitset_add (selected, first);
  gtk_bitset_add (selected, last);
  mask = gtk_bitset_new_range (0, n);
  gtk_selection_model_set_selection (self->model, selected, mask);
}

static void
drag_begin_cb (MpyTimeline    *self,
               double          x,
               double          y,
               GtkGestureDrag *gesture)
{
  guint index;

  self->dragging = FALSE;
  self->drag_start_x = x;
  self->drag_start_y = y;
  self->drag_first = mpy_timeline_get_point_at (self, x, y, &index) ? (int) index : -1;
  self->drag_last = self->drag_first;
  if (gtk_widget_get_focusable (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
drag_update_cb (MpyTimeline    *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  guint index;

  if (!self->dragging && fabs (dx) < DRAG_THRESHOLD)
    return;
  self->dragging = TRUE;
  if (mpy_timeline_get_point_at (self, self->drag_start_x + dx,
                                 CLAMP (self->drag_start_y + dy, 0, gtk_widget_get_height (GTK_WIDGET (self))),
                                 &index))
    self->drag_last = (int) index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (MpyTimeline    *self,
             double          dx,
             double          dy,
             GtkGestureDrag *gesture)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  int first = self->drag_first;
  int last = self->drag_last;

  if (!self->dragging && first >= 0 && (state & GDK_SHIFT_MASK) && self->anchor >= 0)
    {
      /* Shift+click: the pair from the anchor. */
      self->cursor = first;
      select_points (self, MIN (self->anchor, first), MAX (self->anchor, first));
    }
  else if (first >= 0 && last >= 0)
    {
      self->cursor = last;
      self->anchor = first;
      select_points (self, MIN (first, last), MAX (first, last));
    }
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
key_pressed_cb (MpyTimeline           *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *key)
{
  int n = (int) self->points->len;
  int target;

  if (n == 0)
    return FALSE;

  /* Start from what is selected when the keyboard has not moved yet. */
  if (self->cursor < 0 && self->model != NULL)
    {
      g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (self->model);

      if (!gtk_bitset_is_empty (selected))
        self->cursor = (int) gtk_bitset_get_maximum (selected);
    }

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      target = self->cursor < 0 ? n - 1 : MAX (0, self->cursor - 1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      target = self->cursor < 0 ? 0 : MIN (n - 1, self->cursor + 1);
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      target = 0;
      break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      target = n - 1;
      break;
    default:
      return FALSE;
    }

  if (state & GDK_SHIFT_MASK)
    {
      if (self->anchor < 0)
        self->anchor = self->cursor >= 0 ? self->cursor : target;
      self->cursor = target;
      select_points (self, MIN (self->anchor, target), MAX (self->anchor, target));
    }
  else
    {
      self->cursor = target;
      self->anchor = target;
      select_points (self, target, target);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
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
  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)));
  invalidate (self);
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
  invalidate (self);
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
  invalidate (self);
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
  GTK_WIDGET_CLASS (mpy_timeline_parent_class)->css_changed (widget, change);
  invalidate (MPY_TIMELINE (widget));
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
  g_clear_pointer (&self->cache, gsk_render_node_unref);

  G_OBJECT_CLASS (mpy_timeline_parent_class)->dispose (object);
}

static void
mpy_timeline_finalize (GObject *object)
{
  MpyTimeline *self = MPY_TIMELINE (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->xs, g_array_unref);

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

  widget_class->snapshot = mpy_timeline_snapshot;
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
  GtkEventController *controller;
  GtkGesture *drag;

  self->points = g_array_new (FALSE, FALSE, sizeof (Point));
  self->xs = g_array_new (FALSE, FALSE, sizeof (double));
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

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (drag_update_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (drag_end_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  controller = gtk_event_controller_key_new ();
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

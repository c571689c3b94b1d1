/* mpy-timeline-draw.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline's drawing: the chart drawn once per layout into two cached textures (grid and
 * axes under the selection; area, legend and lines over it), and per frame only the
 * selection, the hover, a drag's range and the keyboard cursor.
 */

#include <math.h>

#include <glib/gi18n.h>

#include "mpy-chart-renderer.h"
#include "mpy-metric.h"
#include "mpy-theme.h"
#include "mpy-timeline-private.h"

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

/* The line through sparse columns (about one point per column, or fewer): one vertex per
 * column, where the line leaves it, so the path never doubles back; with @to_baseline the
 * area under the columns' highest value. A column whose points span more than a pixel gets
 * that span as a bar (path_spans()). */
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

/* The outline of a run of dense columns (@first … @end - 1) as one band: along the top of
 * each column's span (widened by half the line's width), back along the bottom. What the
 * line does in a column, with the step into it from the column before, stays inside the
 * band; and the band crosses each pixel row only where the line moves, so however many
 * points each column holds, filling it costs about as much as a flat line (a stroke of a
 * path that goes up and down every column crosses every row twice per column). */
static void
path_band_run (cairo_t              *cr,
               const MpyChartColumn *cols,
               guint                 first,
               guint                 end,
               double                half_width)
{
  for (guint c = first; c < end; c++)
    {
      double top = cols[c].min;

      /* The step from the column before, when the two touch. */
      if (c > first && cols[c].x == cols[c - 1].x + 1)
        top = MIN (top, cols[c - 1].last);
      if (c == first)
        cairo_move_to (cr, cols[c].x, top - half_width);
      else
        cairo_line_to (cr, cols[c].x, top - half_width);
      cairo_line_to (cr, cols[c].x + 1, top - half_width);
    }
  for (guint c = end; c-- > first;)
    {
      double bottom = cols[c].max;

      if (c > first && cols[c].x == cols[c - 1].x + 1)
        bottom = MAX (bottom, cols[c - 1].last);
      cairo_line_to (cr, cols[c].x + 1, bottom + half_width);
      cairo_line_to (cr, cols[c].x, bottom + half_width);
    }
  cairo_close_path (cr);
}

static void
path_band (cairo_t *cr,
           GArray  *columns,
           double   half_width)
{
  const MpyChartColumn *cols = (const MpyChartColumn *) columns->data;
  guint start = 0;

  for (guint c = 0; c <= columns->len; c++)
    if (c == columns->len || isnan (cols[c].x))
      {
        if (c > start)
          path_band_run (cr, cols, start, c, half_width);
        start = c + 1;
      }
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

/* Under the selection: grid, axes and their labels (or the empty chart's hint). */
static void
draw_under (MpyTimeline *self,
            cairo_t     *cr)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n = self->points->len;
  GdkRGBA fg;
  const graphene_rect_t *plot = &self->plot;
  double baseline = plot->origin.y + plot->size.height;
  double first, step;

  is_dark (widget, &fg);

  /* Grid and byte axis. */
  cairo_set_line_width (cr, 1);
  for (guint t = 0; t < self->n_byte_ticks; t++)
    {
      double v = self->byte_ticks[t];
      double y = round (baseline - plot->size.height * v / self->byte_top) + 0.5;
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
    }
}

/* More points than half the pixel columns: drawn as a band (path_band()). */
static gboolean
is_dense (MpyTimeline *self,
          GArray      *columns)
{
  return columns->len > self->plot.size.width / 2;
}

/* Over the selection: the stacked area, the legend and the lines, from the layout's
 * columns (at most one per pixel column whatever the number of snapshots). */
static void
draw_over (MpyTimeline *self,
           cairo_t     *cr)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n = self->points->len;
  GdkRGBA fg;
  gboolean dark = is_dark (widget, &fg);
  const graphene_rect_t *plot = &self->plot;
  double baseline = plot->origin.y + plot->size.height;

  if (n == 0)
    return;

  /* The stacked area: used from the baseline, free on top of it; a lone snapshot's is a
   * bar 16 px wide (an area through one point has no width). */
  for (guint a = 2; self->show_area && a-- > 0;)
    {
      GArray *columns = self->area_columns[a];

      if (n == 1 && columns->len == 1)
        {
          const MpyChartColumn *col = &g_array_index (columns, MpyChartColumn, 0);

          cairo_rectangle (cr, col->x + 0.5 - 8, col->min, 16, baseline - col->min);
        }
      else
        path_columns (cr, columns, TRUE, baseline);
      if (a == 1)
        set_rgb (cr, mpy_chart_get_free_color (dark), 0.35);   /* the CLI chart's colours */
      else
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
      GArray *columns = self->line_columns[s];

      if (!self->visible[s])
        continue;
      set_rgb (cr, mpy_chart_series_get_color (s, dark), 1.0);
      if (is_dense (self, columns))
        {
          path_band (cr, columns, 0.75);
          cairo_fill (cr);
          continue;
        }
      path_columns (cr, columns, FALSE, baseline);
      cairo_stroke (cr);
      path_spans (cr, columns);
      cairo_fill (cr);

      /* Few points: a dot each, so single snapshots are visible. */
      if (n <= plot->size.width / 8)
        for (guint i = 0; i < n; i++)
          {
            double v = g_array_index (self->points, Point, i).values[s];

            if (isnan (v))
              continue;
            cairo_arc (cr, g_array_index (self->xs, double, i),
                       _mpy_timeline_value_y (self, s, v, self->byte_top), 2.5, 0, 2 * G_PI);
            cairo_fill (cr);
          }
    }
}

/* @draw into an image of the widget's size, as a texture node: shown again by later frames
 * at the cost of a blit, not a replay of the chart's paths. */
static GskRenderNode *
draw_texture (MpyTimeline *self,
              void       (*draw) (MpyTimeline *self, cairo_t *cr),
              int          width,
              int          height)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  cairo_t *cr = cairo_create (surface);

  cairo_scale (cr, scale, scale);
  draw (self, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  /* The bytes stay the surface's (no copy); the texture keeps the surface alive. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * height * scale,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  return gsk_texture_node_new (texture, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* The selection, between the two layers: a band between a pair, a line at each selected
 * point (at most 64 lines). */
static void
snapshot_selection (MpyTimeline *self,
                    GtkSnapshot *snapshot)
{
  const graphene_rect_t *plot = &self->plot;
  g_autoptr(GtkBitset) selected = NULL;
  guint n = self->points->len;
  guint64 n_sel;

  if (self->model == NULL || n == 0)
    return;
  selected = gtk_selection_model_get_selection (self->model);
  n_sel = gtk_bitset_get_size (selected);
  if (n_sel == 2 && gtk_bitset_get_nth (selected, 1) < n)
    {
      double x1 = g_array_index (self->xs, double, gtk_bitset_get_nth (selected, 0));
      double x2 = g_array_index (self->xs, double, gtk_bitset_get_nth (selected, 1));

      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.21, 0.52, 0.89, 0.18 },
                                 &GRAPHENE_RECT_INIT (x1, plot->origin.y, x2 - x1, plot->size.height));
    }
  for (guint64 k = 0; k < n_sel && k < 64; k++)
    {
      guint i = gtk_bitset_get_nth (selected, k);

      if (i >= n)
        continue;
      /* A line 2 px wide centred on the point's pixel edge, as Cairo strokes it. */
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.21, 0.52, 0.89, 0.9 },
                                 &GRAPHENE_RECT_INIT (round (g_array_index (self->xs, double, i)) - 1,
                                                      plot->origin.y, 2, plot->size.height));
    }
}

void
_mpy_timeline_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  MpyTimeline *self = MPY_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0)
    return;

  /* Layout and chart only when the points, the size or what is shown changed. */
  _mpy_timeline_ensure_layout (self);
  if (self->cache_under == NULL)
    self->cache_under = draw_texture (self, draw_under, width, height);
  if (self->cache_over == NULL)
    self->cache_over = draw_texture (self, draw_over, width, height);
  gtk_snapshot_append_node (snapshot, self->cache_under);
  snapshot_selection (self, snapshot);
  gtk_snapshot_append_node (snapshot, self->cache_over);

  /* Per frame only the selection, the hover and a drag's range. */
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

/* mpy-timeline-draw.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline's drawing: the chart (grid, axes, series, selection) drawn once into a cached
 * texture, and per frame only the hover, a drag's range and the keyboard cursor over it.
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
      ys[i] = isnan (v) ? NAN : _mpy_timeline_value_y (self, series, v, byte_top);
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

  _mpy_timeline_compute_layout (self, width, height);
  byte_top = _mpy_timeline_byte_axis_top (self, ticks, &n_ticks);

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

void
_mpy_timeline_snapshot (GtkWidget   *widget,
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

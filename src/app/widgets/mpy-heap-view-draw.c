/* mpy-heap-view-draw.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Painting the map: the snapshot vfunc, from what size_allocate and the setters prepared.
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mpy-heap-view-private.h"
#include "mpy-theme.h"

/* The outline (in map pixels at the current scale) of the blocks [start, start + n), which lie
 * in one area and so follow each other row-major: one closed path around the whole run, not
 * a box per row. */
static void
add_run_path (MpyHeapView *self,
              cairo_t     *cr,
              gsize        start,
              gsize        n)
{
  MpySnapshot *snapshot = _mpy_heap_view_layout_snapshot (self);
  double w = mpy_layout_get_row_width (&self->options);
  double s = self->scale;
  guint x0, y0, xl, yl;
  double x1;

  if (n == 0)
    return;
  mpy_layout_get_position (snapshot, &self->options, start, &x0, &y0);
  mpy_layout_get_position (snapshot, &self->options, start + n - 1, &xl, &yl);
  x1 = xl + 1.0;

  if (yl == y0)
    cairo_rectangle (cr, x0 * s, y0 * s, (x1 - x0) * s, s);
  else if (yl == y0 + 1 && x1 <= x0)
    {
      cairo_rectangle (cr, x0 * s, y0 * s, (w - x0) * s, s);
      cairo_rectangle (cr, 0, yl * s, x1 * s, s);
    }
  else
    {
      cairo_move_to (cr, x0 * s, y0 * s);
      cairo_line_to (cr, w * s, y0 * s);
      cairo_line_to (cr, w * s, yl * s);
      cairo_line_to (cr, x1 * s, yl * s);
      cairo_line_to (cr, x1 * s, (yl + 1.0) * s);
      cairo_line_to (cr, 0, (yl + 1.0) * s);
      cairo_line_to (cr, 0, (y0 + 1.0) * s);
      cairo_line_to (cr, x0 * s, (y0 + 1.0) * s);
      cairo_close_path (cr);
    }
}

static void
set_source_rgb (cairo_t *cr,
                guint32  rgb)
{
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
}

/* Draws the visible map region with CPU nearest-neighbour upscaling into a memory texture. */
static void
append_map_texture (MpyHeapView           *self,
                    GtkSnapshot           *snapshot,
                    cairo_surface_t       *image,
                    const graphene_rect_t *area,
                    double                 ox,
                    double                 oy)
{
  int sf = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int w = (int) ceil (area->size.width * sf);
  int h = (int) ceil (area->size.height * sf);
  int iw = cairo_image_surface_get_width (image);
  int ih = cairo_image_surface_get_height (image);
  int istride = cairo_image_surface_get_stride (image);
  const guint8 *src;
  g_autofree guint32 *pixels = NULL;
  g_autofree int *cols = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  double s = self->scale * sf;
  int last_src_row = -1;

  if (w <= 0 || h <= 0)
    return;

  cairo_surface_flush (image);
  src = cairo_image_surface_get_data (image);
  pixels = g_new (guint32, (gsize) w * h);
  cols = g_new (int, w);
  for (int x = 0; x < w; x++)
    cols[x] = CLAMP ((int) floor (((area->origin.x - ox) * sf + x + 0.5) / s), 0, iw - 1);

  for (int y = 0; y < h; y++)
    {
      int sy = CLAMP ((int) floor (((area->origin.y - oy) * sf + y + 0.5) / s), 0, ih - 1);
      guint32 *row = pixels + (gsize) y * w;

      /* Rows of one block row are identical: copy the previous one. */
      if (sy == last_src_row)
        {
          memcpy (row, row - w, (gsize) w * 4);
          continue;
        }
      else
        {
          const guint32 *srow = (const guint32 *) (src + (gsize) sy * istride);

          for (int x = 0; x < w; x++)
            row[x] = srow[cols[x]] | 0xff000000u;
        }
      last_src_row = sy;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&pixels), (gsize) w * h * 4);
  texture = gdk_memory_texture_new (w, h, GDK_MEMORY_DEFAULT, bytes, (gsize) w * 4);
  gtk_snapshot_append_texture (snapshot, texture, area);
}

static void
draw_message (MpyHeapView   *self,
              GtkSnapshot   *snapshot,
              const char    *message,
              const GdkRGBA *fg)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), message);
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int tw, th;

  pango_layout_set_width (layout, MAX (1, width - 24) * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &tw, &th);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (12, MAX (0, (_mpy_heap_view_viewport_height (self) - th) / 2)));
  gtk_snapshot_append_layout (snapshot, layout, fg);
  gtk_snapshot_restore (snapshot);
}

void
_mpy_heap_view_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  MpyHeapView *self = MPY_HEAP_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int view_h = _mpy_heap_view_viewport_height (self);
  GdkRGBA bg, fg;
  double ox, oy, cw, ch;
  double x0, y0, x1, y1;
  cairo_surface_t *image = self->image;

  /* Paints the map only, from what size_allocate and the setters prepared: the legend and
   * the damage band are widgets of their own (MpyLegend, MpyDamageBand). */
  mpy_theme_get_foreground (widget, &fg);
  mpy_theme_rgba_from_rgb (mpy_palette_get_background (self->options.dark), &bg);
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (!_mpy_heap_view_have_map (self))
    {
      MpySnapshot *snap = _mpy_heap_view_layout_snapshot (self);

      if (snap == NULL)
        draw_message (self, snapshot,
                      _("No snapshot selected. Capture one from a board or open a session."),
                      &fg);
      else
        draw_message (self, snapshot,
                      _("This snapshot has figures only: it was taken with mem_info() without "
                        "an argument, so there is no block map."),
                      &fg);
      return;
    }

  if (image == NULL)
    return;

  mpy_heap_view_get_origin (self, &ox, &oy);
  _mpy_heap_view_content_size (self, &cw, &ch);
  /* Whole-pixel node bounds: a renderer that turns the node into a texture then draws it
   * without resampling, so the cells stay crisp even at a fractional scroll offset. */
  x0 = floor (MAX (0, ox));
  y0 = floor (MAX (0, oy));
  x1 = ceil (MIN (width, ox + cw));
  y1 = ceil (MIN (view_h, oy + ch));

  if (x1 > x0 && y1 > y0)
    {
      graphene_rect_t area = GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0);
      guint n_rows = mpy_layout_get_n_rows (_mpy_heap_view_layout_snapshot (self), &self->options);
      guint row0 = (guint) MAX (0, floor ((y0 - oy) / self->scale));
      guint row1 = (guint) MIN (n_rows, ceil ((y1 - oy) / self->scale));
      gboolean decorate;
      cairo_t *cr;

      decorate = self->scale >= 4 ||
                 (self->highlight_largest_free && self->stats.largest_free_run > 0) ||
                 self->outline_n > 0 ||
                 mpy_heap_view_get_n_outline_objects (self) > 0 ||
                 self->hovered_block >= 0;

      if (self->draw_method == MPY_HEAP_VIEW_DRAW_TEXTURE)
        {
          append_map_texture (self, snapshot, image, &area, ox, oy);
          if (!decorate)
            return;
          cr = gtk_snapshot_append_cairo (snapshot, &area);
          cairo_translate (cr, ox, oy);
        }
      else
        {
          cr = gtk_snapshot_append_cairo (snapshot, &area);
          cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
          cairo_clip (cr);
          cairo_translate (cr, ox, oy);
          cairo_save (cr);
          cairo_scale (cr, self->scale, self->scale);
          cairo_set_source_surface (cr, image, 0, 0);
          cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
          cairo_paint (cr);
          cairo_restore (cr);
        }

      if (row1 > row0)
        mpy_renderer_draw_outlines (cr, _mpy_heap_view_layout_snapshot (self), self->diff, &self->options,
                                    self->scale, row0, row1 - row0);

      if (self->highlight_largest_free && self->stats.largest_free_run > 0)
        {
          static const double dash[] = { 4.0, 2.0 };

          add_run_path (self, cr, self->stats.largest_free_run_start,
                        self->stats.largest_free_run);
          set_source_rgb (cr, mpy_palette_get_highlight (self->options.dark));
          cairo_set_line_width (cr, 2.0);
          cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }

      if (self->outline_n > 0 && self->outline_first + self->outline_n <= self->stats.n_blocks)
        {
          /* where the object asked about in "Fits?" would go: solid, in the highlight colour */
          add_run_path (self, cr, self->outline_first, self->outline_n);
          set_source_rgb (cr, mpy_palette_get_highlight (self->options.dark));
          cairo_set_line_width (cr, 3.0);
          cairo_stroke (cr);
        }

      if (mpy_heap_view_get_n_outline_objects (self) > 0)
        {
          /* the Leak check's survivors: each object boxed, in the highlight colour */
          for (guint i = 0; i < self->outline_objects->len; i++)
            {
              MpyBlockRun *run = &g_array_index (self->outline_objects, MpyBlockRun, i);

              if (run->n_blocks > 0 && run->first_block + run->n_blocks <= self->stats.n_blocks)
                add_run_path (self, cr, run->first_block, run->n_blocks);
            }
          set_source_rgb (cr, mpy_palette_get_highlight (self->options.dark));
          cairo_set_line_width (cr, 2.0);
          cairo_stroke (cr);
        }

      if (self->hovered_block >= 0)
        {
          gsize start = self->hovered_block, n = 1;

          /* A block freed since "before" outlines the object that was there. */
          if (!mpy_snapshot_get_object (_mpy_heap_view_layout_snapshot (self), self->hovered_block, &start, &n) &&
              self->diff != NULL)
            mpy_snapshot_get_object (mpy_diff_get_before (self->diff), self->hovered_block,
                                     &start, &n);
          add_run_path (self, cr, start, n);
          gdk_cairo_set_source_rgba (cr, &fg);
          cairo_set_line_width (cr, 2.0);
          cairo_stroke (cr);
        }
      cairo_destroy (cr);
    }
}

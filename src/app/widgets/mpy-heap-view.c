/* mpy-heap-view.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mpy-heap-view.h"
#include "mpy-heap-view-private.h"
#include "mpy-stats.h"

#define SCALE_RESET      8.0
#define SCALE_MAX        128.0
#define SCALE_MIN        (1.0 / 64.0)
#define ZOOM_STEP        M_SQRT2
#define WHEEL_ZOOM_BASE  1.25
#define LEGEND_PAD       6
#define LEGEND_SWATCH    12
#define LEGEND_GAP       14

struct _MpyHeapView
{
  GtkWidget              parent_instance;

  MpySnapshot           *snapshot;
  MpyDiff               *diff;
  MpyRenderOptions       options;
  double                 scale;
  gint64                 hovered_block;
  gboolean               highlight_largest_free;

  /* The renderer's 1 px-per-block picture; rebuilt when snapshot, diff or options change. */
  cairo_surface_t       *image;
  MpyStats               stats;
  gboolean               have_stats;

  GtkAdjustment         *hadjustment;
  GtkAdjustment         *vadjustment;
  guint                  hscroll_policy : 1;
  guint                  vscroll_policy : 1;
  guint                  fit_pending : 1;
  guint                  centred : 1;       /* a map smaller than the view sits in the middle */
  guint                  at_fit : 1;        /* zoomed to fit and not zoomed since */
  double                 free_x;            /* else where a zoom left it: origin when smaller */
  double                 free_y;
  guint                  pointer_inside : 1;

  double                 pointer_x;
  double                 pointer_y;
  double                 drag_start_h;
  double                 drag_start_v;
  double                 gesture_start_scale;
  int                    legend_height;
  int                    notice_height;     /* the damaged-dump line over the map, or 0 */

  MpyHeapViewDrawMethod  draw_method;
};

enum {
  PROP_0,
  PROP_SNAPSHOT,
  PROP_DIFF,
  PROP_SCALE,
  PROP_COLUMNS,
  PROP_RAINBOW,
  PROP_SHOW_FREE,
  PROP_HIGHLIGHT_LARGEST_FREE,
  PROP_HOVERED_BLOCK,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (MpyHeapView, mpy_heap_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

/* The snapshot whose layout is on screen: the diff's "after" in diff mode. */
static MpySnapshot *
layout_snapshot (MpyHeapView *self)
{
  if (self->diff != NULL)
    return mpy_diff_get_after (self->diff);
  return self->snapshot;
}

static gboolean
have_map (MpyHeapView *self)
{
  MpySnapshot *snapshot = layout_snapshot (self);

  return snapshot != NULL && mpy_snapshot_has_map (snapshot) &&
         mpy_snapshot_get_n_blocks (snapshot) > 0;
}

static void
content_size (MpyHeapView *self,
              double      *width,
              double      *height)
{
  if (!have_map (self))
    {
      *width = *height = 0;
      return;
    }
  *width = mpy_layout_get_row_width (&self->options) * self->scale;
  *height = mpy_layout_get_n_rows (layout_snapshot (self), &self->options) * self->scale;
}

static int
viewport_height (MpyHeapView *self)
{
  return MAX (0, gtk_widget_get_height (GTK_WIDGET (self)) - self->legend_height - self->notice_height);
}

static double
fit_scale (MpyHeapView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = viewport_height (self);
  guint row_width, n_rows;

  if (!have_map (self) || width <= 0 || height <= 0)
    return SCALE_RESET;

  row_width = mpy_layout_get_row_width (&self->options);
  n_rows = mpy_layout_get_n_rows (layout_snapshot (self), &self->options);
  return MIN ((double) width / row_width, (double) height / MAX (n_rows, 1));
}

static double
min_scale (MpyHeapView *self)
{
  return MIN (SCALE_MIN, fit_scale (self));
}

static double
adjustment_value (GtkAdjustment *adjustment)
{
  return adjustment ? gtk_adjustment_get_value (adjustment) : 0;
}

void
mpy_heap_view_get_origin (MpyHeapView *self,
                          double      *x,
                          double      *y)
{
  double cw, ch;
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  int height = viewport_height (self);

  content_size (self, &cw, &ch);
  /* A map narrower than the view is centred after a fit, and stays where a zoom about an
   * anchor put it (inside the view) until the next fit: re-centring after each zoom step
   * would move the block under the pointer. Otherwise the scroll offset applies. The offset
   * is not rounded: zooming about an anchor must not drift by half pixels. */
  if (cw < width)
    *x = self->centred ? floor ((width - cw) / 2) : CLAMP (self->free_x, 0, width - cw);
  else
    *x = -adjustment_value (self->hadjustment);
  if (ch < height)
    *y = self->centred ? 0 : CLAMP (self->free_y, 0, height - ch);
  else
    *y = -adjustment_value (self->vadjustment);
  /* The map starts below the damaged-dump line, which never covers it. */
  *y += self->notice_height;
}

static void
invalidate_image (MpyHeapView *self)
{
  g_clear_pointer (&self->image, cairo_surface_destroy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static cairo_surface_t *
ensure_image (MpyHeapView *self)
{
  if (self->image == NULL && have_map (self))
    {
      self->image = mpy_renderer_create_block_image (self->snapshot, self->diff, &self->options);
      if (self->image != NULL && cairo_surface_status (self->image) != CAIRO_STATUS_SUCCESS)
        g_clear_pointer (&self->image, cairo_surface_destroy);
    }
  return self->image;
}

static void
update_stats (MpyHeapView *self)
{
  memset (&self->stats, 0, sizeof self->stats);
  self->have_stats = have_map (self);
  if (self->have_stats)
    mpy_stats_compute (layout_snapshot (self), &self->stats);
}

static void
update_actions (MpyHeapView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean map = have_map (self);

  gtk_widget_action_set_enabled (widget, "heap.zoom-in", map && self->scale < SCALE_MAX);
  gtk_widget_action_set_enabled (widget, "heap.zoom-out", map && self->scale > min_scale (self));
  gtk_widget_action_set_enabled (widget, "heap.zoom-reset", map);
  gtk_widget_action_set_enabled (widget, "heap.zoom-fit", map);
}

static void
configure_adjustment (GtkAdjustment *adjustment,
                      double         value,
                      double         upper,
                      double         page)
{
  if (adjustment == NULL)
    return;
  upper = MAX (upper, page);
  value = CLAMP (value, 0, MAX (0, upper - page));
  gtk_adjustment_configure (adjustment, value, 0, upper, page * 0.1, page * 0.9, page);
}

static void
configure_adjustments (MpyHeapView *self,
                       double       hvalue,
                       double       vvalue)
{
  double cw, ch;

  content_size (self, &cw, &ch);
  configure_adjustment (self->hadjustment, hvalue, cw, gtk_widget_get_width (GTK_WIDGET (self)));
  configure_adjustment (self->vadjustment, vvalue, ch, viewport_height (self));
}

/* Lays the legend items out left to right, wrapping at @width, and draws them when @snapshot is
 * non-NULL (with y relative to the top of the strip). Returns the strip height. */
static int
legend_layout (MpyHeapView *self,
               GtkSnapshot *snapshot,
               int          width,
               const GdkRGBA *fg)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  const char *labels[MPY_N_KINDS + MPY_N_DIFF_STATES + 1];
  guint32 colors[G_N_ELEMENTS (labels)];
  gboolean outline_only[G_N_ELEMENTS (labels)] = { FALSE, };
  guint n = 0;
  int line_height, x, y;
  gboolean dark = self->options.dark;

  if (self->diff != NULL)
    {
      static const MpyDiffState order[] = {
        MPY_DIFF_UNCHANGED, MPY_DIFF_ALLOCATED, MPY_DIFF_FREED, MPY_DIFF_CHANGED, MPY_DIFF_FREE,
      };
      static const char *names[] = {
        N_("unchanged"), N_("allocated"), N_("freed"), N_("changed"), N_("free"),
      };

      for (guint i = 0; i < G_N_ELEMENTS (order); i++)
        {
          labels[n] = _(names[i]);
          if (order[i] == MPY_DIFF_FREE && !self->options.show_free)
            colors[n++] = mpy_palette_get_background (dark);
          else
            colors[n++] = mpy_palette_get_diff_color (order[i], dark);
        }
    }
  else
    {
      for (guint i = 0; i < MPY_N_KINDS; i++)
        {
          /* In rainbow mode tails take the colour of their object's head: no swatch. */
          if (mpy_kinds[i] == MPY_KIND_TAIL && self->options.rainbow)
            continue;
          labels[n] = mpy_kind_get_name (mpy_kinds[i]);
          if (mpy_kinds[i] == MPY_KIND_FREE && !self->options.show_free)
            colors[n++] = mpy_palette_get_background (dark);
          else
            colors[n++] = mpy_palette_get_kind_color (mpy_kinds[i], dark);
        }
    }
  if (self->highlight_largest_free)
    {
      labels[n] = _("largest free run");
      colors[n] = dark ? MPY_HEAP_VIEW_HIGHLIGHT_DARK : MPY_HEAP_VIEW_HIGHLIGHT_LIGHT;
      outline_only[n++] = TRUE;
    }

  pango_layout_set_text (layout, "Ag", -1);
  pango_layout_get_pixel_size (layout, NULL, &line_height);
  line_height = MAX (line_height, LEGEND_SWATCH);

  x = LEGEND_PAD;
  y = LEGEND_PAD;
  for (guint i = 0; i < n; i++)
    {
      int text_width;
      int item_width;

      pango_layout_set_text (layout, labels[i], -1);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      item_width = LEGEND_SWATCH + 4 + text_width;
      if (x > LEGEND_PAD && x + item_width > width - LEGEND_PAD)
        {
          x = LEGEND_PAD;
          y += line_height + 4;
        }

      if (snapshot != NULL)
        {
          GdkRGBA c = {
            ((colors[i] >> 16) & 0xff) / 255.0,
            ((colors[i] >> 8) & 0xff) / 255.0,
            (colors[i] & 0xff) / 255.0,
            1.0,
          };
          graphene_rect_t sw = GRAPHENE_RECT_INIT (x, y + (line_height - LEGEND_SWATCH) / 2,
                                                   LEGEND_SWATCH, LEGEND_SWATCH);
          GskRoundedRect border;
          float widths[4];
          GdkRGBA border_colors[4];

          if (!outline_only[i])
            gtk_snapshot_append_color (snapshot, &c, &sw);
          gsk_rounded_rect_init_from_rect (&border, &sw, 0);
          for (guint k = 0; k < 4; k++)
            {
              widths[k] = outline_only[i] ? 2 : 1;
              border_colors[k] = outline_only[i] ? c : *fg;
              if (!outline_only[i])
                border_colors[k].alpha *= 0.4;
            }
          gtk_snapshot_append_border (snapshot, &border, widths, border_colors);

          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + LEGEND_SWATCH + 4, y));
          gtk_snapshot_append_layout (snapshot, layout, fg);
          gtk_snapshot_restore (snapshot);
        }
      x += item_width + LEGEND_GAP;
    }

  return y + line_height + LEGEND_PAD;
}

int
mpy_heap_view_get_legend_height (MpyHeapView *self)
{
  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), 0);
  return self->legend_height;
}

static void
get_foreground (MpyHeapView *self,
                GdkRGBA     *fg)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* A light text colour means a dark theme: switch the renderer to its dark palette. */
static void
update_dark (MpyHeapView *self,
             gboolean     in_snapshot)
{
  GdkRGBA fg;
  gboolean dark;

  get_foreground (self, &fg);
  dark = (0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue) > 0.5;
  if (dark != self->options.dark)
    {
      self->options.dark = dark;
      /* No queue_draw from inside a snapshot: that frame is being drawn already. */
      if (in_snapshot)
        g_clear_pointer (&self->image, cairo_surface_destroy);
      else
        invalidate_image (self);
    }
}

/* The outline (in map pixels at the current scale) of the blocks [start, start + n), which lie
 * in one area and so follow each other row-major: one closed path around the whole run, not
 * a box per row. */
static void
add_run_path (MpyHeapView *self,
              cairo_t     *cr,
              gsize        start,
              gsize        n)
{
  MpySnapshot *snapshot = layout_snapshot (self);
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
                          &GRAPHENE_POINT_INIT (12, MAX (0, (viewport_height (self) - th) / 2)));
  gtk_snapshot_append_layout (snapshot, layout, fg);
  gtk_snapshot_restore (snapshot);
}

/**
 * mpy_heap_view_get_notice:
 *
 * Returns: (nullable) (transfer full): the warning drawn over the map (a damaged dump and
 *   its reason), or %NULL
 */
char *
mpy_heap_view_get_notice (MpyHeapView *self)
{
  MpySnapshot *damaged = NULL;
  const char *reason;

  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), NULL);

  if (self->diff != NULL)
    {
      if (mpy_snapshot_is_damaged (mpy_diff_get_after (self->diff)))
        damaged = mpy_diff_get_after (self->diff);
      else if (mpy_snapshot_is_damaged (mpy_diff_get_before (self->diff)))
        damaged = mpy_diff_get_before (self->diff);
    }
  else if (self->snapshot != NULL && mpy_snapshot_is_damaged (self->snapshot))
    damaged = self->snapshot;

  if (damaged == NULL)
    {
      /* Cairo images stop at 32767 rows; the renderer's block image is cut there. */
      if (have_map (self) &&
          mpy_layout_get_n_rows (layout_snapshot (self), &self->options) > 32767)
        return g_strdup (_("This heap has too many rows to draw at this width: the map stops "
                           "at row 32767. Choose more columns."));
      return NULL;
    }
  reason = mpy_snapshot_get_damage_reason (damaged);
  /* Translators: %s is why the dump is inconsistent, e.g. lost serial data */
  return g_strdup_printf (_("Damaged dump: the map may be incomplete (%s)."),
                          reason ? reason : _("the map disagrees with the header"));
}

static void
mpy_heap_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  MpyHeapView *self = MPY_HEAP_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int view_h = self->notice_height + viewport_height (self);   /* bottom of the map area */
  guint32 bg_rgb;
  GdkRGBA bg, fg;
  double ox, oy, cw, ch;
  double x0, y0, x1, y1;
  cairo_surface_t *image;

  update_dark (self, TRUE);
  get_foreground (self, &fg);
  bg_rgb = mpy_palette_get_background (self->options.dark);
  bg = (GdkRGBA) { ((bg_rgb >> 16) & 0xff) / 255.0, ((bg_rgb >> 8) & 0xff) / 255.0,
                   (bg_rgb & 0xff) / 255.0, 1.0 };
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (!have_map (self))
    {
      MpySnapshot *snap = layout_snapshot (self);

      if (snap == NULL)
        draw_message (self, snapshot,
                      _("No snapshot selected. Capture one from a board or open a session."),
                      &fg);
      else
        draw_message (self, snapshot,
                      _("This snapshot has figures only: it was taken with mem_info() without "
                        "an argument, so there is no block map."),
                      &fg);
      goto legend;
    }

  image = ensure_image (self);
  if (image == NULL)
    goto legend;

  mpy_heap_view_get_origin (self, &ox, &oy);
  content_size (self, &cw, &ch);
  /* Whole-pixel node bounds: a renderer that turns the node into a texture then draws it
   * without resampling, so the cells stay crisp even at a fractional scroll offset. */
  x0 = floor (MAX (0, ox));
  y0 = floor (MAX (self->notice_height, oy));
  x1 = ceil (MIN (width, ox + cw));
  y1 = ceil (MIN (view_h, oy + ch));

  if (x1 > x0 && y1 > y0)
    {
      graphene_rect_t area = GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0);
      guint n_rows = mpy_layout_get_n_rows (layout_snapshot (self), &self->options);
      guint row0 = (guint) MAX (0, floor ((y0 - oy) / self->scale));
      guint row1 = (guint) MIN (n_rows, ceil ((y1 - oy) / self->scale));
      gboolean decorate;
      cairo_t *cr;

      decorate = self->scale >= 4 ||
                 (self->highlight_largest_free && self->stats.largest_free_run > 0) ||
                 self->hovered_block >= 0;

      if (self->draw_method == MPY_HEAP_VIEW_DRAW_TEXTURE)
        {
          append_map_texture (self, snapshot, image, &area, ox, oy);
          if (!decorate)
            goto legend;
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
        mpy_renderer_draw_outlines (cr, layout_snapshot (self), self->diff, &self->options,
                                    self->scale, row0, row1 - row0);

      if (self->highlight_largest_free && self->stats.largest_free_run > 0)
        {
          static const double dash[] = { 4.0, 2.0 };

          add_run_path (self, cr, self->stats.largest_free_run_start,
                        self->stats.largest_free_run);
          set_source_rgb (cr, self->options.dark ? MPY_HEAP_VIEW_HIGHLIGHT_DARK
                                                 : MPY_HEAP_VIEW_HIGHLIGHT_LIGHT);
          cairo_set_line_width (cr, 2.0);
          cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }

      if (self->hovered_block >= 0)
        {
          gsize start = self->hovered_block, n = 1;

          /* A block freed since "before" outlines the object that was there. */
          if (!mpy_snapshot_get_object (layout_snapshot (self), self->hovered_block, &start, &n) &&
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

  /* A damaged dump is never shown as if it were whole: one line over the map says so (the
   * whole reason is in its tooltip), in a strip of its own that never covers the map. */
  {
    g_autofree char *notice = mpy_heap_view_get_notice (self);

    if (notice != NULL && self->notice_height > 0)
      {
        g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, notice);
        GdkRGBA band = self->options.dark ? (GdkRGBA) { 0.45, 0.10, 0.10, 1 }
                                          : (GdkRGBA) { 0.98, 0.86, 0.86, 1 };
        GdkRGBA ink = self->options.dark ? (GdkRGBA) { 1, 0.9, 0.9, 1 }
                                         : (GdkRGBA) { 0.55, 0.05, 0.05, 1 };

        pango_layout_set_single_paragraph_mode (layout, TRUE);
        pango_layout_set_width (layout, MAX (1, width - 16) * PANGO_SCALE);
        pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
        gtk_snapshot_append_color (snapshot, &band,
                                   &GRAPHENE_RECT_INIT (0, 0, width, self->notice_height));
        gtk_snapshot_save (snapshot);
        gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (8, 4));
        gtk_snapshot_append_layout (snapshot, layout, &ink);
        gtk_snapshot_restore (snapshot);
      }
  }

legend:
  {
    guint32 sep = self->options.dark ? 0x3d3d3d : 0xd0d0d0;
    GdkRGBA sep_color = { ((sep >> 16) & 0xff) / 255.0, ((sep >> 8) & 0xff) / 255.0,
                          (sep & 0xff) / 255.0, 1.0 };

    /* The legend strip always stays visible over the bottom of the view. */
    gtk_snapshot_append_color (snapshot, &bg,
                               &GRAPHENE_RECT_INIT (0, view_h, width, self->legend_height));
    gtk_snapshot_append_color (snapshot, &sep_color, &GRAPHENE_RECT_INIT (0, view_h, width, 1));
    gtk_snapshot_save (snapshot);
    gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, view_h));
    legend_layout (self, snapshot, width, &fg);
    gtk_snapshot_restore (snapshot);
  }
}

static void
mpy_heap_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  MpyHeapView *self = MPY_HEAP_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 64;
      *natural = 64 * 8;
    }
  else
    {
      int legend = legend_layout (self, NULL, for_size > 0 ? for_size : 64 * 8, NULL);

      *minimum = 64 + legend;
      *natural = 320 + legend;
    }
}

/* One line of the damaged-dump notice with a margin, or 0 without a notice. */
static int
notice_strip_height (MpyHeapView *self)
{
  g_autofree char *notice = mpy_heap_view_get_notice (self);
  g_autoptr(PangoLayout) layout = NULL;
  int th;

  if (notice == NULL)
    return 0;
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), notice);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_get_pixel_size (layout, NULL, &th);
  return th + 8;
}

static void
mpy_heap_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  MpyHeapView *self = MPY_HEAP_VIEW (widget);

  self->legend_height = legend_layout (self, NULL, width, NULL);
  self->notice_height = notice_strip_height (self);
  if (self->fit_pending && have_map (self))
    {
      self->fit_pending = FALSE;
      mpy_heap_view_zoom_fit (self);
    }
  else
    configure_adjustments (self, adjustment_value (self->hadjustment),
                           adjustment_value (self->vadjustment));
  update_actions (self);
}

static void
mpy_heap_view_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (mpy_heap_view_parent_class)->css_changed (widget, change);
  update_dark (MPY_HEAP_VIEW (widget), FALSE);
  gtk_widget_queue_resize (widget);
}

static gboolean
mpy_heap_view_query_tooltip (GtkWidget  *widget,
                             int         x,
                             int         y,
                             gboolean    keyboard_mode,
                             GtkTooltip *tooltip)
{
  MpyHeapView *self = MPY_HEAP_VIEW (widget);
  g_autofree char *text = NULL;
  gsize block;

  if (!keyboard_mode && y < self->notice_height)
    {
      g_autofree char *notice = mpy_heap_view_get_notice (self);

      gtk_tooltip_set_text (tooltip, notice);
      return notice != NULL;
    }
  if (keyboard_mode || !mpy_heap_view_get_block_at (self, x, y, &block))
    return FALSE;
  text = mpy_heap_view_describe_block (self, block);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
set_hovered_block (MpyHeapView *self,
                   gint64       block)
{
  if (self->hovered_block == block)
    return;
  self->hovered_block = block;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVERED_BLOCK]);
}

static void
update_hover (MpyHeapView *self)
{
  gsize block;

  if (self->pointer_inside &&
      mpy_heap_view_get_block_at (self, self->pointer_x, self->pointer_y, &block))
    set_hovered_block (self, block);
  else
    set_hovered_block (self, -1);
}

static void
on_adjustment_value_changed (GtkAdjustment *adjustment,
                             MpyHeapView   *self)
{
  update_hover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (MpyHeapView    *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, on_adjustment_value_changed, self);
      g_object_unref (*slot);
    }
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (on_adjustment_value_changed), self, 0);
  configure_adjustments (self, adjustment_value (self->hadjustment),
                         adjustment_value (self->vadjustment));
}

/* The anchor of keyboard and button zooms: the pointer when it is over the map, else the
 * centre of the view. */
static void
zoom_anchor (MpyHeapView *self,
             double      *x,
             double      *y)
{
  if (self->pointer_inside && self->pointer_y >= self->notice_height
      && self->pointer_y < self->notice_height + viewport_height (self))
    {
      *x = self->pointer_x;
      *y = self->pointer_y;
    }
  else
    {
      *x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      *y = self->notice_height + viewport_height (self) / 2.0;
    }
}

void
mpy_heap_view_get_zoom_anchor (MpyHeapView *self,
                               double      *x,
                               double      *y)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));
  zoom_anchor (self, x, y);
}

static void
zoom_by (MpyHeapView *self,
         double       factor)
{
  double x, y;

  zoom_anchor (self, &x, &y);
  mpy_heap_view_zoom_to (self, self->scale * factor, x, y);
}

static void
action_zoom (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MpyHeapView *self = MPY_HEAP_VIEW (widget);

  if (g_str_equal (action_name, "heap.zoom-in"))
    zoom_by (self, ZOOM_STEP);
  else if (g_str_equal (action_name, "heap.zoom-out"))
    zoom_by (self, 1.0 / ZOOM_STEP);
  else if (g_str_equal (action_name, "heap.zoom-reset"))
    {
      double x, y;

      zoom_anchor (self, &x, &y);
      mpy_heap_view_zoom_to (self, SCALE_RESET, x, y);
    }
  else if (g_str_equal (action_name, "heap.zoom-fit"))
    mpy_heap_view_zoom_fit (self);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           MpyHeapView              *self)
{
  GdkModifierType state;
  GdkEvent *event;
  double x, y;

  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;   /* let the scrolled window pan */

  event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  if (event == NULL || !gdk_event_get_position (event, &x, &y))
    zoom_anchor (self, &x, &y);
  else
    {
      /* Event coordinates are relative to the surface: convert to ours. */
      GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
      double nx, ny, wx, wy;

      gtk_native_get_surface_transform (native, &nx, &ny);
      gtk_widget_translate_coordinates (GTK_WIDGET (native), GTK_WIDGET (self),
                                        x - nx, y - ny, &wx, &wy);
      x = wx;
      y = wy;
    }
  mpy_heap_view_zoom_to (self, self->scale * pow (WHEEL_ZOOM_BASE, -dy), x, y);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           MpyHeapView              *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  update_hover (self);
}

static void
on_leave (GtkEventControllerMotion *controller,
          MpyHeapView              *self)
{
  self->pointer_inside = FALSE;
  update_hover (self);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               MpyHeapView    *self)
{
  self->drag_start_h = adjustment_value (self->hadjustment);
  self->drag_start_v = adjustment_value (self->vadjustment);
  /* Clicking the canvas gives it the keyboard for + - 0 f. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             MpyHeapView    *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                MpyHeapView    *self)
{
  if (dx != 0 || dy != 0)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
  if (self->hadjustment)
    gtk_adjustment_set_value (self->hadjustment, self->drag_start_h - dx);
  if (self->vadjustment)
    gtk_adjustment_set_value (self->vadjustment, self->drag_start_v - dy);
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               MpyHeapView      *self)
{
  self->gesture_start_scale = self->scale;
}

static void
on_zoom_scale_changed (GtkGestureZoom *gesture,
                       double          scale,
                       MpyHeapView    *self)
{
  double x, y;

  if (!gtk_gesture_is_active (GTK_GESTURE (gesture)) ||
      !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    zoom_anchor (self, &x, &y);
  mpy_heap_view_zoom_to (self, self->gesture_start_scale * scale, x, y);
}

static void
mpy_heap_view_dispose (GObject *object)
{
  MpyHeapView *self = MPY_HEAP_VIEW (object);

  g_clear_pointer (&self->snapshot, mpy_snapshot_unref);
  g_clear_pointer (&self->diff, mpy_diff_unref);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  if (self->hadjustment)
    g_signal_handlers_disconnect_by_func (self->hadjustment, on_adjustment_value_changed, self);
  if (self->vadjustment)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (mpy_heap_view_parent_class)->dispose (object);
}

static void
mpy_heap_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MpyHeapView *self = MPY_HEAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_DIFF:
      g_value_set_boxed (value, self->diff);
      break;
    case PROP_SCALE:
      g_value_set_double (value, self->scale);
      break;
    case PROP_COLUMNS:
      g_value_set_uint (value, self->options.columns);
      break;
    case PROP_RAINBOW:
      g_value_set_boolean (value, self->options.rainbow);
      break;
    case PROP_SHOW_FREE:
      g_value_set_boolean (value, self->options.show_free);
      break;
    case PROP_HIGHLIGHT_LARGEST_FREE:
      g_value_set_boolean (value, self->highlight_largest_free);
      break;
    case PROP_HOVERED_BLOCK:
      g_value_set_int64 (value, self->hovered_block);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_option (MpyHeapView *self,
            guint        prop_id,
            const GValue *value)
{
  MpyRenderOptions options = self->options;

  if (prop_id == PROP_COLUMNS)
    options.columns = g_value_get_uint (value);
  else if (prop_id == PROP_RAINBOW)
    options.rainbow = g_value_get_boolean (value);
  else
    options.show_free = g_value_get_boolean (value);
  mpy_heap_view_set_options (self, &options);
}

static void
mpy_heap_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MpyHeapView *self = MPY_HEAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      mpy_heap_view_set_snapshot (self, g_value_get_boxed (value));
      break;
    case PROP_DIFF:
      mpy_heap_view_set_diff (self, g_value_get_boxed (value));
      break;
    case PROP_SCALE:
      {
        double x, y;

        zoom_anchor (self, &x, &y);
        mpy_heap_view_zoom_to (self, g_value_get_double (value), x, y);
      }
      break;
    case PROP_COLUMNS:
    case PROP_RAINBOW:
    case PROP_SHOW_FREE:
      set_option (self, prop_id, value);
      break;
    case PROP_HIGHLIGHT_LARGEST_FREE:
      if (self->highlight_largest_free != g_value_get_boolean (value))
        {
          self->highlight_largest_free = g_value_get_boolean (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (guint) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (guint) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_heap_view_class_init (MpyHeapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mpy_heap_view_dispose;
  object_class->get_property = mpy_heap_view_get_property;
  object_class->set_property = mpy_heap_view_set_property;

  widget_class->snapshot = mpy_heap_view_snapshot;
  widget_class->measure = mpy_heap_view_measure;
  widget_class->size_allocate = mpy_heap_view_size_allocate;
  widget_class->css_changed = mpy_heap_view_css_changed;
  widget_class->query_tooltip = mpy_heap_view_query_tooltip;

  properties[PROP_SNAPSHOT] =
    g_param_spec_boxed ("snapshot", NULL, "The snapshot shown",
                        MPY_TYPE_SNAPSHOT,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIFF] =
    g_param_spec_boxed ("diff", NULL, "The diff shown instead of the snapshot, or NULL",
                        MPY_TYPE_DIFF,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, "Pixels per block",
                         0.0, SCALE_MAX, SCALE_RESET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMNS] =
    g_param_spec_uint ("columns", NULL, "Blocks per row, in multiples of 64",
                       1, 64, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RAINBOW] =
    g_param_spec_boolean ("rainbow", NULL, "Alternate two shades per object",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_FREE] =
    g_param_spec_boolean ("show-free", NULL, "Draw free blocks in a visible colour",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHT_LARGEST_FREE] =
    g_param_spec_boolean ("highlight-largest-free", NULL, "Outline the largest free run",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOVERED_BLOCK] =
    g_param_spec_int64 ("hovered-block", NULL, "The block under the pointer, or -1",
                        -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_install_action (widget_class, "heap.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "heap.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "heap.zoom-reset", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "heap.zoom-fit", NULL, action_zoom);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "heap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "heap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "heap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "heap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "heap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "heap.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "heap.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "heap.zoom-fit", NULL);

  gtk_widget_class_set_css_name (widget_class, "heapview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mpy_heap_view_init (MpyHeapView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *gesture;

  self->centred = TRUE;

  self->options = (MpyRenderOptions) MPY_RENDER_OPTIONS_INIT;
  self->scale = SCALE_RESET;
  self->hovered_block = -1;
  self->highlight_largest_free = TRUE;
  self->draw_method = MPY_HEAP_VIEW_DRAW_CAIRO;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Heap map"),
                                  -1);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  set_adjustment (self, &self->hadjustment, NULL);
  set_adjustment (self, &self->vadjustment, NULL);
  update_actions (self);
}

/**
 * mpy_heap_view_new:
 *
 * Returns: a new, empty heap canvas.
 */
GtkWidget *
mpy_heap_view_new (void)
{
  return g_object_new (MPY_TYPE_HEAP_VIEW, NULL);
}

static void
layout_changed (MpyHeapView *self)
{
  /* Before anything measures the view: a damaged dump's line takes room from the map. */
  self->notice_height = notice_strip_height (self);
  update_stats (self);
  invalidate_image (self);
  self->hovered_block = -1;
  configure_adjustments (self, adjustment_value (self->hadjustment),
                         adjustment_value (self->vadjustment));
  update_hover (self);
  update_actions (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * mpy_heap_view_set_snapshot:
 * @snapshot: (nullable): the snapshot to show
 *
 * Shows @snapshot and leaves diff mode.
 */
void
mpy_heap_view_set_snapshot (MpyHeapView *self,
                            MpySnapshot *snapshot)
{
  gboolean had_diff;

  g_return_if_fail (MPY_IS_HEAP_VIEW (self));

  had_diff = self->diff != NULL;
  if (self->snapshot == snapshot && !had_diff)
    return;
  if (snapshot != NULL)
    mpy_snapshot_ref (snapshot);
  g_clear_pointer (&self->snapshot, mpy_snapshot_unref);
  g_clear_pointer (&self->diff, mpy_diff_unref);
  self->snapshot = snapshot;
  layout_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
  if (had_diff)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIFF]);
}

MpySnapshot *
mpy_heap_view_get_snapshot (MpyHeapView *self)
{
  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), NULL);
  return self->snapshot;
}

/**
 * mpy_heap_view_set_diff:
 * @diff: (nullable): the diff to show, or %NULL to go back to the snapshot
 *
 * Shows the diff overlay of @diff's "after" over its "before".
 */
void
mpy_heap_view_set_diff (MpyHeapView *self,
                        MpyDiff     *diff)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));

  if (self->diff == diff)
    return;
  if (diff != NULL)
    mpy_diff_ref (diff);
  g_clear_pointer (&self->diff, mpy_diff_unref);
  self->diff = diff;
  layout_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIFF]);
}

MpyDiff *
mpy_heap_view_get_diff (MpyHeapView *self)
{
  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), NULL);
  return self->diff;
}

double
mpy_heap_view_get_scale (MpyHeapView *self)
{
  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), SCALE_RESET);
  return self->scale;
}

/**
 * mpy_heap_view_zoom_to:
 * @scale: pixels per block
 * @anchor_x: widget x of the point that stays on the same block
 * @anchor_y: widget y of that point
 *
 * Sets the scale (clamped to the zoom range) keeping the map point under the anchor fixed, as
 * far as the scroll range allows.
 */
void
mpy_heap_view_zoom_to (MpyHeapView *self,
                       double       scale,
                       double       anchor_x,
                       double       anchor_y)
{
  double ox, oy, cx, cy;
  double old_h, old_v;

  g_return_if_fail (MPY_IS_HEAP_VIEW (self));

  scale = CLAMP (scale, min_scale (self), SCALE_MAX);
  if (scale == self->scale)
    return;

  /* The map point under the anchor, in blocks, before the change. */
  mpy_heap_view_get_origin (self, &ox, &oy);
  cx = (anchor_x - ox) / self->scale;
  cy = (anchor_y - oy) / self->scale;
  old_h = adjustment_value (self->hadjustment);
  old_v = adjustment_value (self->vadjustment);

  self->scale = scale;
  self->fit_pending = FALSE;

  /* Where the map's origin must be for the anchor to stay on the same point; used as it is
   * when the map is smaller than the view, else through the scroll offset. */
  self->free_x = anchor_x - cx * scale;
  self->free_y = anchor_y - self->notice_height - cy * scale;
  self->centred = FALSE;
  self->at_fit = FALSE;

  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    configure_adjustments (self, cx * scale - anchor_x,
                           cy * scale - (anchor_y - self->notice_height));
  else
    configure_adjustments (self, old_h, old_v);

  update_hover (self);
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

/**
 * mpy_heap_view_zoom_fit:
 *
 * Zooms so that the whole map fits the view (done at the next allocation if the widget has no
 * size yet).
 */
void
mpy_heap_view_zoom_fit (MpyHeapView *self)
{
  double scale;

  g_return_if_fail (MPY_IS_HEAP_VIEW (self));

  self->centred = TRUE;
  self->at_fit = TRUE;
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0 || !have_map (self))
    {
      self->fit_pending = TRUE;
      return;
    }

  scale = fit_scale (self);
  if (scale != self->scale)
    {
      self->scale = scale;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
    }
  configure_adjustments (self, 0, 0);
  update_hover (self);
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
mpy_heap_view_get_options (MpyHeapView      *self,
                           MpyRenderOptions *options)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));
  g_return_if_fail (options != NULL);
  *options = self->options;
}

/**
 * mpy_heap_view_set_options:
 * @options: columns, rainbow and show-free; the dark flag is ignored, it follows the theme
 */
void
mpy_heap_view_set_options (MpyHeapView            *self,
                           const MpyRenderOptions *options)
{
  MpyRenderOptions old;

  g_return_if_fail (MPY_IS_HEAP_VIEW (self));
  g_return_if_fail (options != NULL);

  old = self->options;
  self->options.columns = MAX (options->columns, 1);
  self->options.rainbow = !!options->rainbow;
  self->options.show_free = !!options->show_free;
  if (memcmp (&old, &self->options, sizeof old) == 0)
    return;

  if (old.columns != self->options.columns)
    {
      layout_changed (self);
      /* A map that was fitted stays fitted in its new shape. */
      if (self->at_fit)
        mpy_heap_view_zoom_fit (self);
    }
  else
    invalidate_image (self);
  /* The legend depends on rainbow and show-free and may change height. */
  gtk_widget_queue_resize (GTK_WIDGET (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (old.columns != self->options.columns)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMNS]);
  if (old.rainbow != self->options.rainbow)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RAINBOW]);
  if (old.show_free != self->options.show_free)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_FREE]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mpy_heap_view_get_block_at:
 * @x: widget x
 * @y: widget y
 * @block: (out): the block index under (x, y)
 *
 * The hit test shared by hover, tooltip and clicks.
 *
 * Returns: %TRUE if a block is under the point
 */
gboolean
mpy_heap_view_get_block_at (MpyHeapView *self,
                            double       x,
                            double       y,
                            gsize       *block)
{
  double ox, oy, bx, by;

  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), FALSE);

  if (!have_map (self) || x < 0 || y < self->notice_height ||
      x >= gtk_widget_get_width (GTK_WIDGET (self)) ||
      y >= self->notice_height + viewport_height (self))
    return FALSE;

  mpy_heap_view_get_origin (self, &ox, &oy);
  bx = floor ((x - ox) / self->scale);
  by = floor ((y - oy) / self->scale);
  if (bx < 0 || by < 0 || bx >= G_MAXUINT || by >= G_MAXUINT)
    return FALSE;
  return mpy_layout_get_block_at (layout_snapshot (self), &self->options,
                                  (guint) bx, (guint) by, block);
}

static char *
number (guint64 value)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static char *
address (guint64 value)
{
  return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", value);
}

/* "3 blocks, 48 bytes" */
static char *
format_size (gsize n,
             guint bytes_per_block)
{
  g_autofree char *n_text = number (n);
  g_autofree char *bytes_text = number ((guint64) n * bytes_per_block);
  guint64 n_bytes = (guint64) n * bytes_per_block;
  g_autofree char *blocks = NULL;
  g_autofree char *bytes = NULL;

  blocks = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s block", "%s blocks", n), n_text);
  bytes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s byte", "%s bytes",
                                        (gulong) MIN (n_bytes, G_MAXULONG)),
                           bytes_text);

  /* Translators: a size in blocks, then in bytes */
  return g_strdup_printf (_("%s, %s"), blocks, bytes);
}

static char *
format_object (MpySnapshot *snapshot,
               gsize        block)
{
  const guint8 *kinds = mpy_snapshot_get_kinds (snapshot);
  gsize start, n;
  const char *name;
  g_autofree char *start_text = NULL;
  g_autofree char *start_address = NULL;
  g_autofree char *size = NULL;

  if (!mpy_snapshot_get_object (snapshot, block, &start, &n))
    return NULL;
  name = mpy_kind_get_name (kinds[start]);
  start_text = number (start);
  start_address = address (mpy_snapshot_get_block_address (snapshot, start));
  size = format_size (n, mpy_snapshot_get_bytes_per_block (snapshot));
  /* Translators: kind of object, its first block, that block's address, its size */
  return g_strdup_printf (_("%s object at block %s (%s), %s"),
                          name ? name : "?", start_text, start_address, size);
}

/* The maximal free run around a free @block, within its area. */
static void
free_run_around (MpySnapshot *snapshot,
                 gsize        block,
                 gsize       *start,
                 gsize       *n)
{
  const guint8 *kinds = mpy_snapshot_get_kinds (snapshot);
  gsize lo = 0, hi = mpy_snapshot_get_n_blocks (snapshot);
  gsize a = block, b = block + 1;

  for (guint i = 0; i < mpy_snapshot_get_n_areas (snapshot); i++)
    {
      const MpyArea *area = mpy_snapshot_get_area (snapshot, i);

      if (block >= area->first_block && block < area->first_block + area->n_blocks)
        {
          lo = area->first_block;
          hi = area->first_block + area->n_blocks;
          break;
        }
    }
  while (a > lo && kinds[a - 1] == MPY_KIND_FREE)
    a--;
  while (b < hi && kinds[b] == MPY_KIND_FREE)
    b++;
  *start = a;
  *n = b - a;
}

/**
 * mpy_heap_view_describe_block:
 * @block: a block index
 *
 * Returns: (transfer full): the hover tooltip text: block index and address, kind, the object's
 *   start and size in blocks and bytes, and in diff mode the block's change.
 */
char *
mpy_heap_view_describe_block (MpyHeapView *self,
                              gsize        block)
{
  MpySnapshot *snapshot;
  const guint8 *kinds;
  g_autoptr(GString) text = NULL;
  g_autofree char *object = NULL;
  const char *kind_name;
  guint bpb;

  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), NULL);

  snapshot = layout_snapshot (self);
  if (snapshot == NULL || !mpy_snapshot_has_map (snapshot) ||
      block >= mpy_snapshot_get_n_blocks (snapshot))
    return NULL;

  kinds = mpy_snapshot_get_kinds (snapshot);
  bpb = mpy_snapshot_get_bytes_per_block (snapshot);
  kind_name = mpy_kind_get_name (kinds[block]);
  text = g_string_new (NULL);
  {
    g_autofree char *block_text = number (block);
    g_autofree char *block_address = address (mpy_snapshot_get_block_address (snapshot, block));

    g_string_append_printf (text, _("Block %s at %s"), block_text, block_address);
  }
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Kind: %s"), kind_name ? kind_name : "?");

  object = format_object (snapshot, block);
  if (object != NULL)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Object: %s"), object);
    }
  else
    {
      gsize start, n;
      g_autofree char *size = NULL;
      g_autofree char *start_text = NULL;

      free_run_around (snapshot, block, &start, &n);
      size = format_size (n, bpb);
      start_text = number (start);
      g_string_append_c (text, '\n');
      /* Translators: the size of a run of free blocks, then its first block */
      g_string_append_printf (text, _("Free run: %s from block %s"), size, start_text);
    }

  if (self->diff != NULL)
    {
      MpySnapshot *before = mpy_diff_get_before (self->diff);
      MpyDiffState state = mpy_diff_get_states (self->diff)[block];
      g_autofree char *was = NULL;

      g_string_append_c (text, '\n');
      switch (state)
        {
        case MPY_DIFF_FREE:
          g_string_append (text, _("Change: none (free before and after)"));
          break;
        case MPY_DIFF_UNCHANGED:
          g_string_append (text, _("Change: none (the same object before and after)"));
          break;
        case MPY_DIFF_ALLOCATED:
          g_string_append (text, _("Change: allocated (free before)"));
          break;
        case MPY_DIFF_FREED:
          g_string_append (text, _("Change: freed (used before)"));
          break;
        case MPY_DIFF_CHANGED:
          g_string_append (text, _("Change: changed (another object was here before)"));
          break;
        case MPY_N_DIFF_STATES:
        default:
          g_string_append_printf (text, _("Change: %s"), mpy_diff_state_get_name (state));
          break;
        }
      if (state == MPY_DIFF_FREED || state == MPY_DIFF_CHANGED)
        was = format_object (before, block);
      if (was != NULL)
        {
          g_string_append_c (text, '\n');
          g_string_append_printf (text, _("Before: %s"), was);
        }
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
mpy_heap_view_set_draw_method (MpyHeapView           *self,
                               MpyHeapViewDrawMethod  method)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));
  self->draw_method = method;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

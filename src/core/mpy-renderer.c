/* mpy-renderer.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Painting: the block image at one pixel per block, grid lines and object outlines, and the
 * whole picture (header, map, legend) as mpy-layout.c places it; PNG export.
 */

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "mpy-renderer.h"
#include "mpy-renderer-private.h"
#include "mpy-stats.h"
#include "mpy-snapshot-private.h"

G_DEFINE_QUARK (mpy-render-error-quark, mpy_render_error)

#define MAX_SIDE MPY_RENDER_MAX_SIDE
/* A PNG export is drawn in memory first: keep it to 1 GiB of RGB24 (Linux would rather
 * overcommit and kill the app later than fail the allocation). */
#define MAX_PIXELS (G_GINT64_CONSTANT (1) << 28)

/* Grid lines and object outlines are only drawn from this cell size on. */
#define OUTLINE_MIN_SCALE 6.0

static void
set_source_rgb (cairo_t *cr,
                guint32  c,
                double   alpha)
{
  cairo_set_source_rgba (cr,
                         ((c >> 16) & 0xff) / 255.0,
                         ((c >> 8) & 0xff) / 255.0,
                         (c & 0xff) / 255.0,
                         alpha);
}

/* ------------------------------------------------------------------------------------------
 * The block image
 */

static void
fill_kind_row_plain (guint32       *px,
                     const guint8  *kinds,
                     gsize          n,
                     const guint32 *lut)
{
  for (gsize i = 0; i < n; i++)
    px[i] = lut[kinds[i]];
}

/**
 * mpy_renderer_create_block_image:
 * @snapshot: the snapshot to paint (ignored when @diff is given)
 * @diff: (nullable): a diff to paint instead
 * @options: (nullable): render options
 *
 * Paints the map at one pixel per block, see the header.
 *
 * Returns: (transfer full): a CAIRO_FORMAT_RGB24 image surface (height 0 without a map).
 */
cairo_surface_t *
mpy_renderer_create_block_image (MpySnapshot            *snapshot,
                                 MpyDiff                *diff,
                                 const MpyRenderOptions *options)
{
  MpyRenderOptions defaults = MPY_RENDER_OPTIONS_INIT;
  MpySnapshot *snap;
  cairo_surface_t *surface;
  guint width, n_rows;
  guint32 background;
  guint32 lut[2][256];
  guint8 *data;
  int stride;
  gsize row0 = 0;

  if (options == NULL)
    options = &defaults;

  snap = _mpy_layout_snapshot (snapshot, diff);
  g_return_val_if_fail (snap != NULL, NULL);

  width = mpy_layout_get_row_width (options);
  n_rows = mpy_layout_get_n_rows (snap, options);
  /* Without a map (or beyond Cairo's limit) the caller still gets a valid surface. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width,
                                        (int) MIN (n_rows, (guint) MAX_SIDE));
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS || n_rows == 0)
    return surface;

  background = mpy_palette_get_background (options->dark);

  /* Two lookup tables: the normal shade and rainbow's alternate shade. */
  for (guint i = 0; i < 256; i++)
    {
      guint32 c;

      if (diff != NULL)
        c = mpy_palette_get_diff_color_for (diff, (int) i, options->dark);
      else
        c = mpy_palette_get_kind_color ((char) i, options->dark);
      lut[0][i] = c;
      lut[1][i] = mpy_palette_get_alternate (c);
    }
  if (diff != NULL)
    {
      if (!options->show_free)
        lut[0][MPY_DIFF_FREE] = background;
      lut[1][MPY_DIFF_FREE] = lut[0][MPY_DIFF_FREE];
    }
  else
    {
      if (!options->show_free)
        lut[0][MPY_KIND_FREE] = background;
      lut[1][MPY_KIND_FREE] = lut[0][MPY_KIND_FREE];
    }

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);

  {
    /* Held for this picture only: playback and GIF export go through many snapshots. */
    g_autoptr(GBytes) map_after = mpy_snapshot_ref_kinds (snap);
    g_autoptr(GBytes) map_before = diff != NULL ? mpy_snapshot_ref_kinds (mpy_diff_get_before (diff)) : NULL;
    const guint8 *kinds_after = g_bytes_get_data (map_after, NULL);
    const guint8 *kinds_before = map_before != NULL ? g_bytes_get_data (map_before, NULL) : NULL;
    const guint8 *states = diff != NULL ? mpy_diff_get_states (diff) : NULL;
    guint parity_after = 1, parity_before = 1;

    for (guint a = 0; a < mpy_snapshot_get_n_areas (snap); a++)
      {
        const MpyArea *area = mpy_snapshot_get_area (snap, a);
        gsize done = 0;
        guint32 current = lut[0][MPY_KIND_TAIL];

        while (done < area->n_blocks && row0 < (gsize) MAX_SIDE)
          {
            guint32 *px = (guint32 *) (gpointer) (data + (gsize) stride * row0);
            gsize n = MIN ((gsize) width, area->n_blocks - done);
            gsize first = area->first_block + done;

            if (!options->rainbow)
              {
                fill_kind_row_plain (px, states != NULL ? states + first : kinds_after + first,
                                     n, lut[0]);
              }
            else if (states == NULL)
              {
                /* Every object in one colour (its head's kind), alternating two shades
                 * between consecutive objects so that neighbours stay apart. */
                for (gsize i = 0; i < n; i++)
                  {
                    guint8 k = kinds_after[first + i];

                    if (k == MPY_KIND_TAIL)
                      px[i] = current;
                    else if (k == MPY_KIND_FREE)
                      px[i] = lut[0][k];
                    else
                      {
                        parity_after ^= 1;
                        px[i] = current = lut[parity_after][k];
                      }
                  }
              }
            else
              {
                /* Diff: shades alternate per object of the snapshot that holds the block
                 * (the "before" one for freed blocks). */
                for (gsize i = 0; i < n; i++)
                  {
                    guint8 s = states[first + i];
                    guint8 ka = kinds_after[first + i];
                    guint8 kb = kinds_before[first + i];

                    if (ka != MPY_KIND_FREE && ka != MPY_KIND_TAIL)
                      parity_after ^= 1;
                    if (kb != MPY_KIND_FREE && kb != MPY_KIND_TAIL)
                      parity_before ^= 1;
                    px[i] = lut[s == MPY_DIFF_FREED ? parity_before : parity_after][s];
                  }
              }

            for (gsize i = n; i < width; i++)
              px[i] = background;

            done += n;
            row0++;
          }
      }
  }

  cairo_surface_mark_dirty (surface);
  return surface;
}

/* ------------------------------------------------------------------------------------------
 * Outlines
 */

/* Object identity of a block for outlines: the object start in "after" (or the snapshot),
 * else, for a block only used in "before", its start offset by n_blocks; -1 when free. */
typedef struct {
  MpySnapshot  *after;
  MpySnapshot  *before;
  const guint8 *ka;
  const guint8 *kb;
  gsize         n_blocks;
} ObjectIds;

/* Fills @out (width entries) with the ids of row @y; -2 where the row has no block. */
static void
row_ids (const ObjectIds        *ids,
         const MpyRenderOptions *options,
         guint                   y,
         gint64                 *out)
{
  guint width = mpy_layout_get_row_width (options);
  gsize block;

  if (!mpy_layout_get_block_at (ids->after, options, 0, y, &block))
    {
      for (guint x = 0; x < width; x++)
        out[x] = -2;
      return;
    }

  {
    gint64 current = -1, current_before = -1;
    const MpyArea *area = NULL;
    gsize start, len, end;

    for (guint a = 0; a < mpy_snapshot_get_n_areas (ids->after); a++)
      {
        area = mpy_snapshot_get_area (ids->after, a);
        if (block >= area->first_block && block < area->first_block + area->n_blocks)
          break;
      }
    g_assert (area != NULL);
    end = area->first_block + area->n_blocks;

    /* The row may start inside an object: look its start up once, then walk forward
     * following heads and tails instead of searching for every block. */
    if (ids->ka[block] != MPY_KIND_FREE
        && mpy_snapshot_find_object (ids->after, ids->ka, block, &start, &len))
      current = (gint64) start;
    if (ids->kb != NULL && ids->kb[block] != MPY_KIND_FREE &&
        mpy_snapshot_find_object (ids->before, ids->kb, block, &start, &len))
      current_before = (gint64) (start + ids->n_blocks);

    for (guint x = 0; x < width; x++, block++)
      {
        guint8 ka, kb;

        if (block >= end)
          {
            out[x] = -2;
            continue;
          }
        ka = ids->ka[block];
        kb = ids->kb != NULL ? ids->kb[block] : MPY_KIND_FREE;

        if (x > 0)
          {
            if (ka == MPY_KIND_FREE)
              current = -1;
            else if (ka != MPY_KIND_TAIL)
              current = (gint64) block;
            if (kb == MPY_KIND_FREE)
              current_before = -1;
            else if (kb != MPY_KIND_TAIL)
              current_before = (gint64) (block + ids->n_blocks);
          }

        if (ka != MPY_KIND_FREE)
          out[x] = current;
        else if (kb != MPY_KIND_FREE)
          out[x] = current_before;
        else
          out[x] = -1;
      }
  }
}

/**
 * mpy_renderer_draw_outlines:
 * @cr: a cairo context whose origin is the map's top-left corner
 * @snapshot: the snapshot (ignored when @diff is given)
 * @diff: (nullable): the diff shown
 * @options: (nullable): render options
 * @scale: cell size in px
 * @first_row: first block row to draw
 * @n_rows: number of rows
 *
 * Draws grid lines between cells and outlines around objects, only when @scale is at least
 * 6 px (smaller cells would be all lines).
 */
void
mpy_renderer_draw_outlines (cairo_t                *cr,
                            MpySnapshot            *snapshot,
                            MpyDiff                *diff,
                            const MpyRenderOptions *options,
                            double                  scale,
                            guint                   first_row,
                            guint                   n_rows)
{
  MpyRenderOptions defaults = MPY_RENDER_OPTIONS_INIT;
  MpySnapshot *snap;
  ObjectIds ids;
  guint width, total_rows, last_row, col0, col1;
  double cx1, cy1, cx2, cy2, lw;
  g_autofree gint64 *above = NULL;
  g_autofree gint64 *here = NULL;
  g_autofree gint64 *below = NULL;
  g_autofree gint64 *run_start = NULL;
  g_autoptr(GBytes) map_after = NULL;
  g_autoptr(GBytes) map_before = NULL;
  guint32 background, foreground;

  if (options == NULL)
    options = &defaults;
  snap = _mpy_layout_snapshot (snapshot, diff);
  g_return_if_fail (cr != NULL && snap != NULL);

  if (scale < OUTLINE_MIN_SCALE || !mpy_snapshot_has_map (snap))
    return;

  width = mpy_layout_get_row_width (options);
  total_rows = mpy_layout_get_n_rows (snap, options);
  if (first_row >= total_rows)
    return;
  last_row = (guint) MIN ((guint64) first_row + n_rows, (guint64) total_rows);

  /* Only what the clip shows: a zoomed-in canvas sees a few dozen of 1024 columns. */
  cairo_clip_extents (cr, &cx1, &cy1, &cx2, &cy2);
  col0 = (guint) CLAMP (floor (cx1 / scale) - 1, 0, (double) width);
  col1 = (guint) CLAMP (ceil (cx2 / scale) + 1, 0, (double) width);
  first_row = (guint) MAX ((double) first_row, MIN (floor (cy1 / scale) - 1, (double) last_row));
  last_row = (guint) MIN ((double) last_row, MAX (ceil (cy2 / scale) + 1, (double) first_row));
  if (col0 >= col1 || first_row >= last_row)
    return;

  ids.after = snap;
  ids.before = diff != NULL ? mpy_diff_get_before (diff) : NULL;
  map_after = mpy_snapshot_ref_kinds (snap);
  map_before = ids.before != NULL ? mpy_snapshot_ref_kinds (ids.before) : NULL;
  ids.ka = g_bytes_get_data (map_after, NULL);
  ids.kb = map_before != NULL ? g_bytes_get_data (map_before, NULL) : NULL;
  ids.n_blocks = mpy_snapshot_get_n_blocks (snap);

  background = mpy_palette_get_background (options->dark);
  foreground = mpy_palette_get_foreground (options->dark);

  above = g_new (gint64, width);
  here = g_new (gint64, width);
  below = g_new (gint64, width);

  cairo_save (cr);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);

  /* Lines are filled pixel-aligned rectangles rather than strokes: Cairo fills boxes on a
   * fast path, stroking thousands of segments is ten times slower. */

  /* Grid: thin lines in the background colour between cells. */
  set_source_rgb (cr, background, 0.55);
  for (guint y = first_row; y <= last_row; y++)
    cairo_rectangle (cr, col0 * scale, y * scale, (col1 - col0) * scale, 1);
  for (guint x = col0; x <= col1; x++)
    cairo_rectangle (cr, x * scale, first_row * scale, 1, (last_row - first_row) * scale);
  cairo_fill (cr);

  /* Object outlines: an edge wherever two neighbouring cells belong to different objects. */
  set_source_rgb (cr, foreground, 0.75);
  lw = MAX (1.0, floor (scale / 8.0));
  if (first_row > 0)
    row_ids (&ids, options, first_row - 1, above);
  else
    for (guint x = 0; x < width; x++)
      above[x] = -2;
  row_ids (&ids, options, first_row, here);

  /* Runs of edges become one rectangle each: a left edge running down several rows, a top
   * edge along several columns (a tenth of the rectangles on a typical map). */
  run_start = g_new (gint64, width);
  for (guint x = 0; x < width; x++)
    run_start[x] = -1;

  for (guint y = first_row; y < last_row; y++)
    {
      gint64 *tmp;
      gint64 top_start = -1;

      if (y + 1 < total_rows)
        row_ids (&ids, options, y + 1, below);
      else
        for (guint x = 0; x < width; x++)
          below[x] = -2;

      for (guint x = col0; x < col1; x++)
        {
          gint64 id = here[x];
          gint64 left = x > 0 ? here[x - 1] : -2;
          double x0 = x * scale, y0 = y * scale;
          gboolean left_edge, top_edge;

          left_edge = id != -2 && id != left && (id >= 0 || left >= 0);
          top_edge = id != -2 && id != above[x] && (id >= 0 || above[x] >= 0);

          if (left_edge && run_start[x] < 0)
            run_start[x] = y;
          else if (!left_edge && run_start[x] >= 0)
            {
              cairo_rectangle (cr, x0, run_start[x] * scale, lw, (y - run_start[x]) * scale);
              run_start[x] = -1;
            }

          if (top_edge && top_start < 0)
            top_start = x;
          else if (!top_edge && top_start >= 0)
            {
              cairo_rectangle (cr, top_start * scale, y0, (x - top_start) * scale, lw);
              top_start = -1;
            }

          if (id >= 0 && (x + 1 == width || here[x + 1] == -2))
            cairo_rectangle (cr, x0 + scale - lw, y0, lw, scale);
          if (id >= 0 && below[x] == -2)
            cairo_rectangle (cr, x0, y0 + scale - lw, scale, lw);
        }
      if (top_start >= 0)
        cairo_rectangle (cr, top_start * scale, y * scale, (col1 - top_start) * scale, lw);

      tmp = above;
      above = here;
      here = below;
      below = tmp;
    }
  for (guint x = col0; x < col1; x++)
    if (run_start[x] >= 0)
      cairo_rectangle (cr, x * scale, run_start[x] * scale, lw, (last_row - run_start[x]) * scale);
  cairo_fill (cr);

  cairo_restore (cr);
}

/* ------------------------------------------------------------------------------------------
 * The whole picture
 */

/* Paints the items placed by the layout, with the flow's origin at (x0, y0). */
static void
draw_flow (cairo_t *cr,
           GArray  *items,
           double   x0,
           double   y0,
           guint32  foreground)
{
  for (guint i = 0; i < items->len; i++)
    {
      MpyFlowItem *item = &g_array_index (items, MpyFlowItem, i);
      double x = x0 + item->x;
      double y = y0 + item->y;

      _mpy_select_font (cr, item->size, item->bold);
      if (item->swatch)
        {
          double sy = y + (item->line_height - MPY_PICTURE_LINE_GAP - MPY_PICTURE_SWATCH) / 2;

          set_source_rgb (cr, item->color, 1.0);
          cairo_rectangle (cr, x, sy, MPY_PICTURE_SWATCH, MPY_PICTURE_SWATCH);
          cairo_fill (cr);
          /* Framed: the swatch may match the background. */
          set_source_rgb (cr, foreground, 0.5);
          cairo_set_line_width (cr, 1.0);
          cairo_rectangle (cr, x + 0.5, sy + 0.5, MPY_PICTURE_SWATCH - 1, MPY_PICTURE_SWATCH - 1);
          cairo_stroke (cr);
          set_source_rgb (cr, foreground, 1.0);
          cairo_move_to (cr, x + MPY_PICTURE_SWATCH + MPY_PICTURE_SWATCH_GAP, sy + MPY_PICTURE_SWATCH - 1.5);
        }
      else
        {
          g_auto(GStrv) lines = g_strsplit (item->text, "\n", -1);

          set_source_rgb (cr, foreground, 1.0);
          for (guint k = 0; lines[k] != NULL; k++)
            {
              cairo_move_to (cr, x, y + k * item->line_height + item->size);
              cairo_show_text (cr, lines[k]);
            }
          continue;
        }
      cairo_show_text (cr, item->text);
    }
}

/**
 * mpy_renderer_get_size:
 * @snapshot: the snapshot (ignored when @diff is given)
 * @diff: (nullable): a diff
 * @options: (nullable): render options
 * @scale: px per block
 * @width: (out): width of the whole picture in px
 * @height: (out): height of the whole picture in px
 *
 * The size mpy_renderer_draw() needs: header, map and legend.
 */
void
mpy_renderer_get_size (MpySnapshot            *snapshot,
                       MpyDiff                *diff,
                       const MpyRenderOptions *options,
                       double                  scale,
                       int                    *width,
                       int                    *height)
{
  MpyRenderOptions defaults = MPY_RENDER_OPTIONS_INIT;
  MpyPicture p;

  if (options == NULL)
    options = &defaults;
  g_return_if_fail (_mpy_layout_snapshot (snapshot, diff) != NULL);

  _mpy_picture_measure (&p, snapshot, diff, options, scale);

  *width = (int) MIN (p.width, (double) G_MAXINT);
  *height = (int) MIN (p.height, (double) G_MAXINT);
  _mpy_picture_clear (&p);
}

/**
 * mpy_renderer_get_map_origin:
 * @snapshot: the snapshot (ignored when @diff is given)
 * @diff: (nullable): a diff
 * @options: (nullable): render options
 * @scale: px per block
 * @x: (out): left edge of the map in the picture
 * @y: (out): top edge of the map in the picture
 *
 * Where mpy_renderer_draw() puts block cell (0, 0); cell (cx, cy) covers
 * [x + cx × scale, x + (cx + 1) × scale) horizontally, likewise vertically.
 */
void
mpy_renderer_get_map_origin (MpySnapshot            *snapshot,
                             MpyDiff                *diff,
                             const MpyRenderOptions *options,
                             double                  scale,
                             double                 *x,
                             double                 *y)
{
  MpyRenderOptions defaults = MPY_RENDER_OPTIONS_INIT;
  MpyPicture p;

  if (options == NULL)
    options = &defaults;
  g_return_if_fail (_mpy_layout_snapshot (snapshot, diff) != NULL);

  _mpy_picture_measure (&p, snapshot, diff, options, scale);
  *x = MPY_PICTURE_MARGIN;
  *y = MPY_PICTURE_MARGIN + p.header_height + MPY_PICTURE_SECTION_GAP;
  _mpy_picture_clear (&p);
}

/**
 * mpy_renderer_draw:
 * @cr: a cairo context; the picture is drawn with its top-left corner at the origin
 * @snapshot: the snapshot (ignored when @diff is given)
 * @diff: (nullable): a diff to draw instead
 * @options: (nullable): render options
 * @scale: px per block
 *
 * Draws the whole picture: the header of figures, the map at @scale and the legend,
 * on the palette's background.
 */
void
mpy_renderer_draw (cairo_t                *cr,
                   MpySnapshot            *snapshot,
                   MpyDiff                *diff,
                   const MpyRenderOptions *options,
                   double                  scale)
{
  MpyRenderOptions defaults = MPY_RENDER_OPTIONS_INIT;
  MpySnapshot *snap;
  MpyPicture p;
  guint32 background, foreground;
  double y;

  if (options == NULL)
    options = &defaults;
  snap = _mpy_layout_snapshot (snapshot, diff);
  g_return_if_fail (cr != NULL && snap != NULL);

  background = mpy_palette_get_background (options->dark);
  foreground = mpy_palette_get_foreground (options->dark);

  cairo_save (cr);
  _mpy_picture_layout (&p, cr, snapshot, diff, options, scale);

  set_source_rgb (cr, background, 1.0);
  cairo_rectangle (cr, 0, 0, p.width, p.height);
  cairo_fill (cr);

  /* Header */
  y = MPY_PICTURE_MARGIN;
  draw_flow (cr, p.header, MPY_PICTURE_MARGIN, y, foreground);
  y += p.header_height + MPY_PICTURE_SECTION_GAP;

  /* Map */
  if (p.map_height > 0)
    {
      cairo_surface_t *image = mpy_renderer_create_block_image (snapshot, diff, options);
      cairo_pattern_t *pattern;

      cairo_save (cr);
      cairo_translate (cr, MPY_PICTURE_MARGIN, y);
      cairo_rectangle (cr, 0, 0, p.map_width, p.map_height);
      cairo_clip (cr);
      cairo_save (cr);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, image, 0, 0);
      pattern = cairo_get_source (cr);
      cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
      cairo_pattern_set_extend (pattern, CAIRO_EXTEND_NONE);
      cairo_paint (cr);
      cairo_restore (cr);
      mpy_renderer_draw_outlines (cr, snapshot, diff, options, scale, 0, p.n_rows);
      cairo_restore (cr);
      cairo_surface_destroy (image);

      y += p.map_height + MPY_PICTURE_SECTION_GAP;
    }

  /* Legend */
  draw_flow (cr, p.legend, MPY_PICTURE_MARGIN, y, foreground);

  _mpy_picture_clear (&p);
  cairo_restore (cr);
}

static gboolean
size_fits (MpySnapshot            *snapshot,
           MpyDiff                *diff,
           const MpyRenderOptions *options,
           double                  scale)
{
  int w, h;

  mpy_renderer_get_size (snapshot, diff, options, scale, &w, &h);
  return w <= MAX_SIDE && h <= MAX_SIDE && (gint64) w * h <= MAX_PIXELS;
}

/**
 * mpy_renderer_get_max_scale:
 * @snapshot: the snapshot (ignored when @diff is given)
 * @diff: (nullable): a diff
 * @options: (nullable): render options
 *
 * Returns: the largest whole scale (px per block) at which the picture fits an image
 *   (Cairo's 32767 px per side, and at most 2^28 pixels), or 0 when not even 1 px per
 *   block fits.
 */
guint
mpy_renderer_get_max_scale (MpySnapshot            *snapshot,
                            MpyDiff                *diff,
                            const MpyRenderOptions *options)
{
  guint lo = 0, hi = MAX_SIDE;

  g_return_val_if_fail (_mpy_layout_snapshot (snapshot, diff) != NULL, 0);

  while (lo < hi)
    {
      guint mid = lo + (hi - lo + 1) / 2;

      if (size_fits (snapshot, diff, options, mid))
        lo = mid;
      else
        hi = mid - 1;
    }
  return lo;
}

static gboolean
check_size (MpySnapshot            *snapshot,
            MpyDiff                *diff,
            const MpyRenderOptions *options,
            double                  scale,
            GError                **error)
{
  int w, h;
  guint max_scale;
  guint fitting_columns = 0;
  g_autofree char *limit = NULL;

  mpy_renderer_get_size (snapshot, diff, options, scale, &w, &h);
  if (size_fits (snapshot, diff, options, scale))
    return TRUE;

  max_scale = mpy_renderer_get_max_scale (snapshot, diff, options);

  /* More columns make the picture wider and lower: find one that fits at this scale. */
  for (guint c = 1; c <= 1024 && fitting_columns == 0; c++)
    {
      MpyRenderOptions o = *options;

      o.columns = c;
      if (64.0 * c * scale > MAX_SIDE)
        break;
      if (size_fits (snapshot, diff, &o, scale))
        fitting_columns = c;
    }

  limit = g_strdup_printf (_("The picture would be %d × %d px, more than an image can have "
                           "(32767 px a side, %lld million pixels)"),
                           w, h, (long long) (MAX_PIXELS / 1000000));
  /* Translators: in the messages below, %s is “The picture would be W × H px, more than an
   * image can have (…)” */
  if (max_scale >= 1 && fitting_columns > 0)
    g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                 _("%s. Use a scale of %u px per block or less (--scale %u), or %u columns (--columns %u)"),
                 limit, max_scale, max_scale, fitting_columns, fitting_columns);
  else if (max_scale >= 1)
    g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                 _("%s. Use a scale of %u px per block or less (--scale %u)"),
                 limit, max_scale, max_scale);
  else if (fitting_columns > 0)
    g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                 _("%s. Use %u columns (--columns %u)"), limit, fitting_columns, fitting_columns);
  else
    g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                 _("%s, even at 1 px per block. Use more columns (--columns) so that rows get fewer"),
                 limit);
  return FALSE;
}

static cairo_status_t
append_png_data (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append ((GByteArray *) closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * mpy_renderer_write_png:
 * @snapshot: the snapshot (ignored when @diff is given)
 * @diff: (nullable): a diff to draw instead
 * @options: (nullable): render options
 * @scale: px per block (> 0)
 * @path: the PNG file to write
 * @error: return location for a #GError
 *
 * Draws the whole picture and writes it to @path atomically (a temporary file, then rename).
 *
 * Returns: %TRUE on success; %FALSE with %MPY_RENDER_ERROR_NO_MAP (a figures-only snapshot),
 *   %MPY_RENDER_ERROR_TOO_LARGE (the message says which scale or columns would fit) or
 *   %MPY_RENDER_ERROR_WRITE.
 */
gboolean
mpy_renderer_write_png (MpySnapshot            *snapshot,
                        MpyDiff                *diff,
                        const MpyRenderOptions *options,
                        double                  scale,
                        const char             *path,
                        GError                **error)
{
  MpyRenderOptions defaults = MPY_RENDER_OPTIONS_INIT;
  MpySnapshot *snap;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  g_autoptr(GByteArray) png = NULL;
  g_autoptr(GError) local_error = NULL;
  int w, h;

  if (options == NULL)
    options = &defaults;
  snap = _mpy_layout_snapshot (snapshot, diff);
  g_return_val_if_fail (snap != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!mpy_snapshot_has_map (snap))
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_NO_MAP,
                   _("This dump has no block map to draw: capture it with micropython.mem_info(1)"));
      return FALSE;
    }
  if (!(scale > 0) || !isfinite (scale))
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                   _("The scale must be a positive number of px per block, not %g"), scale);
      return FALSE;
    }
  if (!check_size (snapshot, diff, options, scale, error))
    return FALSE;

  mpy_renderer_get_size (snapshot, diff, options, scale, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                   _("Could not create a %d × %d px image (%s): try a smaller --scale"),
                   w, h, cairo_status_to_string (status));
      return FALSE;
    }

  cr = cairo_create (surface);
  mpy_renderer_draw (cr, snapshot, diff, options, scale);
  status = cairo_status (cr);
  cairo_destroy (cr);

  png = g_byte_array_new ();
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, append_png_data, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                   _("Could not draw the picture for “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }

  if (!_mpy_write_file_atomically (path, png->data, png->len, &local_error))
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                   _("Could not write the PNG: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* mpy-renderer.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "mpy-renderer.h"
#include "mpy-stats.h"
#include "mpy-snapshot-private.h"

G_DEFINE_QUARK (mpy-render-error-quark, mpy_render_error)

/* Cairo image surfaces are limited to 32767 px per side. */
#define MAX_SIDE 32767
/* A PNG export is drawn in memory first: keep it to 1 GiB of RGB24 (Linux would rather
 * overcommit and kill the app later than fail the allocation). */
#define MAX_PIXELS (G_GINT64_CONSTANT (1) << 28)

/* Grid lines and object outlines are only drawn from this cell size on. */
#define OUTLINE_MIN_SCALE 6.0

#define MARGIN        12.0
#define TITLE_SIZE    15.0
#define TEXT_SIZE     12.0
#define LINE_GAP       6.0
#define SECTION_GAP   10.0
#define SWATCH        12.0
#define SWATCH_GAP     5.0
#define ITEM_GAP      16.0
#define MIN_CONTENT  360.0
#define FONT_FAMILY  "Sans"

/* ------------------------------------------------------------------------------------------
 * Palette
 *
 * Kinds: colours from Paul Tol's muted/light/bright schemes and Okabe–Ito, chosen so that every
 * pair stays apart (CIE ΔE ≥ 12) under simulated protanopia, deuteranopia and tritanopia
 * (Machado et al. 2009) as well as normal vision; greys for free space and tails.
 * Diff states: Okabe–Ito, following the seed notebook (unchanged blue, freed green,
 * allocated red/vermillion), with changed in yellow. tests/render checks these properties.
 */

typedef struct {
  char    kind;
  guint32 light;
  guint32 dark;
} KindColor;

static const KindColor kind_colors[MPY_N_KINDS] = {
  { MPY_KIND_FREE,     0xe4e4e4, 0x3a3a3a },
  { MPY_KIND_TAIL,     0xbbbbbb, 0x707070 },
  { MPY_KIND_HEAD,     0xe69f00, 0xe69f00 },  /* orange */
  { MPY_KIND_TUPLE,    0xeedd88, 0xeedd88 },  /* light yellow */
  { MPY_KIND_LIST,     0x33bb55, 0x33bb55 },  /* green */
  { MPY_KIND_DICT,     0x117733, 0x1a8840 },  /* dark green */
  { MPY_KIND_STR,      0x332288, 0x5a48c0 },  /* indigo, lifted on dark */
  { MPY_KIND_ARRAY,    0x99ddff, 0x99ddff },  /* light cyan */
  { MPY_KIND_FLOAT,    0xaa3377, 0xcc79a7 },  /* purple / reddish purple */
  { MPY_KIND_BYTECODE, 0x77aadd, 0x77aadd },  /* light blue */
  { MPY_KIND_MODULE,   0xd55e00, 0xd55e00 },  /* vermillion */
  { MPY_KIND_MARKED,   0x8877dd, 0x8877dd },  /* violet */
};

static const guint32 diff_colors_light[MPY_N_DIFF_STATES] = {
  0xe4e4e4,  /* free */
  0x0072b2,  /* unchanged: blue */
  0xd55e00,  /* allocated: vermillion */
  0x009e73,  /* freed: bluish green */
  0xf0e442,  /* changed: yellow */
};

static const guint32 diff_colors_dark[MPY_N_DIFF_STATES] = {
  0x3a3a3a,
  0x1f78c8,  /* blue, lifted for the dark background */
  0xe8702a,
  0x19c795,
  0xf0e442,
};

#define BACKGROUND_LIGHT 0xffffff
#define BACKGROUND_DARK  0x1e1e1e
#define FOREGROUND_LIGHT 0x1a1a1a
#define FOREGROUND_DARK  0xe6e6e6
/* Colour for blocks of a kind byte we do not know (never produced by the reader). */
#define UNKNOWN_COLOR    0xff00ff

/**
 * mpy_palette_get_kind_color:
 * @kind: a kind character (see #MpyKind)
 * @dark: %TRUE for the dark variant
 *
 * Returns: the colour of blocks of @kind as 0xRRGGBB.
 */
guint32
mpy_palette_get_kind_color (char     kind,
                            gboolean dark)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_colors); i++)
    if (kind_colors[i].kind == kind)
      return dark ? kind_colors[i].dark : kind_colors[i].light;
  if (kind == 't')
    return mpy_palette_get_kind_color (MPY_KIND_TAIL, dark);
  return UNKNOWN_COLOR;
}

/**
 * mpy_palette_get_diff_color:
 * @state: a #MpyDiffState
 * @dark: %TRUE for the dark variant
 *
 * Returns: the colour of blocks in @state as 0xRRGGBB.
 */
guint32
mpy_palette_get_diff_color (int      state,
                            gboolean dark)
{
  if (state < 0 || state >= MPY_N_DIFF_STATES)
    return UNKNOWN_COLOR;
  return dark ? diff_colors_dark[state] : diff_colors_light[state];
}

/**
 * mpy_palette_get_background:
 * @dark: %TRUE for the dark variant
 *
 * Returns: the background colour (also the colour of free blocks when show-free is off).
 */
guint32
mpy_palette_get_background (gboolean dark)
{
  return dark ? BACKGROUND_DARK : BACKGROUND_LIGHT;
}

static guint32
mix (guint32 c,
     guint32 towards,
     double  amount)
{
  guint32 out = 0;

  for (int shift = 0; shift <= 16; shift += 8)
    {
      double a = (c >> shift) & 0xff;
      double b = (towards >> shift) & 0xff;
      guint32 v = (guint32) lround (a + (b - a) * amount);
      out |= MIN (v, 255u) << shift;
    }
  return out;
}

/**
 * mpy_palette_get_alternate:
 * @color: a colour as 0xRRGGBB
 *
 * Returns: the second shade used by rainbow mode for every other object: darker for
 *   light colours, lighter for dark ones, so neighbouring objects stay apart.
 */
guint32
mpy_palette_get_alternate (guint32 color)
{
  double r = ((color >> 16) & 0xff) / 255.0;
  double g = ((color >> 8) & 0xff) / 255.0;
  double b = (color & 0xff) / 255.0;
  double luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;

  if (luma > 0.45)
    return mix (color, 0x000000, 0.32);
  return mix (color, 0xffffff, 0.38);
}

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
 * Layout
 */

static MpySnapshot *
layout_snapshot (MpySnapshot *snapshot,
                 MpyDiff     *diff)
{
  return diff != NULL ? mpy_diff_get_after (diff) : snapshot;
}

/* Columns are clamped to 1 … 16384 (a million blocks per row) so that no row width
 * overflows, whatever a caller passes. */
#define MAX_COLUMNS 16384

static guint
options_columns (const MpyRenderOptions *options)
{
  if (options == NULL || options->columns == 0)
    return 1;
  return MIN (options->columns, MAX_COLUMNS);
}

/**
 * mpy_layout_get_row_width:
 * @options: (nullable): render options
 *
 * Returns: blocks per row: 64 × columns.
 */
guint
mpy_layout_get_row_width (const MpyRenderOptions *options)
{
  return 64 * options_columns (options);
}

static gsize
rows_for (gsize n_blocks,
          guint width)
{
  return (n_blocks + width - 1) / width;
}

/**
 * mpy_layout_get_n_rows:
 * @snapshot: a snapshot
 * @options: (nullable): render options
 *
 * Returns: the number of block rows; every area starts on a new row. 0 without a map.
 */
guint
mpy_layout_get_n_rows (MpySnapshot            *snapshot,
                       const MpyRenderOptions *options)
{
  guint width = mpy_layout_get_row_width (options);
  gsize rows = 0;

  g_return_val_if_fail (snapshot != NULL, 0);

  if (!mpy_snapshot_has_map (snapshot))
    return 0;

  for (guint a = 0; a < mpy_snapshot_get_n_areas (snapshot); a++)
    rows += rows_for (mpy_snapshot_get_area (snapshot, a)->n_blocks, width);

  return (guint) MIN (rows, G_MAXUINT);
}

/**
 * mpy_layout_get_position:
 * @snapshot: a snapshot
 * @options: (nullable): render options
 * @block: a block index over all areas
 * @x: (out): column of @block
 * @y: (out): row of @block
 *
 * Places @block on the map at one cell per block.
 */
void
mpy_layout_get_position (MpySnapshot            *snapshot,
                         const MpyRenderOptions *options,
                         gsize                   block,
                         guint                  *x,
                         guint                  *y)
{
  guint width = mpy_layout_get_row_width (options);
  gsize row0 = 0;
  guint n_areas;

  g_return_if_fail (snapshot != NULL);

  *x = 0;
  *y = 0;
  n_areas = mpy_snapshot_get_n_areas (snapshot);
  for (guint a = 0; a < n_areas; a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (snapshot, a);

      if (block >= area->first_block && block < area->first_block + area->n_blocks)
        {
          gsize offset = block - area->first_block;

          *x = offset % width;
          *y = (guint) (row0 + offset / width);
          return;
        }
      row0 += rows_for (area->n_blocks, width);
    }
}

/**
 * mpy_layout_get_block_at:
 * @snapshot: a snapshot
 * @options: (nullable): render options
 * @x: a column
 * @y: a row
 * @block: (out) (optional): the block index at (@x, @y)
 *
 * Returns: %FALSE when (@x, @y) holds no block (past the end of an area or the map).
 */
gboolean
mpy_layout_get_block_at (MpySnapshot            *snapshot,
                         const MpyRenderOptions *options,
                         guint                   x,
                         guint                   y,
                         gsize                  *block)
{
  guint width = mpy_layout_get_row_width (options);
  gsize row0 = 0;
  guint n_areas;

  g_return_val_if_fail (snapshot != NULL, FALSE);

  if (x >= width || !mpy_snapshot_has_map (snapshot))
    return FALSE;

  n_areas = mpy_snapshot_get_n_areas (snapshot);
  for (guint a = 0; a < n_areas; a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (snapshot, a);
      gsize rows = rows_for (area->n_blocks, width);

      if (y < row0 + rows)
        {
          gsize offset = (gsize) (y - row0) * width + x;

          if (offset >= area->n_blocks)
            return FALSE;
          if (block != NULL)
            *block = area->first_block + offset;
          return TRUE;
        }
      row0 += rows;
    }
  return FALSE;
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

  snap = layout_snapshot (snapshot, diff);
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
        c = mpy_palette_get_diff_color ((int) i, options->dark);
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
    const guint8 *kinds_after = mpy_snapshot_get_kinds (snap);
    const guint8 *kinds_before = diff != NULL ? mpy_snapshot_get_kinds (mpy_diff_get_before (diff)) : NULL;
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
    if (ids->ka[block] != MPY_KIND_FREE && mpy_snapshot_get_object (ids->after, block, &start, &len))
      current = (gint64) start;
    if (ids->kb != NULL && ids->kb[block] != MPY_KIND_FREE &&
        mpy_snapshot_get_object (ids->before, block, &start, &len))
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
  guint32 background, foreground;

  if (options == NULL)
    options = &defaults;
  snap = layout_snapshot (snapshot, diff);
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
  ids.ka = mpy_snapshot_get_kinds (snap);
  ids.kb = ids.before != NULL ? mpy_snapshot_get_kinds (ids.before) : NULL;
  ids.n_blocks = mpy_snapshot_get_n_blocks (snap);

  background = mpy_palette_get_background (options->dark);
  foreground = options->dark ? FOREGROUND_DARK : FOREGROUND_LIGHT;

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

typedef struct {
  char  *text;
  double size;
  gboolean bold;
} TextLine;

static void
text_line_clear (gpointer data)
{
  g_free (((TextLine *) data)->text);
}

static void
add_line (GArray     *lines,
          double      size,
          gboolean    bold,
          char       *text)
{
  TextLine line = { text, size, bold };
  g_array_append_val (lines, line);
}

static char *
snapshot_name (MpySnapshot *snapshot)
{
  const char *label = mpy_snapshot_get_label (snapshot);
  GDateTime *time = mpy_snapshot_get_time (snapshot);
  g_autofree char *when = time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : NULL;

  if (label != NULL && *label != '\0' && when != NULL)
    return g_strdup_printf ("%s (%s)", label, when);
  if (label != NULL && *label != '\0')
    return g_strdup (label);
  if (when != NULL)
    return g_steal_pointer (&when);
  return g_strdup ("Snapshot");
}

static char *
pct_free (guint64 free_bytes,
          guint64 total)
{
  if (total == 0)
    return g_strdup ("");
  return g_strdup_printf (" (%.1f%% free)", 100.0 * (double) free_bytes / (double) total);
}

/* A figure for the header: from the dump's header, else from the map when it has one. */
static gboolean
figure_value (MpySnapshot    *snapshot,
              const MpyStats *stats,
              MpyFigure       figure,
              guint64        *value)
{
  if (mpy_snapshot_get_figure (snapshot, figure, value))
    return TRUE;
  if (!mpy_snapshot_has_map (snapshot))
    return FALSE;
  switch (figure)
    {
    case MPY_FIGURE_ONE_BLOCKS: *value = stats->one_block_objects; return TRUE;
    case MPY_FIGURE_TWO_BLOCKS: *value = stats->two_block_objects; return TRUE;
    case MPY_FIGURE_MAX_BLOCK:  *value = stats->largest_object; return TRUE;
    case MPY_FIGURE_MAX_FREE:   *value = stats->largest_free_run; return TRUE;
    default: return FALSE;
    }
}

static char *
format_figure (MpySnapshot    *snapshot,
               const MpyStats *stats,
               MpyDiff        *diff,
               MpyFigure       figure)
{
  guint64 value;
  gint64 delta;

  if (!figure_value (snapshot, stats, figure, &value))
    return g_strdup ("–");
  if (diff != NULL && mpy_diff_get_figure_delta (diff, figure, &delta) && delta != 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " (%+" G_GINT64_FORMAT ")", value, delta);
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static GArray *
header_lines (MpySnapshot *snapshot,
              MpyDiff     *diff)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (TextLine));
  MpySnapshot *snap = layout_snapshot (snapshot, diff);
  MpyStats stats;
  guint64 used, limit, total, gc_used, gc_free;
  g_autofree char *name = snapshot_name (snap);
  g_autofree char *su = NULL, *sl = NULL, *hu = NULL, *ht = NULL, *hf = NULL;
  g_autofree char *b1 = NULL, *b2 = NULL, *mb = NULL, *mf = NULL;
  g_autofree char *spct = NULL, *hpct = NULL;

  g_array_set_clear_func (lines, text_line_clear);
  mpy_stats_compute (snap, &stats);

  if (diff != NULL)
    {
      g_autofree char *before = snapshot_name (mpy_diff_get_before (diff));
      add_line (lines, TITLE_SIZE, TRUE, g_strdup_printf ("%s vs %s", name, before));
    }
  else
    add_line (lines, TITLE_SIZE, TRUE, g_strdup (name));

  /* Where and how it was captured, when known. */
  {
    GString *origin = g_string_new (NULL);
    const char *port = mpy_snapshot_get_port (snap);
    const char *banner = mpy_snapshot_get_banner (snap);
    MpySnapshotFlags flags = mpy_snapshot_get_flags (snap);

    if (port != NULL && *port != '\0')
      g_string_append_printf (origin, "Port %s", port);
    if (banner != NULL && *banner != '\0')
      g_string_append_printf (origin, "%s%s", origin->len > 0 ? "   " : "", banner);
    if (flags & MPY_SNAPSHOT_FLAG_SOFT_RESET)
      g_string_append_printf (origin, "%safter a soft reset", origin->len > 0 ? "   " : "");
    if (flags & MPY_SNAPSHOT_FLAG_GC)
      g_string_append_printf (origin, "%safter gc.collect()", origin->len > 0 ? "   " : "");
    if (origin->len > 0)
      add_line (lines, TEXT_SIZE, FALSE, g_string_free (origin, FALSE));
    else
      g_string_free (origin, TRUE);
  }

  if (mpy_snapshot_is_damaged (snap))
    add_line (lines, TEXT_SIZE, TRUE,
              g_strdup_printf ("Damaged dump: %s",
                               mpy_snapshot_get_damage_reason (snap) != NULL ?
                               mpy_snapshot_get_damage_reason (snap) : "inconsistent"));

  su = format_figure (snap, &stats, diff, MPY_FIGURE_STACK_USED);
  sl = format_figure (snap, &stats, diff, MPY_FIGURE_STACK_LIMIT);
  if (mpy_snapshot_get_figure (snap, MPY_FIGURE_STACK_USED, &used) &&
      mpy_snapshot_get_figure (snap, MPY_FIGURE_STACK_LIMIT, &limit) && used <= limit)
    spct = pct_free (limit - used, limit);
  add_line (lines, TEXT_SIZE, FALSE,
            g_strdup_printf ("Stack used: %s of %s%s", su, sl, spct ? spct : ""));

  hu = format_figure (snap, &stats, diff, MPY_FIGURE_GC_USED);
  ht = format_figure (snap, &stats, diff, MPY_FIGURE_GC_TOTAL);
  hf = format_figure (snap, &stats, diff, MPY_FIGURE_GC_FREE);
  if (mpy_snapshot_get_figure (snap, MPY_FIGURE_GC_TOTAL, &total) &&
      mpy_snapshot_get_figure (snap, MPY_FIGURE_GC_FREE, &gc_free))
    hpct = pct_free (gc_free, total);
  (void) gc_used;
  add_line (lines, TEXT_SIZE, FALSE,
            g_strdup_printf ("Heap used: %s of %s, free: %s%s", hu, ht, hf, hpct ? hpct : ""));

  b1 = format_figure (snap, &stats, diff, MPY_FIGURE_ONE_BLOCKS);
  b2 = format_figure (snap, &stats, diff, MPY_FIGURE_TWO_BLOCKS);
  mb = format_figure (snap, &stats, diff, MPY_FIGURE_MAX_BLOCK);
  mf = format_figure (snap, &stats, diff, MPY_FIGURE_MAX_FREE);
  add_line (lines, TEXT_SIZE, FALSE,
            g_strdup_printf ("1-blocks: %s   2-blocks: %s   max block: %s   max free: %s", b1, b2, mb, mf));

  if (mpy_snapshot_has_map (snap))
    {
      g_autofree char *frag = NULL;

      g_autofree char *run = _mpy_stats_describe_largest_free_run (&stats, diff == NULL);

      if (diff != NULL)
        {
          MpyStats before_stats;
          mpy_stats_compute (mpy_diff_get_before (diff), &before_stats);
          frag = g_strdup_printf ("Fragmentation: %.1f%% (%+.1f)   free holes: %" G_GSIZE_FORMAT
                                  "   largest free run: %s",
                                  100.0 * stats.fragmentation,
                                  100.0 * (stats.fragmentation - before_stats.fragmentation),
                                  stats.free_holes, run);
        }
      else
        frag = g_strdup_printf ("Fragmentation: %.1f%%   free holes: %" G_GSIZE_FORMAT
                                "   largest free run: %s",
                                100.0 * stats.fragmentation, stats.free_holes, run);
      add_line (lines, TEXT_SIZE, FALSE, g_steal_pointer (&frag));
    }
  else
    add_line (lines, TEXT_SIZE, FALSE, g_strdup ("No block map: mem_info() was called without an argument"));

  if (diff != NULL)
    add_line (lines, TEXT_SIZE, FALSE,
              g_strdup_printf ("Blocks: %" G_GSIZE_FORMAT " allocated, %" G_GSIZE_FORMAT " freed, %"
                               G_GSIZE_FORMAT " changed, %" G_GSIZE_FORMAT " unchanged   "
                               "Objects: %" G_GSIZE_FORMAT " new, %" G_GSIZE_FORMAT " freed, %"
                               G_GSIZE_FORMAT " kept",
                               mpy_diff_count_blocks (diff, MPY_DIFF_ALLOCATED),
                               mpy_diff_count_blocks (diff, MPY_DIFF_FREED),
                               mpy_diff_count_blocks (diff, MPY_DIFF_CHANGED),
                               mpy_diff_count_blocks (diff, MPY_DIFF_UNCHANGED),
                               mpy_diff_get_objects_new (diff),
                               mpy_diff_get_objects_freed (diff),
                               mpy_diff_get_objects_kept (diff)));
  return lines;
}

typedef struct {
  guint32  color;
  gboolean framed;   /* draw a frame: the swatch may match the background */
  char    *text;
} LegendItem;

static void
legend_item_clear (gpointer data)
{
  g_free (((LegendItem *) data)->text);
}

static GArray *
legend_items (MpySnapshot            *snapshot,
              MpyDiff                *diff,
              const MpyRenderOptions *options)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (LegendItem));
  guint32 background = mpy_palette_get_background (options->dark);

  g_array_set_clear_func (items, legend_item_clear);
  if (diff != NULL)
    {
      for (int s = 0; s < MPY_N_DIFF_STATES; s++)
        {
          LegendItem item;

          item.color = mpy_palette_get_diff_color (s, options->dark);
          if (s == MPY_DIFF_FREE && !options->show_free)
            item.color = background;
          item.framed = TRUE;
          item.text = g_strdup_printf ("%s: %" G_GSIZE_FORMAT,
                                       mpy_diff_state_get_name ((MpyDiffState) s),
                                       mpy_diff_count_blocks (diff, (MpyDiffState) s));
          g_array_append_val (items, item);
        }
    }
  else
    {
      MpyStats stats;

      mpy_stats_compute (snapshot, &stats);
      for (guint k = 0; k < MPY_N_KINDS; k++)
        {
          LegendItem item;
          const char *name = mpy_kind_get_name (mpy_kinds[k]);

          item.color = mpy_palette_get_kind_color (mpy_kinds[k], options->dark);
          if (mpy_kinds[k] == MPY_KIND_FREE && !options->show_free)
            item.color = background;
          item.framed = TRUE;
          item.text = g_strdup_printf ("%s: %" G_GSIZE_FORMAT, name != NULL ? name : "?",
                                       stats.kind_blocks[k]);
          g_array_append_val (items, item);
        }
    }
  return items;
}

static void
select_font (cairo_t  *cr,
             double    size,
             gboolean  bold)
{
  cairo_select_font_face (cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

static double
text_width (cairo_t    *cr,
            const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  return ext.x_advance;
}

/* Everything get_size and draw need to agree on. */
typedef struct {
  GArray *header;      /* TextLine */
  GArray *legend;      /* LegendItem */
  double  header_height;
  double  content_width;
  double  map_width;
  double  map_height;
  double  legend_height;
  double  width;
  double  height;
  guint   n_rows;
} Picture;

static void
picture_clear (Picture *p)
{
  g_clear_pointer (&p->header, g_array_unref);
  g_clear_pointer (&p->legend, g_array_unref);
}

/* Whole pixels, so that the map below the header lands on pixel boundaries. */
static double
text_line_height (double size)
{
  return ceil (size * 1.3) + LINE_GAP;
}

static double
legend_line_height (void)
{
  return MAX (SWATCH, ceil (TEXT_SIZE * 1.3)) + LINE_GAP;
}

/* Lays the legend out in lines of at most @avail px; returns its height. When @cr_draw is
 * non-NULL, draws it at (x0, y0). */
static double
legend_layout (cairo_t                *cr,
               GArray                 *items,
               double                  avail,
               cairo_t                *cr_draw,
               double                  x0,
               double                  y0,
               guint32                 foreground)
{
  double x = 0, y = 0;
  double lh = legend_line_height ();

  select_font (cr, TEXT_SIZE, FALSE);
  for (guint i = 0; i < items->len; i++)
    {
      LegendItem *item = &g_array_index (items, LegendItem, i);
      double w = SWATCH + SWATCH_GAP + text_width (cr, item->text);

      if (x > 0 && x + w > avail)
        {
          x = 0;
          y += lh;
        }
      if (cr_draw != NULL)
        {
          double sy = y0 + y + (lh - LINE_GAP - SWATCH) / 2;

          set_source_rgb (cr_draw, item->color, 1.0);
          cairo_rectangle (cr_draw, x0 + x, sy, SWATCH, SWATCH);
          cairo_fill (cr_draw);
          if (item->framed)
            {
              set_source_rgb (cr_draw, foreground, 0.5);
              cairo_set_line_width (cr_draw, 1.0);
              cairo_rectangle (cr_draw, x0 + x + 0.5, sy + 0.5, SWATCH - 1, SWATCH - 1);
              cairo_stroke (cr_draw);
            }
          set_source_rgb (cr_draw, foreground, 1.0);
          cairo_move_to (cr_draw, x0 + x + SWATCH + SWATCH_GAP, sy + SWATCH - 1.5);
          cairo_show_text (cr_draw, item->text);
        }
      x += w + ITEM_GAP;
    }
  return items->len > 0 ? y + lh : 0;
}

static void
picture_layout (Picture                *p,
                cairo_t                *cr,
                MpySnapshot            *snapshot,
                MpyDiff                *diff,
                const MpyRenderOptions *options,
                double                  scale)
{
  MpySnapshot *snap = layout_snapshot (snapshot, diff);
  double text_max = 0, legend_max = 0;

  memset (p, 0, sizeof *p);
  p->header = header_lines (snapshot, diff);
  p->legend = legend_items (snap, diff, options);
  p->n_rows = mpy_layout_get_n_rows (snap, options);

  for (guint i = 0; i < p->header->len; i++)
    {
      TextLine *line = &g_array_index (p->header, TextLine, i);

      select_font (cr, line->size, line->bold);
      text_max = MAX (text_max, text_width (cr, line->text));
      p->header_height += text_line_height (line->size);
    }

  select_font (cr, TEXT_SIZE, FALSE);
  for (guint i = 0; i < p->legend->len; i++)
    {
      LegendItem *item = &g_array_index (p->legend, LegendItem, i);
      legend_max = MAX (legend_max, SWATCH + SWATCH_GAP + text_width (cr, item->text));
    }

  p->map_width = ceil (mpy_layout_get_row_width (options) * scale - 1e-9);
  p->map_height = ceil (p->n_rows * scale - 1e-9);
  p->content_width = MAX (MAX (p->map_width, ceil (text_max)), MAX (legend_max, MIN_CONTENT));
  p->legend_height = legend_layout (cr, p->legend, p->content_width, NULL, 0, 0, 0);

  p->width = MARGIN * 2 + p->content_width;
  p->height = MARGIN + p->header_height + SECTION_GAP + p->map_height
              + (p->map_height > 0 ? SECTION_GAP : 0) + p->legend_height + MARGIN;
  p->width = ceil (p->width);
  p->height = ceil (p->height);
}

/* The layout of the picture without drawing it: text is measured on a 1 px surface. */
static void
picture_measure (Picture                *p,
                 MpySnapshot            *snapshot,
                 MpyDiff                *diff,
                 const MpyRenderOptions *options,
                 double                  scale)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t *cr = cairo_create (surface);

  picture_layout (p, cr, snapshot, diff, options, scale);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
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
  Picture p;

  if (options == NULL)
    options = &defaults;
  g_return_if_fail (layout_snapshot (snapshot, diff) != NULL);

  picture_measure (&p, snapshot, diff, options, scale);

  *width = (int) MIN (p.width, (double) G_MAXINT);
  *height = (int) MIN (p.height, (double) G_MAXINT);
  picture_clear (&p);
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
  Picture p;

  if (options == NULL)
    options = &defaults;
  g_return_if_fail (layout_snapshot (snapshot, diff) != NULL);

  picture_measure (&p, snapshot, diff, options, scale);
  *x = MARGIN;
  *y = MARGIN + p.header_height + SECTION_GAP;
  picture_clear (&p);
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
  Picture p;
  guint32 background, foreground;
  double y;

  if (options == NULL)
    options = &defaults;
  snap = layout_snapshot (snapshot, diff);
  g_return_if_fail (cr != NULL && snap != NULL);

  background = mpy_palette_get_background (options->dark);
  foreground = options->dark ? FOREGROUND_DARK : FOREGROUND_LIGHT;

  cairo_save (cr);
  picture_layout (&p, cr, snapshot, diff, options, scale);

  set_source_rgb (cr, background, 1.0);
  cairo_rectangle (cr, 0, 0, p.width, p.height);
  cairo_fill (cr);

  /* Header */
  y = MARGIN;
  set_source_rgb (cr, foreground, 1.0);
  for (guint i = 0; i < p.header->len; i++)
    {
      TextLine *line = &g_array_index (p.header, TextLine, i);

      select_font (cr, line->size, line->bold);
      cairo_move_to (cr, MARGIN, y + line->size);
      cairo_show_text (cr, line->text);
      y += text_line_height (line->size);
    }
  y += SECTION_GAP;

  /* Map */
  if (p.map_height > 0)
    {
      cairo_surface_t *image = mpy_renderer_create_block_image (snapshot, diff, options);
      cairo_pattern_t *pattern;

      cairo_save (cr);
      cairo_translate (cr, MARGIN, y);
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

      y += p.map_height + SECTION_GAP;
    }

  /* Legend */
  legend_layout (cr, p.legend, p.content_width, cr, MARGIN, y, foreground);

  picture_clear (&p);
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

  g_return_val_if_fail (layout_snapshot (snapshot, diff) != NULL, 0);

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

  limit = g_strdup_printf ("The picture would be %d × %d px, more than an image can have "
                           "(32767 px a side, %" G_GINT64_FORMAT " million pixels)",
                           w, h, MAX_PIXELS / 1000000);
  if (max_scale >= 1 && fitting_columns > 0)
    g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                 "%s. Use a scale of %u px per block or less (--scale %u), or %u columns (--columns %u)",
                 limit, max_scale, max_scale, fitting_columns, fitting_columns);
  else if (max_scale >= 1)
    g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                 "%s. Use a scale of %u px per block or less (--scale %u)",
                 limit, max_scale, max_scale);
  else if (fitting_columns > 0)
    g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                 "%s. Use %u columns (--columns %u)", limit, fitting_columns, fitting_columns);
  else
    g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                 "%s, even at 1 px per block. Use more columns (--columns) so that rows get fewer",
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
  snap = layout_snapshot (snapshot, diff);
  g_return_val_if_fail (snap != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!mpy_snapshot_has_map (snap))
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_NO_MAP,
                   "This dump has no block map to draw: capture it with micropython.mem_info(1)");
      return FALSE;
    }
  if (!(scale > 0) || !isfinite (scale))
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                   "The scale must be a positive number of px per block, not %g", scale);
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
                   "Could not create a %d × %d px image (%s): try a smaller --scale",
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
                   "Could not draw the picture for “%s”: %s", path, cairo_status_to_string (status));
      return FALSE;
    }

  /* g_file_set_contents writes a temporary file in the same folder and renames it. */
  if (!g_file_set_contents (path, (const char *) png->data, (gssize) png->len, &local_error))
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                   "Could not write the PNG: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

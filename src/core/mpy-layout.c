/* mpy-layout.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where things go: blocks on the map (row-major, every area on a new row), and the parts of
 * the renderer's picture (a header of figures from the figure table, the map, the legend
 * from the palette table).
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mpy-layout.h"
#include "mpy-metric.h"
#include "mpy-palette.h"
#include "mpy-renderer-private.h"

#define TITLE_SIZE    15.0
#define TEXT_SIZE     12.0
#define ITEM_GAP      16.0
#define MIN_CONTENT  360.0
#define FONT_FAMILY  "Sans"

/* ------------------------------------------------------------------------------------------
 * Blocks
 */

MpySnapshot *
_mpy_layout_snapshot (MpySnapshot *snapshot,
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
 * The picture
 */

static void
flow_item_clear (gpointer data)
{
  g_free (((MpyFlowItem *) data)->text);
}

static GArray *
flow_new (void)
{
  GArray *items = g_array_new (FALSE, TRUE, sizeof (MpyFlowItem));

  g_array_set_clear_func (items, flow_item_clear);
  return items;
}

static MpyFlowItem *
add_text (GArray   *items,
          double    size,
          gboolean  bold,
          gboolean  break_before,
          char     *text)
{
  MpyFlowItem item = { 0, };

  item.text = text;
  item.size = size;
  item.bold = bold;
  item.break_before = break_before;
  item.n_lines = 1;
  g_array_append_val (items, item);
  return &g_array_index (items, MpyFlowItem, items->len - 1);
}

/* A line of prose: on its own line, wrapped rather than widening the picture. */
static void
add_prose (GArray   *items,
           double    size,
           gboolean  bold,
           char     *text)
{
  add_text (items, size, bold, TRUE, text)->wrap = TRUE;
}

static char *
count_text (gsize n)
{
  return g_strdup_printf ("%" G_GSIZE_FORMAT, n);
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
  return g_strdup (_("Snapshot"));
}

/* Where and how it was captured, when known; NULL when nothing is. */
static char *
origin_text (MpySnapshot *snapshot)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *port = mpy_snapshot_get_port (snapshot);
  const char *banner = mpy_snapshot_get_banner (snapshot);
  MpySnapshotFlags flags = mpy_snapshot_get_flags (snapshot);

  if (port != NULL && *port != '\0')
    g_ptr_array_add (parts, g_strdup_printf (_("Port %s"), port));
  if (banner != NULL && *banner != '\0')
    g_ptr_array_add (parts, g_strdup (banner));
  if (flags & MPY_SNAPSHOT_FLAG_SOFT_RESET)
    g_ptr_array_add (parts, g_strdup (_("after a soft reset")));
  if (flags & MPY_SNAPSHOT_FLAG_GC)
    g_ptr_array_add (parts, g_strdup (_("after gc.collect()")));
  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("   ", (char **) parts->pdata);
}

/* The header: what the picture shows, then every figure of the figure table the snapshot
 * has ("Heap used: 5000 bytes (Δ +32)"), one line per group, wrapped as needed. */
static GArray *
header_items (MpySnapshot *snapshot,
              MpyDiff     *diff)
{
  GArray *items = flow_new ();
  MpySnapshot *snap = _mpy_layout_snapshot (snapshot, diff);
  g_autofree char *name = snapshot_name (snap);
  g_autofree char *origin = origin_text (snap);
  MpyStats stats;
  int group = -1;

  mpy_stats_compute (snap, &stats);

  if (diff != NULL)
    {
      g_autofree char *before = snapshot_name (mpy_diff_get_before (diff));

      /* Translators: the title of a diff picture, "after vs before" */
      add_prose (items, TITLE_SIZE, TRUE, g_strdup_printf (_("%s vs %s"), name, before));
    }
  else
    add_prose (items, TITLE_SIZE, TRUE, g_strdup (name));
  if (origin != NULL)
    add_prose (items, TEXT_SIZE, FALSE, g_steal_pointer (&origin));
  if (mpy_snapshot_is_damaged (snap))
    {
      const char *reason = mpy_snapshot_get_damage_reason (snap);

      add_prose (items, TEXT_SIZE, TRUE,
                 g_strdup_printf (_("Damaged dump: %s"), reason != NULL ? reason : _("inconsistent")));
    }

  for (guint m = 0; m < MPY_N_METRICS; m++)
    {
      g_autofree char *value = mpy_metric_describe ((MpyMetric) m, snap, &stats, diff);
      gboolean new_group = (int) mpy_metric_get_group ((MpyMetric) m) != group;

      if (value == NULL)
        continue;
      group = mpy_metric_get_group ((MpyMetric) m);
      /* Translators: a figure in the picture's header, "Heap used: 5000 bytes" */
      add_text (items, TEXT_SIZE, FALSE, new_group,
                g_strdup_printf (_("%s: %s"), mpy_metric_get_title ((MpyMetric) m), value));
    }

  if (!mpy_snapshot_has_map (snap))
    add_prose (items, TEXT_SIZE, FALSE,
               g_strdup (_("No block map: mem_info() was called without an argument")));

  if (diff != NULL)
    {
      g_autofree char *allocated = count_text (mpy_diff_count_blocks (diff, MPY_DIFF_ALLOCATED));
      g_autofree char *freed = count_text (mpy_diff_count_blocks (diff, MPY_DIFF_FREED));
      g_autofree char *changed = count_text (mpy_diff_count_blocks (diff, MPY_DIFF_CHANGED));
      g_autofree char *unchanged = count_text (mpy_diff_count_blocks (diff, MPY_DIFF_UNCHANGED));
      g_autofree char *o_new = count_text (mpy_diff_get_objects_new (diff));
      g_autofree char *o_freed = count_text (mpy_diff_get_objects_freed (diff));
      g_autofree char *o_kept = count_text (mpy_diff_get_objects_kept (diff));
      char *blocks, *objects;

      blocks = g_strdup_printf (_("Blocks: %s allocated, %s freed, %s changed, %s unchanged"),
                                allocated, freed, changed, unchanged);
      objects = g_strdup_printf (_("Objects: %s new, %s freed, %s kept"), o_new, o_freed, o_kept);
      add_prose (items, TEXT_SIZE, FALSE, blocks);
      add_prose (items, TEXT_SIZE, FALSE, objects);
    }
  return items;
}

/* The legend: the entries of the palette table for what the map shows. */
static GArray *
legend_items (MpySnapshot            *snapshot,
              MpyDiff                *diff,
              const MpyRenderOptions *options)
{
  GArray *items = flow_new ();
  MpyLegendEntry entries[MPY_LEGEND_MAX_ENTRIES];
  guint n = mpy_palette_get_legend (snapshot, diff, options, entries);

  for (guint i = 0; i < n; i++)
    {
      MpyFlowItem *item = add_text (items, TEXT_SIZE, FALSE, FALSE,
                                    mpy_legend_entry_get_text (&entries[i]));

      item->swatch = TRUE;
      item->color = entries[i].color;
    }
  return items;
}

void
_mpy_select_font (cairo_t  *cr,
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

static double
item_width (cairo_t     *cr,
            MpyFlowItem *item)
{
  _mpy_select_font (cr, item->size, item->bold);
  return text_width (cr, item->text) + (item->swatch ? MPY_PICTURE_SWATCH + MPY_PICTURE_SWATCH_GAP : 0);
}

/* Breaks a prose item into lines of at most @avail px at its spaces (a word longer than
 * that keeps a line of its own); returns the widest line. */
static double
wrap_item (cairo_t     *cr,
           MpyFlowItem *item,
           double       avail)
{
  g_auto(GStrv) words = g_strsplit (item->text, " ", -1);
  GString *out = g_string_new (NULL);
  GString *line = g_string_new (NULL);
  double widest = 0;

  _mpy_select_font (cr, item->size, item->bold);
  item->n_lines = 1;
  for (guint i = 0; words[i] != NULL; i++)
    {
      gsize len = line->len;

      if (len > 0)
        g_string_append_c (line, ' ');
      g_string_append (line, words[i]);
      if (len > 0 && text_width (cr, line->str) > avail)
        {
          g_string_truncate (line, len);
          widest = MAX (widest, text_width (cr, line->str));
          g_string_append_printf (out, "%s\n", line->str);
          item->n_lines++;
          g_string_assign (line, words[i]);
        }
    }
  widest = MAX (widest, text_width (cr, line->str));
  g_string_append (out, line->str);
  g_string_free (line, TRUE);
  g_free (item->text);
  item->text = g_string_free (out, FALSE);
  return widest;
}

/* Whole pixels, so that the map below the header lands on pixel boundaries. */
static double
item_line_height (const MpyFlowItem *item)
{
  double text = ceil (item->size * 1.3);

  return (item->swatch ? MAX (MPY_PICTURE_SWATCH, text) : text) + MPY_PICTURE_LINE_GAP;
}

/* Places @items in lines of at most @avail px; returns the height they take. */
static double
flow_layout (cairo_t *cr,
             GArray  *items,
             double   avail)
{
  double x = 0, y = 0, line = 0;
  guint line_start = 0;

  for (guint i = 0; i < items->len; i++)
    {
      MpyFlowItem *item = &g_array_index (items, MpyFlowItem, i);
      double w = item->wrap ? wrap_item (cr, item, avail) : item_width (cr, item);

      if (i > 0 && (item->break_before || (x > 0 && x + w > avail)))
        {
          for (guint j = line_start; j < i; j++)
            g_array_index (items, MpyFlowItem, j).line_height = line;
          y += line;
          x = 0;
          line = 0;
          line_start = i;
        }
      item->x = x;
      item->y = y;
      line = MAX (line, item_line_height (item));
      x += w + ITEM_GAP;
      if (item->wrap && item->n_lines > 1)
        {
          /* The lines of a wrapped item take the rows below its first: nothing follows it. */
          item->line_height = line;
          y += line * item->n_lines;
          x = 0;
          line = 0;
          line_start = i + 1;
        }
    }
  for (guint j = line_start; j < items->len; j++)
    g_array_index (items, MpyFlowItem, j).line_height = line;
  return y + line;
}

void
_mpy_picture_clear (MpyPicture *p)
{
  g_clear_pointer (&p->header, g_array_unref);
  g_clear_pointer (&p->legend, g_array_unref);
}

void
_mpy_picture_layout (MpyPicture             *p,
                     cairo_t                *cr,
                     MpySnapshot            *snapshot,
                     MpyDiff                *diff,
                     const MpyRenderOptions *options,
                     double                  scale)
{
  MpySnapshot *snap = _mpy_layout_snapshot (snapshot, diff);
  double widest = 0;

  memset (p, 0, sizeof *p);
  p->header = header_items (snapshot, diff);
  p->legend = legend_items (snap, diff, options);
  p->n_rows = mpy_layout_get_n_rows (snap, options);

  /* As wide as the map, and at least as wide as the widest single figure or legend entry;
   * prose wraps to that width instead of widening the picture. */
  for (guint i = 0; i < p->header->len; i++)
    if (!g_array_index (p->header, MpyFlowItem, i).wrap)
      widest = MAX (widest, item_width (cr, &g_array_index (p->header, MpyFlowItem, i)));
  for (guint i = 0; i < p->legend->len; i++)
    widest = MAX (widest, item_width (cr, &g_array_index (p->legend, MpyFlowItem, i)));

  p->map_width = ceil (mpy_layout_get_row_width (options) * scale - 1e-9);
  p->map_height = ceil (p->n_rows * scale - 1e-9);
  p->content_width = MAX (MAX (p->map_width, ceil (widest)), MIN_CONTENT);
  p->header_height = flow_layout (cr, p->header, p->content_width);
  p->legend_height = flow_layout (cr, p->legend, p->content_width);

  p->width = ceil (MPY_PICTURE_MARGIN * 2 + p->content_width);
  p->height = ceil (MPY_PICTURE_MARGIN + p->header_height + MPY_PICTURE_SECTION_GAP + p->map_height
                    + (p->map_height > 0 ? MPY_PICTURE_SECTION_GAP : 0) + p->legend_height
                    + MPY_PICTURE_MARGIN);
}

void
_mpy_picture_measure (MpyPicture             *p,
                      MpySnapshot            *snapshot,
                      MpyDiff                *diff,
                      const MpyRenderOptions *options,
                      double                  scale)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t *cr = cairo_create (surface);

  _mpy_picture_layout (p, cr, snapshot, diff, options, scale);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

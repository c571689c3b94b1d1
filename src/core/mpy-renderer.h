/* mpy-renderer.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "mpy-diff.h"
#include "mpy-layout.h"
#include "mpy-palette.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_RENDER_ERROR (mpy_render_error_quark ())

typedef enum {
  MPY_RENDER_ERROR_NO_MAP,
  MPY_RENDER_ERROR_TOO_LARGE,
  MPY_RENDER_ERROR_WRITE,
} MpyRenderError;

GQuark mpy_render_error_quark (void);

/**
 * mpy_renderer_create_block_image:
 *
 * Paints the map (or, with @diff non-NULL, the diff overlay of diff's "after" over its
 * "before"; @snapshot is then ignored) at one pixel per block into a new CAIRO_FORMAT_RGB24
 * image surface of mpy_layout_get_row_width() × mpy_layout_get_n_rows(). Scale it with
 * CAIRO_FILTER_NEAREST to draw. Height 0 for a figures-only snapshot; rows past Cairo's
 * 32767 px are left out, and a row wider than that gives an error surface (check
 * cairo_surface_status()). Columns are clamped to 1 … 16384.
 */
cairo_surface_t *mpy_renderer_create_block_image (MpySnapshot            *snapshot,
                                                  MpyDiff                *diff,
                                                  const MpyRenderOptions *options);

/* Grid lines and object outlines for cells of @scale px, for the block rows
 * [first_row, first_row + n_rows), with @cr's origin at the map's top-left corner;
 * drawn only when @scale ≥ 6 px. */
void     mpy_renderer_draw_outlines (cairo_t                *cr,
                                     MpySnapshot            *snapshot,
                                     MpyDiff                *diff,
                                     const MpyRenderOptions *options,
                                     double                  scale,
                                     guint                   first_row,
                                     guint                   n_rows);

/* The whole picture: header of figures, the map at @scale px per block, the legend. */
void     mpy_renderer_get_size  (MpySnapshot *snapshot, MpyDiff *diff,
                                 const MpyRenderOptions *options, double scale,
                                 int *width, int *height);
/* Where mpy_renderer_draw() puts the map's top-left corner (block cell (0, 0)). */
void     mpy_renderer_get_map_origin (MpySnapshot *snapshot, MpyDiff *diff,
                                      const MpyRenderOptions *options, double scale,
                                      double *x, double *y);
void     mpy_renderer_draw      (cairo_t *cr, MpySnapshot *snapshot, MpyDiff *diff,
                                 const MpyRenderOptions *options, double scale);
/* The largest whole scale at which the picture fits an image (32767 px per side, 2^28 px);
 * 0 when even 1 px per block does not fit (use more columns). */
guint    mpy_renderer_get_max_scale (MpySnapshot *snapshot, MpyDiff *diff,
                                     const MpyRenderOptions *options);
/* Atomic (temporary file, then rename). Fails with MPY_RENDER_ERROR_TOO_LARGE, naming a
 * scale and a column count that would fit, rather than shrinking the picture silently. */
gboolean mpy_renderer_write_png (MpySnapshot *snapshot, MpyDiff *diff,
                                 const MpyRenderOptions *options, double scale,
                                 const char *path, GError **error);

G_END_DECLS

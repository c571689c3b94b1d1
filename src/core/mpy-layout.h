/* mpy-layout.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "mpy-diff.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

typedef struct {
  guint    columns;     /* blocks per row = 64 × columns (the notebook's cols); ≥ 1 */
  gboolean rainbow;     /* alternate two shades per object */
  gboolean show_free;   /* draw free blocks with a visible colour instead of the background */
  gboolean dark;        /* palette for a dark background */
} MpyRenderOptions;

#define MPY_RENDER_OPTIONS_INIT { 1, FALSE, TRUE, FALSE }

/* Cairo image surfaces are limited to 32767 px per side. */
#define MPY_RENDER_MAX_SIDE 32767

/* Layout: block i of area a is placed row-major; every area starts on a new row. */
guint    mpy_layout_get_row_width  (const MpyRenderOptions *options);          /* 64 × columns */
guint    mpy_layout_get_n_rows     (MpySnapshot *snapshot, const MpyRenderOptions *options);
void     mpy_layout_get_position   (MpySnapshot *snapshot, const MpyRenderOptions *options,
                                    gsize block, guint *x, guint *y);
/* FALSE when (x, y) holds no block. */
gboolean mpy_layout_get_block_at   (MpySnapshot *snapshot, const MpyRenderOptions *options,
                                    guint x, guint y, gsize *block);

G_END_DECLS

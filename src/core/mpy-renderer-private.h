/* mpy-renderer-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What mpy-layout.c (where the parts of the picture go) and mpy-renderer.c (painting them)
 * share.
 */

#pragma once

#include <cairo.h>

#include "mpy-renderer.h"

G_BEGIN_DECLS

#define MPY_PICTURE_MARGIN      12.0
#define MPY_PICTURE_SECTION_GAP 10.0
#define MPY_PICTURE_SWATCH      12.0
#define MPY_PICTURE_SWATCH_GAP   5.0
#define MPY_PICTURE_LINE_GAP     6.0

/* One piece of text in the header or the legend, placed by _mpy_picture_layout(): lines
 * are filled left to right and wrapped at the content width. */
typedef struct {
  char     *text;
  double    size;           /* font size */
  gboolean  bold;
  gboolean  break_before;   /* starts a new line */
  gboolean  wrap;           /* prose (title, origin, damage): wrapped at spaces to the width,
                             * never widens the picture; @text then holds its lines */
  guint     n_lines;
  gboolean  swatch;         /* a legend entry: a framed swatch of @color before the text */
  guint32   color;
  double    x, y;           /* top-left, relative to the flow's origin */
  double    line_height;    /* of the line it is on (of each of its lines when wrapped) */
} MpyFlowItem;

/* Everything get_size and draw need to agree on. */
typedef struct {
  GArray *header;           /* MpyFlowItem: title, origin, damage, the figure table */
  GArray *legend;           /* MpyFlowItem: mpy_palette_get_legend() */
  double  header_height;
  double  content_width;
  double  map_width;
  double  map_height;
  double  legend_height;
  double  width;
  double  height;
  guint   n_rows;
} MpyPicture;

/* The snapshot whose layout is drawn: the diff's "after" in diff mode. */
MpySnapshot *_mpy_layout_snapshot  (MpySnapshot *snapshot,
                                    MpyDiff     *diff);
void         _mpy_select_font      (cairo_t     *cr,
                                    double       size,
                                    gboolean     bold);
/* Lays the picture out, measuring text with @cr. */
void         _mpy_picture_layout   (MpyPicture             *picture,
                                    cairo_t                *cr,
                                    MpySnapshot            *snapshot,
                                    MpyDiff                *diff,
                                    const MpyRenderOptions *options,
                                    double                  scale);
/* The same, measuring text on a scratch surface. */
void         _mpy_picture_measure  (MpyPicture             *picture,
                                    MpySnapshot            *snapshot,
                                    MpyDiff                *diff,
                                    const MpyRenderOptions *options,
                                    double                  scale);
void         _mpy_picture_clear    (MpyPicture             *picture);
/* FALSE, with an error naming @path, when @path exists and is not a regular file (a device,
 * a FIFO, a folder): an output written through a temporary file renamed over @path would
 * replace it (a device node, when run as root), and opening a FIFO blocks. */
gboolean     _mpy_check_output_target   (const char   *path,
                                         GError      **error);
/* Writes @len bytes to @path through a temporary file renamed over it, after
 * _mpy_check_output_target(). */
gboolean     _mpy_write_file_atomically (const char   *path,
                                         const guint8 *data,
                                         gsize         len,
                                         GError      **error);

G_END_DECLS

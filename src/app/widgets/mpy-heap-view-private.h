/* mpy-heap-view-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-heap-view.h"

G_BEGIN_DECLS

/* How the visible part of the block image reaches the screen. GTK 4.8 has no
 * gtk_snapshot_append_scaled_texture() (4.10), so a texture node would be scaled with a linear
 * filter; the texture path therefore upscales the visible region on the CPU itself. The
 * benchmark compares both; the faster one is the default. */
typedef enum {
  MPY_HEAP_VIEW_DRAW_CAIRO,    /* gtk_snapshot_append_cairo() + CAIRO_FILTER_NEAREST */
  MPY_HEAP_VIEW_DRAW_TEXTURE,  /* GdkMemoryTexture of the visible region at device pixels */
} MpyHeapViewDrawMethod;

/* Outline colour of the largest free run (0xRRGGBB), on light and dark backgrounds. */
#define MPY_HEAP_VIEW_HIGHLIGHT_LIGHT 0xe66100
#define MPY_HEAP_VIEW_HIGHLIGHT_DARK  0xffa348

void mpy_heap_view_set_draw_method (MpyHeapView *self, MpyHeapViewDrawMethod method);

/* Height in px of the legend strip drawn at the bottom of the widget. */
int  mpy_heap_view_get_legend_height (MpyHeapView *self);

/* Origin of the map in widget coordinates (scroll offset and centering applied). */
void mpy_heap_view_get_origin (MpyHeapView *self, double *x, double *y);

/* Where the zoom actions anchor: the pointer when it is over the map, else the view's centre. */
void mpy_heap_view_get_zoom_anchor (MpyHeapView *self, double *x, double *y);

/* The warning drawn over the top of the map (a damaged dump and why), or NULL. */
char *mpy_heap_view_get_notice (MpyHeapView *self);

G_END_DECLS

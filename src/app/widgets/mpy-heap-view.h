/* mpy-heap-view.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-diff.h"
#include "mpy-renderer.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_TYPE_HEAP_VIEW (mpy_heap_view_get_type ())
G_DECLARE_FINAL_TYPE (MpyHeapView, mpy_heap_view, MPY, HEAP_VIEW, GtkWidget)

/**
 * MpyHeapView:
 *
 * The heap canvas: a GtkScrollable custom widget (put it in a GtkScrolledWindow) that draws a
 * snapshot, or a diff, with the shared renderer. Zoom (Ctrl+wheel, pinch, the widget actions
 * "heap.zoom-in", "heap.zoom-out", "heap.zoom-reset" (1:1 = 8 px per block) and
 * "heap.zoom-fit") keeps the point under the pointer fixed; pan by dragging; hover tooltip.
 *
 * Properties: "snapshot" (MPY_TYPE_SNAPSHOT), "diff" (MPY_TYPE_DIFF), "scale" (px per block,
 * double), "columns" (guint), "rainbow", "show-free", "highlight-largest-free" (gboolean),
 * "hovered-block" (gint64, -1 for none), "notice" (string, read-only).
 *
 * The view paints the map only. Its legend is an MpyLegend (whose "view" is this view) and
 * the band that says a dump is damaged an MpyDamageBand (bind its "text" to the view's
 * "notice"), placed around it. The palette follows the theme: a light text
 * colour selects the renderer's dark palette, so the "dark" field of the options is ignored by
 * mpy_heap_view_set_options() and reports the current choice in mpy_heap_view_get_options().
 * The zoom actions are widget actions: from outside the canvas (a header bar button, a window
 * accelerator) call gtk_widget_activate_action (heap_view, "heap.zoom-in", NULL). With the
 * keyboard focus on the canvas, + = - 0 and f are bound to them too.
 */
GtkWidget   *mpy_heap_view_new              (void);
void         mpy_heap_view_set_snapshot     (MpyHeapView *self, MpySnapshot *snapshot); /* clears the diff */
MpySnapshot *mpy_heap_view_get_snapshot     (MpyHeapView *self);
void         mpy_heap_view_set_diff         (MpyHeapView *self, MpyDiff *diff);         /* NULL: back to the snapshot */
MpyDiff     *mpy_heap_view_get_diff         (MpyHeapView *self);
double       mpy_heap_view_get_scale        (MpyHeapView *self);
/* Sets the scale keeping the widget point (anchor_x, anchor_y) fixed on the same block. */
void         mpy_heap_view_zoom_to          (MpyHeapView *self, double scale, double anchor_x, double anchor_y);
void         mpy_heap_view_zoom_fit         (MpyHeapView *self);
void         mpy_heap_view_get_options      (MpyHeapView *self, MpyRenderOptions *options);
void         mpy_heap_view_set_options      (MpyHeapView *self, const MpyRenderOptions *options);
/* Hit test shared by hover, tooltip and clicks: the block under widget point (x, y). */
gboolean     mpy_heap_view_get_block_at     (MpyHeapView *self, double x, double y, gsize *block);
/* The text of the hover tooltip for @block (address, kind, object start and size, diff state). */
char        *mpy_heap_view_describe_block   (MpyHeapView *self, gsize block);
/* Outlines @n_blocks blocks from @first_block (the figures panel's "Fits?" answer); 0: none. */
void         mpy_heap_view_set_outline_run  (MpyHeapView *self, gsize first_block, gsize n_blocks);
gboolean     mpy_heap_view_get_outline_run  (MpyHeapView *self, gsize *first_block, gsize *n_blocks);

/* A run of blocks: one object (its head block and length in blocks). */
typedef struct {
  gsize first_block;
  gsize n_blocks;
} MpyBlockRun;

/* Outlines each of @n_runs objects (the Leak check's survivors), drawn while the view shows
 * @on (a snapshot, or the "after" of a diff); NULL/0 outlines none. */
void         mpy_heap_view_set_outline_objects (MpyHeapView *self, MpySnapshot *on,
                                                const MpyBlockRun *runs, guint n_runs);
guint        mpy_heap_view_get_n_outline_objects (MpyHeapView *self);

G_END_DECLS

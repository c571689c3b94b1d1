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
#define MPY_HEAP_VIEW_HIGHLIGHT_LIGHT (mpy_palette_get_highlight (FALSE))
#define MPY_HEAP_VIEW_HIGHLIGHT_DARK  (mpy_palette_get_highlight (TRUE))

void mpy_heap_view_set_draw_method (MpyHeapView *self, MpyHeapViewDrawMethod method);

/* Origin of the map in widget coordinates (scroll offset and centering applied). */
void mpy_heap_view_get_origin (MpyHeapView *self, double *x, double *y);

/* Where the zoom actions anchor: the pointer when it is over the map, else the view's centre. */
void mpy_heap_view_get_zoom_anchor (MpyHeapView *self, double *x, double *y);

/* What the "notice" property says (a damaged dump and why, a map cut short), or NULL. */
char *mpy_heap_view_get_notice (MpyHeapView *self);

/* ---- shared by the files of the heap view (mpy-heap-view*.c); not for other code ---- */

#include "mpy-stats.h"

#define SCALE_RESET      8.0
#define SCALE_MAX        128.0
#define SCALE_MIN        (1.0 / 64.0)
#define ZOOM_STEP        M_SQRT2
#define WHEEL_ZOOM_BASE  1.25

struct _MpyHeapView
{
  GtkWidget              parent_instance;

  MpySnapshot           *snapshot;
  MpyDiff               *diff;
  MpyRenderOptions       options;
  double                 scale;
  gint64                 hovered_block;
  gboolean               highlight_largest_free;
  gsize                  outline_first;    /* a run outlined on request ("Fits?"); n 0: none */
  gsize                  outline_n;
  GArray                *outline_objects;  /* MpyBlockRun: outlined while showing outline_on */
  MpySnapshot           *outline_on;

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
  char                  *notice;            /* "notice": a damaged dump, a map cut short */
  int                    allocated_width;   /* at the last fit */
  int                    allocated_height;

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
  PROP_NOTICE,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

extern GParamSpec *_mpy_heap_view_properties[N_PROPS];

/* Helpers, vfuncs and controllers defined in one file of the heap view, used in another. */
MpySnapshot *_mpy_heap_view_layout_snapshot (MpyHeapView *self);
gboolean     _mpy_heap_view_have_map (MpyHeapView *self);
void         _mpy_heap_view_content_size (MpyHeapView *self,
                                          double *width,
                                          double *height);
int          _mpy_heap_view_viewport_height (MpyHeapView *self);
double       _mpy_heap_view_fit_scale (MpyHeapView *self);
double       _mpy_heap_view_min_scale (MpyHeapView *self);
double       _mpy_heap_view_adjustment_value (GtkAdjustment *adjustment);
void         _mpy_heap_view_update_actions (MpyHeapView *self);
void         _mpy_heap_view_configure_adjustments (MpyHeapView *self,
                                                   double hvalue,
                                                   double vvalue);
void         _mpy_heap_view_snapshot (GtkWidget *widget,
                                      GtkSnapshot *snapshot);
gboolean     _mpy_heap_view_query_tooltip (GtkWidget *widget,
                                           int x,
                                           int y,
                                           gboolean keyboard_mode,
                                           GtkTooltip *tooltip);
void         _mpy_heap_view_update_hover (MpyHeapView *self);
void         _mpy_heap_view_on_adjustment_value_changed (GtkAdjustment *adjustment,
                                                         MpyHeapView *self);
void         _mpy_heap_view_set_adjustment (MpyHeapView *self,
                                            GtkAdjustment **slot,
                                            GtkAdjustment *adjustment);
void         _mpy_heap_view_zoom_anchor (MpyHeapView *self,
                                         double *x,
                                         double *y);
void         _mpy_heap_view_init_input (MpyHeapView *self);
void         _mpy_heap_view_class_init_input (GtkWidgetClass *widget_class);

G_END_DECLS

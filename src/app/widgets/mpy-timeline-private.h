/* mpy-timeline-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the files of the timeline widget (mpy-timeline*.c); not for other code.
 * mpy-timeline.c: the GObject, its properties, following the model, the layout;
 * mpy-timeline-draw.c: the chart and the per-frame overlay;
 * mpy-timeline-input.c: hit test, hover text, pointer, drag selection, keyboard.
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-chart-renderer.h"
#include "mpy-snapshot.h"
#include "mpy-timeline.h"

G_BEGIN_DECLS

#define AXIS_WIDTH    58.0   /* left: byte labels */
#define AXIS_HEIGHT   18.0   /* bottom: index or time labels */
#define MARGIN_TOP     8.0
#define MARGIN_RIGHT  10.0
#define DRAG_THRESHOLD 4.0

typedef struct {
  gint64 time_us;                      /* board or capture time; G_MININT64 when none */
  double values[MPY_N_CHART_SERIES];   /* NAN when the snapshot lacks the figure */
  guint  bytes_per_block;
} Point;

struct _MpyTimeline
{
  GtkWidget          parent_instance;

  GtkSelectionModel *model;
  GSignalGroup      *list_signals;       /* items-changed (a GListModel signal) */
  GSignalGroup      *selection_signals;  /* selection-changed */
  GArray            *points;            /* Point, one per item */
  gboolean           visible[MPY_N_CHART_SERIES];
  gboolean           by_time;
  gboolean           show_area;

  /* The layout (what the hit test and the drawing use), computed once per change of the
   * points, the size or what is shown (_mpy_timeline_ensure_layout()), never per frame. */
  gboolean           layout_valid;
  int                layout_width;
  int                layout_height;
  GArray            *xs;                /* double: x of each point, in widget pixels */
  graphene_rect_t    plot;
  gboolean           x_is_time;
  double             byte_max;
  double             own_max[MPY_N_CHART_SERIES];
  double             byte_top;          /* the byte axis: its top and labelled ticks */
  double             byte_ticks[6];
  guint              n_byte_ticks;
  /* Each pixel column's envelope (MpyChartColumn, y in widget pixels) of every shown line,
   * and of the area's two tops (used, used + free): at most one per pixel column. */
  GArray            *line_columns[MPY_N_CHART_SERIES];
  GArray            *area_columns[2];

  /* The chart drawn into two textures, under and over the selection, which is painted per
   * frame with the hover: a new selection or hover costs no redraw of the chart. */
  GskRenderNode     *cache_under;
  GskRenderNode     *cache_over;

  int                hovered;
  int                cursor;            /* keyboard position; -1 before the first */
  int                anchor;            /* Shift extends from here */
  gboolean           dragging;
  int                drag_first;
  int                drag_last;
  double             drag_start_x;
  double             drag_start_y;
};

/* mpy-timeline.c */
GDateTime   *_mpy_timeline_snapshot_time     (MpySnapshot    *snapshot);
MpySnapshot *_mpy_timeline_item_dup_snapshot (gpointer        item);
void         _mpy_timeline_ensure_layout     (MpyTimeline    *self);
void         _mpy_timeline_invalidate_layout (MpyTimeline    *self);
double       _mpy_timeline_value_y           (MpyTimeline    *self,
                                              MpyChartSeries  series,
                                              double          value,
                                              double          byte_top);

/* mpy-timeline-draw.c */
void         _mpy_timeline_snapshot          (GtkWidget      *widget,
                                              GtkSnapshot    *snapshot);

/* mpy-timeline-input.c */
void         _mpy_timeline_init_input        (MpyTimeline    *self);

G_END_DECLS

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

  /* Layout of the last draw (what the hit test uses). */
  GArray            *xs;                /* double: x of each point, in widget pixels */
  graphene_rect_t    plot;
  gboolean           x_is_time;
  double             byte_max;
  double             own_max[MPY_N_CHART_SERIES];

  GskRenderNode     *cache;
  int                cache_width;
  int                cache_height;

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
void         _mpy_timeline_compute_layout    (MpyTimeline    *self,
                                              double          width,
                                              double          height);
double       _mpy_timeline_byte_axis_top     (MpyTimeline    *self,
                                              double         *ticks,
                                              guint          *n_ticks);
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

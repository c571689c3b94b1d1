/* mpy-timeline.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-chart-scale.h"

G_BEGIN_DECLS

#define MPY_TYPE_TIMELINE (mpy_timeline_get_type ())
G_DECLARE_FINAL_TYPE (MpyTimeline, mpy_timeline, MPY, TIMELINE, GtkWidget)

/**
 * MpyTimeline:
 *
 * A chart of the document over time: one point per item of its model (a #GtkSelectionModel
 * whose items have a "snapshot" property of MPY_TYPE_SNAPSHOT and a "label" property), x by
 * the snapshots' time (board time where the dump gave one, else capture time) or by index, the series of #MpyChartSeries the user picks, and a
 * stacked area of used and free heap. It follows the model live (items-changed,
 * selection-changed) and writes to its selection: a click selects one snapshot, dragging
 * over a range selects its first and last (a diff pair), Left/Right step, Shift+Left/Right
 * extend the pair from the anchor, Home/End go to the ends. Hover shows the snapshot's
 * label, time and values (mpy_timeline_dup_point_text()); one hit test,
 * mpy_timeline_get_point_at(), feeds hover, tooltip, click and drag.
 *
 * Properties: "model" (GtkSelectionModel), "by-time" (x by time when every snapshot has
 * one, rising), "show-area" (the stacked used/free area), and one boolean "show-SERIES" per
 * series, named by its figure's key with '-' for '_' ("show-gc-used", "show-fragmentation",
 * …), for GPropertyAction menus.
 */
GtkWidget         *mpy_timeline_new              (void);
void               mpy_timeline_set_model        (MpyTimeline       *self,
                                                  GtkSelectionModel *model);
GtkSelectionModel *mpy_timeline_get_model        (MpyTimeline       *self);
void               mpy_timeline_set_by_time      (MpyTimeline       *self,
                                                  gboolean           by_time);
gboolean           mpy_timeline_get_by_time      (MpyTimeline       *self);
/* TRUE when x is by time now: asked for, and every snapshot has a time, in order. */
gboolean           mpy_timeline_get_x_is_time    (MpyTimeline       *self);
void               mpy_timeline_set_series_visible (MpyTimeline     *self,
                                                    MpyChartSeries   series,
                                                    gboolean         visible);
gboolean           mpy_timeline_get_series_visible (MpyTimeline     *self,
                                                    MpyChartSeries   series);
/* The property that shows @series ("show-gc-used", …). */
const char        *mpy_timeline_series_property  (MpyChartSeries     series);

guint              mpy_timeline_get_n_points     (MpyTimeline       *self);
/* The hit test: the point whose column is nearest widget x (within the plot); y is only
 * checked against the widget. */
gboolean           mpy_timeline_get_point_at     (MpyTimeline       *self,
                                                  double             x,
                                                  double             y,
                                                  guint             *index);
/* Where point @index is drawn (x of its column; y of the used series, or the plot's middle). */
gboolean           mpy_timeline_get_point_position (MpyTimeline     *self,
                                                    guint            index,
                                                    double          *x,
                                                    double          *y);
/* The hover text of point @index: label, time, and the value of every shown series. */
char              *mpy_timeline_dup_point_text   (MpyTimeline       *self,
                                                  guint              index);
/* The point under the pointer, or -1. */
int                mpy_timeline_get_hovered      (MpyTimeline       *self);

G_END_DECLS

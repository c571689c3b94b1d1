/* mpy-legend.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-heap-view.h"

G_BEGIN_DECLS

#define MPY_TYPE_LEGEND (mpy_legend_get_type ())
G_DECLARE_FINAL_TYPE (MpyLegend, mpy_legend, MPY, LEGEND, GtkWidget)

/**
 * MpyLegend:
 *
 * The canvas's legend: a swatch and a text for every entry of mpy_palette_get_legend() (the
 * entries the PNG's legend shows too) for what its "view" (an MpyHeapView) shows, and how
 * (diff or map, show-free, rainbow), plus an outline entry while the view highlights the
 * largest free run; wrapped to the width, in the palette the theme asks for. It follows the
 * view with a GSignalGroup.
 */
GtkWidget  *mpy_legend_new             (void);
void        mpy_legend_set_view        (MpyLegend *self, MpyHeapView *view);
/* What it shows, for tests: the entries in order. */
guint       mpy_legend_get_n_items     (MpyLegend *self);
const char *mpy_legend_get_item_text   (MpyLegend *self, guint index);
guint32     mpy_legend_get_item_color  (MpyLegend *self, guint index);

G_END_DECLS

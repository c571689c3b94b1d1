/* mpy-figures-panel.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-diff.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_TYPE_FIGURES_PANEL (mpy_figures_panel_get_type ())
G_DECLARE_FINAL_TYPE (MpyFiguresPanel, mpy_figures_panel, MPY, FIGURES_PANEL, GtkWidget)

/* Properties: "snapshot" (MPY_TYPE_SNAPSHOT), "diff" (MPY_TYPE_DIFF), "note" (string).
 * The figures of one snapshot (everything the notebook printed, plus fragmentation, free holes,
 * per-kind counts, the object-size histogram), or of a diff with the delta of each figure. */
GtkWidget *mpy_figures_panel_new          (void);
void       mpy_figures_panel_set_snapshot (MpyFiguresPanel *self, MpySnapshot *snapshot);
void       mpy_figures_panel_set_diff     (MpyFiguresPanel *self, MpyDiff *diff);
/* A line over the figures saying what they are of, or with no snapshot the text shown
 * instead of "No snapshot selected"; NULL for none. Stays until set again. */
void       mpy_figures_panel_set_note     (MpyFiguresPanel *self, const char *note);
/* The displayed value text of a figure row by key ("gc_used", "fragmentation", …), for tests. */
const char *mpy_figures_panel_get_value_text (MpyFiguresPanel *self, const char *key);
/* The "Fits?" entry: what is typed, and the blocks the object would take (signal
 * "fit-changed" when they change). */
void       mpy_figures_panel_set_fit_text (MpyFiguresPanel *self, const char *text);
gboolean   mpy_figures_panel_get_fit_run  (MpyFiguresPanel *self,
                                           gsize           *first_block,
                                           gsize           *n_blocks);

G_END_DECLS

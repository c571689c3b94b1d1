/* mpy-figures-panel.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-figures-panel.h"

struct _MpyFiguresPanel
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (MpyFiguresPanel, mpy_figures_panel, GTK_TYPE_WIDGET)

static void
mpy_figures_panel_class_init (MpyFiguresPanelClass *klass)
{
}

static void
mpy_figures_panel_init (MpyFiguresPanel *self)
{
}

GtkWidget *
mpy_figures_panel_new (void)
{
  return g_object_new (MPY_TYPE_FIGURES_PANEL, NULL);
}

void
mpy_figures_panel_set_snapshot (MpyFiguresPanel *self, MpySnapshot *snapshot)
{
}

void
mpy_figures_panel_set_diff (MpyFiguresPanel *self, MpyDiff *diff)
{
}

const char *
mpy_figures_panel_get_value_text (MpyFiguresPanel *self, const char *key)
{
  return NULL;
}

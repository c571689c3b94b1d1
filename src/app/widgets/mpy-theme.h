/* mpy-theme.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The widget's text colour from its style. */
void     mpy_theme_get_foreground       (GtkWidget *widget,
                                         GdkRGBA   *fg);
/* A light text colour means a dark theme: the canvas, its legend and its damage band then
 * use the renderer's dark palette. */
gboolean mpy_theme_wants_dark_palette   (GtkWidget *widget);
/* 0xRRGGBB as a GdkRGBA. */
void     mpy_theme_rgba_from_rgb        (guint32    rgb,
                                         GdkRGBA   *rgba);

G_END_DECLS

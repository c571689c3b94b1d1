/* mpy-theme.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-theme.h"

/**
 * mpy_theme_get_foreground:
 * @widget: a widget
 * @fg: (out): its text colour
 */
void
mpy_theme_get_foreground (GtkWidget *widget,
                          GdkRGBA   *fg)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/**
 * mpy_theme_wants_dark_palette:
 * @widget: a widget
 *
 * Returns: %TRUE when the widget's text is light, i.e. the theme is dark.
 */
gboolean
mpy_theme_wants_dark_palette (GtkWidget *widget)
{
  GdkRGBA fg;

  mpy_theme_get_foreground (widget, &fg);
  return (0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue) > 0.5;
}

/**
 * mpy_theme_rgba_from_rgb:
 * @rgb: a colour as 0xRRGGBB
 * @rgba: (out): the same, opaque
 */
void
mpy_theme_rgba_from_rgb (guint32  rgb,
                         GdkRGBA *rgba)
{
  rgba->red = ((rgb >> 16) & 0xff) / 255.0;
  rgba->green = ((rgb >> 8) & 0xff) / 255.0;
  rgba->blue = (rgb & 0xff) / 255.0;
  rgba->alpha = 1.0;
}

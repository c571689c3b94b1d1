/* mpy-damage-band.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MPY_TYPE_DAMAGE_BAND (mpy_damage_band_get_type ())
G_DECLARE_FINAL_TYPE (MpyDamageBand, mpy_damage_band, MPY, DAMAGE_BAND, GtkWidget)

/**
 * MpyDamageBand:
 *
 * The band over the canvas that says a dump is damaged (or that the map is cut short): one
 * line, the whole text in its tooltip, hidden while "text" is %NULL or empty. Bind "text"
 * to the heap view's "notice".
 */
GtkWidget  *mpy_damage_band_new      (void);
void        mpy_damage_band_set_text (MpyDamageBand *self, const char *text);
const char *mpy_damage_band_get_text (MpyDamageBand *self);

G_END_DECLS

/* mpy-i18n.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *mpy_i18n_get_locale_dir (void);
void        mpy_i18n_init           (void);

G_END_DECLS

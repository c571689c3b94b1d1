/* mpy-application.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MPY_TYPE_APPLICATION (mpy_application_get_type ())
G_DECLARE_FINAL_TYPE (MpyApplication, mpy_application, MPY, APPLICATION, GtkApplication)

/* com.example.MpyMemMap; HANDLES_OPEN plus @extra_flags (tests add G_APPLICATION_NON_UNIQUE). */
MpyApplication *mpy_application_new (GApplicationFlags extra_flags);

G_END_DECLS

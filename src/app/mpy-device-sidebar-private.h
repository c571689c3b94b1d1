/* mpy-device-sidebar-private.h — test hooks of the device sidebar
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-device-sidebar.h"

G_BEGIN_DECLS

/* The status line ("Not connected", "Connected, raw REPL ready", …), for tests. */
GtkLabel  *mpy_device_sidebar_get_status_label (MpyDeviceSidebar *self);
/* The Run on Board output. */
GtkWidget *mpy_device_sidebar_get_output_view  (MpyDeviceSidebar *self);

G_END_DECLS

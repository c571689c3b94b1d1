/* mpy-device-error.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-device-error.h"

G_DEFINE_QUARK (mpy-device-error-quark, mpy_device_error)

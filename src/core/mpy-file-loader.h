/* mpy-file-loader.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean mpy_file_load_contents (const char    *path,
                                 gsize          max_size,
                                 GCancellable  *cancellable,
                                 char         **contents,
                                 gsize         *length,
                                 GError       **error);

gboolean mpy_file_load_contents_full (const char    *path,
                                      gsize          max_size,
                                      GCancellable  *cancellable,
                                      char         **contents,
                                      gsize         *length,
                                      GError       **warning,
                                      GError       **error);

G_END_DECLS

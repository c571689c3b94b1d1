/* mpy-cli-watch.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `mpymemmap-cli watch …`; argv[0] is the command name. Returns the exit status (0 ok,
 * 1 device failure, 2 usage). */
int mpy_cli_watch (int argc, char **argv);

G_END_DECLS

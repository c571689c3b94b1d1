/* mpy-cli-stats.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `mpymemmap-cli stats …` and `mpymemmap-cli diff …`; argv[0] is the command name. */
int mpy_cli_stats (int argc, char **argv);
int mpy_cli_diff  (int argc, char **argv);

G_END_DECLS

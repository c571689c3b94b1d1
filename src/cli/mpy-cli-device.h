/* mpy-cli-device.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `mpymemmap-cli ports …` and `mpymemmap-cli capture …`; argv[0] is the command name.
 * Return the process exit status (0 ok, 1 bad input or device failure, 2 usage). */
int mpy_cli_ports   (int argc, char **argv);
int mpy_cli_capture (int argc, char **argv);

G_END_DECLS

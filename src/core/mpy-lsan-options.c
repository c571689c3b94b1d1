/* mpy-lsan-options.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * LeakSanitizer's defaults for the programs that draw text with Cairo (mpymemmap-cli and the
 * render and CLI tests): fontconfig keeps its parsed configuration for the life of the process
 * by design. Linked into each such executable, not into the core library, since nothing
 * references these symbols; inert in builds without the sanitizer.
 */

const char *__lsan_default_options (void);
const char *
__lsan_default_options (void)
{
  return "print_suppressions=0";
}

const char *__lsan_default_suppressions (void);
const char *
__lsan_default_suppressions (void)
{
  return "leak:libfontconfig.so\n";
}

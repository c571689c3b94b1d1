/* mpy-test-dirs.h — temporary folders for the tests
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new folder under the temporary directory, named from @prefix; asserts on failure. */
char *mpy_test_make_dir    (const char *prefix);
/* Removes @path and everything below it (symlinks are removed, not followed). */
void  mpy_test_remove_tree (const char *path);

G_END_DECLS

/* mpy-test-cli.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The built mpymemmap-cli, which meson passes as a test program's last argument. */
extern char *cli_path;

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

void      run_free   (Run *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* Runs the CLI with NULL-terminated arguments, killed after 60 s so that a CLI that hangs
 * fails the test instead of stalling it (the status is then 137). */
Run      *run_cli    (const char *first,
                      ...) G_GNUC_NULL_TERMINATED;
Run      *run_cli_v  (const char * const *args);
/* @text parsed as JSON (asserts it is). */
JsonNode *parse_json (const char *text);

G_END_DECLS

/* mpy-cli-common.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the commands on dumps (stats, diff, render, timeline) and main().
 */

#pragma once

#include <glib.h>

#include "mpy-diff.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_CLI_PRGNAME "mpymemmap-cli"

#define EXIT_OK    0
#define EXIT_INPUT 1
#define EXIT_USAGE 2

/* How FILE:N names a dump, for the --help of the commands that take one. */
extern const char *const mpy_cli_index_help;

/* A one-line message on stderr. */
void            mpy_cli_fail                 (const char         *format,
                                              ...) G_GNUC_PRINTF (1, 2);
/* "PROGRAM COMMAND: message", a blank line and the command's whole --help; returns
 * EXIT_USAGE (the board commands, whose options are many). */
int             mpy_cli_usage_with_help      (GOptionContext     *context,
                                              const char         *format,
                                              ...) G_GNUC_PRINTF (2, 3);
/* "PROGRAM COMMAND: message" as it is (several lines stay several); returns 1. */
int             mpy_cli_fail_message         (const char         *message);
/* "PROGRAM COMMAND: message" and the --help hint; returns EXIT_USAGE. */
int             mpy_cli_usage_error          (const char         *format,
                                              ...) G_GNUC_PRINTF (1, 2);
/* A command's options; @parameter_string is its usage line after “[OPTION…]”. */
GOptionContext *mpy_cli_command_context      (const char         *parameter_string,
                                              const GOptionEntry *entries,
                                              const char         *summary,
                                              const char         *description);
/* Every dump in @path (a session file's labels and times kept); warns on a damaged session. */
GPtrArray      *mpy_cli_read_dumps           (const char         *path,
                                              GError            **error);
const char     *mpy_cli_describe_error       (GError             *error);
/* "FILE: message", unless the message names the file already. */
void            mpy_cli_fail_file            (const char         *file,
                                              GError             *error);
/* Splits "FILE" or "FILE:N"; a name that exists as a file is taken whole. */
gboolean        mpy_cli_parse_dump_ref       (const char         *arg,
                                              char              **file,
                                              guint64            *index,
                                              gboolean           *explicit_index);
/* One dump of the dumps a command reads, and where it comes from. */
typedef struct {
  char        *file;       /* as given, without :N */
  guint        index;      /* 0-based within @file */
  guint        n_in_file;  /* how many dumps @file holds */
  MpySnapshot *snapshot;
} MpyCliDump;

/* The dumps @args name, in order: FILE is every dump of FILE, FILE:N its dump N. Every
 * argument is read before anything is printed; NULL (each failure printed) when one cannot
 * be read or names no dump, so that a command's output is all or nothing.
 * @need_dumps: a FILE holding no dumps is a failure too. */
GPtrArray      *mpy_cli_load_dump_refs       (const char * const *args,
                                              gboolean            need_dumps);
/* One dump named FILE or FILE:N; prints the message and returns NULL on failure. */
MpySnapshot    *mpy_cli_load_dump_ref        (const char         *arg);
const char     *mpy_cli_no_block_diff_reason (GError             *error);
/* The diff from @before to @after; prints the message and returns NULL when they cannot
 * be compared. */
MpyDiff        *mpy_cli_compare_dumps        (MpySnapshot        *before,
                                              MpySnapshot        *after,
                                              const char         *before_arg,
                                              const char         *after_arg);
/* The WebREPL password options of every board command (capture, watch, leakcheck, cost):
 * --password-file FILE, added to @context's main group; the text for its --help. */
void            mpy_cli_add_password_options (GOptionContext     *context,
                                              char              **password_file);
extern const char *const mpy_cli_password_help;
/* The password for @port: from @password_file (its first line) if given, else from
 * $MPYMEMMAP_PASSWORD. EXIT_OK with @password set (NULL when none is given and @port needs
 * none); else the message is printed and the exit status returned: EXIT_USAGE (with the
 * --help of @context) when a WebREPL address has no password, EXIT_INPUT when the file
 * cannot be read. */
int             mpy_cli_read_password        (GOptionContext     *context,
                                              const char         *port,
                                              const char         *password_file,
                                              char              **password);
/* @message with the temporary file beside @output named as @output. */
char           *mpy_cli_name_target_not_temp (const char         *message,
                                              const char         *output);

G_END_DECLS

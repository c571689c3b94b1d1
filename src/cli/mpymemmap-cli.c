/* mpymemmap-cli.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mpymemmap-cli: statistics, diffs and pictures of MicroPython heap dumps without a display,
 * and capture from a board (ports/capture, in mpy-cli-device.c).
 */

#include <errno.h>
#include <locale.h>

#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpy-cli-answers.h"
#include "mpy-cli-common.h"
#include "mpy-cli-device.h"
#include "mpy-cli-render.h"
#include "mpy-cli-stats.h"
#include "mpy-cli-watch.h"
#include "mpy-cli-text.h"
#include "mpy-cli-timeline-command.h"
#include "mpy-i18n.h"

static const char *prgname = MPY_CLI_PRGNAME;

/* ------------------------------------------------------------------------------------------
 * main
 */

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "stats",   mpy_cli_stats,   N_("stats [--json] FILE[:N]…          figures and statistics of every dump") },
  { "diff",    mpy_cli_diff,    N_("diff [--json] A B                 compare dump B (after) with dump A (before)") },
  { "render",  mpy_cli_render,  N_("render FILE[:N] -o OUT.png […]    draw a dump or a diff as a PNG (--animate: a GIF)") },
  { "timeline", mpy_cli_timeline, N_("timeline [--csv|--json] [-o CHART.png] FILE[:N]…\n"
    "                                    every dump's figures over time, and their chart") },
  { "ports",   mpy_cli_ports,   N_("ports                             list serial ports and likely boards") },
  { "capture", mpy_cli_capture, N_("capture PORT […]                  capture a dump from a board") },
  { "watch",   mpy_cli_watch,   N_("watch --port ADDR (--every S | --run SCRIPT.py | --listen) […]\n"
    "                                    record snapshots while a program runs") },
  { "leakcheck", mpy_cli_leakcheck, N_("leakcheck --port ADDR --exec CODE [--setup CODE] [--runs N] [--json]\n"
    "                                    is this code leaking? retained bytes per run, survivors") },
  { "cost",    mpy_cli_cost,    N_("cost --port ADDR --import MODULE… [--json]\n"
    "                                    what importing each module keeps, by kind, and its qstrs") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, _("Usage: %s COMMAND [OPTION…] [ARG…]\n\n"
                  "MicroPython heap maps from micropython.mem_info(1) dumps.\n\nCommands:\n"), prgname);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %s\n", _(commands[i].summary));
  fprintf (out, "\n%s\n", _(mpy_cli_index_help));
  fprintf (out, _("“%s COMMAND --help” describes a command’s options.\n"
                  "Exit status: 0 success, 1 bad input (unreadable file, no such dump, render\n"
                  "--diff-with of dumps that cannot be compared block by block, device failure),\n"
                  "2 usage error. `diff` of such dumps compares their figures and exits 0.\n"), prgname);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* Control characters from boards and files are shown, not obeyed (mpy-cli-text.c). */
  mpy_cli_text_install ();
  atexit (mpy_cli_text_finish);
  /* The core's and device's messages are translated (from the build tree when run there). */
  mpy_i18n_init ();

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("%s %s\n", prgname, PACKAGE_VERSION);
      return EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *name = g_strdup_printf ("%s %s", prgname, commands[i].name);

        int status;

        /* GOptionContext names the program with it in --help. */
        g_set_prgname (name);
        status = commands[i].run (argc - 1, argv + 1);
        /* A full disk or a closed pipe under stdout: the output is lost, so it failed. */
        if (!mpy_cli_text_flush_stdout ())
          {
            int err = errno;

            fprintf (stderr, _("%s: could not write the output: %s\n"), name, g_strerror (err));
            if (status == EXIT_OK)
              status = EXIT_INPUT;
          }
        /* Cairo's font caches, so that leak checkers see only real leaks. */
        cairo_debug_reset_static_data ();
        return status;
      }

  fprintf (stderr, _("%s: unknown command “%s”\n\n"), prgname, argv[1]);
  print_usage (stderr);
  return EXIT_USAGE;
}

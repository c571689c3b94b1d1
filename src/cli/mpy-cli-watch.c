/* mpy-cli-watch.c — `mpymemmap-cli watch`: record snapshots while a program runs
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sequencing is MpyBoard's (mpy-board-watch.c, shared with the app); this file parses
 * the options and puts each snapshot where it was asked for the moment it arrives: appended
 * to the session file (one atomic record each), one JSON object per line, or a summary line.
 */

#include <signal.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib-unix.h>

#include "mpy-cli-watch.h"
#include "mpy-cli-common.h"

#if __has_include("mpy-board-watch.h")

#include "mpy-board-watch.h"
#include "mpy-cli-json.h"
#include "mpy-session.h"
#include "mpy-transport.h"

#define EXIT_FAIL  1

typedef struct
{
  const char *output;     /* -o SESSION */
  gboolean    json;
  const char *port;
  guint       index;
  GError     *error;      /* the first failure to write the session */
  gboolean    finished;
  gboolean    ok;
  GError     *watch_error;
  guint       n, skipped;
  char       *rest;
  char       *traceback;
  gint64      first_us, last_us;
} WatchRun;

/* The board's own words as context, on stderr under --json (stdout carries JSON there). */
static void
print_console (WatchRun   *run,
               const char *text)
{
  FILE *stream = run->json ? stderr : stdout;

  if (text == NULL || *text == '\0')
    return;
  fputs (text, stream);
  if (text[strlen (text) - 1] != '\n')
    fputc ('\n', stream);
}

static void
print_line (WatchRun    *run,
            MpySnapshot *snapshot)
{
  guint64 total = 0, used = 0, free_bytes = 0;
  const char *label = mpy_snapshot_get_label (snapshot);

  printf ("[%u]%s%s", run->index, label != NULL ? " " : "", label != NULL ? label : "");
  if (mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_TOTAL, &total)
      && mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_USED, &used))
    {
      mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_FREE, &free_bytes);
      printf (": GC heap %" G_GUINT64_FORMAT " bytes, used %" G_GUINT64_FORMAT " (%.1f %%), free %"
              G_GUINT64_FORMAT "%s", total, used,
              total > 0 ? 100.0 * (double) used / (double) total : 0.0, free_bytes,
              mpy_snapshot_is_damaged (snapshot) ? " (damaged)" : "");
    }
  putchar ('\n');
}

static void
snapshot_cb (MpyBoard    *board,
             MpySnapshot *snapshot,
             WatchRun    *run)
{
  g_autoptr(GError) error = NULL;

  run->last_us = g_get_monotonic_time ();
  if (run->first_us == 0)
    run->first_us = run->last_us;

  print_console (run, mpy_snapshot_get_console (snapshot));

  /* On disk first: a watch killed right after this line keeps the snapshot. */
  if (run->output != NULL && run->error == NULL
      && !mpy_session_append_file (run->output, snapshot, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      run->error = g_steal_pointer (&error);
      mpy_board_cancel (board);
    }

  if (run->json)
    {
      g_autoptr(JsonNode) node = mpy_cli_snapshot_to_json (snapshot, run->output != NULL ? run->output : run->port, run->index);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *line = NULL;
      JsonObject *object = json_node_get_object (node);

      /* The stats keys, and what the program printed before the dump. */
      if (mpy_snapshot_get_console (snapshot) != NULL)
        json_object_set_string_member (object, "console", mpy_snapshot_get_console (snapshot));
      else
        json_object_set_null_member (object, "console");
      json_generator_set_root (generator, node);
      line = json_generator_to_data (generator, NULL);
      puts (line);
    }
  else
    print_line (run, snapshot);
  fflush (stdout);
  run->index++;
}

static void
watch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  WatchRun *run = user_data;

  run->ok = mpy_board_watch_finish (MPY_BOARD (object), result, &run->n, &run->skipped,
                                    &run->rest, &run->traceback, &run->watch_error);
  run->finished = TRUE;
  g_main_context_wakeup (NULL);
}

static gboolean
stop_on_signal (gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
  return G_SOURCE_CONTINUE;
}

int
mpy_cli_watch (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (N_("— record snapshots while a program runs"));
  g_autoptr(GMainContext) main_context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) sigint = NULL;
  g_autoptr(GSource) sigterm = NULL;
  g_autoptr(MpyBoard) board = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *output = NULL;
  g_autofree char *script_file = NULL;
  g_autofree char *script = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  double every = 0.0;
  gboolean listen = FALSE, figures_only = FALSE, gc = FALSE, json = FALSE;
  int count = 0;
  int baud = 115200;
  double timeout = 10.0;
  MpyBoardWatchOptions options = { 0 };
  WatchRun run = { 0 };
  int modes;
  int status = EXIT_OK;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_FILENAME, &port, N_("The board's serial port or network address"), "ADDR" },
    { "every", 0, 0, G_OPTION_ARG_DOUBLE, &every, N_("Capture through the raw REPL every S seconds (at least 0.2)"), "S" },
    { "run", 0, 0, G_OPTION_ARG_FILENAME, &script_file, N_("Run SCRIPT.py on the board and record every dump it prints"), "SCRIPT.py" },
    { "listen", 0, 0, G_OPTION_ARG_NONE, &listen, N_("Send nothing; record every dump the board prints on its own"), NULL },
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, N_("Stop after N snapshots"), "N" },
    { "figures-only", 0, 0, G_OPTION_ARG_NONE, &figures_only, N_("--every: mem_info() without argument (figures, no map; smaller, faster)"), NULL },
    { "gc", 0, 0, G_OPTION_ARG_NONE, &gc, N_("--every: run gc.collect() before each capture"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Append each snapshot to session FILE the moment it is complete"), "SESSION" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object per snapshot per line (the `stats --json` keys, and console)"), NULL },
    { "baud", 'b', 0, G_OPTION_ARG_INT, &baud, N_("Baud rate (default 115200)"), "N" },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout, N_("Seconds to reach the raw REPL (default 10)"), "S" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  mpy_cli_add_password_options (context, &password_file);
  g_option_context_set_description (context, mpy_cli_password_help);
  g_option_context_set_summary (context,
    N_("Records the heap while a program runs, in one of three ways:\n"
    "  --every S    captures through the raw REPL every S seconds (a tick that comes while a\n"
    "               capture runs is skipped);\n"
    "  --run FILE   runs the program on the board and turns every dump it prints (a named log\n"
    "               section `*** Memory info NAME ***` … or bare mem_info() output) into a\n"
    "               snapshot as it arrives; the rest of its output is shown as console context;\n"
    "  --listen     sends nothing at all (not even Ctrl-C) and records every dump the board\n"
    "               prints on its own (a main.py that logs).\n"
    "Each snapshot is appended to -o SESSION the moment it is complete. Ctrl-C stops (a running\n"
    "--run program is interrupted) and keeps what was recorded. Exit status: 0 when stopped by\n"
    "--count, the program's end or Ctrl-C, 1 device failure or a traceback, 2 usage error."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mpy_cli_usage_with_help (context, "%s", error->message);
  if (port == NULL && argc >= 2)
    {
      port = g_strdup (argv[1]);
      argc--;
      argv++;
    }
  if (argc > 1)
    return mpy_cli_usage_with_help (context, _("unexpected argument “%s”"), argv[1]);
  if (port == NULL)
    return mpy_cli_usage_with_help (context, _("give the port: --port /dev/ttyACM0 (see `mpymemmap-cli ports`)"));
  modes = (every != 0.0) + (script_file != NULL) + (listen ? 1 : 0);
  if (modes != 1)
    return mpy_cli_usage_with_help (context, _("give exactly one of --every S, --run SCRIPT.py and --listen"));
  if (every != 0.0 && !(every >= MPY_WATCH_MIN_INTERVAL_MS / 1000.0 && every <= 86400))
    return mpy_cli_usage_with_help (context, _("--every must be between 0.2 and 86400 seconds, not %g"), every);
  if ((figures_only || gc) && every == 0.0)
    return mpy_cli_usage_with_help (context, _("--figures-only and --gc go with --every"));
  if (count < 0)
    return mpy_cli_usage_with_help (context, _("--count must be 0 or more, not %d"), count);
  if (baud <= 0)
    return mpy_cli_usage_with_help (context, _("--baud must be a positive number, not %d"), baud);
  if (!(timeout >= 1 && timeout <= 3600))
    return mpy_cli_usage_with_help (context, _("--timeout must be between 1 and 3600 seconds, not %g"), timeout);
  if (!mpy_address_parse (port, NULL, NULL, NULL, &error))
    return mpy_cli_usage_with_help (context, "%s", error->message);
  if ((status = mpy_cli_read_password (context, port, password_file, &password)) != EXIT_OK)
    return status;
  if (script_file != NULL && !g_file_get_contents (script_file, &script, NULL, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      return EXIT_FAIL;
    }
  if (output != NULL && !mpy_session_check_appendable (output, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      return EXIT_FAIL;
    }

  options.mode = listen ? MPY_BOARD_WATCH_LISTEN
                 : script != NULL ? MPY_BOARD_WATCH_RUN : MPY_BOARD_WATCH_EVERY;
  options.interval_ms = (guint) (every * 1000 + 0.5);
  options.gc = gc;
  options.figures_only = figures_only;
  options.script = script;
  options.count = (guint) count;

  run.output = output;
  run.json = json;
  run.port = port;

  g_main_context_push_thread_default (main_context);
  sigint = g_unix_signal_source_new (SIGINT);
  g_source_set_callback (sigint, stop_on_signal, cancellable, NULL);
  g_source_attach (sigint, main_context);
  sigterm = g_unix_signal_source_new (SIGTERM);
  g_source_set_callback (sigterm, stop_on_signal, cancellable, NULL);
  g_source_attach (sigterm, main_context);

  board = mpy_board_new (port);
  mpy_board_set_baud (board, (guint) baud);
  mpy_board_set_connect_timeout (board, (guint) (timeout * 1000));
  mpy_board_set_password (board, password);
  g_signal_connect (board, "watch-snapshot", G_CALLBACK (snapshot_cb), &run);

  mpy_board_watch_async (board, &options, cancellable, watch_done_cb, &run);
  while (!run.finished)
    g_main_context_iteration (main_context, TRUE);

  print_console (&run, run.rest);
  if (run.traceback != NULL && run.traceback[0] != '\0')
    {
      fputs (run.traceback, stderr);
      fprintf (stderr, _("%s: the program raised an exception (traceback above)\n"), g_get_prgname ());
      status = EXIT_FAIL;
    }
  if (!run.ok)
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), run.watch_error->message);
      status = EXIT_FAIL;
    }
  if (run.error != NULL)
    status = EXIT_FAIL;
  /* After an error with nothing recorded the count adds nothing to the message. */
  if (!json && !(status == EXIT_FAIL && run.n == 0))
    {
      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "%s: %u snapshot", "%s: %u snapshots", run.n),
               g_get_prgname (), run.n);
      if (run.n > 1)
        fprintf (stderr, _(", one every %.3f s"), (double) (run.last_us - run.first_us) / 1e6 / (run.n - 1));
      if (run.skipped > 0)
        fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, ", %u tick skipped while a capture ran",
                                       ", %u ticks skipped while a capture ran", run.skipped),
                 run.skipped);
      fputc ('\n', stderr);
    }

  /* Back to the friendly REPL (nothing is sent after --listen: nothing ever was). */
  g_signal_handlers_disconnect_by_data (board, &run);
  mpy_board_disconnect (board);
  g_clear_object (&board);
  /* The port closes on the connection's worker: let it finish. */
  {
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

    while (g_main_context_pending (main_context) && g_get_monotonic_time () < until)
      g_main_context_iteration (main_context, FALSE);
  }
  g_source_destroy (sigint);
  g_source_destroy (sigterm);
  g_main_context_pop_thread_default (main_context);
  g_clear_error (&run.error);
  g_clear_error (&run.watch_error);
  g_free (run.rest);
  g_free (run.traceback);
  return status;
}

#else /* no device layer */

int
mpy_cli_watch (int    argc,
               char **argv)
{
  fprintf (stderr, _("%s: this build has no device support (configured with -Ddevice=false)\n"),
           g_get_prgname ());
  return 1;
}

#endif

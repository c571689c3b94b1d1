/* mpy-cli-device.c — `mpymemmap-cli ports` and `mpymemmap-cli capture`
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "mpy-cli-device.h"
#include "mpy-cli-common.h"

/* src/cli/meson.build links the device layer when it is built (-Ddevice=true). */
#if __has_include("mpy-connection.h")

#include "mpy-cli-json.h"
#include "mpy-connection.h"
#include "mpy-diff.h"
#include "mpy-leak.h"
#include "mpy-port-list.h"
#include "mpy-session.h"

#define EXIT_FAIL  1

/* ---- ports ---- */

static JsonNode *
port_to_json (MpyPortInfo *info)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint vid = mpy_port_info_get_vid (info);
  guint pid = mpy_port_info_get_pid (info);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, mpy_port_info_get_name (info));
#define STRING_MEMBER(key, value) \
  G_STMT_START { \
    const char *v_ = (value); \
    json_builder_set_member_name (b, key); \
    if (v_ != NULL) json_builder_add_string_value (b, v_); else json_builder_add_null_value (b); \
  } G_STMT_END
  STRING_MEMBER ("description", mpy_port_info_get_description (info));
  json_builder_set_member_name (b, "usb_id");
  if (vid != 0 || pid != 0)
    {
      g_autofree char *id = g_strdup_printf ("%04x:%04x", vid, pid);

      json_builder_add_string_value (b, id);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "vid");
  json_builder_add_int_value (b, vid);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, pid);
  STRING_MEMBER ("manufacturer", mpy_port_info_get_manufacturer (info));
  STRING_MEMBER ("product", mpy_port_info_get_product (info));
  STRING_MEMBER ("serial", mpy_port_info_get_serial (info));
#undef STRING_MEMBER
  json_builder_set_member_name (b, "likelihood");
  json_builder_add_int_value (b, mpy_port_info_get_likelihood (info));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

int
mpy_cli_ports (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (N_("— list serial ports and likely boards"));
  g_autoptr(GPtrArray) ports = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of ports"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    N_("Lists the serial ports with their USB details, likely MicroPython boards first\n"
    "(likelihood 2: MicroPython's own USB IDs or strings; 1: a USB-UART bridge boards use)."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mpy_cli_usage_with_help (context, "%s", error->message);
  if (argc > 1)
    return mpy_cli_usage_with_help (context, _("unexpected argument “%s”"), argv[1]);

  ports = mpy_port_list_enumerate (&error);
  if (ports == NULL)
    return mpy_cli_fail_message (error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < ports->len; i++)
        json_builder_add_value (b, port_to_json (g_ptr_array_index (ports, i)));
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      mpy_cli_print_json (root);
      return EXIT_OK;
    }

  if (ports->len == 0)
    {
      printf ("No serial ports found. Plug in a board (and check `dmesg` for its tty).\n");
      return EXIT_OK;
    }
  for (guint i = 0; i < ports->len; i++)
    {
      MpyPortInfo *info = g_ptr_array_index (ports, i);
      static const char *hint[] = { "", "  [USB-UART bridge]", "  [likely MicroPython]" };
      g_autofree char *id = NULL;

      if (mpy_port_info_get_vid (info) != 0 || mpy_port_info_get_pid (info) != 0)
        id = g_strdup_printf ("%04x:%04x", mpy_port_info_get_vid (info), mpy_port_info_get_pid (info));
      printf ("%-16s %-9s %s%s%s%s%s%s\n",
              mpy_port_info_get_name (info),
              id != NULL ? id : "-",
              mpy_port_info_get_manufacturer (info) ? mpy_port_info_get_manufacturer (info) : "",
              mpy_port_info_get_product (info) ? " " : "",
              mpy_port_info_get_product (info) ? mpy_port_info_get_product (info) : "",
              mpy_port_info_get_serial (info) ? " serial " : "",
              mpy_port_info_get_serial (info) ? mpy_port_info_get_serial (info) : "",
              hint[MIN (mpy_port_info_get_likelihood (info), 2)]);
    }
  return EXIT_OK;
}

/* ---- capture ---- */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GMainContext  *context,
             GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
  return *slot;
}

static void
close_connection (GMainContext  *context,
                  MpyConnection *conn)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_connection_close_async (conn, NULL, store_result, &result);
  mpy_connection_close_finish (conn, wait_result (context, &result), NULL);
}

/* "exec-output": the board's output as it arrives. */
static void
print_exec_output (MpyConnection *conn,
                   const char    *text,
                   gpointer       data)
{
  FILE *stream = data;

  fputs (text, stream);
  fflush (stream);
}

/* Ctrl-C: stop the running statement on the board (not just this process), then exit. */
static gboolean
cancel_on_signal (gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
  return G_SOURCE_CONTINUE;
}

/* The dump as the board printed it. */
static void
write_raw_text (MpySnapshot *snapshot,
                FILE        *out)
{
  g_autoptr(GBytes) raw = mpy_snapshot_ref_raw_text (snapshot);

  fwrite (g_bytes_get_data (raw, NULL), 1, g_bytes_get_size (raw), out);
}

static void
print_summary (FILE        *out,
               MpySnapshot *snapshot,
               const char  *port)
{
  guint64 total = 0, used = 0, free_bytes = 0;

  if (mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_TOTAL, &total)
      && mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_USED, &used))
    {
      mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_FREE, &free_bytes);
      fprintf (out, "Captured %s: GC heap %" G_GUINT64_FORMAT " bytes, used %" G_GUINT64_FORMAT
               " (%.1f %%), free %" G_GUINT64_FORMAT "%s\n", port, total, used,
               total > 0 ? 100.0 * (double) used / (double) total : 0.0, free_bytes,
               (mpy_snapshot_get_flags (snapshot) & MPY_SNAPSHOT_FLAG_RETRIED) ? " (retried once)" : "");
    }
  else
    fprintf (out, "Captured %s\n", port);
}

/* micropython.qstr_info() and, where the firmware has it, stack_use(), run right after the
 * capture; the lambda binds no name in the board's globals. */
#define QSTR_STMT \
  "(lambda m: (m.qstr_info(), print('stack_use=%d' % (m.stack_use() if hasattr(m, 'stack_use') " \
  "else -1))))(__import__('micropython'))"

static MpySnapshot *
with_qstr_info (GMainContext  *context,
                MpyConnection *conn,
                GCancellable  *cancellable,
                MpySnapshot   *snapshot,
                GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *s;
  guint64 count = 0, bytes = 0;
  gint64 stack = -1;

  mpy_connection_exec_async (conn, QSTR_STMT, cancellable, store_result, &result);
  if (!mpy_connection_exec_finish (conn, wait_result (context, &result), &out, &err, error))
    return NULL;
  s = strstr (out, "stack_use=");
  if (err[0] != '\0' || !mpy_qstr_info_parse (out, &count, &bytes))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("--qstr: micropython.qstr_info() printed no qstr pool figures%s%s"),
                   err[0] != '\0' ? ": " : "", err);
      return NULL;
    }
  if (s != NULL)
    stack = g_ascii_strtoll (s + strlen ("stack_use="), NULL, 10);
  return mpy_snapshot_with_qstr_info (snapshot, TRUE, count, bytes,
                                      stack >= 0, stack >= 0 ? (guint64) stack : 0);
}

int
mpy_cli_capture (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (N_("[PORT] — capture a dump from a board"));
  g_autoptr(GMainContext) main_context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) sigint = NULL;
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autoptr(MpySnapshot) collected = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *output = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  g_auto(GStrv) execs = NULL;
  gboolean soft_reset = FALSE, gc = FALSE, json = FALSE, pair = FALSE, qstr = FALSE;
  int baud = 115200;
  double timeout = 10.0;
  double exec_timeout = 0.0;
  g_autofree char *raw_paste = NULL;
  MpyCaptureFlags flags = MPY_CAPTURE_NONE;
  int status = EXIT_OK;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_FILENAME, &port, N_("The board's serial port or network address (or give it as PORT)"), "ADDR" },
    { "baud", 'b', 0, G_OPTION_ARG_INT, &baud, N_("Baud rate (default 115200)"), "N" },
    { "soft-reset", 0, 0, G_OPTION_ARG_NONE, &soft_reset, N_("Soft-reset the board first (wipes its heap)"), NULL },
    { "gc", 0, 0, G_OPTION_ARG_NONE, &gc, N_("Run gc.collect() before the capture"), NULL },
    { "pair", 0, 0, G_OPTION_ARG_NONE, &pair, N_("Capture before and after gc.collect(): garbage and live bytes"), NULL },
    { "qstr", 0, 0, G_OPTION_ARG_NONE, &qstr, N_("Store micropython.qstr_info() and stack_use() with the snapshot"), NULL },
    { "exec", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &execs, N_("Run CODE on the board first (repeatable, in order)"), "CODE" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Append the snapshot to session FILE"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the capture's stats object, as `stats --json`"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout, N_("Seconds to reach the raw REPL (default 10)"), "S" },
    { "exec-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &exec_timeout, N_("Seconds each --exec may run (default: no limit)"), "S" },
    { "raw-paste", 0, 0, G_OPTION_ARG_STRING, &raw_paste, N_("auto (default: where the firmware takes it) or off (plain raw mode only)"), "MODE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  mpy_cli_add_password_options (context, &password_file);
  g_option_context_set_summary (context,
    N_("Interrupts the board, enters the raw REPL, runs each --exec in order (printing its output\n"
    "as it arrives), then captures micropython.mem_info(1). A traceback from an --exec is\n"
    "printed and stops there: no capture, exit status 1. Ctrl-C interrupts the running code\n"
    "on the board too. Without -o and --json the raw dump is printed; with --json the board's\n"
    "own output goes to stderr. The board is soft-reset only with --soft-reset. Exit status:\n"
    "0 success, 1 device failure, a traceback, or a dump damaged even after a retry (still\n"
    "written with -o), 2 usage error.\n"
    "\n"
    "ADDR is a serial port (/dev/ttyACM0) or a network board: socket://HOST:PORT (raw TCP),\n"
    "rfc2217://HOST:PORT (an RFC 2217 serial server) or ws://HOST[:PORT] (WebREPL, port 8266)."));
  g_option_context_set_description (context, mpy_cli_password_help);
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
  if (baud <= 0)
    return mpy_cli_usage_with_help (context, _("--baud must be a positive number, not %d"), baud);
  if (!(timeout >= 1 && timeout <= 3600))
    return mpy_cli_usage_with_help (context, _("--timeout must be between 1 and 3600 seconds, not %g"), timeout);
  if (!(exec_timeout >= 0 && exec_timeout <= 86400))
    return mpy_cli_usage_with_help (context, _("--exec-timeout must be between 1 and 86400 seconds (or 0 for no "
                  "limit), not %g"), exec_timeout);

  if (raw_paste != NULL && g_strcmp0 (raw_paste, "auto") != 0 && g_strcmp0 (raw_paste, "off") != 0)
    return mpy_cli_usage_with_help (context, _("--raw-paste must be auto or off, not “%s”"), raw_paste);
  if (!mpy_address_parse (port, NULL, NULL, NULL, &error))
    return mpy_cli_usage_with_help (context, "%s", error->message);
  if ((status = mpy_cli_read_password (context, port, password_file, &password)) != EXIT_OK)
    return status;

  if (output != NULL && !mpy_session_check_appendable (output, &error))
    return mpy_cli_fail_message (error->message);

  if (pair && gc)
    return mpy_cli_usage_with_help (context, _("--pair captures before and after gc.collect() itself: leave out --gc"));

  if (soft_reset)
    flags |= MPY_CAPTURE_SOFT_RESET;
  if (gc)
    flags |= MPY_CAPTURE_GC;

  g_main_context_push_thread_default (main_context);

  sigint = g_unix_signal_source_new (SIGINT);
  g_source_set_callback (sigint, cancel_on_signal, cancellable, NULL);
  g_source_attach (sigint, main_context);

  conn = mpy_connection_new (port);
  mpy_connection_set_baud (conn, (guint) baud);
  mpy_connection_set_password (conn, password);
  mpy_connection_set_connect_timeout (conn, (guint) (timeout * 1000));
  mpy_connection_set_exec_timeout (conn, (guint) (exec_timeout * 1000));
  if (g_strcmp0 (raw_paste, "off") == 0)
    mpy_connection_set_raw_paste (conn, MPY_RAW_PASTE_OFF);
  /* The board's output is the user's: on stdout as it arrives, unless stdout carries JSON. */
  g_signal_connect (conn, "exec-output", G_CALLBACK (print_exec_output), json ? stderr : stdout);

  for (guint i = 0; execs != NULL && execs[i] != NULL; i++)
    {
      g_autoptr(GAsyncResult) exec_result = NULL;
      g_autofree char *err = NULL;

      mpy_connection_exec_async (conn, execs[i], cancellable, store_result, &exec_result);
      if (!mpy_connection_exec_finish (conn, wait_result (main_context, &exec_result),
                                       NULL, &err, &error))
        {
          g_autofree char *message = NULL;

          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            message = g_strdup_printf (_("interrupted --exec “%s” (the output so far is above)"),
                                       execs[i]);
          else
            message = g_strdup_printf ("--exec “%s”: %s", execs[i], error->message);
          status = mpy_cli_fail_message (message);
          goto out;
        }
      if (err[0] != '\0')
        {
          g_autofree char *message =
            g_strdup_printf (_("--exec “%s” raised an exception (traceback above): stopped "
                               "there, nothing captured"), execs[i]);

          fputs (err, stderr);
          status = mpy_cli_fail_message (message);
          goto out;
        }
    }

  mpy_connection_capture_async (conn, flags, cancellable, store_result, &result);
  snapshot = mpy_connection_capture_finish (conn, wait_result (main_context, &result), &error);
  if (snapshot == NULL)
    {
      status = mpy_cli_fail_message (error->message);
      goto out;
    }

  if (qstr)
    {
      MpySnapshot *with = with_qstr_info (main_context, conn, cancellable, snapshot, &error);

      if (with == NULL)
        {
          status = mpy_cli_fail_message (error->message);
          goto out;
        }
      mpy_snapshot_unref (snapshot);
      snapshot = with;
    }

  if (pair)
    {
      /* The second half of the pair, as MpyBoard's before-and-after capture: gc.collect(),
       * then the dump. */
      g_clear_object (&result);
      mpy_connection_capture_async (conn, MPY_CAPTURE_GC, cancellable, store_result, &result);
      collected = mpy_connection_capture_finish (conn, wait_result (main_context, &result), &error);
      if (collected == NULL)
        {
          status = mpy_cli_fail_message (error->message);
          goto out;
        }
      if (qstr)
        {
          MpySnapshot *with = with_qstr_info (main_context, conn, cancellable, collected, &error);

          if (with == NULL)
            {
              status = mpy_cli_fail_message (error->message);
              goto out;
            }
          mpy_snapshot_unref (collected);
          collected = with;
        }
    }

  if (output != NULL && (!mpy_session_append_file (output, snapshot, &error) ||
                         (collected != NULL && !mpy_session_append_file (output, collected, &error))))
    {
      status = mpy_cli_fail_message (error->message);
      goto out;
    }

  if (collected != NULL)
    {
      g_autoptr(MpyDiff) diff = mpy_diff_new_best (snapshot, collected, NULL);
      guint64 garbage = 0, live = 0;
      gboolean have = mpy_pair_get_garbage_live (diff, &garbage, &live);

      if (json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "before");
          json_builder_add_value (b, mpy_cli_snapshot_to_json (snapshot, output != NULL ? output : port, 0));
          json_builder_set_member_name (b, "after");
          json_builder_add_value (b, mpy_cli_snapshot_to_json (collected, output != NULL ? output : port, 1));
          json_builder_set_member_name (b, "garbage_bytes");
          if (have)
            json_builder_add_int_value (b, (gint64) garbage);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "live_bytes");
          if (have)
            json_builder_add_int_value (b, (gint64) live);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
          root = json_builder_get_root (b);
          mpy_cli_print_json (root);
        }
      else
        {
          /* Without -o the two raw dumps (what `stats` and `diff FILE:0 FILE:1` read), the
           * answer on stderr; with -o the answer on stdout. */
          FILE *answer = output == NULL ? stderr : stdout;

          if (output == NULL)
            {
              write_raw_text (snapshot, stdout);
              write_raw_text (collected, stdout);
              fflush (stdout);
            }
          else
            print_summary (stdout, collected, port);
          if (have)
            fprintf (answer, "Garbage (freed by gc.collect()): %" G_GUINT64_FORMAT " bytes; live: %"
                     G_GUINT64_FORMAT " bytes\n", garbage, live);
        }
    }
  else if (json)
    {
      g_autoptr(JsonNode) node = mpy_cli_snapshot_to_json (snapshot, output != NULL ? output : port, 0);

      mpy_cli_print_json (node);
    }
  else if (output == NULL)
    write_raw_text (snapshot, stdout);
  else
    print_summary (stdout, snapshot, port);

  if (mpy_snapshot_get_flags (snapshot) & MPY_SNAPSHOT_FLAG_INTERRUPTED)
    fprintf (stderr, _("%s: the board was running a program; it was interrupted (Ctrl-C) to "
             "capture\n"), g_get_prgname ());

  if (mpy_snapshot_is_damaged (snapshot))
    {
      /* Kept (and written with -o), but the caller must know it is not whole, and why. */
      const char *reason = mpy_snapshot_get_damage_reason (snapshot);
      /* The reader's reason, in the language it was written in: compare up to its first %. */
      const char *printed = _("text printed by the board's program interrupted the dump (line %u: “%s”)");
      gsize printed_len = strcspn (printed, "%");
      g_autofree char *message =
        printed_len > 0 && strncmp (reason, printed, printed_len) == 0
        ? g_strdup_printf (_("the dump is damaged even after a retry (%s): stop the program "
                             "that prints, then capture again"), reason)
        : g_strdup_printf (_("the dump is damaged even after a retry (%s): serial data was lost; "
                             "check the cable and capture again"), reason);
      status = mpy_cli_fail_message (message);
    }

out:
  if (conn != NULL)
    close_connection (main_context, conn);
  if (sigint != NULL)
    g_source_destroy (sigint);
  g_main_context_pop_thread_default (main_context);
  return status;
}

#else /* no device layer */

int
mpy_cli_ports (int    argc,
               char **argv)
{
  fprintf (stderr, _("%s: this build has no device support (configured with -Ddevice=false)\n"),
           g_get_prgname ());
  return 1;
}

int
mpy_cli_capture (int    argc,
                 char **argv)
{
  return mpy_cli_ports (argc, argv);
}

#endif

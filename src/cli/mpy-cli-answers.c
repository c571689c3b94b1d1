/* mpy-cli-answers.c — `mpymemmap-cli leakcheck` and `mpymemmap-cli cost`: the questions
 * MicroPython users ask (is it leaking, what does an import cost), answered on a board
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mpy-cli-answers.h"
#include "mpy-cli-common.h"

/* src/cli/meson.build links the device layer when it is built (-Ddevice=true). */
#if __has_include("mpy-connection.h")

#include "mpy-cli-json.h"
#include "mpy-connection.h"
#include "mpy-leak.h"

#define EXIT_FAIL  1

/* ---- a board, driven step by step ---- */

typedef struct {
  GMainContext  *context;
  MpyConnection *conn;
} Board;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (Board         *board,
             GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (board->context, TRUE);
  return *slot;
}

/* @password: from mpy_cli_read_password(). */
static void
board_open (Board       *board,
            const char  *port,
            int          baud,
            double       timeout,
            const char  *password)
{
  board->context = g_main_context_new ();
  g_main_context_push_thread_default (board->context);
  board->conn = mpy_connection_new (port);
  mpy_connection_set_baud (board->conn, (guint) baud);
  mpy_connection_set_password (board->conn, password);
  mpy_connection_set_connect_timeout (board->conn, (guint) (timeout * 1000));
}

static void
board_close (Board *board)
{
  if (board->conn != NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;

      mpy_connection_close_async (board->conn, NULL, store_result, &result);
      mpy_connection_close_finish (board->conn, wait_result (board, &result), NULL);
      g_clear_object (&board->conn);
    }
  if (board->context != NULL)
    {
      g_main_context_pop_thread_default (board->context);
      g_clear_pointer (&board->context, g_main_context_unref);
    }
}

/* Runs @code; FALSE with @error when the board fails. Its traceback (if any) in @err. */
static gboolean
board_exec (Board       *board,
            const char  *code,
            char       **out,
            char       **err,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_connection_exec_async (board->conn, code, NULL, store_result, &result);
  return mpy_connection_exec_finish (board->conn, wait_result (board, &result), out, err, error);
}

/* gc.collect(), then the capture. */
static MpySnapshot *
board_capture_collected (Board   *board,
                         GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  MpySnapshot *snapshot;

  mpy_connection_capture_async (board->conn, MPY_CAPTURE_GC, NULL, store_result, &result);
  snapshot = mpy_connection_capture_finish (board->conn, wait_result (board, &result), error);
  if (snapshot != NULL && mpy_snapshot_is_damaged (snapshot))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the dump is damaged (%s): "
                   "serial data was lost; check the cable and run again"),
                   mpy_snapshot_get_damage_reason (snapshot));
      g_clear_pointer (&snapshot, mpy_snapshot_unref);
    }
  return snapshot;
}

/* Runs @code and fails on a traceback (printed to stderr). */
static gboolean
board_exec_checked (Board       *board,
                    const char  *what,
                    const char  *code,
                    GError     **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!board_exec (board, code, &out, &err, error))
    return FALSE;
  if (out[0] != '\0')
    fputs (out, stderr);
  if (err[0] != '\0')
    {
      fputs (err, stderr);
      /* Translators: the first %s is the option (--setup, --exec), the second the code */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s “%s” raised an exception "
                   "(traceback above)"), what, code);
      return FALSE;
    }
  return TRUE;
}

#define CONNECTION_OPTIONS(port, baud, timeout) \
  { "port", 'p', 0, G_OPTION_ARG_FILENAME, &(port), N_("The board's serial port or network address"), "ADDR" }, \
  { "baud", 'b', 0, G_OPTION_ARG_INT, &(baud), N_("Baud rate (default 115200)"), "N" }, \
  { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &(timeout), N_("Seconds to reach the raw REPL (default 10)"), "S" }

/* The checks of CONNECTION_OPTIONS, the address and the password (from
 * mpy_cli_add_password_options()'s --password-file or the environment) into @password. */
static int
check_connection_options (GOptionContext  *context,
                          const char      *port,
                          int              baud,
                          double           timeout,
                          const char      *password_file,
                          char           **password)
{
  g_autoptr(GError) error = NULL;

  if (port == NULL)
    return mpy_cli_usage_with_help (context, _("give the port: --port /dev/ttyACM0 (see `mpymemmap-cli ports`)"));
  if (baud <= 0)
    return mpy_cli_usage_with_help (context, _("--baud must be a positive number, not %d"), baud);
  if (!(timeout >= 1 && timeout <= 3600))
    return mpy_cli_usage_with_help (context, _("--timeout must be between 1 and 3600 seconds, not %g"), timeout);
  if (!mpy_address_parse (port, NULL, NULL, NULL, &error))
    return mpy_cli_usage_with_help (context, "%s", error->message);
  return mpy_cli_read_password (context, port, password_file, password);
}

/* ---- leakcheck ---- */

int
mpy_cli_leakcheck (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (N_("— is this code leaking?"));
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(MpyLeakReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  g_autofree char *code = NULL;
  g_autofree char *setup = NULL;
  gboolean json = FALSE;
  int runs = 5, baud = 115200, status;
  double timeout = 10.0;
  Board board = { 0 };
  const GOptionEntry entries[] = {
    CONNECTION_OPTIONS (port, baud, timeout),
    { "exec", 'e', 0, G_OPTION_ARG_STRING, &code, N_("The code to check (required)"), "CODE" },
    { "setup", 's', 0, G_OPTION_ARG_STRING, &setup, N_("Run CODE once first"), "CODE" },
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, N_("How often to run it (default 5, at least 2)"), "N" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  mpy_cli_add_password_options (context, &password_file);
  g_option_context_set_description (context, mpy_cli_password_help);
  g_option_context_set_summary (context,
    N_("Runs --setup once, gc.collect() and a capture (the baseline), then --exec N times, each\n"
    "followed by gc.collect() and a capture. Reports the bytes retained after each run (used\n"
    "bytes − the baseline's), their least-squares slope per run, the survivors (objects new in\n"
    "a run after the first that every later run kept: address, kind, size) and the verdict:\n"
    "leaking when the slope is above half a block per run and the retained bytes never fall.\n"
    "JSON keys: runs, retained_bytes, growth_bytes_per_run, leaking, survivors.\n"
    "Exit status: 0 (leaking or not), 1 device failure or a traceback, 2 usage error."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mpy_cli_usage_with_help (context, "%s", error->message);
  if (argc > 1)
    return mpy_cli_usage_with_help (context, _("unexpected argument “%s”"), argv[1]);
  if ((status = check_connection_options (context, port, baud, timeout, password_file, &password)) != EXIT_OK)
    return status;
  if (code == NULL)
    return mpy_cli_usage_with_help (context, _("give the code to check: --exec CODE"));
  if (runs < 2 || runs > 1000)
    return mpy_cli_usage_with_help (context, _("--runs must be between 2 and 1000, not %d"), runs);

  board_open (&board, port, baud, timeout, password);

  if (setup != NULL && !board_exec_checked (&board, "--setup", setup, &error))
    goto failed;
  for (int r = 0; r <= runs; r++)
    {
      MpySnapshot *snapshot;

      if (r > 0 && !board_exec_checked (&board, "--exec", code, &error))
        goto failed;
      snapshot = board_capture_collected (&board, &error);
      if (snapshot == NULL)
        goto failed;
      g_ptr_array_add (snapshots, snapshot);
    }
  board_close (&board);

  report = mpy_leak_analyze (snapshots, &error);
  if (report == NULL)
    return mpy_cli_fail_message (error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "runs");
      json_builder_add_int_value (b, report->n_runs);
      json_builder_set_member_name (b, "retained_bytes");
      json_builder_begin_array (b);
      for (guint r = 0; r < report->n_runs; r++)
        json_builder_add_int_value (b, report->retained_bytes[r]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "growth_bytes_per_run");
      json_builder_add_double_value (b, report->growth_bytes_per_run);
      json_builder_set_member_name (b, "leaking");
      json_builder_add_boolean_value (b, report->leaking);
      json_builder_set_member_name (b, "survivors");
      json_builder_begin_array (b);
      for (guint i = 0; i < report->survivors->len; i++)
        {
          MpyLeakObject *o = &g_array_index (report->survivors, MpyLeakObject, i);
          const char *kind = mpy_kind_get_name (o->kind);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "address");
          json_builder_add_int_value (b, (gint64) o->address);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, kind != NULL ? kind : "?");
          json_builder_set_member_name (b, "bytes");
          json_builder_add_int_value (b, (gint64) o->bytes);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      mpy_cli_print_json (root);
      return EXIT_OK;
    }

  printf ("Retained after each run (bytes, against the baseline after --setup):");
  for (guint r = 0; r < report->n_runs; r++)
    printf (" %" G_GINT64_FORMAT, report->retained_bytes[r]);
  printf ("\nGrowth: %.1f bytes per run\n", report->growth_bytes_per_run);
  printf ("Verdict: %s\n", report->leaking ? "leaking (retained bytes grow steadily)" : "not leaking");
  printf ("Survivors: %u\n", report->survivors->len);
  for (guint i = 0; i < report->survivors->len; i++)
    {
      MpyLeakObject *o = &g_array_index (report->survivors, MpyLeakObject, i);
      const char *kind = mpy_kind_get_name (o->kind);

      printf ("  0x%08" G_GINT64_MODIFIER "x  %-10s %6" G_GUINT64_FORMAT " bytes\n", o->address,
              kind != NULL ? kind : "?", o->bytes);
    }
  return EXIT_OK;

failed:
  status = mpy_cli_fail_message (error->message);
  board_close (&board);
  return status;
}

/* ---- cost ---- */

static gboolean
board_qstr_info (Board   *board,
                 gint64  *n_qstr,
                 gint64  *n_bytes,
                 GError **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint64 q, b;

  if (!board_exec (board, MPY_QSTR_INFO_STMT, &out, &err, error))
    return FALSE;
  if (err[0] != '\0' || !mpy_qstr_info_parse (out, &q, &b))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("micropython.qstr_info() printed no qstr pool figures"));
      return FALSE;
    }
  *n_qstr = (gint64) q;
  *n_bytes = (gint64) b;
  return TRUE;
}

int
mpy_cli_cost (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (N_("— what does importing a module cost?"));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  g_auto(GStrv) modules = NULL;
  gboolean json = FALSE;
  int baud = 115200, status;
  double timeout = 10.0;
  Board board = { 0 };
  const GOptionEntry entries[] = {
    CONNECTION_OPTIONS (port, baud, timeout),
    { "import", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &modules, N_("A module to import (repeatable, in order; "
      "or several after one --import)"), "MODULE" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array, one object per module"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gboolean any_failed = FALSE;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  mpy_cli_add_password_options (context, &password_file);
  g_option_context_set_description (context, mpy_cli_password_help);
  g_option_context_set_summary (context,
    N_("For each module in order: gc.collect() and a capture, `import MODULE`, gc.collect() and a\n"
    "capture. Reports the bytes the import keeps (used after − used before), split by the kind\n"
    "of the objects' heads (bytecode, module, dict, str, tuple_list, other: they add up to\n"
    "bytes), and the change in micropython.qstr_info() (qstr_count, qstr_bytes: the new\n"
    "qstrs and their string bytes). A module that fails to import is reported with its\n"
    "traceback (error) and the rest continue. Exit status: 0 every module imported, 1 one\n"
    "failed or a device failure, 2 usage error."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mpy_cli_usage_with_help (context, "%s", error->message);
  for (guint i = 0; modules != NULL && modules[i] != NULL; i++)
    g_ptr_array_add (names, g_strdup (modules[i]));
  for (int i = 1; i < argc; i++)   /* `--import a b c` */
    g_ptr_array_add (names, g_strdup (argv[i]));
  if ((status = check_connection_options (context, port, baud, timeout, password_file, &password)) != EXIT_OK)
    return status;
  if (names->len == 0)
    return mpy_cli_usage_with_help (context, _("give a module: --import MODULE"));
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      for (const char *c = name; *c != '\0'; c++)
        if (!(g_ascii_isalnum (*c) || *c == '_' || *c == '.') || (c == name && g_ascii_isdigit (*c)))
          return mpy_cli_usage_with_help (context, _("“%s” is not a module name"), name);
    }

  board_open (&board, port, baud, timeout, password);

  json_builder_begin_array (b);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(MpySnapshot) before = NULL;
      g_autoptr(MpySnapshot) after = NULL;
      g_autofree char *code = g_strdup_printf ("import %s", name);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      gint64 q0 = 0, qb0 = 0, q1 = 0, qb1 = 0;
      gint64 by_group[MPY_N_COST_GROUPS];
      gint64 total;
      gboolean have_qstr;

      have_qstr = board_qstr_info (&board, &q0, &qb0, NULL);
      before = board_capture_collected (&board, &error);
      if (before == NULL)
        goto failed;
      if (!board_exec (&board, code, &out, &err, &error))
        goto failed;
      if (out[0] != '\0')
        fputs (out, stderr);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "module");
      json_builder_add_string_value (b, name);
      if (err[0] != '\0')
        {
          any_failed = TRUE;
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, err);
          json_builder_end_object (b);
          if (!json)
            printf ("%s: failed to import:\n%s", name, err);
          continue;
        }
      after = board_capture_collected (&board, &error);
      if (after == NULL)
        goto failed;
      have_qstr = board_qstr_info (&board, &q1, &qb1, NULL) && have_qstr;

      total = mpy_cost_compute (before, after, by_group);
      json_builder_set_member_name (b, "bytes");
      json_builder_add_int_value (b, total);
      json_builder_set_member_name (b, "by_kind");
      json_builder_begin_object (b);
      for (guint k = 0; k < MPY_N_COST_GROUPS; k++)
        {
          json_builder_set_member_name (b, mpy_cost_group_get_key ((MpyCostGroup) k));
          json_builder_add_int_value (b, by_group[k]);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "qstr_count");
      if (have_qstr)
        json_builder_add_int_value (b, q1 - q0);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "qstr_bytes");
      if (have_qstr)
        json_builder_add_int_value (b, qb1 - qb0);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);

      if (!json)
        {
          printf ("%s: %" G_GINT64_FORMAT " bytes kept (", name, total);
          for (guint k = 0; k < MPY_N_COST_GROUPS; k++)
            printf ("%s%s %" G_GINT64_FORMAT, k > 0 ? ", " : "",
                    mpy_cost_group_get_key ((MpyCostGroup) k), by_group[k]);
          if (have_qstr)
            printf ("); %" G_GINT64_FORMAT " new qstrs, %" G_GINT64_FORMAT " bytes of their text\n",
                    q1 - q0, qb1 - qb0);
          else
            printf ("); qstr_info() not available\n");
        }
    }
  json_builder_end_array (b);
  board_close (&board);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (b);

      mpy_cli_print_json (root);
    }
  return any_failed ? EXIT_FAIL : EXIT_OK;

failed:
  status = mpy_cli_fail_message (error->message);
  board_close (&board);
  return status;
}

#else /* no device layer */

int
mpy_cli_leakcheck (int    argc,
                   char **argv)
{
  fprintf (stderr, _("%s: this build has no device support (configured with -Ddevice=false)\n"),
           g_get_prgname ());
  return 1;
}

int
mpy_cli_cost (int    argc,
              char **argv)
{
  return mpy_cli_leakcheck (argc, argv);
}

#endif

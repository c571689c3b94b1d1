/* test-answers.c — the answers (will it fit, garbage or live, leakcheck, import cost) proved
 * on the emulated micro:bit (MicroPython 1.9.2 in qemu)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "mpy-connection.h"
#include "mpy-fit.h"
#include "mpy-leak.h"
#include "mpy-metric.h"
#include "mpy-session.h"
#include "mpy-stats.h"
#include "mpy-test-board.h"

static MpyTestBoard *microbit;
static char *microbit_error;

/* ---- running the async API to completion ---- */

static MpySnapshot *
capture_sync (MpyConnection   *conn,
              MpyCaptureFlags  flags)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MpySnapshot *snapshot;

  mpy_connection_capture_async (conn, flags, NULL, mpy_test_store_result, &result);
  snapshot = mpy_connection_capture_finish (conn, mpy_test_wait_result (&result, 60, "connection"), &error);
  g_assert_no_error (error);
  g_assert_false (mpy_snapshot_is_damaged (snapshot));
  return snapshot;
}

/* Runs @code; returns its stdout, and its traceback in @err. */
static char *
exec_sync (MpyConnection  *conn,
           const char     *code,
           char          **err)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  mpy_connection_exec_async (conn, code, NULL, mpy_test_store_result, &result);
  g_assert_true (mpy_connection_exec_finish (conn, mpy_test_wait_result (&result, 60, "connection"), &out, err, &error));
  g_assert_no_error (error);
  return out;
}

static void
close_sync (MpyConnection *conn)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_connection_close_async (conn, NULL, mpy_test_store_result, &result);
  g_assert_true (mpy_connection_close_finish (conn, mpy_test_wait_result (&result, 60, "connection"), NULL));
}

/* CI installs qemu and the micro:bit firmware (build-aux/setup.sh): a board that does not
 * start is a failure, not a skip. */
#define NEED_MICROBIT() \
  G_STMT_START { \
    if (microbit == NULL) \
      { \
        g_test_fail_printf ("the emulated micro:bit did not start: %s", microbit_error); \
        return; \
      } \
  } G_STMT_END

static MpyConnection *
microbit_connection (void)
{
  MpyConnection *conn = mpy_connection_new (microbit->link);

  mpy_connection_set_connect_timeout (conn, 10000);
  return conn;
}

/* ---- mpymemmap-cli ---- */

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

/* Runs `mpymemmap-cli COMMAND --port MICROBIT args…` (bounded: the CLI's own timeouts). */
static void
run_cli (CliRun             *run,
         const char         *command,
         const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MPY_CLI"));
  g_ptr_array_add (argv, (gpointer) command);
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, microbit->link);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

#define NEED_CLI() \
  G_STMT_START { \
    NEED_MICROBIT (); \
    if (g_getenv ("MPY_CLI") == NULL) \
      { \
        g_test_skip ("MPY_CLI is not set"); \
        return; \
      } \
  } G_STMT_END

/* ---- will it fit ---- */

/* On the micro:bit (16-byte blocks, a 10048-byte heap) the figure "largest allocation" is
 * true: after gc.collect() and a capture, a bytearray the figure says fits allocates, and one
 * a few blocks larger raises MemoryError.
 *
 * What is counted, conservatively:
 * - bytearray(N) allocates a head object (mp_obj_array_t: 1 block) and then an N-byte buffer
 *   (⌈N/16⌉ blocks); the buffer needs one free run of its own. The statement is an expression
 *   (no global is bound, so the globals dict does not grow).
 * - Compiling the statement allocates before it runs: the parser's and lexer's memory (freed
 *   again before it runs) and the bytecode, raw code and function object, which live while it
 *   runs. gc_alloc() puts them first-fit from the heap's start, so at worst they shorten the
 *   longest run: FIT_MARGIN blocks leave room for them.
 * - The capture statement itself leaves 128 B (8 blocks) of garbage on 1.9.2 (README figures;
 *   mpy-raw-repl-quirks.h). When the too-large allocation fails, gc_alloc() collects and
 *   tries again, so that garbage may join the longest run: the too-large bytearray is
 *   larger by those 8 blocks, plus the head block, plus 3. */
#define FIT_MARGIN_BLOCKS     8
#define CAPTURE_LEAVES_BLOCKS 8

static void
test_fit_largest_allocation_is_true (void)
{
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autofree char *fits_code = NULL;
  g_autofree char *misses_code = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  MpyStats stats;
  MpyFitAnswer answer;
  double largest;
  guint64 fits, misses;

  NEED_MICROBIT ();
  conn = microbit_connection ();

  /* Free what earlier tests left, then the capture after gc.collect(). */
  g_free (exec_sync (conn, "import gc\nfor k in list(globals()):\n    if k not in ('__name__', 'gc'): del globals()[k]\ngc.collect()", NULL));
  snapshot = capture_sync (conn, MPY_CAPTURE_GC);
  mpy_stats_compute (snapshot, &stats);
  g_assert_cmpuint (stats.bytes_per_block, ==, 16);
  g_assert_true (mpy_metric_get_value (MPY_METRIC_LARGEST_ALLOCATION, snapshot, &stats, &largest));
  g_assert_cmpfloat (largest, ==, (double) stats.largest_free_run * 16);
  /* a real question: most of the heap is free after a collection */
  g_assert_cmpfloat (largest, >, 2048);

  /* The answer of mpy_fit_check() agrees with the figure at its edge. */
  g_assert_true (mpy_fit_check (snapshot, (guint64) largest, &answer));
  g_assert_true (answer.fits);
  g_assert_cmpuint (answer.run.n_blocks, ==, stats.largest_free_run);
  g_assert_true (mpy_fit_check (snapshot, (guint64) largest + 1, &answer));
  g_assert_false (answer.fits);
  g_assert_cmpuint (answer.missing_bytes, ==, 16);

  fits = (guint64) largest - (1 + FIT_MARGIN_BLOCKS) * 16;
  misses = (guint64) largest + (CAPTURE_LEAVES_BLOCKS + 1 + 3) * 16;

  g_test_message ("largest allocation %.0f B: %" G_GUINT64_FORMAT " B must fit, %" G_GUINT64_FORMAT " B must not", largest, fits, misses);
  fits_code = g_strdup_printf ("print(len(bytearray(%" G_GUINT64_FORMAT ")))", fits);
  out = exec_sync (conn, fits_code, &err);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpuint (g_ascii_strtoull (out, NULL, 10), ==, fits);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  misses_code = g_strdup_printf ("import gc\ngc.collect()\nprint(len(bytearray(%" G_GUINT64_FORMAT ")))", misses);
  out = exec_sync (conn, misses_code, &err);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "MemoryError: memory allocation failed"));
  close_sync (conn);
}

/* `capture --json`: largest_allocation_bytes at the top, each area's largest_free_run_bytes;
 * with one area they are the same. */
static void
test_fit_cli_json (void)
{
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *areas;
  gint64 largest, area_largest = 0;

  NEED_CLI ();
  run_cli (&run, "capture", (const char * const[]) { "--gc", "--json", NULL });
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  object = json_node_get_object (root);
  largest = json_object_get_int_member (object, "largest_allocation_bytes");
  g_assert_cmpint (largest, ==, json_object_get_int_member (object, "largest_free_run") * 16);
  areas = json_object_get_array_member (object, "areas");
  g_assert_cmpuint (json_array_get_length (areas), ==, 1);
  for (guint a = 0; a < json_array_get_length (areas); a++)
    area_largest = MAX (area_largest, json_object_get_int_member (json_array_get_object_element (areas, a),
                                                                  "largest_free_run_bytes"));
  g_assert_cmpint (area_largest, ==, largest);
  g_assert_cmpint (largest, >, 2048);
}

/* ---- garbage or live ---- */

/* `capture --pair`: 10 bytearrays of 100 bytes made and dropped by --exec are garbage (each a
 * 1-block head and a 7-block buffer: 128 B); garbage and live add up to what was in use in
 * the first dump. */
static void
test_pair_cli (void)
{
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *before, *after;
  JsonObject *kinds;
  gint64 garbage, live, used_before_blocks;

  NEED_CLI ();
  run_cli (&run, "capture", (const char * const[]) { "--exec", "[bytearray(100) for i in range(10)]",
                                                     "--pair", "--json", NULL });
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  object = json_node_get_object (root);
  before = json_object_get_object_member (object, "before");
  after = json_object_get_object_member (object, "after");
  garbage = json_object_get_int_member (object, "garbage_bytes");
  live = json_object_get_int_member (object, "live_bytes");
  g_assert_cmpint (garbage, >=, 10 * 128);
  g_assert_cmpint (live, >, 0);
  /* what gc freed shows in the header figures too */
  g_assert_cmpint (json_object_get_int_member (before, "gc_used") - json_object_get_int_member (after, "gc_used"),
                   >=, 10 * 128);
  kinds = json_object_get_object_member (before, "kind_blocks");
  used_before_blocks = json_object_get_int_member (before, "block_count") - json_object_get_int_member (kinds, ".");
  g_assert_cmpint (garbage + live, ==, used_before_blocks * 16);
}

/* ---- is it leaking ---- */

static JsonObject *
leakcheck (CliRun     *run,
           JsonNode  **root,
           const char *setup,
           const char *code)
{
  run_cli (run, "leakcheck", (const char * const[]) { "--setup", setup, "--exec", code, "--json", NULL });
  g_assert_cmpint (run->status, ==, 0);
  *root = parse_json (run->out);
  return json_node_get_object (*root);
}

/* L.append(bytearray(40)) keeps a bytearray per run: a 1-block head and a 3-block buffer,
 * 64 B (plus the list's growth now and then): leaking, and the bytearrays survive. */
static void
test_leakcheck_leaking (void)
{
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *retained, *survivors;
  double growth;
  guint bytearrays = 0;

  NEED_CLI ();
  object = leakcheck (&run, &root, "L=[]", "L.append(bytearray(40))");
  g_assert_cmpint (json_object_get_int_member (object, "runs"), ==, 5);
  retained = json_object_get_array_member (object, "retained_bytes");
  g_assert_cmpuint (json_array_get_length (retained), ==, 5);
  for (guint r = 1; r < 5; r++)
    g_assert_cmpint (json_array_get_int_element (retained, r), >=, json_array_get_int_element (retained, r - 1) + 64);
  growth = json_object_get_double_member (object, "growth_bytes_per_run");
  g_test_message ("growth %.1f B per run", growth);
  g_assert_cmpfloat (growth, >=, 64);
  g_assert_cmpfloat (growth, <, 64 + 32);
  g_assert_true (json_object_get_boolean_member (object, "leaking"));
  /* runs 2, 3 and 4 each left a bytearray (head and buffer) that survived to the end */
  survivors = json_object_get_array_member (object, "survivors");
  for (guint i = 0; i < json_array_get_length (survivors); i++)
    {
      JsonObject *o = json_array_get_object_element (survivors, i);

      g_assert_cmpint (json_object_get_int_member (o, "address"), >, 0);
      g_assert_nonnull (json_object_get_string_member (o, "kind"));
      if (json_object_get_int_member (o, "bytes") == 48)
        bytearrays++;
    }
  g_assert_cmpuint (bytearrays, >=, 3);
}

/* x=bytearray(40) replaces the last one: nothing retained after the first run. */
static void
test_leakcheck_not_leaking (void)
{
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *retained;

  NEED_CLI ();
  object = leakcheck (&run, &root, "x=None", "x=bytearray(40)");
  retained = json_object_get_array_member (object, "retained_bytes");
  for (guint r = 1; r < json_array_get_length (retained); r++)
    g_assert_cmpint (json_array_get_int_element (retained, r), ==, json_array_get_int_element (retained, 0));
  g_assert_cmpfloat (json_object_get_double_member (object, "growth_bytes_per_run"), ==, 0);
  g_assert_false (json_object_get_boolean_member (object, "leaking"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "survivors")), ==, 0);
}

/* ---- qstr_info() and stack_use() with the snapshot ---- */

/* `capture --qstr -o FILE --json`: the figures are in the JSON, stored in the session file
 * (read back by the core and by `stats --json`); a capture without --qstr lacks them. */
static void
test_qstr_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mpy-answers-XXXXXX", NULL);
  g_autofree char *session = g_build_filename (dir, "qstr.mpysession", NULL);
  g_auto(CliRun) run = { 0 };
  g_auto(CliRun) plain = { 0 };
  g_auto(CliRun) stats = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) plain_root = NULL;
  g_autoptr(JsonNode) stats_root = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object, *plain_object, *stored;
  guint64 count, bytes, stack;
  gint64 json_count;

  NEED_CLI ();
  run_cli (&run, "capture", (const char * const[]) { "--qstr", "--json", "-o", session, NULL });
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  object = json_node_get_object (root);
  json_count = json_object_get_int_member (object, "qstr_count");
  g_assert_cmpint (json_count, >, 0);
  g_assert_cmpint (json_object_get_int_member (object, "qstr_bytes"), >, json_count);

  snapshots = mpy_session_read_file (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (snapshots->len, ==, 1);
  g_assert_true (mpy_snapshot_get_qstr_info (g_ptr_array_index (snapshots, 0), &count, &bytes));
  g_assert_cmpint ((gint64) count, ==, json_count);
  g_assert_cmpint ((gint64) bytes, ==, json_object_get_int_member (object, "qstr_bytes"));
  /* 1.9.2 on the micro:bit has micropython.stack_use() */
  g_assert_true (mpy_snapshot_get_stack_use (g_ptr_array_index (snapshots, 0), &stack));
  g_assert_cmpint ((gint64) stack, ==, json_object_get_int_member (object, "stack_use"));
  g_assert_cmpuint (stack, >, 0);

  {
    const char *args[] = { (const char *) g_getenv ("MPY_CLI"), "stats", "--json", session, NULL };
    g_autoptr(GSubprocess) process = g_subprocess_newv (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);

    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (process, NULL, NULL, &stats.out, NULL, &error);
    g_assert_no_error (error);
  }
  stats_root = parse_json (stats.out);
  stored = json_array_get_object_element (json_node_get_array (stats_root), 0);
  g_assert_cmpint (json_object_get_int_member (stored, "qstr_count"), ==, json_count);

  run_cli (&plain, "capture", (const char * const[]) { "--json", NULL });
  g_assert_cmpint (plain.status, ==, 0);
  plain_root = parse_json (plain.out);
  plain_object = json_node_get_object (plain_root);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (plain_object, "qstr_count")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (plain_object, "stack_use")));

  g_unlink (session);
  g_rmdir (dir);
}

/* ---- what an import costs ---- */

#define MODULE_SOURCE "X = [1, 2, 3]\\ndef twice(value):\\n    return 2 * value\\nNAME = \"cost\"\\n"

/* n_qstr and n_str_data_bytes of micropython.qstr_info(), as printed on 1.9.2:
 * "qstr pool: n_pool=1, n_qstr=3, n_str_data_bytes=23, n_total_bytes=119" */
static void
qstr_info (MpyConnection *conn,
           gint64        *n_qstr,
           gint64        *n_bytes)
{
  g_autofree char *err = NULL;
  g_autofree char *out = exec_sync (conn, "__import__('micropython').qstr_info()", &err);
  const char *q = strstr (out, "n_qstr="), *b = strstr (out, "n_str_data_bytes=");

  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (q);
  g_assert_nonnull (b);
  *n_qstr = g_ascii_strtoll (q + 7, NULL, 10);
  *n_bytes = g_ascii_strtoll (b + 17, NULL, 10);
}

/* `cost --import m nosuchmodule` on a freshly reset board equals a by-hand capture before
 * and after the import (on a freshly reset board too); the module that does not exist is
 * reported with its traceback and does not stop the other. */
static void
test_cost_cli (void)
{
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) reset = NULL;
  g_autoptr(MpySnapshot) before = NULL;
  g_autoptr(MpySnapshot) after = NULL;
  g_autoptr(MpySnapshot) reset_again = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *rows;
  JsonObject *m, *missing, *by_kind;
  guint64 used_before, used_after;
  gint64 sum = 0, q0, qb0, q1, qb1;
  GList *members;

  NEED_CLI ();
  conn = microbit_connection ();
  /* the micro:bit has a filesystem: the module goes there first */
  out = exec_sync (conn, "open('m.py', 'w').write('" MODULE_SOURCE "')", &err);
  g_assert_cmpstr (err, ==, "");

  /* by hand, on a freshly reset board */
  reset = capture_sync (conn, MPY_CAPTURE_SOFT_RESET);
  qstr_info (conn, &q0, &qb0);
  before = capture_sync (conn, MPY_CAPTURE_GC);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  out = exec_sync (conn, "import m", &err);
  g_assert_cmpstr (err, ==, "");
  after = capture_sync (conn, MPY_CAPTURE_GC);
  qstr_info (conn, &q1, &qb1);
  g_assert_true (mpy_snapshot_get_figure (before, MPY_FIGURE_GC_USED, &used_before));
  g_assert_true (mpy_snapshot_get_figure (after, MPY_FIGURE_GC_USED, &used_after));
  reset_again = capture_sync (conn, MPY_CAPTURE_SOFT_RESET);
  close_sync (conn);

  run_cli (&run, "cost", (const char * const[]) { "--import", "m", "nosuchmodule", "--json", NULL });
  g_assert_cmpint (run.status, ==, 1);   /* one module failed */
  root = parse_json (run.out);
  rows = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (rows), ==, 2);
  m = json_array_get_object_element (rows, 0);
  g_assert_cmpstr (json_object_get_string_member (m, "module"), ==, "m");
  g_test_message ("import m: by hand %" G_GINT64_FORMAT " B, cost %" G_GINT64_FORMAT " B",
                  (gint64) (used_after - used_before), json_object_get_int_member (m, "bytes"));
  g_assert_cmpint (json_object_get_int_member (m, "bytes"), ==, (gint64) (used_after - used_before));
  g_assert_cmpint (json_object_get_int_member (m, "bytes"), >, 0);
  by_kind = json_object_get_object_member (m, "by_kind");
  members = json_object_get_members (by_kind);
  for (GList *l = members; l != NULL; l = l->next)
    sum += json_object_get_int_member (by_kind, l->data);
  g_list_free (members);
  g_assert_cmpint (sum, ==, json_object_get_int_member (m, "bytes"));
  /* the module object and its dict (1.9.2 marks function code as plain heads: "other") */
  g_assert_cmpint (json_object_get_int_member (by_kind, "module"), >=, 16);
  g_assert_cmpint (json_object_get_int_member (by_kind, "dict"), >=, 16);
  /* the qstrs as qstr_info() counted them by hand ("twice" at least is new) */
  g_assert_cmpint (json_object_get_int_member (m, "qstr_count"), ==, q1 - q0);
  g_assert_cmpint (json_object_get_int_member (m, "qstr_bytes"), ==, qb1 - qb0);
  g_assert_cmpint (q1 - q0, >=, 1);
  g_assert_cmpint (qb1 - qb0, >=, 5);

  missing = json_array_get_object_element (rows, 1);
  g_assert_cmpstr (json_object_get_string_member (missing, "module"), ==, "nosuchmodule");
  g_assert_nonnull (strstr (json_object_get_string_member (missing, "error"), "ImportError"));
  g_assert_false (json_object_has_member (missing, "bytes"));
}

/* ---- parsing what users type and what the firmware prints ---- */

static void
test_parse_sizes_and_qstr_info (void)
{
  guint64 bytes = 0, count = 0, data = 0;

  g_assert_true (mpy_fit_parse_size ("2048", &bytes));
  g_assert_cmpuint (bytes, ==, 2048);
  g_assert_true (mpy_fit_parse_size (" 2k ", &bytes));
  g_assert_cmpuint (bytes, ==, 2048);
  g_assert_true (mpy_fit_parse_size ("1.5 KiB", &bytes));
  g_assert_cmpuint (bytes, ==, 1536);
  g_assert_true (mpy_fit_parse_size ("300 B", &bytes));
  g_assert_cmpuint (bytes, ==, 300);
  g_assert_true (mpy_fit_parse_size ("1M", &bytes));
  g_assert_cmpuint (bytes, ==, 1024 * 1024);
  g_assert_false (mpy_fit_parse_size ("", NULL));
  g_assert_false (mpy_fit_parse_size ("-5", NULL));
  g_assert_false (mpy_fit_parse_size ("lots", NULL));
  g_assert_false (mpy_fit_parse_size ("12 parsecs", NULL));

  /* as MicroPython 1.9.2 and 1.27 print it */
  g_assert_true (mpy_qstr_info_parse ("qstr pool: n_pool=1, n_qstr=3, n_str_data_bytes=23, n_total_bytes=119\r\n",
                                      &count, &data));
  g_assert_cmpuint (count, ==, 3);
  g_assert_cmpuint (data, ==, 23);
  g_assert_false (mpy_qstr_info_parse ("qstr pool: n_pool=0", &count, &data));
  g_assert_false (mpy_qstr_info_parse ("n_qstr=x, n_str_data_bytes=", &count, &data));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  microbit = mpy_test_board_start_qemu (&error);
  if (microbit == NULL)
    {
      microbit_error = g_strdup (error->message);
      g_printerr ("# the emulated micro:bit did not start: %s\n", microbit_error);
    }

  g_test_add_func ("/answers/parse/sizes-and-qstr-info", test_parse_sizes_and_qstr_info);
  g_test_add_func ("/answers/microbit/largest-allocation-is-true", test_fit_largest_allocation_is_true);
  g_test_add_func ("/answers/cli/largest-allocation-json", test_fit_cli_json);
  g_test_add_func ("/answers/cli/capture-pair", test_pair_cli);
  g_test_add_func ("/answers/cli/leakcheck-leaking", test_leakcheck_leaking);
  g_test_add_func ("/answers/cli/leakcheck-not-leaking", test_leakcheck_not_leaking);
  g_test_add_func ("/answers/cli/capture-qstr", test_qstr_cli);
  g_test_add_func ("/answers/cli/cost", test_cost_cli);

  ret = g_test_run ();
  mpy_test_board_stop (microbit);
  g_free (microbit_error);
  return ret;
}

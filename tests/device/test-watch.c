/* test-watch.c — live watch (`mpymemmap-cli watch`, mpy_board_watch_async()) against the
 * fake board, the emulated micro:bit and MicroPython 1.27 (webassembly) on a pty
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>

#include "mpy-board-watch.h"
#include "mpy-dump-stream.h"
#include "mpy-session.h"
#include "mpy-test-board.h"

#define NEED_CLI() \
  G_STMT_START { \
    if (g_getenv ("MPY_CLI") == NULL) \
      { \
        g_test_skip ("MPY_CLI is not set"); \
        return; \
      } \
  } G_STMT_END

/* The program of the --run test: allocates between three named logs, as the README's
 * log_mem() snippet prints them. */
static const char script[] =
  "import micropython\n"
  "def log_mem(name):\n"
  "    print('*** Memory info', name, '***')\n"
  "    micropython.mem_info(1)\n"
  "    print('******************************')\n"
  "keep = []\n"
  "for step in ('start', 'grown', 'bigger'):\n"
  "    keep.append(bytearray(2048 * (len(keep) + 1)))\n"
  "    print('allocated', len(keep))\n"
  "    log_mem(step)\n"
  "print('done')\n";

typedef struct
{
  int    status;
  char  *out;
  char  *err;
  double seconds;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

static void
run_watch (CliRun             *run,
           const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) timeout = g_cancellable_new ();
  gint64 started = g_get_monotonic_time ();

  g_ptr_array_add (argv, (gpointer) g_getenv ("MPY_CLI"));
  g_ptr_array_add (argv, (gpointer) "watch");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
  run->seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  if (run->status != 0)
    g_test_message ("watch: status %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
}

/* Every line of @text a JSON object (JSON Lines), parsed with json-glib. */
static GPtrArray *
parse_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *root;

      if (lines[i][0] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      root = json_parser_get_root (parser);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      g_ptr_array_add (objects, json_object_ref (json_node_get_object (root)));
    }
  return objects;
}

static MpyTestBoard *
start_fake (const char *mode)
{
  g_autofree char *dump = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                 "microbit-v1.0.1-after-alloc.txt", NULL);
  g_autoptr(GError) error = NULL;
  MpyTestBoard *board = mpy_test_board_start_fake (mode, dump, &error);

  g_assert_no_error (error);
  return board;
}

/* Three snapshots of one heap: the same total, whole maps, in order. */
static void
assert_consistent (GPtrArray *objects,
                   guint      n)
{
  g_assert_cmpuint (objects->len, ==, n);
  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *o = g_ptr_array_index (objects, i);

      g_assert_cmpint (json_object_get_int_member (o, "index"), ==, i);
      g_assert_false (json_object_get_boolean_member (o, "damaged"));
      g_assert_cmpint (json_object_get_int_member (o, "gc_total"), >, 0);
      g_assert_cmpint (json_object_get_int_member (o, "gc_total"), ==,
                       json_object_get_int_member (g_ptr_array_index (objects, 0), "gc_total"));
      g_assert_cmpint (json_object_get_int_member (o, "gc_used")
                       + json_object_get_int_member (o, "gc_free"), ==,
                       json_object_get_int_member (o, "gc_total"));
    }
}

/* --every 0.2 --count 3: three captures about 0.2 s apart. */
static void
check_every (const char *port,
             const char *firmware)
{
  g_auto(CliRun) run = { 0 };
  g_autoptr(GPtrArray) objects = NULL;

  run_watch (&run, (const char * const[]) { "--port", port, "--every", "0.2", "--count", "3",
                                            "--json", NULL });
  g_assert_cmpint (run.status, ==, 0);
  objects = parse_lines (run.out);
  assert_consistent (objects, 3);
  g_assert_true (json_object_get_null_member (g_ptr_array_index (objects, 0), "console"));
  g_test_message ("%s: --every 0.2 --count 3 took %.2f s in all", firmware, run.seconds);
  g_assert_cmpfloat (run.seconds, <, 20);
}

static void
test_every_fake (void)
{
  g_autoptr(MpyTestBoard) board = start_fake ("normal");
  g_auto(CliRun) run = { 0 };
  const char *at;
  double interval;

  NEED_CLI ();
  check_every (board->link, "fake board");

  /* The interval the text mode reports: at 0.2 s a small heap keeps up with every tick. */
  run_watch (&run, (const char * const[]) { "--port", board->link, "--every", "0.2", "--count", "6", NULL });
  g_test_message ("fake board: %s", run.err);
  g_assert_cmpint (run.status, ==, 0);
  at = strstr (run.err, "6 snapshots, one every ");
  g_assert_nonnull (at);
  interval = g_ascii_strtod (at + strlen ("6 snapshots, one every "), NULL);
  /* the first capture also connects: it may take a tick's place, the rest keep time */
  g_assert_cmpfloat (interval, >=, 0.15);
  g_assert_cmpfloat (interval, <, 0.3);
}

static void
test_every_qemu (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestBoard) board = NULL;
  g_auto(CliRun) run = { 0 };

  NEED_CLI ();
  board = mpy_test_board_start_qemu (&error);
  if (board == NULL)
    {
      g_test_skip (error->message);
      return;
    }
  check_every (board->link, "micro:bit (qemu)");
  run_watch (&run, (const char * const[]) { "--port", board->link, "--every", "0.2", "--count", "5",
                                            "--figures-only", "--gc", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_test_message ("micro:bit, --figures-only --gc: %s", run.err);
}

static MpyTestBoard *
start_mpy127 (void)
{
  g_autoptr(GError) error = NULL;
  MpyTestBoard *board = mpy_test_board_start_webassembly ("mpy127", "256k", &error);

  if (board == NULL)
    g_test_skip (error->message);
  return board;
}

static void
test_every_mpy127 (void)
{
  g_autoptr(MpyTestBoard) board = NULL;
  g_auto(CliRun) run = { 0 };
  g_autoptr(GPtrArray) objects = NULL;

  NEED_CLI ();
  if ((board = start_mpy127 ()) == NULL)
    return;
  check_every (board->link, "MicroPython 1.27");
  {
    g_auto(CliRun) text = { 0 };

    run_watch (&text, (const char * const[]) { "--port", board->link, "--every", "0.2", "--count", "10", NULL });
    g_assert_cmpint (text.status, ==, 0);
    g_test_message ("MicroPython 1.27: %s", text.err);
  }

  /* figures only: no map, still the figures */
  run_watch (&run, (const char * const[]) { "--port", board->link, "--every", "0.2", "--count", "3",
                                            "--figures-only", "--json", NULL });
  g_assert_cmpint (run.status, ==, 0);
  objects = parse_lines (run.out);
  g_assert_cmpuint (objects->len, ==, 3);
  g_assert_true (json_object_get_null_member (g_ptr_array_index (objects, 0), "block_count"));
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (objects, 0), "gc_total"), >, 0);
}

/* --run: the program's three named logs, in order, with what it printed as their console. */
static void
test_run_mpy127 (void)
{
  g_autoptr(MpyTestBoard) board = NULL;
  g_auto(CliRun) run = { 0 };
  g_autoptr(GPtrArray) objects = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mpy-watch-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "alloc.py", NULL);
  g_autofree char *session = g_build_filename (dir, "run.mpysession", NULL);
  g_autoptr(GPtrArray) recorded = NULL;
  g_autoptr(GError) error = NULL;
  static const char *names[] = { "start", "grown", "bigger" };

  NEED_CLI ();
  if ((board = start_mpy127 ()) == NULL)
    return;
  g_assert_true (g_file_set_contents (file, script, -1, NULL));

  run_watch (&run, (const char * const[]) { "--port", board->link, "--run", file, "--json",
                                            "-o", session, NULL });
  g_assert_cmpint (run.status, ==, 0);
  objects = parse_lines (run.out);
  g_assert_cmpuint (objects->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *o = g_ptr_array_index (objects, i);
      g_autofree char *allocated = g_strdup_printf ("allocated %u", i + 1);

      g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, names[i]);
      g_assert_false (json_object_get_boolean_member (o, "damaged"));
      g_assert_nonnull (strstr (json_object_get_string_member (o, "console"), allocated));
      if (i > 0)   /* it allocated more each time */
        g_assert_cmpint (json_object_get_int_member (o, "gc_used"), >,
                         json_object_get_int_member (g_ptr_array_index (objects, i - 1), "gc_used"));
    }
  /* what it printed after the last dump is shown too, but not the star line that closed
   * the last section: that is part of the dump, and no console holds one */
  g_assert_nonnull (strstr (run.err, "done"));
  if (strstr (run.err, "****") != NULL)
    g_error ("a star line is left in the console output:\n%s", run.err);
  for (guint i = 0; i < 3; i++)
    g_assert_null (strstr (json_object_get_string_member (g_ptr_array_index (objects, i), "console"), "****"));

  recorded = mpy_session_read_file (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recorded->len, ==, 3);
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (recorded, 2)), ==, "bigger");
  g_assert_nonnull (strstr (mpy_snapshot_get_console (g_ptr_array_index (recorded, 1)), "allocated 2"));

  g_unlink (file);
  g_unlink (session);
  g_rmdir (dir);
}

/* --listen: the dumps a running program prints, and not a byte sent to the board. */
static void
test_listen_fake (void)
{
  g_autoptr(MpyTestBoard) board = start_fake ("logging");
  g_auto(CliRun) run = { 0 };
  g_autoptr(GPtrArray) objects = NULL;
  g_autofree char *rx_path = NULL;
  g_autofree char *rx = NULL;
  gsize rx_len = 99;
  guint64 first;

  NEED_CLI ();
  run_watch (&run, (const char * const[]) { "--port", board->link, "--listen", "--count", "3",
                                            "--json", NULL });
  g_assert_cmpint (run.status, ==, 0);
  objects = parse_lines (run.out);
  assert_consistent (objects, 3);
  first = g_ascii_strtoull (json_object_get_string_member (g_ptr_array_index (objects, 0), "label") + 4, NULL, 10);
  g_assert_cmpuint (first, >=, 1);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *label = g_strdup_printf ("step%" G_GUINT64_FORMAT, first + i);
      g_autofree char *console = g_strdup_printf ("step %" G_GUINT64_FORMAT, first + i);
      JsonObject *o = g_ptr_array_index (objects, i);

      g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, label);
      g_assert_nonnull (strstr (json_object_get_string_member (o, "console"), console));
    }

  /* The board logs every byte it receives: none, not even when the port closed. */
  usleep (200000);
  rx_path = g_strconcat (board->link, ".rx", NULL);
  g_assert_true (g_file_get_contents (rx_path, &rx, &rx_len, NULL));
  g_assert_cmpuint (rx_len, ==, 0);
  g_unlink (rx_path);
}

/* Reads @fd until @lines newlines arrived or @timeout_ms passed. */
static guint
read_lines (int   fd,
            guint lines,
            guint timeout_ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint seen = 0;

  while (seen < lines && g_get_monotonic_time () < until)
    {
      GPollFD pfd = { fd, G_IO_IN, 0 };
      char buf[4096];
      gssize n;

      if (g_poll (&pfd, 1, 100) <= 0)
        continue;
      n = read (fd, buf, sizeof buf);
      if (n <= 0)
        break;
      for (gssize i = 0; i < n; i++)
        seen += buf[i] == '\n';
    }
  return seen;
}

/* -o SESSION holds every snapshot printed, even after a SIGKILL in the middle of the watch. */
static void
test_sigkill_keeps_session (void)
{
  g_autoptr(MpyTestBoard) board = start_fake ("normal");
  g_autofree char *dir = g_dir_make_tmp ("mpy-watch-XXXXXX", NULL);
  g_autofree char *session = g_build_filename (dir, "killed.mpysession", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) recorded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) warning = NULL;
  guint seen;

  NEED_CLI ();
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, g_getenv ("MPY_CLI"), "watch", "--port", board->link,
                              "--every", "0.2", "-o", session, "--json", NULL);
  g_assert_no_error (error);
  seen = read_lines (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (process))),
                     3, 15000);
  g_assert_cmpuint (seen, ==, 3);
  g_subprocess_force_exit (process);   /* SIGKILL */
  g_subprocess_wait (process, NULL, NULL);
  g_assert_false (g_subprocess_get_if_exited (process));

  /* Each printed line was on disk before it was printed; a record in progress is cut. */
  recorded = mpy_session_read_file_full (session, &warning, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recorded->len, >=, 3);
  for (guint i = 0; i < recorded->len; i++)
    g_assert_false (mpy_snapshot_is_damaged (g_ptr_array_index (recorded, i)));

  g_unlink (session);
  g_rmdir (dir);
}

static void
store_wait (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) data = TRUE;
}

/* SIGTERM and SIGINT end a real watch cleanly: exit status 0, every snapshot it printed
 * whole in -o SESSION, and nothing else left in its folder (watch keeps no journal or lock
 * file that a later run could take for a live one). */
static void
test_signal_ends_cleanly (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  g_autoptr(MpyTestBoard) board = start_fake ("normal");
  g_autofree char *dir = g_dir_make_tmp ("mpy-watch-XXXXXX", NULL);
  g_autofree char *session = g_build_filename (dir, "stopped.mpysession", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) recorded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  gboolean waited = FALSE;
  gint64 deadline;
  guint seen;

  NEED_CLI ();
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, g_getenv ("MPY_CLI"), "watch", "--port", board->link,
                              "--every", "0.2", "-o", session, "--json", NULL);
  g_assert_no_error (error);
  seen = read_lines (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (process))),
                     2, 15000);
  g_assert_cmpuint (seen, ==, 2);
  g_subprocess_send_signal (process, signum);
  /* Bounded: a watch that ignored the signal fails the test instead of hanging it. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_subprocess_wait_async (process, NULL, store_wait, &waited);
  while (!waited)
    {
      if (g_main_context_iteration (NULL, FALSE))
        continue;
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_force_exit (process);
          g_error ("watch did not end within 30 s of signal %d", signum);
        }
      g_usleep (10 * 1000);
    }
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  recorded = mpy_session_read_file (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recorded->len, >=, 2);
  for (guint i = 0; i < recorded->len; i++)
    g_assert_false (mpy_snapshot_is_damaged (g_ptr_array_index (recorded, i)));

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  {
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      if (!g_str_equal (name, "stopped.mpysession"))
        g_error ("watch left %s behind after signal %d", name, signum);
  }

  g_unlink (session);
  g_rmdir (dir);
}

/* ---- MpyBoard's watch, as the app uses it ---- */

static void
count_snapshot (MpyBoard    *board,
                MpySnapshot *snapshot,
                GPtrArray   *got)
{
  g_ptr_array_add (got, mpy_snapshot_ref (snapshot));
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* A cancelled watch stops, keeps what it recorded and leaves the board ready. */
static void
test_board_watch_cancel (void)
{
  g_autoptr(MpyTestBoard) fake_board = start_fake ("normal");
  g_autoptr(MpyBoard) board = mpy_board_new (fake_board->link);
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MpyBoardWatchOptions options = { MPY_BOARD_WATCH_EVERY, 200, FALSE, FALSE, NULL, 0 };
  guint n = 0, skipped = 0;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_signal_connect (board, "watch-snapshot", G_CALLBACK (count_snapshot), got);
  mpy_board_watch_async (board, &options, cancellable, store_result, &result);
  g_timeout_add (1100, cancel_later, cancellable);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  g_assert_true (mpy_board_watch_finish (board, result, &n, &skipped, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, got->len);
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpuint (n, <=, 7);
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_READY);
  g_assert_false (mpy_board_get_busy (board));
}

/* The stream hands a dump out once a line follows it, not before; a silent end flushes. */
static void
test_dump_stream (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                 "microbit-v1.0.1-after-alloc.txt", NULL);
  g_autofree char *dump = NULL;
  gsize len;
  g_autoptr(MpyDumpStream) stream = mpy_dump_stream_new ();
  g_autoptr(GPtrArray) a = NULL, b = NULL, c = NULL, d = NULL;

  g_assert_true (g_file_get_contents (path, &dump, &len, NULL));
  a = mpy_dump_stream_feed (stream, "hello\n*** Memory info one ***\n", 30);
  g_assert_cmpuint (a->len, ==, 0);
  b = mpy_dump_stream_feed (stream, dump, len);
  g_assert_cmpuint (b->len, ==, 0);              /* the map may go on */
  c = mpy_dump_stream_feed (stream, "*****\nafter\n", 12);
  g_assert_cmpuint (c->len, ==, 1);
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (c, 0)), ==, "one");
  g_assert_cmpstr (mpy_snapshot_get_console (g_ptr_array_index (c, 0)), ==, "hello\n");
  g_assert_false (mpy_snapshot_is_damaged (g_ptr_array_index (c, 0)));
  /* The star line closing the section went with its dump: what the program printed after
   * it is all that is left (review: the last star line stayed in the console output). */
  g_assert_cmpstr (mpy_dump_stream_get_rest (stream), ==, "after\n");
  g_ptr_array_unref (mpy_dump_stream_feed (stream, dump, len));
  d = mpy_dump_stream_flush (stream);
  g_assert_cmpuint (d->len, ==, 1);
  g_assert_cmpstr (mpy_snapshot_get_console (g_ptr_array_index (d, 0)), ==, "after\n");

  /* The last section of a program that then ends: its star line arrives on its own, in
   * pieces, and is taken with the dump, so nothing is left over. */
  {
    g_autoptr(MpyDumpStream) last = mpy_dump_stream_new ();
    g_autoptr(GPtrArray) e = NULL, f = NULL, g = NULL;

    g_ptr_array_unref (mpy_dump_stream_feed (last, "*** Memory info two ***\r\n", 25));
    g_ptr_array_unref (mpy_dump_stream_feed (last, dump, len));
    e = mpy_dump_stream_feed (last, "*****", 5);
    g_assert_cmpuint (e->len, ==, 0);              /* not a whole line yet */
    f = mpy_dump_stream_feed (last, "*****\r\n", 7);
    g_assert_cmpuint (f->len, ==, 1);
    g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (f, 0)), ==, "two");
    g_assert_cmpstr (mpy_dump_stream_get_rest (last), ==, "");
    g = mpy_dump_stream_flush (last);
    g_assert_cmpuint (g->len, ==, 0);
    g_assert_cmpstr (mpy_dump_stream_get_rest (last), ==, "");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/watch/dump-stream", test_dump_stream);
  g_test_add_func ("/watch/every/fake", test_every_fake);
  g_test_add_func ("/watch/every/qemu", test_every_qemu);
  g_test_add_func ("/watch/every/mpy127", test_every_mpy127);
  g_test_add_func ("/watch/run/mpy127", test_run_mpy127);
  g_test_add_func ("/watch/listen/fake", test_listen_fake);
  g_test_add_func ("/watch/sigkill-keeps-session", test_sigkill_keeps_session);
  g_test_add_data_func ("/watch/sigterm-ends-cleanly", GINT_TO_POINTER (SIGTERM), test_signal_ends_cleanly);
  g_test_add_data_func ("/watch/sigint-ends-cleanly", GINT_TO_POINTER (SIGINT), test_signal_ends_cleanly);
  g_test_add_func ("/watch/board/cancel", test_board_watch_cancel);
  return g_test_run ();
}

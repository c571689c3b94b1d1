/* test-board.c — MpyBoard: sequencing and the truth of its state, against the fake board
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "mpy-board.h"
#include "mpy-test-board.h"

/* ---- running the async API to completion ---- */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
flag_timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Every operation ends within its own timeouts; the bound only names a lost result. */
static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (30, flag_timed_out, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("no result from the board within 30 s");
  g_source_remove (id);
  return *slot;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_timed_out, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Every state the board went through, in order. */
static void
record_state (MpyBoard   *board,
              GParamSpec *pspec,
              GArray     *states)
{
  MpyBoardState state = mpy_board_get_state (board);

  g_array_append_val (states, state);
}

static GArray *
watch_states (MpyBoard *board)
{
  GArray *states = g_array_new (FALSE, FALSE, sizeof (MpyBoardState));

  g_signal_connect (board, "notify::state", G_CALLBACK (record_state), states);
  return states;
}

static gboolean
states_contain (GArray        *states,
                MpyBoardState  state)
{
  for (guint i = 0; i < states->len; i++)
    if (g_array_index (states, MpyBoardState, i) == state)
      return TRUE;
  return FALSE;
}

static MpyTestBoard *
fake (const char *mode)
{
  g_autofree char *dump = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                 "qemu-mps2-an385-after-alloc.txt", NULL);
  g_autoptr(GError) error = NULL;
  MpyTestBoard *board = mpy_test_board_start_fake (mode, dump, &error);

  g_assert_no_error (error);
  return board;
}

static MpyBoard *
board_for (MpyTestBoard *fake_board,
           guint         connect_ms)
{
  MpyBoard *board = mpy_board_new (fake_board->link);

  mpy_board_set_connect_timeout (board, connect_ms);
  mpy_board_set_idle_timeout (board, 1000);
  return board;
}

static gboolean
capture_sync (MpyBoard         *board,
              MpyBoardCapture   kind,
              GCancellable     *cancellable,
              GPtrArray       **snapshots,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_board_capture_async (board, kind, cancellable, store_result, &result);
  return mpy_board_capture_finish (board, wait_result (&result), snapshots, error);
}

/* ---- tests ---- */

static void
test_board_capture_pair (void)
{
  g_autoptr(MpyTestBoard) fake_board = fake ("normal");
  g_autoptr(MpyBoard) board = board_for (fake_board, 5000);
  g_autoptr(GArray) states = watch_states (board);
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_DISCONNECTED);
  g_assert_null (mpy_board_get_banner (board));

  /* Before and after gc.collect(): two dumps in order, the second collected first. */
  g_assert_true (capture_sync (board, MPY_BOARD_CAPTURE_BEFORE_AFTER_GC, NULL, &snapshots, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (snapshots->len, ==, 2);
  g_assert_false (mpy_snapshot_get_flags (g_ptr_array_index (snapshots, 0)) & MPY_SNAPSHOT_FLAG_GC);
  g_assert_true (mpy_snapshot_get_flags (g_ptr_array_index (snapshots, 1)) & MPY_SNAPSHOT_FLAG_GC);

  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_READY);
  g_assert_false (mpy_board_get_busy (board));
  g_assert_null (mpy_board_get_error (board));
  g_assert_nonnull (strstr (mpy_board_get_banner (board), "fake board"));
  /* Connecting, then talking (second half), then ready. */
  g_assert_cmpuint (states->len, >=, 2);
  g_assert_cmpint (g_array_index (states, MpyBoardState, 0), ==, MPY_BOARD_CONNECTING);
  g_assert_cmpint (g_array_index (states, MpyBoardState, states->len - 1), ==, MPY_BOARD_READY);

  /* A ready board is busy, not connecting, on the next capture. */
  g_array_set_size (states, 0);
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  g_assert_true (capture_sync (board, MPY_BOARD_CAPTURE_GC, NULL, &snapshots, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (snapshots->len, ==, 1);
  g_assert_true (mpy_snapshot_get_flags (g_ptr_array_index (snapshots, 0)) & MPY_SNAPSHOT_FLAG_GC);
  g_assert_false (states_contain (states, MPY_BOARD_CONNECTING));
  g_assert_true (states_contain (states, MPY_BOARD_BUSY));

  /* Disconnect: the banner describes no board any more. */
  mpy_board_disconnect (board);
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_DISCONNECTED);
  g_assert_null (mpy_board_get_banner (board));
  run_for (100);
}

static void
test_board_failed_connect_is_not_ready (void)
{
  g_autoptr(MpyTestBoard) fake_board = fake ("silent");
  g_autoptr(MpyBoard) board = board_for (fake_board, 1000);
  g_autoptr(GArray) states = watch_states (board);
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  /* The port opens, the board never answers: failed, with the connection's message. */
  g_assert_false (capture_sync (board, MPY_BOARD_CAPTURE_PLAIN, NULL, &snapshots, &error));
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT);
  g_assert_cmpuint (snapshots->len, ==, 0);
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_FAILED);
  g_assert_nonnull (mpy_board_get_error (board));
  g_assert_cmpstr (mpy_board_get_error (board)->message, ==, error->message);
  g_assert_null (mpy_board_get_banner (board));
  g_assert_false (states_contain (states, MPY_BOARD_READY));
  g_assert_false (states_contain (states, MPY_BOARD_BUSY));

  /* A new attempt connects again (and fails again the same way). */
  g_array_set_size (states, 0);
  g_clear_error (&error);
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  g_assert_false (capture_sync (board, MPY_BOARD_CAPTURE_PLAIN, NULL, &snapshots, &error));
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT);
  g_assert_cmpint (g_array_index (states, MpyBoardState, 0), ==, MPY_BOARD_CONNECTING);
  g_assert_false (states_contain (states, MPY_BOARD_READY));
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_FAILED);
}

static gboolean
cancel_cb (gpointer data)
{
  mpy_board_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_board_cancelled_connect_is_not_ready (void)
{
  g_autoptr(MpyTestBoard) fake_board = fake ("silent");
  g_autoptr(MpyBoard) board = board_for (fake_board, 10000);
  g_autoptr(GArray) states = watch_states (board);
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  /* Cancel while it waits for the banner: not connected, no error kept, not ready. */
  g_timeout_add (300, cancel_cb, board);
  g_assert_false (capture_sync (board, MPY_BOARD_CAPTURE_PLAIN, NULL, &snapshots, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint ((g_get_monotonic_time () - started) / 1000, <, 5000);
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_DISCONNECTED);
  g_assert_null (mpy_board_get_error (board));
  g_assert_null (mpy_board_get_banner (board));
  g_assert_false (mpy_board_get_busy (board));
  g_assert_false (states_contain (states, MPY_BOARD_READY));
}

static void
test_board_busy_and_no_address (void)
{
  g_autoptr(MpyTestBoard) fake_board = fake ("slow");
  g_autoptr(MpyBoard) board = board_for (fake_board, 5000);
  g_autoptr(MpyBoard) nowhere = mpy_board_new (NULL);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  /* One operation at a time: the second is refused at once, the first goes on. */
  mpy_board_capture_async (board, MPY_BOARD_CAPTURE_PLAIN, NULL, store_result, &first);
  g_assert_true (mpy_board_get_busy (board));
  g_assert_cmpint (mpy_board_get_operation (board), ==, MPY_BOARD_OPERATION_CAPTURE);
  g_assert_false (capture_sync (board, MPY_BOARD_CAPTURE_PLAIN, NULL, &snapshots, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_cmpuint (snapshots->len, ==, 0);
  g_assert_true (mpy_board_get_busy (board));
  g_clear_error (&error);
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  g_assert_true (mpy_board_capture_finish (board, wait_result (&first), &snapshots, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (snapshots->len, ==, 1);
  g_assert_false (mpy_board_get_busy (board));

  /* No address: says how to choose one, and nothing is connected. */
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  g_assert_false (capture_sync (nowhere, MPY_BOARD_CAPTURE_PLAIN, NULL, &snapshots, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (mpy_board_get_state (nowhere), ==, MPY_BOARD_DISCONNECTED);
  g_assert_false (mpy_board_get_busy (nowhere));
}

static void
append_output (MpyBoard   *board,
               const char *text,
               GString    *output)
{
  g_string_append (output, text);
}

static void
test_board_exec_streams_output (void)
{
  g_autoptr(MpyTestBoard) fake_board = fake ("normal");
  g_autoptr(MpyBoard) board = board_for (fake_board, 5000);
  g_autoptr(GString) streamed = g_string_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_signal_connect (board, "exec-output", G_CALLBACK (append_output), streamed);
  mpy_board_exec_async (board, "x = 1", NULL, store_result, &result);
  g_assert_cmpint (mpy_board_get_operation (board), ==, MPY_BOARD_OPERATION_EXEC);
  g_assert_true (mpy_board_exec_finish (board, wait_result (&result), &out, &err, &error));
  g_assert_no_error (error);
  /* The fake board answers any statement with its length. */
  g_assert_cmpstr (out, ==, "len=5\r\n");
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (streamed->str, ==, out);
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_READY);
  g_assert_cmpint (mpy_board_get_operation (board), ==, MPY_BOARD_OPERATION_NONE);
}

/* raw-paste off for this board: plain raw mode on a firmware that takes raw-paste; back to
 * auto, raw-paste again. */
static void
test_board_raw_paste_setting (void)
{
  g_autoptr(MpyTestBoard) fake_board = fake ("paste");
  g_autoptr(MpyBoard) board = board_for (fake_board, 5000);

  g_assert_cmpint (mpy_board_get_raw_paste (board), ==, MPY_RAW_PASTE_AUTO);
  mpy_board_set_raw_paste (board, MPY_RAW_PASTE_OFF);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      mpy_board_exec_async (board, "x = 1", NULL, store_result, &result);
      g_assert_true (mpy_board_exec_finish (board, wait_result (&result), &out, &err, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, i == 0 ? "len=5\r\n" : "len=5 pasted\r\n");
      mpy_board_set_raw_paste (board, MPY_RAW_PASTE_AUTO);
    }
}

static void
test_board_new_address_disconnects (void)
{
  g_autoptr(MpyTestBoard) fake_board = fake ("normal");
  g_autoptr(MpyBoard) board = board_for (fake_board, 5000);
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (capture_sync (board, MPY_BOARD_CAPTURE_PLAIN, NULL, &snapshots, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_READY);

  /* Another address is another board: nothing is known of it yet. */
  mpy_board_set_address (board, "/dev/mpymemmap-no-such-port");
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_DISCONNECTED);
  g_assert_null (mpy_board_get_banner (board));
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  g_assert_false (capture_sync (board, MPY_BOARD_CAPTURE_PLAIN, NULL, &snapshots, &error));
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT);
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_FAILED);
  g_assert_true (g_error_matches (mpy_board_get_error (board), MPY_DEVICE_ERROR,
                                  MPY_DEVICE_ERROR_NO_SUCH_PORT));

  /* Back to the board that answers: ready again, the failure forgotten. */
  g_clear_error (&error);
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  mpy_board_set_address (board, fake_board->link);
  g_assert_null (mpy_board_get_error (board));
  g_assert_true (capture_sync (board, MPY_BOARD_CAPTURE_PLAIN, NULL, &snapshots, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mpy_board_get_state (board), ==, MPY_BOARD_READY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("MPY_FAKE_BOARD") == NULL)
    {
      g_test_message ("MPY_FAKE_BOARD is not set: run through meson test");
      return 77;
    }

  g_test_add_func ("/device/board/capture-pair", test_board_capture_pair);
  g_test_add_func ("/device/board/failed-connect-is-not-ready", test_board_failed_connect_is_not_ready);
  g_test_add_func ("/device/board/cancelled-connect-is-not-ready", test_board_cancelled_connect_is_not_ready);
  g_test_add_func ("/device/board/busy-and-no-address", test_board_busy_and_no_address);
  g_test_add_func ("/device/board/exec-streams-output", test_board_exec_streams_output);
  g_test_add_func ("/device/board/new-address-disconnects", test_board_new_address_disconnects);
  g_test_add_func ("/device/board/raw-paste-setting", test_board_raw_paste_setting);

  return g_test_run ();
}

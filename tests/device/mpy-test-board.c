/* mpy-test-board.c — boards for the device tests and benchmarks
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <signal.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "mpy-test-board.h"

#define FIRMWARE "/usr/share/firmware-microbit-micropython/firmware.hex"

static gboolean
wait_for_path (const char  *path,
               GSubprocess *owner,
               guint        timeout_ms,
               GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* the identifier goes NULL once the process has exited */
      if (g_subprocess_get_identifier (owner) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "a helper exited before creating %s",
                       path);
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s did not appear within %u ms",
                       path, timeout_ms);
          return FALSE;
        }
      g_usleep (5000);
    }
  return TRUE;
}

/* Helpers die with the test, even when it crashes. */
static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn (GSubprocessFlags     flags,
       GError             **error,
       const char * const  *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  /* The pty shim is for the test process only: preloaded into node (or, in a sanitizer
   * build, into any helper not built with the sanitizer) it breaks the helper. */
  g_subprocess_launcher_unsetenv (launcher, "LD_PRELOAD");
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

static MpyTestBoard *
board_new (void)
{
  MpyTestBoard *board = g_new0 (MpyTestBoard, 1);

  board->dir = g_dir_make_tmp ("mpy-board-XXXXXX", NULL);
  board->link = g_build_filename (board->dir, "tty", NULL);
  return board;
}

/* socat between the link (a pty) and board->peer. */
static gboolean
start_bridge (MpyTestBoard  *board,
              GError       **error)
{
  g_autofree char *pty = g_strdup_printf ("pty,link=%s,raw,echo=0", board->link);
  g_autofree char *socat = g_find_program_in_path ("socat");

  /* node prints a stack trace to stderr when socat ends it (its tty is gone) */
  board->socat = spawn (board->quiet ? G_SUBPROCESS_FLAGS_STDERR_SILENCE : G_SUBPROCESS_FLAGS_NONE,
                        error, (const char * const[]) { socat, pty, board->peer, NULL });
  return board->socat != NULL && wait_for_path (board->link, board->socat, 10000, error);
}

static void stop_process (GSubprocess *process);

gboolean
mpy_test_board_restart_bridge (MpyTestBoard  *board,
                               GError       **error)
{
  stop_process (board->socat);
  g_clear_object (&board->socat);
  /* socat removes its link on exit; make sure it is gone before the new one appears */
  g_unlink (board->link);
  return start_bridge (board, error);
}

MpyTestBoard *
mpy_test_board_start_qemu (GError **error)
{
  g_autoptr(MpyTestBoard) board = board_new ();
  g_autofree char *sock = g_build_filename (board->dir, "serial.sock", NULL);
  g_autofree char *serial = g_strdup_printf ("unix:%s,server=on,wait=off", sock);
  g_autofree char *qemu = g_find_program_in_path ("qemu-system-arm");
  g_autofree char *socat = g_find_program_in_path ("socat");

  if (qemu == NULL || socat == NULL || !g_file_test (FIRMWARE, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "needs qemu-system-arm, socat and firmware-microbit-micropython");
      return NULL;
    }

  /* QEMU's UART has no line rate: through the relay the board gets its bytes as from a
   * 115200-baud line, so a stall of the emulated CPU on a loaded host cannot make them
   * arrive in one burst that overflows the firmware's receive buffer (uart-relay.c). */
#ifdef MPY_UART_RELAY
  if (g_file_test (MPY_UART_RELAY, G_FILE_TEST_IS_EXECUTABLE))
    board->peer = g_strdup_printf ("exec:%s %s", MPY_UART_RELAY, sock);
  else
#endif
    board->peer = g_strdup_printf ("unix-connect:%s", sock);
  board->qemu = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDIN_PIPE, error,
                       (const char * const[]) { qemu, "-M", "microbit",
                                                "-device", "loader,file=" FIRMWARE,
                                                "-serial", serial, "-nographic",
                                                "-monitor", "none", NULL });
  if (board->qemu == NULL || !wait_for_path (sock, board->qemu, 10000, error))
    return NULL;

  if (!start_bridge (board, error))
    return NULL;

  return g_steal_pointer (&board);
}

char *
mpy_test_board_webassembly_script (const char *package)
{
  const char *dir = g_getenv ("MPY_FIRMWARE_DIR");

  if (dir == NULL)
    return NULL;
  return g_build_filename (dir, package, "micropython.mjs", NULL);
}

MpyTestBoard *
mpy_test_board_start_webassembly (const char  *package,
                                  const char  *heapsize,
                                  GError     **error)
{
  g_autoptr(MpyTestBoard) board = board_new ();
  g_autofree char *script = mpy_test_board_webassembly_script (package);
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *socat = g_find_program_in_path ("socat");

  if (script == NULL || node == NULL || socat == NULL
      || !g_file_test (script, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "needs node, socat and the npm package %s (build-aux/setup.sh installs them; "
                   "MPY_FIRMWARE_DIR=%s)", package, g_getenv ("MPY_FIRMWARE_DIR"));
      return NULL;
    }
  /* the firmware's REPL on the pty socat makes for it; raw, no echo, as a UART */
  board->peer = g_strdup_printf ("exec:%s %s -X heapsize=%s,pty,raw,echo=0", node, script,
                                 heapsize);
  board->quiet = TRUE;
  if (!start_bridge (board, error))
    return NULL;
  return g_steal_pointer (&board);
}

MpyTestBoard *
mpy_test_board_start_fake (const char  *mode,
                           const char  *dump_file,
                           GError     **error)
{
  g_autoptr(MpyTestBoard) board = board_new ();
  const char *program = g_getenv ("MPY_FAKE_BOARD");

  if (program == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "MPY_FAKE_BOARD is not set");
      return NULL;
    }
  board->fake = spawn (G_SUBPROCESS_FLAGS_NONE, error,
                       (const char * const[]) { program, board->link, mode, dump_file, NULL });
  if (board->fake == NULL || !wait_for_path (board->link, board->fake, 5000, error))
    return NULL;
  return g_steal_pointer (&board);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (5 * G_USEC_PER_SEC);
  g_cancellable_cancel (data);
  g_object_unref (data);
  return NULL;
}

/* SIGTERM, then SIGKILL if the helper is still there after 5 s, so a stuck helper (or a lost
 * child-exit notification) never hangs a test. */
static void
stop_process (GSubprocess *process)
{
  g_autoptr(GCancellable) cancellable = NULL;

  if (process == NULL)
    return;
  cancellable = g_cancellable_new ();
  g_subprocess_send_signal (process, SIGTERM);
  g_thread_unref (g_thread_new ("stop-process", cancel_later, g_object_ref (cancellable)));
  if (!g_subprocess_wait (process, cancellable, NULL))
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
    }
}

void
mpy_test_board_stop (MpyTestBoard *board)
{
  if (board == NULL)
    return;
  /* socat first, so it does not report qemu's socket going away */
  stop_process (board->socat);
  stop_process (board->qemu);
  stop_process (board->fake);
  g_clear_object (&board->socat);
  g_clear_object (&board->qemu);
  g_clear_object (&board->fake);
  if (board->dir != NULL)
    {
      g_autofree char *sock = g_build_filename (board->dir, "serial.sock", NULL);

      g_unlink (board->link);
      g_unlink (sock);
      g_rmdir (board->dir);
    }
  g_free (board->link);
  g_free (board->dir);
  g_free (board->peer);
  g_free (board);
}

void
mpy_test_store_result (GObject      *source,
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

GAsyncResult *
mpy_test_wait_result (GAsyncResult **slot,
                      guint          seconds,
                      const char    *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, flag_timed_out, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("no result from the %s within %u s", what, seconds);
  g_source_remove (id);
  return *slot;
}

/* bench-network.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Capture time over each link (the pty itself, socket:// through socat, rfc2217:// through
 * ser2net, ws:// through the WebREPL endpoint) for each firmware (the emulated micro:bit,
 * MicroPython 1.27), side by side, against the raw transfer time of the dump's bytes over
 * the same link: the board printing a string exactly as long as the dump (created
 * beforehand, so only its transfer is timed), through the same raw-REPL exchange: a
 * statement padded to the capture statement's length, so both are written in as many
 * 32-byte chunks.
 * Medians of N rounds (default 20; a quarter of that for the 8 MB heap), the connection
 * held open. Prints a Markdown table.
 * Usage: bench-network [N]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpy-bench.h"
#include "mpy-connection.h"
#include "mpy-raw-repl-quirks.h"
#include "mpy-test-board.h"
#include "mpy-test-peers.h"

#define PASSWORD "bench-pw"

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static MpySnapshot *
capture (MpyConnection  *conn,
         GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_connection_capture_async (conn, MPY_CAPTURE_NONE, NULL, store_result, &result);
  return mpy_connection_capture_finish (conn, wait_result (&result), error);
}

static gboolean
exec (MpyConnection  *conn,
      const char     *code,
      char          **out,
      GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *err = NULL;

  mpy_connection_exec_async (conn, code, NULL, store_result, &result);
  return mpy_connection_exec_finish (conn, wait_result (&result), out, &err, error);
}

static void
close_conn (MpyConnection *conn)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_connection_close_async (conn, NULL, store_result, &result);
  mpy_connection_close_finish (conn, wait_result (&result), NULL);
}

/* Median capture and raw-transfer times in ms over @rounds; FALSE on a failure. */
static gboolean
measure (const char *address,
         guint       rounds,
         double     *capture_ms,
         double     *raw_ms,
         gsize      *dump_bytes,
         GError    **error)
{
  g_autoptr(MpyConnection) conn = mpy_connection_new (address);
  g_autofree double *cap = g_new0 (double, rounds);
  g_autofree double *raw = g_new0 (double, rounds);
  g_autofree char *make = NULL;
  g_autofree char *print = NULL;
  g_autoptr(MpySnapshot) first = NULL;
  gsize len;

  mpy_connection_set_password (conn, PASSWORD);
  /* the link opened and the raw REPL entered before anything is timed */
  first = capture (conn, error);
  if (first == NULL)
    return FALSE;
  len = mpy_snapshot_get_raw_length (first);
  *dump_bytes = len;
  make = g_strdup_printf ("_mpy_bench = 'x' * %" G_GSIZE_FORMAT, len);
  if (!exec (conn, make, NULL, error))
    return FALSE;
  print = g_strdup_printf ("%-*s", (int) strlen (MPY_CAPTURE_STMT_DEFAULT),
                           "print(_mpy_bench, end='')");

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(MpySnapshot) s = NULL;
      g_autofree char *out = NULL;
      gint64 t0 = g_get_monotonic_time ();

      s = capture (conn, error);
      if (s == NULL)
        return FALSE;
      cap[i] = (double) (g_get_monotonic_time () - t0) / 1000.0;

      t0 = g_get_monotonic_time ();
      if (!exec (conn, print, &out, error))
        return FALSE;
      raw[i] = (double) (g_get_monotonic_time () - t0) / 1000.0;
      if (strlen (out) != len)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "raw transfer gave %zu of %zu bytes",
                       strlen (out), len);
          return FALSE;
        }
    }
  exec (conn, "del _mpy_bench", NULL, NULL);
  close_conn (conn);
  *capture_ms = mpy_bench_median (cap, rounds);
  *raw_ms = mpy_bench_median (raw, rounds);
  return TRUE;
}

static void
row (const char *firmware,
     const char *link,
     const char *address,
     guint       rounds)
{
  g_autoptr(GError) error = NULL;
  const char *only = g_getenv ("MPY_BENCH_LINKS");
  g_autofree char *scheme = g_strndup (link, strcspn (link, ": "));
  double capture_ms, raw_ms;
  gsize bytes;

  /* MPY_BENCH_LINKS=rfc2217,ws: only those rows */
  if (only != NULL && strstr (only, scheme) == NULL)
    return;

  if (!measure (address, rounds, &capture_ms, &raw_ms, &bytes, &error))
    {
      printf ("| %s | %s | failed: %s | | | |\n", firmware, link, error->message);
      return;
    }
  printf ("| %s | %s | %" G_GSIZE_FORMAT " B | %.1f ms | %.1f ms | %+.0f %% |\n", firmware, link,
          bytes, capture_ms, raw_ms, 100.0 * (capture_ms - raw_ms) / raw_ms);
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  static const struct {
    const char *name;
    const char *package;
    const char *heapsize;
    const char *fill;     /* run once first: a heap whose dump is long (not abbreviated) */
    guint       rounds;   /* of N */
  } firmwares[] = {
    { "micro:bit 1.9.2 (qemu), 10 KB heap", NULL, NULL, NULL, 1 },
    { "MicroPython 1.27 (webassembly), 256 KB heap", "mpy127", "256k", NULL, 1 },
    { "MicroPython 1.27, 8 MB heap, 120,000 objects", "mpy127", "8m",
      "_mpy_fill = [bytearray(4) for i in range(120000)]", 4 },
  };
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 20;
  guint rounds;

  printf ("| firmware | link | dump | capture | raw transfer of the dump's bytes | difference |\n"
          "|---|---|---|---|---|---|\n");
  for (guint f = 0; f < G_N_ELEMENTS (firmwares); f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MpyTestBoard) board = NULL;
      g_autoptr(MpyTestPeer) socket = NULL;
      g_autoptr(MpyTestPeer) rfc2217 = NULL;
      g_autoptr(MpyTestPeer) webrepl = NULL;

      board = firmwares[f].package == NULL
              ? mpy_test_board_start_qemu (&error)
              : mpy_test_board_start_webassembly (firmwares[f].package, firmwares[f].heapsize,
                                                  &error);
      if (board == NULL)
        {
          printf ("| %s | | board did not start: %s | | | |\n", firmwares[f].name, error->message);
          continue;
        }
      if (firmwares[f].fill != NULL)
        {
          g_autoptr(MpyConnection) conn = mpy_connection_new (board->link);

          if (!exec (conn, firmwares[f].fill, NULL, &error))
            {
              printf ("| %s | | could not fill the heap: %s | | | |\n", firmwares[f].name,
                      error->message);
              continue;
            }
          close_conn (conn);
        }
      rounds = MAX (1, n / firmwares[f].rounds);
      row (firmwares[f].name, "pty (termios)", board->link, rounds);

      socket = mpy_test_peer_start_socket (board->link, &error);
      if (socket != NULL)
        row (firmwares[f].name, "socket:// (socat)", socket->address, rounds);
      else
        printf ("| %s | socket:// | peer did not start: %s | | | |\n", firmwares[f].name,
                error->message);
      g_clear_pointer (&socket, mpy_test_peer_stop);
      g_clear_error (&error);

      rfc2217 = mpy_test_peer_start_rfc2217 (board->link, &error);
      if (rfc2217 != NULL)
        row (firmwares[f].name, "rfc2217:// (ser2net)", rfc2217->address, rounds);
      else
        printf ("| %s | rfc2217:// | peer did not start: %s | | | |\n", firmwares[f].name,
                error->message);
      g_clear_pointer (&rfc2217, mpy_test_peer_stop);
      g_clear_error (&error);

      webrepl = mpy_test_peer_start_webrepl (board->link, PASSWORD, NULL, &error);
      if (webrepl != NULL)
        row (firmwares[f].name, "ws:// (WebREPL endpoint)", webrepl->address, rounds);
      else
        printf ("| %s | ws:// | peer did not start: %s | | | |\n", firmwares[f].name,
                error->message);
    }
  return 0;
}

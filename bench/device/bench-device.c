/* bench-device.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against each real firmware of the device tests, side by side: the emulated micro:bit
 * (MicroPython 1.9.2 in qemu + socat) and MicroPython 1.27 and 1.29 (npm's webassembly port
 * under node, on a pty by socat; MPY_FIRMWARE_DIR names its node_modules):
 *  1. in-app capture latency with the port held open, next to a bare raw-REPL exchange of
 *     the same statement on a plain fd and the wire time of the dump's bytes at 115200 8N1;
 *  2. whole-process `mpymemmap-cli capture` time;
 *  3. N consecutive captures (default 1000) on one connection: failures, RSS before/after;
 *  4. heap left on the board per capture, from consecutive captures' "used" figure, for
 *     captures on one connection and for separate CLI processes.
 * Usage: bench-device [MPYMEMMAP-CLI [N]] (N captures per firmware)
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "mpy-bench.h"
#include "mpy-connection.h"
#include "mpy-raw-repl-quirks.h"
#include "mpy-test-board.h"

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static MpySnapshot *
capture (MpyConnection    *conn,
         MpyCaptureFlags   flags,
         GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_connection_capture_async (conn, flags, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return mpy_connection_capture_finish (conn, result, error);
}

static void
close_conn (MpyConnection *conn)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_connection_close_async (conn, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  mpy_connection_close_finish (conn, result, NULL);
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (p = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return strtol (p + 6, NULL, 10);
}

static guint64
used (MpySnapshot *s)
{
  guint64 v = 0;

  mpy_snapshot_get_figure (s, MPY_FIGURE_GC_USED, &v);
  return v;
}

/* The statement on a bare fd, no library: the floor for a capture on this link. */
static double
raw_exchange_ms (const char *path,
                 const char *statement,
                 gsize      *dump_bytes)
{
  struct termios tio;
  double times[50];
  int fd = open (path, O_RDWR | O_NOCTTY);
  GString *buf = g_string_new (NULL);

  g_assert (fd >= 0);
  tcgetattr (fd, &tio);
  cfmakeraw (&tio);
  tcsetattr (fd, TCSANOW, &tio);

  /* into the raw REPL, import once */
  g_autofree char *framed = g_strconcat (statement, "\x04", NULL);

  for (guint round = 0; round < G_N_ELEMENTS (times) + 2; round++)
    {
      const char *send = round == 0 ? "\r\x03\r\x01" : round == 1 ? "pass\x04" : framed;
      const char *until = round == 0 ? "CTRL-B to exit\r\n>" : "\x04\x04>";
      gint64 t0 = g_get_monotonic_time ();

      g_string_truncate (buf, 0);
      if (write (fd, send, strlen (send)) < 0)
        g_error ("write: %s", g_strerror (errno));
      while (!g_str_has_suffix (buf->str, until))
        {
          char chunk[4096];
          ssize_t n = read (fd, chunk, sizeof chunk);

          if (n <= 0)
            g_error ("read failed");
          g_string_append_len (buf, chunk, n);
        }
      if (round >= 2)
        times[round - 2] = (double) (g_get_monotonic_time () - t0) / 1000.0;
    }
  *dump_bytes = buf->len;
  if (write (fd, "\r\x02", 2) < 0)
    g_error ("write: %s", g_strerror (errno));
  g_usleep (100000);
  tcflush (fd, TCIOFLUSH);
  close (fd);
  g_string_free (buf, TRUE);
  return mpy_bench_median (times, G_N_ELEMENTS (times));
}

static gboolean
cli_capture (const char *cli,
             const char *port,
             double     *seconds,
             guint64    *gc_used)
{
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 t0 = g_get_monotonic_time ();

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, cli, "capture", "--port", port,
                        "--json", NULL);
  if (p == NULL || !g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, &error))
    return FALSE;
  *seconds = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  if (g_subprocess_get_exit_status (p) != 0 || !json_parser_load_from_data (parser, out, -1, NULL))
    return FALSE;
  *gc_used = (guint64) json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                                   "gc_used");
  return TRUE;
}

/* One line of the summary table at the end. */
typedef struct
{
  const char *name;
  double      capture_ms;
  double      raw_ms;
  double      cli_ms;
  double      left;
  double      cli_left;
} Figures;

static void
bench_board (const char   *name,
             MpyTestBoard *board,
             const char   *cli,
             guint         n_captures,
             Figures      *fig)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *statement = NULL;
  gsize dump_bytes = 0;
  double raw_ms, wire_ms;

  fig->name = name;
  printf ("== %s\n", name);
  /* Let it boot and make the first contact, then measure. */
  {
    g_autoptr(MpyConnection) conn = mpy_connection_new (board->link);
    g_autoptr(MpySnapshot) s = capture (conn, MPY_CAPTURE_NONE, &error);

    if (s == NULL)
      g_error ("first capture: %s", error->message);
    statement = g_strdup (mpy_firmware_quirks_lookup (mpy_snapshot_get_banner (s))->capture_stmt);
    printf ("banner: %s\ncapture statement: %s\n", mpy_snapshot_get_banner (s), statement);
    close_conn (conn);
  }

  raw_ms = raw_exchange_ms (board->link, statement, &dump_bytes);
  fig->raw_ms = raw_ms;
  wire_ms = (double) dump_bytes * 10.0 * 1000.0 / 115200.0;
  printf ("dump reply: %zu bytes; wire time at 115200 8N1: %.1f ms\n", dump_bytes, wire_ms);
  printf ("bare raw-REPL exchange on a plain fd (median of 50): %.2f ms\n", raw_ms);

  /* 1 + 3 + 4: one connection, port held open */
  {
    g_autoptr(MpyConnection) conn = mpy_connection_new (board->link);
    g_autoptr(MpySnapshot) first = NULL;
    g_autoptr(GArray) deltas = g_array_new (FALSE, FALSE, sizeof (double));
    double *times = g_new (double, n_captures);
    guint failures = 0, damaged = 0, collections = 0;
    guint64 prev_used = 0;
    long rss_before, rss_after;
    gint64 t0;

    first = capture (conn, MPY_CAPTURE_GC, &error);
    if (first == NULL)
      g_error ("capture: %s", error->message);
    prev_used = used (first);
    /* warm up: the first captures import micropython and grow our own buffers */
    for (guint i = 0; i < 10; i++)
      {
        g_autoptr(MpySnapshot) s = capture (conn, MPY_CAPTURE_NONE, NULL);

        if (s != NULL)
          prev_used = used (s);
      }
    rss_before = rss_kib ();

    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < n_captures; i++)
      {
        g_autoptr(GError) e = NULL;
        gint64 t = g_get_monotonic_time ();
        g_autoptr(MpySnapshot) s = capture (conn, MPY_CAPTURE_NONE, &e);

        times[i] = (double) (g_get_monotonic_time () - t) / 1000.0;
        if (s == NULL)
          {
            failures++;
            fprintf (stderr, "capture %u failed: %s\n", i, e->message);
            continue;
          }
        if (mpy_snapshot_is_damaged (s))
          damaged++;
        if (used (s) >= prev_used)
          {
            double d = (double) (used (s) - prev_used);

            g_array_append_val (deltas, d);
          }
        else
          collections++;  /* the board collected its garbage on its own */
        prev_used = used (s);
      }
    rss_after = rss_kib ();

    {
      g_autoptr(MpySnapshot) last = capture (conn, MPY_CAPTURE_GC, &error);

      if (last == NULL)
        g_error ("capture: %s", error->message);
      printf ("board heap after gc.collect(): %" G_GUINT64_FORMAT " B used before the run, %"
              G_GUINT64_FORMAT " B after it\n", used (first), used (last));
    }

    {
      double total_s = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
      double med = mpy_bench_median (times, n_captures);

      printf ("in-app capture, port held open (median of %u): %.2f ms (min %.2f, max %.2f); "
              "%.1f s in all\n", n_captures, med, times[0], times[n_captures - 1], total_s);
      fig->capture_ms = med;
    }
    printf ("%u consecutive captures: %u failures, %u damaged; RSS %ld KiB before, %ld KiB after\n",
            n_captures, failures, damaged, rss_before, rss_after);
    fig->left = deltas->len ? mpy_bench_median ((double *) (void *) deltas->data, deltas->len)
                            : -1.0;
    printf ("heap left on the board per capture, one connection: median %.0f B over %u pairs "
            "(the board collected garbage by itself %u times)\n", fig->left, deltas->len,
            collections);
    g_free (times);
    close_conn (conn);
  }

  /* 2 + 4: whole processes */
  if (cli != NULL)
    {
      double times[30];
      g_autoptr(GArray) deltas = g_array_new (FALSE, FALSE, sizeof (double));
      guint64 prev = 0;
      guint ok = 0;

      for (guint i = 0; i < G_N_ELEMENTS (times) + 1; i++)
        {
          double s;
          guint64 u;

          if (!cli_capture (cli, board->link, &s, &u))
            {
              fprintf (stderr, "mpymemmap-cli capture failed\n");
              continue;
            }
          if (i > 0)
            {
              times[ok++] = s;
              if (u >= prev)
                {
                  double d = (double) (u - prev);

                  g_array_append_val (deltas, d);
                }
            }
          prev = u;
        }
      if (ok > 0)
        {
          double med = mpy_bench_median (times, ok);

          printf ("whole-process `mpymemmap-cli capture --json` (median of %u): %.1f ms "
                  "(min %.1f, max %.1f)\n", ok, med * 1000, times[0] * 1000, times[ok - 1] * 1000);
          fig->cli_ms = med * 1000;
        }
      fig->cli_left = deltas->len ? mpy_bench_median ((double *) (void *) deltas->data, deltas->len)
                                  : -1.0;
      printf ("heap left on the board per CLI capture (new connection each): median %.0f B\n",
              fig->cli_left);
    }
}

int
main (int argc, char **argv)
{
  const char *cli = argc > 1 ? argv[1] : NULL;
  guint n_captures = argc > 2 ? (guint) atoi (argv[2]) : 1000;
  static const char *packages[] = { "mpy127", "mpy129" };
  Figures figs[3] = { 0 };
  guint n = 0;

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MpyTestBoard) board = mpy_test_board_start_qemu (&error);

    if (board == NULL)
      g_error ("cannot start the emulated micro:bit: %s", error->message);
    bench_board ("micro:bit, MicroPython 1.9.2 (qemu)", board, cli, n_captures, &figs[n++]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (packages); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MpyTestBoard) board = mpy_test_board_start_webassembly (packages[i], "256k", &error);
      g_autofree char *name = NULL;

      if (board == NULL)
        g_error ("cannot start %s: %s", packages[i], error->message);
      name = g_strdup_printf ("MicroPython %s (webassembly, node)",
                              i == 0 ? "1.27.0" : "1.29.0-6");
      bench_board (g_intern_string (name), board, cli, n_captures, &figs[n++]);
    }

  printf ("\n| firmware | in-app capture (median) | bare exchange | CLI capture | heap left per "
          "capture (one connection / CLI) |\n|---|---|---|---|---|\n");
  for (guint i = 0; i < n; i++)
    printf ("| %s | %.1f ms | %.1f ms | %.0f ms | %.0f B / %.0f B |\n", figs[i].name,
            figs[i].capture_ms, figs[i].raw_ms, figs[i].cli_ms, figs[i].left, figs[i].cli_left);
  return 0;
}

/* bench-long-log.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Long sessions: a console log of 10,000 dumps of an 8,128-block heap, each a little different
 * from the one before (a line the program printed between them), read by the CLI in a child
 * process (`stats --json`, `timeline --csv`, and `stats LOG:9999`, which reads every dump and
 * prints one: the reading's own peak): wall time and the child's peak resident size
 * (getrusage through wait4); the same for a log whose program is idle between nine dumps of
 * ten (equal consecutive dumps share their map and text). Read + stats of one 1,048,576-block dump in-process. Beside each,
 * the notebook's parse (micropython-magic's MemoryInfo.parse: the same regular expressions)
 * in python3 on the same text, when python3 is there.
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mpy-bench.h"
#include "mpy-dump-reader.h"
#include "mpy-stats.h"

#define N_DUMPS   10000
#define N_BLOCKS  8128
#define ROUNDS    5
#define ROUNDS_1M 41

/* Thread CPU time: on a shared machine it shows the code's own cost. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* @every: the map changes before every @every-th dump (1: each differs from the one before;
 * 10: the program idle between nine dumps of ten). */
static char *
build_log (guint  every,
           gsize *length)
{
  GString *out = g_string_sized_new ((gsize) N_DUMPS * 8800);
  guint8 map[N_BLOCKS];
  static const char kinds[] = "h=TLDSAB..";
  guint32 seed = 1;

  for (guint b = 0; b < N_BLOCKS; b++)
    map[b] = b % 3 == 0 ? '.' : b % 3 == 1 ? 'h' : '=';
  for (guint d = 0; d < N_DUMPS; d++)
    {
      gsize used = 0;
      guint one = 0, two = 0, max_blk = 0, max_free = 0;

      for (guint k = 0; k < (d % every == 0 ? 20 : 0); k++)
        {
          seed = seed * 1103515245u + 12345u;
          map[(seed >> 8) % N_BLOCKS] = kinds[(seed >> 4) % (sizeof kinds - 1)];
        }
      /* the header's figures agree with the map, as a real board's do (a dump that
       * disagrees is read as damaged, which is not the case measured) */
      for (guint b = 0; b < N_BLOCKS;)
        {
          guint e = b + 1;

          if (map[b] == '.')
            {
              while (e < N_BLOCKS && map[e] == '.')
                e++;
              max_free = MAX (max_free, e - b);
            }
          else
            {
              while (e < N_BLOCKS && map[e] == '=')
                e++;
              used += e - b;
              one += e - b == 1;
              two += e - b == 2;
              max_blk = MAX (max_blk, e - b);
            }
          b = e;
        }
      g_string_append_printf (out, "step %u done\n", d);
      g_string_append_printf (out, "stack: 928 out of 80000\nGC: total: %u, used: %zu, free: %zu\n"
                              " No. of 1-blocks: %u, 2-blocks: %u, max blk sz: %u, max free sz: %u\n"
                              "GC memory layout; from 20000000:\n",
                              N_BLOCKS * 16, used * 16, (N_BLOCKS - used) * 16,
                              one, two, max_blk, max_free);
      for (guint l = 0; l < N_BLOCKS; l += 64)
        {
          g_string_append_printf (out, "%05x: ", l * 16);
          g_string_append_len (out, (const char *) map + l, MIN (64, N_BLOCKS - l));
          g_string_append_c (out, '\n');
        }
    }
  *length = out->len;
  return g_string_free (out, FALSE);
}

/* Runs argv with stdout to /dev/null; wall time and CPU time (user + system) in ms, the
 * child's peak RSS in MB. */
static gboolean
run_child (char   **argv,
           double  *wall_ms,
           double  *cpu_ms,
           double  *rss_mb)
{
  struct rusage ru;
  gint64 t0 = g_get_monotonic_time ();
  int status = 0;
  pid_t pid;

  fflush (stdout);   /* or the child would write out what the parent has buffered */
  pid = fork ();

  if (pid < 0)
    return FALSE;
  if (pid == 0)
    {
      int null = open ("/dev/null", O_WRONLY);

      dup2 (null, STDOUT_FILENO);
      execvp (argv[0], argv);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &ru) != pid)
    return FALSE;
  *wall_ms = (g_get_monotonic_time () - t0) / 1000.0;
  *cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0
            + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
  *rss_mb = ru.ru_maxrss / 1024.0;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static void
measure (const char *what,
         char      **argv,
         guint       rounds)
{
  double wall[ROUNDS], cpu[ROUNDS], rss[ROUNDS], least = G_MAXDOUBLE;

  for (guint r = 0; r < rounds; r++)
    if (!run_child (argv, &wall[r], &cpu[r], &rss[r]))
      {
        printf ("%-44s failed (%s)\n", what, argv[0]);
        return;
      }
    else
      least = MIN (least, wall[r]);
  printf ("%-44s median %.3f s (min %.3f s), CPU %.3f s, peak RSS %.1f MB\n", what,
          mpy_bench_median (wall, rounds) / 1000.0, least / 1000.0,
          mpy_bench_median (cpu, rounds) / 1000.0, mpy_bench_median (rss, rounds));
}

int
main (int   argc,
      char *argv[])
{
  const char *cli = argc > 1 ? argv[1] : "mpymemmap-cli";
  const char *fixtures = argc > 2 ? argv[2] : "tests/fixtures";
  const char *notebook = argc > 3 ? argv[3] : "bench/core/notebook-parse.py";
  g_autofree char *dir = g_dir_make_tmp ("mpy-bench-long-XXXXXX", NULL);
  g_autofree char *log_path = g_build_filename (dir, "long.log", NULL);
  g_autofree char *dump_path = g_build_filename (dir, "big.txt", NULL);
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *dump = mpy_bench_build_dump (fixtures, "qemu-mps2-an385-after-alloc.txt");
  gsize dump_len = strlen (dump);
  gsize length;
  g_autofree char *text = build_log (1, &length);
  double t_read[ROUNDS_1M], c_read[ROUNDS_1M];
  MpyStats st;

  g_assert (dir != NULL);
  if (!g_file_set_contents (log_path, text, length, NULL) ||
      !g_file_set_contents (dump_path, dump, dump_len, NULL))
    g_error ("cannot write the benchmark files in %s", dir);
  g_clear_pointer (&text, g_free);

  printf ("long-log benchmark: %d dumps of %d blocks, %.1f MB of console log, %d rounds\n",
          N_DUMPS, N_BLOCKS, length / 1e6, ROUNDS);
  {
    char *a_stats[] = { (char *) cli, "stats", "--json", log_path, NULL };
    char *a_timeline[] = { (char *) cli, "timeline", "--csv", log_path, NULL };
    g_autofree char *last = g_strdup_printf ("%s:%d", log_path, N_DUMPS - 1);
    char *a_read[] = { (char *) cli, "stats", last, NULL };

    measure ("mpymemmap-cli stats --json (goal 0.35 s, 64 MB)", a_stats, ROUNDS);
    measure ("mpymemmap-cli timeline --csv", a_timeline, ROUNDS);
    /* Every dump is read, one printed: the peak is the reading's (the file is read in
     * pieces, so it is the snapshots'). */
    measure ("mpymemmap-cli stats LOG:9999 (reading alone)", a_read, ROUNDS);
  }
  if (python != NULL)
    {
      char *a_py[] = { python, (char *) notebook, "log", log_path, NULL };

      measure ("notebook's parse (python3), whole log", a_py, 3);
    }

  /* The same length of log from a program idle between nine dumps of ten: consecutive equal
   * dumps share their map and text. */
  text = build_log (10, &length);
  if (!g_file_set_contents (log_path, text, length, NULL))
    g_error ("cannot write the benchmark files in %s", dir);
  g_clear_pointer (&text, g_free);
  {
    char *a_stats[] = { (char *) cli, "stats", "--json", log_path, NULL };

    measure ("the same, idle 9 dumps of 10: stats --json", a_stats, ROUNDS);
  }

  for (guint r = 0; r < ROUNDS_1M; r++)
    {
      double c0 = thread_cpu_ms ();
      gint64 t0 = g_get_monotonic_time ();
      MpySnapshot *s = mpy_dump_reader_read_one (dump, dump_len, NULL);

      mpy_stats_compute (s, &st);
      t_read[r] = (g_get_monotonic_time () - t0) / 1000.0;
      c_read[r] = thread_cpu_ms () - c0;
      mpy_snapshot_unref (s);
    }
  printf ("read + stats of a %d-block dump in-process: median %.2f ms, CPU %.2f ms (goal 1.2 ms)\n",
          MPY_BENCH_N_BLOCKS, mpy_bench_median (t_read, ROUNDS_1M),
          mpy_bench_median (c_read, ROUNDS_1M));
  if (python != NULL)
    {
      g_autofree char *out = NULL;
      char *a_py[] = { python, (char *) notebook, "one", dump_path, NULL };

      if (g_spawn_sync (NULL, a_py, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, NULL, NULL))
        printf ("notebook's parse (python3) of the same dump: %s", out);
    }

  g_unlink (log_path);
  g_unlink (dump_path);
  g_rmdir (dir);
  return 0;
}

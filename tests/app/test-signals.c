/* test-signals.c — the real app ended by a signal leaves no lock that looks alive
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The built mpymemmap runs as its own process (under the suite's Xvfb) with its own journal
 * folder, and gets SIGTERM, SIGINT or SIGKILL. A journal lock is an flock(), which the
 * kernel releases with the process, so even SIGKILL leaves no lock held; on SIGTERM and
 * SIGINT the app ends as a quit does, so a run with nothing unsaved leaves no lock file
 * behind either, and a run with unsaved snapshots leaves its journal for the next start.
 */

#include <signal.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mpy-journal-lock.h"
#include "mpy-test-dirs.h"

static char *app_path;

typedef struct {
  char        *root;        /* the XDG folders of this run */
  char        *journal_dir;
  GSubprocess *process;
} App;

static gboolean
find_in_dir (const char *dir,
             const char *suffix,
             gboolean    nonempty)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "autosave") && g_str_has_suffix (name, suffix))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        GStatBuf st;

        if (!nonempty || (g_stat (path, &st) == 0 && st.st_size > 0))
          return TRUE;
      }
  return FALSE;
}

/* Polls @dir until a file ending in @suffix is there: bounded generously (a loaded CI
 * machine starts GTK slowly), never a fixed sleep. */
static void
wait_for_file (const char *dir,
               const char *suffix,
               gboolean    nonempty)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!find_in_dir (dir, suffix, nonempty))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("no autosave*%s in %s after 60 s", suffix, dir);
      g_usleep (20 * 1000);
    }
}

static void
app_start (App        *app,
           const char *file)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                           G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  const char *dirs[] = { "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME" };

  app->root = mpy_test_make_dir ("mpy-signals");
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = g_build_filename (app->root, dirs[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_subprocess_launcher_setenv (launcher, dirs[i], dir, TRUE);
    }
  app->journal_dir = g_build_filename (app->root, "XDG_STATE_HOME", "mpymemmap", NULL);
  /* No session bus: this process is the primary instance, whatever else runs. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "disabled:", TRUE);
  app->process = g_subprocess_launcher_spawn (launcher, &error, app_path, file, NULL);
  g_assert_no_error (error);
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

/* Waits (bounded) for the app to end; returns its wait status. */
static int
app_wait (App *app)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gboolean done = FALSE;

  g_subprocess_wait_async (app->process, NULL, waited_cb, &done);
  while (!done)
    {
      if (g_main_context_iteration (NULL, FALSE))
        continue;
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_force_exit (app->process);
          g_error ("the app did not end within 60 s of the signal");
        }
      g_usleep (20 * 1000);
    }
  return g_subprocess_get_status (app->process);
}

static void
app_clear (App *app)
{
  mpy_test_remove_tree (app->root);
  g_clear_pointer (&app->root, g_free);
  g_clear_pointer (&app->journal_dir, g_free);
  g_clear_object (&app->process);
}

/* Nothing unsaved: SIGTERM (or SIGINT) ends the app with status 0, and neither the journal
 * nor its lock file stays behind. */
static void
test_signal_clean_exit (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  App app = { 0 };
  int status;

  app_start (&app, NULL);
  wait_for_file (app.journal_dir, ".mpysession.lock", FALSE);
  g_subprocess_send_signal (app.process, signum);
  status = app_wait (&app);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("after signal %d the app ended with wait status 0x%x, not exit status 0", signum, status);
  g_assert_false (find_in_dir (app.journal_dir, ".mpysession.lock", FALSE));
  g_assert_false (find_in_dir (app.journal_dir, ".mpysession", FALSE));
  app_clear (&app);
}

/* Unsaved snapshots (a console log imported): after SIGTERM the journal stays and its lock
 * is free, so the next start offers it back instead of taking it for a live run's. */
static void
test_signal_keeps_unsaved_journal (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  g_autofree char *log = g_test_build_filename (G_TEST_DIST, "fixtures", "qemu-mps2-an385-capture-log.txt", NULL);
  g_autoptr(GPtrArray) claims = NULL;
  App app = { 0 };
  int status;

  app_start (&app, log);
  wait_for_file (app.journal_dir, ".mpysession", TRUE);
  g_subprocess_send_signal (app.process, signum);
  status = app_wait (&app);
  if (signum == SIGKILL)
    g_assert_true (WIFSIGNALED (status));
  else if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("after signal %d the app ended with wait status 0x%x, not exit status 0", signum, status);

  /* The next start's view: one journal of a run that ended, its lock ours for the taking. */
  claims = mpy_journal_lock_claim_orphans (app.journal_dir);
  g_assert_cmpuint (claims->len, ==, 1);
  g_clear_pointer (&claims, g_ptr_array_unref);
  app_clear (&app);
}

int
main (int    argc,
      char **argv)
{
  /* meson passes the built app as the last argument. */
  for (int i = 1; i < argc; i++)
    if (g_str_has_suffix (argv[i], "/mpymemmap"))
      {
        app_path = g_canonicalize_filename (argv[i], NULL);
        for (int j = i; j < argc - 1; j++)
          argv[j] = argv[j + 1];
        argc--;
        break;
      }

  g_test_init (&argc, &argv, NULL);
  if (app_path == NULL || !g_file_test (app_path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("give the path of the built mpymemmap as an argument");

  g_test_add_data_func ("/app/signals/sigterm-ends-cleanly", GINT_TO_POINTER (SIGTERM), test_signal_clean_exit);
  g_test_add_data_func ("/app/signals/sigint-ends-cleanly", GINT_TO_POINTER (SIGINT), test_signal_clean_exit);
  g_test_add_data_func ("/app/signals/sigterm-keeps-unsaved-journal", GINT_TO_POINTER (SIGTERM),
                        test_signal_keeps_unsaved_journal);
  g_test_add_data_func ("/app/signals/sigkill-leaves-no-held-lock", GINT_TO_POINTER (SIGKILL),
                        test_signal_keeps_unsaved_journal);

  return g_test_run ();
}

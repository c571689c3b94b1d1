/* test-install.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `meson install --destdir` of the configured build, then what a desktop does with the
 * result: the files are where the desktop looks, the session MIME type is recognised by name
 * and by content, double-clicking a session picks our desktop file, the installed programs
 * start from the destdir.
 *
 * Environment (set by tests/data/meson.build): MPY_BUILD_ROOT, MPY_MESON, MPY_PREFIX,
 * MPY_BINDIR, MPY_DATADIR, MPY_LOCALEDIR (the last three relative to the prefix or absolute).
 */

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>

#include <gio/gio.h>
#include <gio/gdesktopappinfo.h>
#include <glib/gstdio.h>
#include "mpy-test-dirs.h"

#define APP_ID "com.example.MpyMemMap"
#define SESSION_TYPE "application/x-mpymemmap-session"

static char *tmp_dir;
static char *destdir;
static char *root;      /* destdir + prefix */
static char *bindir;
static char *datadir;
static char *localedir;

static char *
under_prefix (const char *dir)
{
  if (g_path_is_absolute (dir))
    return g_build_filename (destdir, dir, NULL);
  return g_build_filename (root, dir, NULL);
}

static gboolean
run (const char * const  *argv,
     char               **out,
     GError             **error)
{
  g_autoptr(GSubprocess) p = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (p == NULL)
    return FALSE;
  if (!g_subprocess_communicate_utf8 (p, NULL, NULL, &stdout_text, &stderr_text, error))
    return FALSE;
  if (!g_subprocess_get_successful (p))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s%s", argv[0],
                   stdout_text, stderr_text);
      return FALSE;
    }
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  return TRUE;
}

/* Installs once, for all tests. */
static void
ensure_installed (void)
{
  static gboolean done = FALSE;
  g_autoptr(GError) error = NULL;
  const char *argv[] = {
    g_getenv ("MPY_MESON"), "install", "-C", g_getenv ("MPY_BUILD_ROOT"),
    "--destdir", destdir, "--no-rebuild", "--quiet", NULL
  };

  if (done)
    return;
  g_assert_nonnull (argv[0]);
  g_assert_nonnull (argv[3]);
  run (argv, NULL, &error);
  g_assert_no_error (error);
  done = TRUE;
}

static void
assert_installed (const char *dir,
                  const char *relative)
{
  g_autofree char *path = g_build_filename (dir, relative, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_error ("not installed: %s", path);
}

static gboolean
built (const char *relative)
{
  g_autofree char *path = g_build_filename (g_getenv ("MPY_BUILD_ROOT"), relative, NULL);

  return g_file_test (path, G_FILE_TEST_IS_EXECUTABLE);
}

static void
test_files (void)
{
  g_autofree char *desktop_path = NULL;
  g_autofree char *desktop = NULL;

  ensure_installed ();

  assert_installed (datadir, "applications/" APP_ID ".desktop");
  assert_installed (datadir, "metainfo/" APP_ID ".metainfo.xml");
  assert_installed (datadir, "icons/hicolor/scalable/apps/" APP_ID ".svg");
  assert_installed (datadir, "icons/hicolor/symbolic/apps/" APP_ID "-symbolic.svg");
  assert_installed (datadir, "glib-2.0/schemas/" APP_ID ".gschema.xml");
  assert_installed (datadir, "mime/packages/" APP_ID ".xml");
  assert_installed (localedir, "de/LC_MESSAGES/mpymemmap.mo");

  if (built ("src/cli/mpymemmap-cli"))
    assert_installed (bindir, "mpymemmap-cli");
  if (built ("src/app/mpymemmap"))
    assert_installed (bindir, "mpymemmap");

  /* The translations are merged into the installed desktop file. */
  desktop_path = g_build_filename (datadir, "applications", APP_ID ".desktop", NULL);
  g_file_get_contents (desktop_path, &desktop, NULL, NULL);
  g_assert_nonnull (desktop);
  g_assert_nonnull (strstr (desktop, "\nComment[de]="));
  g_assert_nonnull (strstr (desktop, "\nMimeType=" SESSION_TYPE ";" SESSION_TYPE "-gzip;"));
}

static void
test_cli_help (void)
{
  g_autofree char *cli = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  ensure_installed ();
  cli = g_build_filename (bindir, "mpymemmap-cli", NULL);
  if (!g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("mpymemmap-cli is not built in this configuration");
      return;
    }

  {
    const char *argv[] = { cli, "--help", NULL };

    run (argv, &out, &error);
  }
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "mpymemmap-cli"));
  g_assert_nonnull (strstr (out, "stats"));
  g_assert_nonnull (strstr (out, "render"));
}

static void
test_mime_type (void)
{
  g_autofree char *mime_dir = NULL;
  g_autofree char *type = NULL;
  g_autoptr(GError) error = NULL;
  const char *session = "# MpyMemMap session 1\n@snapshot bytes=0 label=x\n\n";
  gboolean uncertain = TRUE;

  ensure_installed ();
  mime_dir = g_build_filename (datadir, "mime", NULL);
  {
    const char *argv[] = { "update-mime-database", mime_dir, NULL };

    run (argv, NULL, &error);
    g_assert_no_error (error);
  }

  /* By name, by content (no extension), and as text that any editor opens. */
  type = g_content_type_guess ("board.mpysession", NULL, 0, &uncertain);
  g_assert_cmpstr (type, ==, SESSION_TYPE);
  g_clear_pointer (&type, g_free);

  type = g_content_type_guess ("saved-yesterday", (const guchar *) session, strlen (session), &uncertain);
  g_assert_cmpstr (type, ==, SESSION_TYPE);
  g_assert_true (g_content_type_is_a (type, "text/plain"));
  g_clear_pointer (&type, g_free);

  /* A compressed session by its name (double-click opens it in MpyMemMap too). */
  type = g_content_type_guess ("watch.mpysession.gz", NULL, 0, &uncertain);
  g_assert_cmpstr (type, ==, SESSION_TYPE "-gzip");
  g_clear_pointer (&type, g_free);

  /* A console log is not a session. */
  type = g_content_type_guess ("picocom", (const guchar *) "stack: 528 out of 1800\r\n", 24, &uncertain);
  g_assert_cmpstr (type, !=, SESSION_TYPE);
}

static void
test_desktop_association (void)
{
  g_autofree char *apps_dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDesktopAppInfo) info = NULL;
  g_autoptr(GAppInfo) handler = NULL;
  g_autofree char *icon_path = NULL;
  GIcon *icon;

  ensure_installed ();
  if (!built ("src/app/mpymemmap"))
    {
      g_test_skip ("mpymemmap (the window) is not built in this configuration");
      return;
    }

  apps_dir = g_build_filename (datadir, "applications", NULL);
  {
    const char *argv[] = { "update-desktop-database", apps_dir, NULL };

    run (argv, NULL, &error);
    g_assert_no_error (error);
  }

  /* The application menu finds it (TryExec resolves in the destdir's bin). */
  info = g_desktop_app_info_new (APP_ID ".desktop");
  g_assert_nonnull (info);
  g_assert_cmpstr (g_app_info_get_name (G_APP_INFO (info)), ==, "MpyMemMap");
  g_assert_true (g_app_info_should_show (G_APP_INFO (info)));
  g_assert_true (g_app_info_supports_files (G_APP_INFO (info)));

  /* Its icon is installed under that name. */
  icon = g_app_info_get_icon (G_APP_INFO (info));
  g_assert_true (G_IS_THEMED_ICON (icon));
  g_assert_cmpstr (g_themed_icon_get_names (G_THEMED_ICON (icon))[0], ==, APP_ID);
  icon_path = g_build_filename (datadir, "icons", "hicolor", "scalable", "apps", APP_ID ".svg", NULL);
  g_assert_true (g_file_test (icon_path, G_FILE_TEST_IS_REGULAR));

  /* Double-clicking a session opens it with us. */
  handler = g_app_info_get_default_for_type (SESSION_TYPE, FALSE);
  g_assert_nonnull (handler);
  g_assert_cmpstr (g_app_info_get_id (handler), ==, APP_ID ".desktop");
}

static gboolean
on_timeout (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  g_main_loop_quit (data);
}

static void
test_app_starts (void)
{
  g_autofree char *app = NULL;
  g_autofree char *schema_dir = NULL;
  g_autofree char *data_dirs = NULL;
  g_autofree char *home = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *log = NULL;

  ensure_installed ();
  app = g_build_filename (bindir, "mpymemmap", NULL);
  if (!g_file_test (app, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("mpymemmap (the window) is not built in this configuration");
      return;
    }
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("no display (run under xvfb-run)");
      return;
    }

  /* Compile the installed schema as the post-install step would outside a destdir. */
  schema_dir = g_build_filename (datadir, "glib-2.0", "schemas", NULL);
  {
    const char *argv[] = { "glib-compile-schemas", "--strict", schema_dir, NULL };

    run (argv, NULL, &error);
    g_assert_no_error (error);
  }

  home = g_build_filename (tmp_dir, "home", NULL);
  g_mkdir_with_parents (home, 0700);
  log_path = g_build_filename (tmp_dir, "app.log", NULL);
  data_dirs = g_strdup_printf ("%s:/usr/local/share:/usr/share", datadir);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", data_dirs, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", home, TRUE);
  /* No session bus: another running instance must not take over this one. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDERR_MERGE);

  p = g_subprocess_launcher_spawn (launcher, &error, app, NULL);
  g_assert_no_error (error);

  loop = g_main_loop_new (NULL, FALSE);
  g_subprocess_wait_async (p, NULL, on_exited, loop);
  g_timeout_add_seconds (2, on_timeout, loop);
  g_main_loop_run (loop);

  g_file_get_contents (log_path, &log, NULL, NULL);
  g_test_message ("mpymemmap output: %s", log != NULL ? log : "");
  if (g_subprocess_get_identifier (p) == NULL)
    g_error ("the installed mpymemmap exited within 2 s (status %d): %s",
             g_subprocess_get_status (p), log != NULL ? log : "");

  g_subprocess_send_signal (p, SIGTERM);
  g_main_loop_run (loop);
}

typedef struct {
  GMainLoop *loop;
  gboolean exited;
  int status;
} Child;

static void
got_pid (GDesktopAppInfo *info,
         GPid             pid,
         gpointer         user_data)
{
  *(GPid *) user_data = pid;
}

static void
child_exited (GPid     pid,
              int      status,
              gpointer user_data)
{
  Child *child = user_data;

  child->exited = TRUE;
  child->status = status;
  g_spawn_close_pid (pid);
  g_main_loop_quit (child->loop);
}

static void
test_open_from_desktop_file (void)
{
  /* What a double-click on a saved session does: the desktop file's Exec line (%F) starts
   * the installed app with the file, and the app stays up showing it. */
  g_autofree char *app = NULL;
  g_autofree char *schema_dir = NULL;
  g_autofree char *home = NULL;
  g_autofree char *fixture = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *session_path = NULL;
  g_autofree char *session = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GDesktopAppInfo) info = NULL;
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  GList *uris = NULL;
  GPid pid = 0;
  Child child = { 0 };
  gsize dump_length = 0;
  int log_fd;

  ensure_installed ();
  app = g_build_filename (bindir, "mpymemmap", NULL);
  if (!g_file_test (app, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("mpymemmap (the window) is not built in this configuration");
      return;
    }
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("no display (run under xvfb-run)");
      return;
    }

  schema_dir = g_build_filename (datadir, "glib-2.0", "schemas", NULL);
  {
    const char *argv[] = { "glib-compile-schemas", "--strict", schema_dir, NULL };

    run (argv, NULL, &error);
    g_assert_no_error (error);
  }

  /* A session file with one real dump. */
  fixture = g_test_build_filename (G_TEST_DIST, "..", "fixtures", "unix-heap256k-after-alloc.txt", NULL);
  g_file_get_contents (fixture, &dump, &dump_length, &error);
  g_assert_no_error (error);
  session = g_strdup_printf ("# MpyMemMap session 1\n@snapshot bytes=%zu label=Opened by double-click\n%s\n",
                             dump_length, dump);
  session_path = g_build_filename (tmp_dir, "double-click.mpysession", NULL);
  g_file_set_contents (session_path, session, -1, &error);
  g_assert_no_error (error);

  home = g_build_filename (tmp_dir, "home-desktop", NULL);
  g_mkdir_with_parents (home, 0700);
  log_path = g_build_filename (tmp_dir, "app-desktop.log", NULL);
  log_fd = g_open (log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (log_fd, >=, 0);

  info = g_desktop_app_info_new (APP_ID ".desktop");
  g_assert_nonnull (info);
  context = g_app_launch_context_new ();
  g_app_launch_context_setenv (context, "GSETTINGS_SCHEMA_DIR", schema_dir);
  g_app_launch_context_setenv (context, "GSETTINGS_BACKEND", "memory");
  g_app_launch_context_setenv (context, "GTK_A11Y", "none");
  g_app_launch_context_setenv (context, "HOME", home);
  g_app_launch_context_setenv (context, "XDG_CONFIG_HOME", home);
  g_app_launch_context_setenv (context, "XDG_STATE_HOME", home);
  g_app_launch_context_setenv (context, "XDG_CACHE_HOME", home);
  g_app_launch_context_setenv (context, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent");

  uris = g_list_append (uris, g_filename_to_uri (session_path, NULL, NULL));
  g_desktop_app_info_launch_uris_as_manager_with_fds (info, uris, context,
                                                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                                      NULL, NULL, got_pid, &pid,
                                                      -1, log_fd, log_fd, &error);
  g_list_free_full (uris, g_free);
  close (log_fd);
  g_assert_no_error (error);
  g_assert_cmpint (pid, >, 0);

  loop = g_main_loop_new (NULL, FALSE);
  child.loop = loop;
  g_child_watch_add (pid, child_exited, &child);
  g_timeout_add_seconds (2, on_timeout, loop);
  g_main_loop_run (loop);

  g_file_get_contents (log_path, &log, NULL, NULL);
  g_test_message ("mpymemmap output: %s", log != NULL ? log : "");
  if (child.exited)
    g_error ("mpymemmap started from its desktop file with a session exited within 2 s "
             "(status %d): %s", child.status, log != NULL ? log : "");

  kill (pid, SIGTERM);
  g_main_loop_run (loop);
  g_assert_true (child.exited);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *data_dirs = NULL;
  g_autofree char *path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("mpy-install-XXXXXX", &error);
  g_assert_no_error (error);
  destdir = g_build_filename (tmp_dir, "destdir", NULL);
  root = g_build_filename (destdir, g_getenv ("MPY_PREFIX"), NULL);
  bindir = under_prefix (g_getenv ("MPY_BINDIR"));
  datadir = under_prefix (g_getenv ("MPY_DATADIR"));
  localedir = under_prefix (g_getenv ("MPY_LOCALEDIR"));

  /* GIO reads the MIME and application databases from these on first use: only the
   * destdir and the system, nothing of the user running the tests. */
  data_home = g_build_filename (tmp_dir, "data-home", NULL);
  g_mkdir_with_parents (data_home, 0700);
  data_dirs = g_strdup_printf ("%s:/usr/share", datadir);
  path = g_strdup_printf ("%s:%s", bindir, g_getenv ("PATH"));
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_DATA_DIRS", data_dirs, TRUE);
  g_setenv ("XDG_CONFIG_HOME", data_home, TRUE);
  g_setenv ("XDG_CURRENT_DESKTOP", "", TRUE);
  g_setenv ("PATH", path, TRUE);

  g_test_add_func ("/data/install/files", test_files);
  g_test_add_func ("/data/install/cli-help", test_cli_help);
  g_test_add_func ("/data/install/mime-type", test_mime_type);
  g_test_add_func ("/data/install/desktop-association", test_desktop_association);
  g_test_add_func ("/data/install/app-starts", test_app_starts);
  g_test_add_func ("/data/install/open-from-desktop-file", test_open_from_desktop_file);

  status = g_test_run ();
  mpy_test_remove_tree (tmp_dir);
  return status;
}

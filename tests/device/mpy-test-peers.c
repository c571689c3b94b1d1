/* mpy-test-peers.c — network peers in front of a test board
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

#include "mpy-test-peers.h"

#define START_TIMEOUT_MS 10000

/* Each peer in a process group of its own, so stopping it stops the bridges socat forks
 * per connection too (one left behind would read the pty for a while, stealing the next
 * peer's bytes). */
static void
child_setup (gpointer data)
{
  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn (GSubprocessFlags     flags,
       GError             **error,
       const char * const  *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

static guint16
free_port (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         error);
  if (socket == NULL || !g_socket_bind (socket, any, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Whether something listens on 127.0.0.1:@port (Linux: /proc/net/tcp, state 0A). */
static gboolean
listening (guint16 port)
{
  g_autofree char *table = NULL;
  g_autofree char *needle = g_strdup_printf (" 0100007F:%04X 00000000:0000 0A ", port);

  return g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL)
         && strstr (table, needle) != NULL;
}

static gboolean
wait_listening (MpyTestPeer  *peer,
                GError      **error)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;

  while (!listening (peer->port))
    {
      if (g_subprocess_get_identifier (peer->process) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "the peer for %s exited before listening", peer->address);
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "the peer for %s did not listen within %d ms", peer->address,
                       START_TIMEOUT_MS);
          return FALSE;
        }
      g_usleep (5000);
    }
  return TRUE;
}

static MpyTestPeer *
peer_new (const char  *scheme,
          GError     **error)
{
  g_autoptr(MpyTestPeer) peer = g_new0 (MpyTestPeer, 1);

  peer->dir = g_dir_make_tmp ("mpy-peer-XXXXXX", error);
  if (peer->dir == NULL)
    return NULL;
  peer->port = free_port (error);
  if (peer->port == 0)
    return NULL;
  peer->address = g_strdup_printf ("%s://127.0.0.1:%u", scheme, peer->port);
  return g_steal_pointer (&peer);
}

MpyTestPeer *
mpy_test_peer_start_socket (const char  *board_path,
                            GError     **error)
{
  g_autoptr(MpyTestPeer) peer = peer_new ("socket", error);
  g_autofree char *socat = g_find_program_in_path ("socat");
  g_autofree char *listen = NULL;
  g_autofree char *file = g_strdup_printf ("file:%s,raw,echo=0", board_path);

  if (peer == NULL)
    return NULL;
  if (socat == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "needs socat");
      return NULL;
    }
  /* fork: one bridge per connection, the pty opened each time (as a board's USB port);
   * -t 0: a closed connection's bridge lets go of the pty at once (by default it keeps
   * reading it for 0.5 s, stealing the answers of the next connection's board) */
  listen = g_strdup_printf ("tcp-listen:%u,bind=127.0.0.1,reuseaddr,fork", peer->port);
  peer->process = spawn (G_SUBPROCESS_FLAGS_STDERR_SILENCE, error,
                         (const char * const[]) { socat, "-t", "0", listen, file, NULL });
  if (peer->process == NULL || !wait_listening (peer, error))
    return NULL;
  return g_steal_pointer (&peer);
}

MpyTestPeer *
mpy_test_peer_start_rfc2217 (const char  *board_path,
                             GError     **error)
{
  g_autoptr(MpyTestPeer) peer = peer_new ("rfc2217", error);
  g_autofree char *ser2net = g_find_program_in_path ("ser2net");
  g_autofree char *config = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *pid_file = NULL;

  if (peer == NULL)
    return NULL;
  if (ser2net == NULL && g_file_test ("/usr/sbin/ser2net", G_FILE_TEST_IS_EXECUTABLE))
    ser2net = g_strdup ("/usr/sbin/ser2net");
  if (ser2net == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "needs ser2net (Debian's 4.x)");
      return NULL;
    }
  /* ser2net 4 YAML; "local": a pty has no modem lines to watch */
  config = g_strdup_printf ("connection: &board\n"
                            "  accepter: telnet(rfc2217),tcp,127.0.0.1,%u\n"
                            "  connector: serialdev,%s,115200n81,local\n"
                            "  options:\n"
                            "    kickolduser: true\n", peer->port, board_path);
  config_file = g_build_filename (peer->dir, "ser2net.yaml", NULL);
  pid_file = g_build_filename (peer->dir, "ser2net.pid", NULL);
  if (!g_file_set_contents (config_file, config, -1, error))
    return NULL;
  peer->process = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                         error,
                         (const char * const[]) { ser2net, "-n", "-u", "-c", config_file,
                                                  "-P", pid_file, NULL });
  if (peer->process == NULL || !wait_listening (peer, error))
    return NULL;
  return g_steal_pointer (&peer);
}

/* The endpoint prints its port on the first line: read it, bounded. */
static gboolean
read_port_line (MpyTestPeer  *peer,
                GError      **error)
{
  GInputStream *out = g_subprocess_get_stdout_pipe (peer->process);
  int fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (out));
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;
  char line[32] = "";
  gsize len = 0;

  while (len < sizeof line - 1 && strchr (line, '\n') == NULL)
    {
      GPollFD pfd = { fd, G_IO_IN | G_IO_HUP, 0 };
      gint64 left = deadline - g_get_monotonic_time ();
      gssize n;

      if (left <= 0 || g_poll (&pfd, 1, (int) (left / 1000)) <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "the WebREPL endpoint did not start within %d ms", START_TIMEOUT_MS);
          return FALSE;
        }
      n = read (fd, line + len, sizeof line - 1 - len);
      if (n <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the WebREPL endpoint exited");
          return FALSE;
        }
      len += (gsize) n;
      line[len] = '\0';
    }
  peer->port = (guint16) g_ascii_strtoull (line, NULL, 10);
  return peer->port != 0;
}

MpyTestPeer *
mpy_test_peer_start_webrepl (const char  *board_path,
                             const char  *password,
                             const char  *cut_at,
                             GError     **error)
{
  g_autoptr(MpyTestPeer) peer = g_new0 (MpyTestPeer, 1);
  const char *endpoint = g_getenv ("MPY_WEBREPL_ENDPOINT");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  if (endpoint == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "MPY_WEBREPL_ENDPOINT is not set");
      return NULL;
    }
  g_ptr_array_add (argv, (gpointer) endpoint);
  g_ptr_array_add (argv, (gpointer) "--password");
  g_ptr_array_add (argv, (gpointer) password);
  g_ptr_array_add (argv, (gpointer) "--board");
  g_ptr_array_add (argv, (gpointer) board_path);
  if (cut_at != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--cut-at");
      g_ptr_array_add (argv, (gpointer) cut_at);
    }
  g_ptr_array_add (argv, NULL);
  peer->process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                         (const char * const *) argv->pdata);
  if (peer->process == NULL || !read_port_line (peer, error))
    return NULL;
  peer->address = g_strdup_printf ("ws://127.0.0.1:%u", peer->port);
  return g_steal_pointer (&peer);
}

MpyTestPeer *
mpy_test_peer_start_silent (GError **error)
{
  g_autoptr(MpyTestPeer) peer = peer_new ("socket", error);
  g_autofree char *socat = g_find_program_in_path ("socat");
  g_autofree char *listen = NULL;

  if (peer == NULL)
    return NULL;
  if (socat == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "needs socat");
      return NULL;
    }
  /* accepts, reads and drops what comes, never answers */
  listen = g_strdup_printf ("tcp-listen:%u,bind=127.0.0.1,reuseaddr,fork", peer->port);
  peer->process = spawn (G_SUBPROCESS_FLAGS_STDERR_SILENCE, error,
                         (const char * const[]) { socat, "-u", listen, "open:/dev/null", NULL });
  if (peer->process == NULL || !wait_listening (peer, error))
    return NULL;
  return g_steal_pointer (&peer);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (5 * G_USEC_PER_SEC);
  g_cancellable_cancel (data);
  g_object_unref (data);
  return NULL;
}

/* Live processes in process group @group other than its leader (zombies left out). */
static guint
count_bridges (pid_t group)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *rest;
      char state;
      long pgrp;

      if (!g_ascii_isdigit (name[0]) || g_ascii_strtoll (name, NULL, 10) == group)
        continue;
      path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (path, &stat, NULL, NULL)
          || (rest = strrchr (stat, ')')) == NULL
          || sscanf (rest + 1, " %c %*d %ld", &state, &pgrp) != 2)
        continue;
      if (pgrp == group && state != 'Z')
        n++;
    }
  return n;
}

gboolean
mpy_test_peer_wait_idle (MpyTestPeer *peer,
                         guint        timeout_ms)
{
  const char *id = peer->process != NULL ? g_subprocess_get_identifier (peer->process) : NULL;
  pid_t group = id != NULL ? (pid_t) g_ascii_strtoll (id, NULL, 10) : 0;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (group > 0 && count_bridges (group) > 0)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (2000);
    }
  return TRUE;
}

void
mpy_test_peer_stop (MpyTestPeer *peer)
{
  if (peer == NULL)
    return;
  if (peer->process != NULL)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();

      const char *id = g_subprocess_get_identifier (peer->process);
      pid_t group = id != NULL ? (pid_t) g_ascii_strtoll (id, NULL, 10) : 0;
      gint64 deadline;

      /* SIGTERM, SIGKILL after 5 s: a stuck peer never hangs a test */
      if (group > 0)
        kill (-group, SIGTERM);
      g_subprocess_send_signal (peer->process, SIGTERM);
      g_thread_unref (g_thread_new ("stop-peer", cancel_later, g_object_ref (cancellable)));
      if (!g_subprocess_wait (peer->process, cancellable, NULL))
        {
          g_subprocess_force_exit (peer->process);
          g_subprocess_wait (peer->process, NULL, NULL);
        }
      /* and its forked bridges gone too (bounded: 1 s) */
      deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
      while (group > 0 && kill (-group, 0) == 0 && g_get_monotonic_time () < deadline)
        g_usleep (2000);
      g_object_unref (peer->process);
    }
  if (peer->dir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (peer->dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (peer->dir, name, NULL);

          g_unlink (path);
        }
      g_rmdir (peer->dir);
    }
  g_free (peer->address);
  g_free (peer->dir);
  g_free (peer);
}

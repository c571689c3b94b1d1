/* webrepl-endpoint.c — a MicroPython WebREPL endpoint in front of a real REPL, for tests
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mpy-webrepl-endpoint --password PW --board PATH [--cut-at TEXT]
 *
 * Listens on 127.0.0.1 (a free port, printed on the first line of stdout) and speaks the
 * handshake of MicroPython's extmod/modwebrepl.c: "Password: ", the password up to "\r",
 * then "\r\nWebREPL connected\r\n" or "\r\nAccess denied\r\n" and close. After that it
 * bridges text frames to the serial REPL at PATH (a pty, opened per connection as a board
 * opens its REPL for the client). --cut-at drops the TCP connection without a close frame
 * once TEXT has gone by in the board's output: a board vanishing mid-dump.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>
#include <libsoup/soup.h>

static char *password;
static char *board_path;
static char *cut_at;

typedef struct
{
  SoupWebsocketConnection *ws;
  GString                 *typed;     /* the password so far */
  gboolean                 logged_in;
  int                      fd;
  guint                    watch;
  GString                 *recent;    /* the board's last output, for --cut-at */
} Client;

static void
client_free (Client *client)
{
  if (client->watch != 0)
    g_source_remove (client->watch);
  if (client->fd >= 0)
    close (client->fd);
  g_string_free (client->typed, TRUE);
  g_string_free (client->recent, TRUE);
  g_object_unref (client->ws);
  g_free (client);
}

static void
send_text (Client     *client,
           const char *data,
           gsize       len)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);

  if (soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_message (client->ws, SOUP_WEBSOCKET_DATA_TEXT, bytes);
}

static gboolean
on_board_output (int          fd,
                 GIOCondition condition,
                 gpointer     user_data)
{
  Client *client = user_data;
  char buffer[4096];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n <= 0)
    {
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
      client->watch = 0;
      soup_websocket_connection_close (client->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      return G_SOURCE_REMOVE;
    }
  if (cut_at != NULL)
    {
      gsize before = client->recent->len;
      const char *hit;

      g_string_append_len (client->recent, buffer, n);
      hit = strstr (client->recent->str, cut_at);
      if (hit != NULL)
        {
          /* the board's output up to the end of TEXT, then gone without a close frame,
           * like a board losing power */
          gsize end = (gsize) (hit - client->recent->str) + strlen (cut_at);

          if (end > before)
            send_text (client, buffer, end - before);
          client->watch = 0;
          g_io_stream_close (soup_websocket_connection_get_io_stream (client->ws), NULL, NULL);
          return G_SOURCE_REMOVE;
        }
      if (client->recent->len > 4096)
        g_string_erase (client->recent, 0, (gssize) client->recent->len - 256);
    }
  send_text (client, buffer, (gsize) n);
  return G_SOURCE_CONTINUE;
}

static gboolean
open_board (Client *client)
{
  struct termios tio;

  client->fd = open (board_path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (client->fd < 0 || tcgetattr (client->fd, &tio) != 0)
    return FALSE;
  cfmakeraw (&tio);
  tcsetattr (client->fd, TCSANOW, &tio);
  client->watch = g_unix_fd_add (client->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                 on_board_output, client);
  return TRUE;
}

static void
on_message (SoupWebsocketConnection *ws,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            Client                  *client)
{
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  if (client->logged_in)
    {
      while (len > 0)
        {
          gssize n = write (client->fd, data, len);

          if (n < 0 && errno != EAGAIN && errno != EINTR)
            return;
          if (n > 0)
            {
              data += n;
              len -= (gsize) n;
            }
        }
      return;
    }

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] != '\r' && data[i] != '\n')
        {
          g_string_append_c (client->typed, data[i]);
          continue;
        }
      if (g_strcmp0 (client->typed->str, password) == 0 && open_board (client))
        {
          client->logged_in = TRUE;
          send_text (client, "\r\nWebREPL connected\r\n", 21);
        }
      else
        {
          send_text (client, "\r\nAccess denied\r\n", 17);
          soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
        }
      return;
    }
}

static void
on_closed (SoupWebsocketConnection *ws,
           Client                  *client)
{
  client_free (client);
}

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  Client *client = g_new0 (Client, 1);

  client->ws = g_object_ref (ws);
  client->typed = g_string_new (NULL);
  client->recent = g_string_new (NULL);
  client->fd = -1;
  soup_websocket_connection_set_keepalive_interval (ws, 0);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), client);
  g_signal_connect (ws, "closed", G_CALLBACK (on_closed), client);
  send_text (client, "Password: ", 10);
}

static gboolean
on_term (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "The WebREPL password", "PW" },
    { "board", 0, 0, G_OPTION_ARG_FILENAME, &board_path, "The REPL's serial port", "PATH" },
    { "cut-at", 0, 0, G_OPTION_ARG_STRING, &cut_at, "Drop the link after TEXT", "TEXT" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("— a WebREPL for tests");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GSList *uris;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error)
      || password == NULL || board_path == NULL)
    {
      g_printerr ("webrepl-endpoint: %s\n", error != NULL ? error->message
                                                         : "--password and --board are needed");
      return 2;
    }

  server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (server, NULL, NULL, NULL, on_websocket, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("webrepl-endpoint: %s\n", error->message);
      return 1;
    }
  uris = soup_server_get_uris (server);
  g_print ("%d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_unix_signal_add (SIGTERM, on_term, loop);
  g_unix_signal_add (SIGINT, on_term, loop);
  g_main_loop_run (loop);
  return 0;
}

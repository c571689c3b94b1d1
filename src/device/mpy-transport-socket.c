/* mpy-transport-socket.c — socket://HOST:PORT, a REPL on a raw TCP connection
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Also the TCP helpers the RFC 2217 transport runs on.
 */

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <glib/gi18n-lib.h>

#include "mpy-transport-private.h"

#define FLUSH_MAX (1u << 20)

typedef struct
{
  MpyTransport        parent;
  GSocketConnection  *connection;
  GSocket            *socket;
} MpySocketTransport;

GSocketConnection *
mpy_net_connect (const char    *address,
                 const char    *host,
                 guint16        port,
                 guint          timeout_ms,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) local_error = NULL;
  GSocketConnection *connection;
  GSocket *socket;

  /* A board's address is never meant for a proxy. */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, MAX (1, (timeout_ms + 999) / 1000));
  connection = g_socket_client_connect_to_host (client, host, port, cancellable, &local_error);
  if (connection == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                     _("No answer from %s within %u s: is the board on and on this network?"),
                     address, MAX (1, (timeout_ms + 999) / 1000));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT,
                     _("Nothing listens at %s (connection refused): check the host and port, "
                       "and that the board or its serial server is running"), address);
      else
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT,
                     _("Cannot reach %s: %s"), address, local_error->message);
      return NULL;
    }

  socket = g_socket_connection_get_socket (connection);
  /* From here on our own waits bound every call. */
  g_socket_set_timeout (socket, 0);
  /* The raw REPL writes small chunks and waits for each answer. */
  (void) g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  return connection;
}

static void
set_link_error (GError       **error,
                const char    *address,
                GError        *cause)
{
  if (cause == NULL)
    g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED,
                 _("%s closed the connection: check that the board is still on and "
                   "reachable, then capture again"), address);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else
    g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED,
                 _("The connection to %s broke off (%s): check that the board is still on "
                   "and reachable, then capture again"), address, cause->message);
}

gssize
mpy_net_receive (GSocket       *socket,
                 const char    *address,
                 guint8        *buffer,
                 gsize          size,
                 int            timeout_ms,
                 GCancellable  *cancellable,
                 GError       **error)
{
  gint64 timeout_us = timeout_ms < 0 ? -1 : (gint64) timeout_ms * 1000;
  gint64 deadline = timeout_ms < 0 ? 0 : g_get_monotonic_time () + timeout_us;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      if (!g_socket_condition_timed_wait (socket, G_IO_IN, timeout_us, cancellable,
                                          &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            return 0;
          set_link_error (error, address, local_error);
          return -1;
        }
      n = g_socket_receive_with_blocking (socket, (char *) buffer, size, FALSE, cancellable,
                                          &local_error);
      if (n > 0)
        {
#ifdef TCP_QUICKACK
          /* Acknowledge at once (Linux clears this after a while): a peer that does not
           * set TCP_NODELAY (socat, ser2net) otherwise holds its next small segment for our
           * delayed ACK, 40 ms for every line a board dribbles out. */
          (void) g_socket_set_option (socket, IPPROTO_TCP, TCP_QUICKACK, 1, NULL);
#endif
          return n;
        }
      if (n == 0)
        {
          set_link_error (error, address, NULL);
          return -1;
        }
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          set_link_error (error, address, local_error);
          return -1;
        }
      if (timeout_ms >= 0)
        {
          timeout_us = deadline - g_get_monotonic_time ();
          if (timeout_us <= 0)
            return 0;
        }
    }
}

gboolean
mpy_net_send_all (GSocket       *socket,
                  const char    *address,
                  const guint8  *data,
                  gsize          size,
                  int            timeout_ms,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gint64 timeout_us = timeout_ms < 0 ? -1 : (gint64) timeout_ms * 1000;

  while (size > 0)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      if (!g_socket_condition_timed_wait (socket, G_IO_OUT, timeout_us, cancellable,
                                          &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                         _("Writing to %s timed out after %d ms: the board does not take "
                           "what is sent"), address, timeout_ms);
          else
            set_link_error (error, address, local_error);
          return FALSE;
        }
      n = g_socket_send_with_blocking (socket, (const char *) data, size, FALSE, cancellable,
                                       &local_error);
      if (n < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            continue;
          set_link_error (error, address, local_error);
          return FALSE;
        }
      data += n;
      size -= (gsize) n;
    }
  return TRUE;
}

void
mpy_net_discard_input (GSocket *socket)
{
  guint8 buffer[4096];
  gsize total = 0;

  while (total < FLUSH_MAX)
    {
      gssize n = g_socket_receive_with_blocking (socket, (char *) buffer, sizeof buffer, FALSE,
                                                 NULL, NULL);
      if (n <= 0)
        break;
      total += (gsize) n;
    }
}

static gssize
socket_read (MpyTransport  *transport,
             guint8        *buffer,
             gsize          size,
             int            timeout_ms,
             GCancellable  *cancellable,
             GError       **error)
{
  MpySocketTransport *self = (MpySocketTransport *) transport;

  return mpy_net_receive (self->socket, transport->description, buffer, size, timeout_ms,
                          cancellable, error);
}

static gboolean
socket_write_all (MpyTransport  *transport,
                  const guint8  *data,
                  gsize          size,
                  int            timeout_ms,
                  GCancellable  *cancellable,
                  GError       **error)
{
  MpySocketTransport *self = (MpySocketTransport *) transport;

  return mpy_net_send_all (self->socket, transport->description, data, size, timeout_ms,
                           cancellable, error);
}

static void
socket_flush (MpyTransport *transport)
{
  mpy_net_discard_input (((MpySocketTransport *) transport)->socket);
}

static void
socket_close (MpyTransport *transport)
{
  MpySocketTransport *self = (MpySocketTransport *) transport;

  (void) g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_object_unref (self->connection);
}

static const MpyTransportVTable socket_vtable = {
  .kind = "socket",
  .read = socket_read,
  .write_all = socket_write_all,
  .flush = socket_flush,
  .close = socket_close,
};

MpyTransport *
mpy_transport_socket_open (const char                 *address,
                           const char                 *host,
                           guint16                     port,
                           const MpyTransportOptions  *options,
                           GCancellable               *cancellable,
                           GError                    **error)
{
  MpySocketTransport *self;
  GSocketConnection *connection;

  connection = mpy_net_connect (address, host, port, options->connect_timeout_ms,
                                cancellable, error);
  if (connection == NULL)
    return NULL;

  self = mpy_transport_alloc (&socket_vtable, sizeof *self, address);
  self->connection = connection;
  self->socket = g_socket_connection_get_socket (connection);
  return &self->parent;
}

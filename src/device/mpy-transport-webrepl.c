/* mpy-transport-webrepl.c — ws://HOST[:PORT], MicroPython's WebREPL
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The board sends "Password: ", the client answers with the password and "\r", the board
 * says "\r\nWebREPL connected\r\n" (then the REPL's own ">>> ") or "\r\nAccess denied\r\n"
 * and closes. After that, REPL bytes travel in text frames both ways.
 *
 * libsoup runs on its own thread, in a private main context: the raw-REPL client calls
 * read and write from whichever worker thread it runs on, and blocks there.
 */

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "mpy-transport-private.h"

#define PROMPT          "Password: "
#define CONNECTED       "WebREPL connected\r\n"
#define DENIED          "Access denied"
#define ANSWER_MAX_MS   5000          /* from the password to the verdict */
#define WAIT_SLICE_US   (50 * 1000)   /* how often a blocked read looks at its cancellable */
#define CLOSE_WAIT_MS   500

typedef struct
{
  MpyTransport             parent;
  GMutex                   lock;
  GCond                    cond;
  GThread                 *thread;
  GMainContext            *context;
  GMainLoop               *loop;
  GCancellable            *connecting;    /* cancels the websocket handshake */
  char                    *uri;
  /* owned by the libsoup thread */
  SoupSession             *session;
  SoupWebsocketConnection *ws;
  /* under lock */
  GByteArray              *in;
  gboolean                 started;       /* the websocket handshake ended (well or not) */
  gboolean                 open;
  gboolean                 closed;
  char                    *failure;       /* why the link failed or closed, if known */
} MpyWebreplTransport;

/* ---- the libsoup thread ---- */

static void
on_message (SoupWebsocketConnection *ws,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            MpyWebreplTransport     *self)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (message, &len);

  g_mutex_lock (&self->lock);
  g_byte_array_append (self->in, data, (guint) len);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
on_error (SoupWebsocketConnection *ws,
          GError                  *error,
          MpyWebreplTransport     *self)
{
  g_mutex_lock (&self->lock);
  if (self->failure == NULL)
    self->failure = g_strdup (error->message);
  g_mutex_unlock (&self->lock);
}

static void
on_closed (SoupWebsocketConnection *ws,
           MpyWebreplTransport     *self)
{
  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_main_loop_quit (self->loop);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  MpyWebreplTransport *self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  g_mutex_lock (&self->lock);
  self->started = TRUE;
  if (ws != NULL)
    {
      self->ws = ws;
      self->open = TRUE;
      /* A heap dump may come in one frame; the board decides its size. */
      soup_websocket_connection_set_max_incoming_payload_size (ws, 64u << 20);
      soup_websocket_connection_set_keepalive_interval (ws, 0);
      g_signal_connect (ws, "message", G_CALLBACK (on_message), self);
      g_signal_connect (ws, "error", G_CALLBACK (on_error), self);
      g_signal_connect (ws, "closed", G_CALLBACK (on_closed), self);
    }
  else
    {
      self->closed = TRUE;
      self->failure = g_strdup (error->message);
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  if (ws == NULL)
    g_main_loop_quit (self->loop);
}

static gpointer
soup_thread (gpointer data)
{
  MpyWebreplTransport *self = data;
  g_autoptr(SoupMessage) msg = NULL;

  g_main_context_push_thread_default (self->context);

  /* No proxy for a board, and no I/O timeout of libsoup's own: an idle board is fine,
   * our reads have their own timeouts. */
  self->session = soup_session_new_with_options ("timeout", 0, "idle-timeout", 0, NULL);
  soup_session_set_proxy_resolver (self->session, NULL);
  msg = soup_message_new ("GET", self->uri);
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->connecting, on_connected, self);
  g_main_loop_run (self->loop);

  if (self->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      g_clear_object (&self->ws);
    }
  g_clear_object (&self->session);
  /* Let libsoup finish what it scheduled before the context goes. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

typedef struct
{
  MpyWebreplTransport *self;
  GBytes              *bytes;
} SendData;

static gboolean
send_in_thread (gpointer data)
{
  SendData *send = data;

  if (send->self->ws != NULL
      && soup_websocket_connection_get_state (send->self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_message (send->self->ws, SOUP_WEBSOCKET_DATA_TEXT,
                                            send->bytes);
  return G_SOURCE_REMOVE;
}

static void
send_data_free (gpointer data)
{
  SendData *send = data;

  g_bytes_unref (send->bytes);
  g_free (send);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
close_in_thread (gpointer data)
{
  MpyWebreplTransport *self = data;

  g_cancellable_cancel (self->connecting);
  if (self->ws != NULL
      && soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      GSource *timeout = g_timeout_source_new (CLOSE_WAIT_MS);

      /* "closed" quits the loop once the board answers the close; this if it does not */
      soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_source_set_callback (timeout, quit_loop, g_main_loop_ref (self->loop),
                             (GDestroyNotify) g_main_loop_unref);
      g_source_attach (timeout, self->context);
      g_source_unref (timeout);
    }
  else
    g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

/* ---- the caller's side ---- */

static void
set_closed_error (MpyWebreplTransport  *self,
                  GError              **error)
{
  if (self->failure != NULL)
    g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED,
                 _("The WebREPL connection to %s broke off (%s): check that the board is "
                   "still on and reachable, then capture again"),
                 self->parent.description, self->failure);
  else
    g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED,
                 _("%s closed the WebREPL connection: check that the board is still on "
                   "and that no other WebREPL client took it over, then capture again"),
                 self->parent.description);
}

/* Waits under the lock until data is there, the link closed, @deadline (monotonic µs; 0:
 * none) passed or @cancellable fired. Returns FALSE on cancel. */
static gboolean
wait_locked (MpyWebreplTransport  *self,
             gint64                deadline,
             GCancellable         *cancellable,
             GError              **error)
{
  while (self->in->len == 0 && !self->closed)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 until = now + WAIT_SLICE_US;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (deadline != 0)
        {
          if (now >= deadline)
            return TRUE;
          until = MIN (until, deadline);
        }
      g_cond_wait_until (&self->cond, &self->lock, until);
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gssize
webrepl_read (MpyTransport  *transport,
              guint8        *buffer,
              gsize          size,
              int            timeout_ms,
              GCancellable  *cancellable,
              GError       **error)
{
  MpyWebreplTransport *self = (MpyWebreplTransport *) transport;
  gint64 deadline = timeout_ms < 0 ? 0 : g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gssize n = 0;

  /* timeout 0 still looks once */
  if (deadline == g_get_monotonic_time ())
    deadline++;

  g_mutex_lock (&self->lock);
  if (!wait_locked (self, deadline, cancellable, error))
    n = -1;
  else if (self->in->len > 0)
    {
      n = (gssize) MIN (size, self->in->len);
      memcpy (buffer, self->in->data, (gsize) n);
      g_byte_array_remove_range (self->in, 0, (guint) n);
    }
  else if (self->closed)
    {
      set_closed_error (self, error);
      n = -1;
    }
  g_mutex_unlock (&self->lock);
  return n;
}

static gboolean
webrepl_write_all (MpyTransport  *transport,
                   const guint8  *data,
                   gsize          size,
                   int            timeout_ms,
                   GCancellable  *cancellable,
                   GError       **error)
{
  MpyWebreplTransport *self = (MpyWebreplTransport *) transport;
  gboolean closed;
  SendData *send;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_mutex_lock (&self->lock);
  closed = self->closed;
  if (closed)
    set_closed_error (self, error);
  g_mutex_unlock (&self->lock);
  if (closed)
    return FALSE;
  if (size == 0)
    return TRUE;

  /* One text frame per write; libsoup queues them in order on its thread. */
  send = g_new0 (SendData, 1);
  send->self = self;
  send->bytes = g_bytes_new (data, size);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, send_in_thread, send,
                              send_data_free);
  return TRUE;
}

static void
webrepl_flush (MpyTransport *transport)
{
  MpyWebreplTransport *self = (MpyWebreplTransport *) transport;

  g_mutex_lock (&self->lock);
  g_byte_array_set_size (self->in, 0);
  g_mutex_unlock (&self->lock);
}

static void
webrepl_close (MpyTransport *transport)
{
  MpyWebreplTransport *self = (MpyWebreplTransport *) transport;

  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, close_in_thread, self);
      g_thread_join (self->thread);
    }
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_object_unref (self->connecting);
  g_byte_array_unref (self->in);
  g_free (self->failure);
  g_free (self->uri);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->lock);
}

static const MpyTransportVTable webrepl_vtable = {
  .kind = "webrepl",
  .read = webrepl_read,
  .write_all = webrepl_write_all,
  .flush = webrepl_flush,
  .close = webrepl_close,
};

/* Reads into @seen until it holds one of @a or @b (returns 1 or 2), or @deadline passes
 * (returns 0), or the link fails (-1 with @error). */
static int
read_until (MpyWebreplTransport  *self,
            GByteArray           *seen,
            const char           *a,
            const char           *b,
            gint64                deadline,
            GCancellable         *cancellable,
            GError              **error)
{
  for (;;)
    {
      guint8 buffer[1024];
      gint64 left;
      gssize n;

      if (seen->len > 0 && g_strstr_len ((const char *) seen->data, seen->len, a) != NULL)
        return 1;
      if (seen->len > 0 && b != NULL
          && g_strstr_len ((const char *) seen->data, seen->len, b) != NULL)
        return 2;
      left = deadline - g_get_monotonic_time ();
      if (left <= 0)
        return 0;
      n = webrepl_read (&self->parent, buffer, sizeof buffer, (int) MAX (1, left / 1000),
                        cancellable, error);
      if (n < 0)
        return -1;
      g_byte_array_append (seen, buffer, (guint) n);
    }
}

static gboolean
log_in (MpyWebreplTransport        *self,
        const MpyTransportOptions  *options,
        GCancellable               *cancellable,
        GError                    **error)
{
  const char *address = self->parent.description;
  g_autoptr(GByteArray) seen = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *answer = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) options->connect_timeout_ms * 1000;
  const char *rest;
  int found;

  found = read_until (self, seen, PROMPT, NULL, deadline, cancellable, &local_error);
  if (found <= 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || found == 0)
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                         _("%s did not ask for the WebREPL password within %u s: is it a "
                           "MicroPython WebREPL (import webrepl; webrepl.start())?"),
                         address, options->connect_timeout_ms / 1000);
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  answer = g_strconcat (options->password, "\r", NULL);
  g_byte_array_set_size (seen, 0);
  if (!webrepl_write_all (&self->parent, (const guint8 *) answer, strlen (answer), 2000,
                          cancellable, error))
    return FALSE;

  deadline = g_get_monotonic_time () + (gint64) ANSWER_MAX_MS * 1000;
  found = read_until (self, seen, CONNECTED, DENIED, deadline, cancellable, &local_error);
  if (found == 2
      || (found < 0 && g_error_matches (local_error, MPY_DEVICE_ERROR,
                                        MPY_DEVICE_ERROR_DISCONNECTED)))
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_ACCESS_DENIED,
                   _("%s refused the WebREPL password: check it (the board's password is "
                     "set with import webrepl_setup)"), address);
      return FALSE;
    }
  if (found == 0)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                   _("%s did not answer the WebREPL password within %u s"),
                   address, ANSWER_MAX_MS / 1000);
      return FALSE;
    }
  if (found < 0)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* What came after the greeting (the REPL's prompt) is the board's. */
  rest = g_strstr_len ((const char *) seen->data, seen->len, CONNECTED) + strlen (CONNECTED);
  g_mutex_lock (&self->lock);
  g_byte_array_prepend (self->in, (const guint8 *) rest,
                        (guint) (seen->len - (gsize) (rest - (const char *) seen->data)));
  g_mutex_unlock (&self->lock);
  return TRUE;
}

MpyTransport *
mpy_transport_webrepl_open (const char                 *address,
                            const char                 *host,
                            guint16                     port,
                            const MpyTransportOptions  *options,
                            GCancellable               *cancellable,
                            GError                    **error)
{
  MpyWebreplTransport *self;
  g_autofree char *host_part = NULL;
  gint64 deadline;
  gboolean ok = TRUE;

  if (options->password == NULL || options->password[0] == '\0')
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_ACCESS_DENIED,
                   _("%s is a WebREPL and needs its password"), address);
      return NULL;
    }

  self = mpy_transport_alloc (&webrepl_vtable, sizeof *self, address);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->in = g_byte_array_new ();
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->connecting = g_cancellable_new ();
  host_part = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]", host) : g_strdup (host);
  self->uri = g_strdup_printf ("ws://%s:%u/", host_part, port);
  self->thread = g_thread_new ("mpy-webrepl", soup_thread, self);

  /* The websocket handshake, bounded by the connect timeout and the cancellable. */
  deadline = g_get_monotonic_time () + (gint64) options->connect_timeout_ms * 1000;
  g_mutex_lock (&self->lock);
  while (!self->started && ok)
    {
      gint64 until = MIN (deadline, g_get_monotonic_time () + WAIT_SLICE_US);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ok = FALSE;
      else if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                       _("No answer from %s within %u s: is the board on and on this network?"),
                       address, MAX (1, options->connect_timeout_ms / 1000));
          ok = FALSE;
        }
      else
        g_cond_wait_until (&self->cond, &self->lock, until);
    }
  if (ok && !self->open)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT,
                   _("Cannot open a WebREPL connection to %s (%s): check the host and port, "
                     "and that the board runs webrepl"), address,
                   self->failure != NULL ? self->failure : "?");
      ok = FALSE;
    }
  g_mutex_unlock (&self->lock);

  if (!ok || !log_in (self, options, cancellable, error))
    {
      mpy_transport_close (&self->parent);
      return NULL;
    }
  return &self->parent;
}

/* mpy-transport-rfc2217.c — rfc2217://HOST:PORT, a serial port behind a telnet server
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 854 telnet with the COM-PORT option of RFC 2217, as pyserial (and so mpremote)
 * speaks it: binary both ways, baud rate and 8N1 set through the option and confirmed by
 * the server, DTR/RTS set through it without waiting for a confirmation (ser2net in front
 * of a pty never confirms them: pyserial's ign_set_control). 0xFF is doubled both ways.
 */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mpy-transport-private.h"

#define NEGOTIATE_MAX_MS 5000
#define FLUSH_MAX        (1u << 20)

enum {
  T_SE = 240, T_NOP = 241, T_SB = 250, T_WILL = 251, T_WONT = 252, T_DO = 253, T_DONT = 254,
  T_IAC = 255,
};
enum { OPT_BINARY = 0, OPT_ECHO = 1, OPT_SGA = 3, OPT_COM_PORT = 44 };
enum {
  CPO_SET_BAUDRATE = 1, CPO_SET_DATASIZE = 2, CPO_SET_PARITY = 3, CPO_SET_STOPSIZE = 4,
  CPO_SET_CONTROL = 5, CPO_PURGE_DATA = 12, CPO_SERVER_OFFSET = 100,
};
enum {
  CONTROL_NO_FLOW = 1, CONTROL_DTR_ON = 8, CONTROL_DTR_OFF = 9, CONTROL_RTS_ON = 11,
  CONTROL_RTS_OFF = 12,
};
enum { PARITY_NONE = 1, STOPSIZE_1 = 1, PURGE_BOTH = 3 };

/* One side of one option (RFC 1143, without its queue). */
typedef enum { Q_NO, Q_WANT, Q_YES } QState;

typedef enum { P_DATA, P_IAC, P_OPTION, P_SB, P_SB_IAC } ParseState;

typedef struct
{
  MpyTransport        parent;
  GSocketConnection  *connection;
  GSocket            *socket;
  GByteArray         *data;       /* received serial data, not handed out yet */
  GByteArray         *replies;    /* negotiation answers to send */
  GByteArray         *sb;         /* a subnegotiation being received */
  ParseState          state;
  guint8              command;    /* WILL/WONT/DO/DONT waiting for its option */
  QState              us[256];    /* options we do */
  QState              them[256];  /* options the server does */
  gboolean            confirmed[16]; /* COM-PORT commands the server answered */
  MpyLineMode         dtr_mode;
  MpyLineMode         rts_mode;
} MpyRfc2217Transport;

static gboolean
we_accept (guint8 option)
{
  return option == OPT_BINARY || option == OPT_SGA || option == OPT_COM_PORT;
}

static gboolean
they_may (guint8 option)
{
  return option == OPT_BINARY || option == OPT_SGA || option == OPT_ECHO;
}

static void
queue_command (MpyRfc2217Transport *self,
               guint8               command,
               guint8               option)
{
  const guint8 bytes[] = { T_IAC, command, option };

  g_byte_array_append (self->replies, bytes, sizeof bytes);
}

static void
queue_com_port (MpyRfc2217Transport *self,
                guint8               command,
                const guint8        *value,
                gsize                len)
{
  const guint8 head[] = { T_IAC, T_SB, OPT_COM_PORT, command };
  const guint8 tail[] = { T_IAC, T_SE };

  g_byte_array_append (self->replies, head, sizeof head);
  for (gsize i = 0; i < len; i++)
    {
      g_byte_array_append (self->replies, &value[i], 1);
      if (value[i] == T_IAC)
        g_byte_array_append (self->replies, &value[i], 1);
    }
  g_byte_array_append (self->replies, tail, sizeof tail);
}

static void
handle_option (MpyRfc2217Transport *self,
               guint8               command,
               guint8               option)
{
  switch (command)
    {
    case T_DO:
      if (self->us[option] == Q_YES)
        break;
      if (we_accept (option))
        {
          if (self->us[option] == Q_NO)
            queue_command (self, T_WILL, option);
          self->us[option] = Q_YES;
        }
      else
        queue_command (self, T_WONT, option);
      break;
    case T_DONT:
      if (self->us[option] == Q_YES)
        queue_command (self, T_WONT, option);
      self->us[option] = Q_NO;
      break;
    case T_WILL:
      if (self->them[option] == Q_YES)
        break;
      if (they_may (option))
        {
          if (self->them[option] == Q_NO)
            queue_command (self, T_DO, option);
          self->them[option] = Q_YES;
        }
      else
        queue_command (self, T_DONT, option);
      break;
    case T_WONT:
      if (self->them[option] == Q_YES)
        queue_command (self, T_DONT, option);
      self->them[option] = Q_NO;
      break;
    default:
      break;
    }
}

static void
handle_subnegotiation (MpyRfc2217Transport *self)
{
  guint8 command;

  /* Only the server's answers to COM-PORT commands matter (100 + the command);
   * line and modem state notifications are dropped. */
  if (self->sb->len < 2 || self->sb->data[0] != OPT_COM_PORT)
    return;
  command = self->sb->data[1];
  if (command > CPO_SERVER_OFFSET && (gsize) (command - CPO_SERVER_OFFSET) < G_N_ELEMENTS (self->confirmed))
    self->confirmed[command - CPO_SERVER_OFFSET] = TRUE;
}

/* Splits telnet commands from the serial data; serial data goes to self->data. */
static void
parse (MpyRfc2217Transport *self,
       const guint8        *bytes,
       gsize                len)
{
  gsize run = 0;   /* start of a run of plain data */

  for (gsize i = 0; i < len; i++)
    {
      guint8 b = bytes[i];

      switch (self->state)
        {
        case P_DATA:
          if (b == T_IAC)
            {
              g_byte_array_append (self->data, bytes + run, (guint) (i - run));
              self->state = P_IAC;
            }
          continue;
        case P_IAC:
          if (b == T_IAC)
            {
              g_byte_array_append (self->data, &b, 1);
              self->state = P_DATA;
            }
          else if (b >= T_WILL)
            {
              self->command = b;
              self->state = P_OPTION;
            }
          else if (b == T_SB)
            {
              g_byte_array_set_size (self->sb, 0);
              self->state = P_SB;
            }
          else
            self->state = P_DATA;   /* NOP, GA, a stray SE: nothing to do */
          break;
        case P_OPTION:
          handle_option (self, self->command, b);
          self->state = P_DATA;
          break;
        case P_SB:
          if (b == T_IAC)
            self->state = P_SB_IAC;
          else if (self->sb->len < 64)
            g_byte_array_append (self->sb, &b, 1);
          continue;
        case P_SB_IAC:
          if (b == T_SE)
            {
              handle_subnegotiation (self);
              self->state = P_DATA;
              break;
            }
          else
            {
              if (b == T_IAC && self->sb->len < 64)
                g_byte_array_append (self->sb, &b, 1);
              self->state = P_SB;
            }
          continue;
        }
      run = i + 1;
    }
  if (self->state == P_DATA && run < len)
    g_byte_array_append (self->data, bytes + run, (guint) (len - run));
}

static gboolean
send_replies (MpyRfc2217Transport  *self,
              GCancellable         *cancellable,
              GError              **error)
{
  gboolean ok;

  if (self->replies->len == 0)
    return TRUE;
  ok = mpy_net_send_all (self->socket, self->parent.description, self->replies->data,
                         self->replies->len, 2000, cancellable, error);
  g_byte_array_set_size (self->replies, 0);
  return ok;
}

/* Receives once (waiting up to @timeout_ms), parses, answers negotiation.
 * Returns FALSE on error; a timeout is not an error. */
static gboolean
receive_some (MpyRfc2217Transport  *self,
              int                   timeout_ms,
              GCancellable         *cancellable,
              GError              **error)
{
  guint8 buffer[8192];
  gssize n;

  n = mpy_net_receive (self->socket, self->parent.description, buffer, sizeof buffer,
                       timeout_ms, cancellable, error);
  if (n < 0)
    return FALSE;
  parse (self, buffer, (gsize) n);
  return send_replies (self, cancellable, error);
}

static gssize
take_data (MpyRfc2217Transport *self,
           guint8              *buffer,
           gsize                size)
{
  gsize n = MIN (size, self->data->len);

  memcpy (buffer, self->data->data, n);
  g_byte_array_remove_range (self->data, 0, (guint) n);
  return (gssize) n;
}

static gssize
rfc2217_read (MpyTransport  *transport,
              guint8        *buffer,
              gsize          size,
              int            timeout_ms,
              GCancellable  *cancellable,
              GError       **error)
{
  MpyRfc2217Transport *self = (MpyRfc2217Transport *) transport;
  gint64 deadline = timeout_ms < 0 ? 0 : g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (self->data->len == 0)
    {
      int wait_ms = -1;

      if (timeout_ms >= 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();

          if (left < 0)
            return 0;
          wait_ms = (int) (left / 1000);
        }
      if (!receive_some (self, wait_ms, cancellable, error))
        return -1;
      if (wait_ms == 0)
        break;
    }
  return take_data (self, buffer, size);
}

static gboolean
rfc2217_write_all (MpyTransport  *transport,
                   const guint8  *data,
                   gsize          size,
                   int            timeout_ms,
                   GCancellable  *cancellable,
                   GError       **error)
{
  MpyRfc2217Transport *self = (MpyRfc2217Transport *) transport;
  const guint8 *iac = memchr (data, T_IAC, size);
  g_autoptr(GByteArray) escaped = NULL;

  if (iac == NULL)
    return mpy_net_send_all (self->socket, transport->description, data, size, timeout_ms,
                             cancellable, error);

  escaped = g_byte_array_sized_new ((guint) size + 16);
  for (gsize i = 0; i < size; i++)
    {
      g_byte_array_append (escaped, &data[i], 1);
      if (data[i] == T_IAC)
        g_byte_array_append (escaped, &data[i], 1);
    }
  return mpy_net_send_all (self->socket, transport->description, escaped->data, escaped->len,
                           timeout_ms, cancellable, error);
}

static void
rfc2217_flush (MpyTransport *transport)
{
  MpyRfc2217Transport *self = (MpyRfc2217Transport *) transport;
  const guint8 purge = PURGE_BOTH;
  gsize before = 0;

  /* The server's buffers, then ours: what has arrived is parsed (it may hold
   * negotiation) and its data dropped. */
  queue_com_port (self, CPO_PURGE_DATA, &purge, 1);
  (void) send_replies (self, NULL, NULL);
  while (before < FLUSH_MAX && receive_some (self, 0, NULL, NULL) && self->data->len > before)
    before = self->data->len;
  g_byte_array_set_size (self->data, 0);
}

static void
set_control (MpyRfc2217Transport *self,
             guint8               value)
{
  queue_com_port (self, CPO_SET_CONTROL, &value, 1);
}

static void
rfc2217_close (MpyTransport *transport)
{
  MpyRfc2217Transport *self = (MpyRfc2217Transport *) transport;

  /* RTS before DTR, as on a local port (ESP32 auto-reset). */
  if (self->rts_mode != MPY_LINE_ON)
    set_control (self, CONTROL_RTS_OFF);
  if (self->dtr_mode != MPY_LINE_ON)
    set_control (self, CONTROL_DTR_OFF);
  (void) send_replies (self, NULL, NULL);
  (void) g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_object_unref (self->connection);
  g_byte_array_unref (self->data);
  g_byte_array_unref (self->replies);
  g_byte_array_unref (self->sb);
}

static const MpyTransportVTable rfc2217_vtable = {
  .kind = "rfc2217",
  .read = rfc2217_read,
  .write_all = rfc2217_write_all,
  .flush = rfc2217_flush,
  .close = rfc2217_close,
};

static gboolean
settings_confirmed (MpyRfc2217Transport *self)
{
  return self->confirmed[CPO_SET_BAUDRATE] && self->confirmed[CPO_SET_DATASIZE]
         && self->confirmed[CPO_SET_PARITY] && self->confirmed[CPO_SET_STOPSIZE];
}

/* Receives until @done says so or @timeout_ms pass. */
static gboolean
negotiate_until (MpyRfc2217Transport  *self,
                 gboolean            (*done) (MpyRfc2217Transport *self),
                 gint64                deadline,
                 GCancellable         *cancellable,
                 GError              **error)
{
  while (!done (self))
    {
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0)
        return FALSE;
      if (!receive_some (self, (int) MAX (1, left / 1000), cancellable, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
com_port_answered (MpyRfc2217Transport *self)
{
  return self->us[OPT_COM_PORT] != Q_WANT;
}

static gboolean
negotiate (MpyRfc2217Transport        *self,
           const MpyTransportOptions  *options,
           GCancellable               *cancellable,
           GError                    **error)
{
  const char *address = self->parent.description;
  guint limit_ms = MIN (options->connect_timeout_ms, NEGOTIATE_MAX_MS);
  gint64 deadline = g_get_monotonic_time () + (gint64) MAX (limit_ms, 500) * 1000;
  const guint8 baud[4] = { options->baud >> 24, options->baud >> 16, options->baud >> 8,
                           options->baud };
  const guint8 datasize = 8, parity = PARITY_NONE, stopsize = STOPSIZE_1;
  GError *local_error = NULL;

  queue_command (self, T_WILL, OPT_BINARY);
  queue_command (self, T_DO, OPT_BINARY);
  queue_command (self, T_WILL, OPT_SGA);
  queue_command (self, T_DO, OPT_SGA);
  queue_command (self, T_DO, OPT_ECHO);
  queue_command (self, T_WILL, OPT_COM_PORT);
  self->us[OPT_BINARY] = self->us[OPT_SGA] = self->us[OPT_COM_PORT] = Q_WANT;
  self->them[OPT_BINARY] = self->them[OPT_SGA] = self->them[OPT_ECHO] = Q_WANT;
  if (!send_replies (self, cancellable, error))
    return FALSE;

  if (!negotiate_until (self, com_port_answered, deadline, cancellable, &local_error)
      || self->us[OPT_COM_PORT] != Q_YES)
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                     _("%s does not speak RFC 2217 (it did not take the COM-PORT option): "
                       "if it is a plain TCP port, use socket:// instead"), address);
      return FALSE;
    }

  queue_com_port (self, CPO_SET_BAUDRATE, baud, sizeof baud);
  queue_com_port (self, CPO_SET_DATASIZE, &datasize, 1);
  queue_com_port (self, CPO_SET_PARITY, &parity, 1);
  queue_com_port (self, CPO_SET_STOPSIZE, &stopsize, 1);
  set_control (self, CONTROL_NO_FLOW);
  /* Not waited for: servers in front of a pty do not confirm modem lines. */
  set_control (self, options->dtr != MPY_LINE_OFF ? CONTROL_DTR_ON : CONTROL_DTR_OFF);
  set_control (self, options->rts != MPY_LINE_OFF ? CONTROL_RTS_ON : CONTROL_RTS_OFF);
  if (!send_replies (self, cancellable, error))
    return FALSE;

  if (!negotiate_until (self, settings_confirmed, deadline, cancellable, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                     _("%s did not confirm %u baud 8N1 within %u ms: check the serial "
                       "server's configuration"), address, options->baud, limit_ms);
      return FALSE;
    }
  return TRUE;
}

MpyTransport *
mpy_transport_rfc2217_open (const char                 *address,
                            const char                 *host,
                            guint16                     port,
                            const MpyTransportOptions  *options,
                            GCancellable               *cancellable,
                            GError                    **error)
{
  MpyRfc2217Transport *self;
  GSocketConnection *connection;

  connection = mpy_net_connect (address, host, port, options->connect_timeout_ms,
                                cancellable, error);
  if (connection == NULL)
    return NULL;

  self = mpy_transport_alloc (&rfc2217_vtable, sizeof *self, address);
  self->connection = connection;
  self->socket = g_socket_connection_get_socket (connection);
  self->data = g_byte_array_new ();
  self->replies = g_byte_array_new ();
  self->sb = g_byte_array_new ();
  self->dtr_mode = options->dtr;
  self->rts_mode = options->rts;

  if (!negotiate (self, options, cancellable, error))
    {
      mpy_transport_close (&self->parent);
      return NULL;
    }
  return &self->parent;
}

/* mpy-transport-serialport.c — a serial line through libserialport
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <libserialport.h>

#include <glib/gi18n-lib.h>

#include "mpy-transport-private.h"

typedef struct
{
  MpyTransport     parent;
  struct sp_port  *sp;
  int              fd;
  MpyLineMode      dtr_mode;
  MpyLineMode      rts_mode;
} MpySerialportTransport;

static gssize
sp_read_fn (MpyTransport *transport, void *buffer, gsize size)
{
  gssize n = sp_nonblocking_read (((MpySerialportTransport *) transport)->sp, buffer, size);

  if (n < 0)
    errno = sp_last_error_code ();
  return n;
}

static gssize
sp_write_fn (MpyTransport *transport, void *buffer, gsize size)
{
  gssize n = sp_nonblocking_write (((MpySerialportTransport *) transport)->sp, buffer, size);

  if (n < 0)
    errno = sp_last_error_code ();
  return n;
}

static gssize
serialport_read (MpyTransport  *transport,
                 guint8        *buffer,
                 gsize          size,
                 int            timeout_ms,
                 GCancellable  *cancellable,
                 GError       **error)
{
  MpySerialportTransport *self = (MpySerialportTransport *) transport;

  return mpy_tty_read (transport, self->fd, sp_read_fn, buffer, size, timeout_ms,
                       cancellable, error);
}

static gboolean
serialport_write_all (MpyTransport  *transport,
                      const guint8  *data,
                      gsize          size,
                      int            timeout_ms,
                      GCancellable  *cancellable,
                      GError       **error)
{
  MpySerialportTransport *self = (MpySerialportTransport *) transport;

  return mpy_tty_write_all (transport, self->fd, sp_write_fn, data, size, timeout_ms,
                            cancellable, error);
}

static void
serialport_flush (MpyTransport *transport)
{
  sp_flush (((MpySerialportTransport *) transport)->sp, SP_BUF_BOTH);
}

static void
serialport_close (MpyTransport *transport)
{
  MpySerialportTransport *self = (MpySerialportTransport *) transport;

  /* RTS first, then DTR: the other order passes through DTR=0/RTS=1, which resets an
   * ESP32 through its auto-reset circuit. MPY_LINE_ON keeps a line as it is. */
  if (self->rts_mode != MPY_LINE_ON)
    sp_set_rts (self->sp, SP_RTS_OFF);
  if (self->dtr_mode != MPY_LINE_ON)
    sp_set_dtr (self->sp, SP_DTR_OFF);
  /* A pty slave keeps its exclusive flag while the master lives: clear it. */
  (void) ioctl (self->fd, TIOCNXCL);
  sp_close (self->sp);
  sp_free_port (self->sp);
}

static const MpyTransportVTable serialport_vtable = {
  .kind = "libserialport",
  .read = serialport_read,
  .write_all = serialport_write_all,
  .flush = serialport_flush,
  .close = serialport_close,
};

MpyTransport *
mpy_transport_serialport_open (const char                 *path,
                               const MpyTransportOptions  *options,
                               gboolean                   *refused,
                               GError                    **error)
{
  g_autofree char *real = realpath (path, NULL);
  MpyLineMode dtr = options->dtr, rts = options->rts;
  MpySerialportTransport *self;
  struct sp_port *sp = NULL;
  enum sp_return ret;
  int fd = -1;

  *refused = FALSE;
  if (real == NULL)
    {
      mpy_tty_set_errno_error (error, errno, path, "open");
      return NULL;
    }

  /* The sysfs lookup needs the /dev/ttyX name, not a /dev/serial/by-id/… link. */
  if (sp_get_port_by_name (real, &sp) != SP_OK)
    {
      *refused = TRUE;
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT,
                   _("libserialport does not know %s"), path);
      return NULL;
    }

  ret = sp_open (sp, SP_MODE_READ_WRITE);
  if (ret != SP_OK)
    {
      int err = sp_last_error_code ();

      sp_free_port (sp);
      if (err == EACCES || err == EPERM || err == EBUSY || err == ENOENT)
        mpy_tty_set_errno_error (error, err, path, "open");
      else
        {
          /* e.g. ENOTTY from the modem-control ioctls of a pty */
          *refused = TRUE;
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                       _("libserialport cannot open %s: %s"), path, g_strerror (err));
        }
      return NULL;
    }

  if (sp_get_port_handle (sp, &fd) != SP_OK || !mpy_tty_lock_exclusive (fd, path, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                     _("libserialport gave no handle for %s"), path);
      sp_close (sp);
      sp_free_port (sp);
      return NULL;
    }

  if (sp_set_baudrate (sp, (int) options->baud) != SP_OK
      || sp_set_bits (sp, 8) != SP_OK
      || sp_set_parity (sp, SP_PARITY_NONE) != SP_OK
      || sp_set_stopbits (sp, 1) != SP_OK
      || sp_set_flowcontrol (sp, SP_FLOWCONTROL_NONE) != SP_OK
      || sp_set_dtr (sp, dtr != MPY_LINE_OFF ? SP_DTR_ON : SP_DTR_OFF) != SP_OK
      || sp_set_rts (sp, rts != MPY_LINE_OFF ? SP_RTS_ON : SP_RTS_OFF) != SP_OK)
    {
      int err = sp_last_error_code ();

      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                   _("Cannot configure %s at %u baud 8N1: %s"), path, options->baud,
                   err != 0 ? g_strerror (err) : _("rejected by the driver"));
      sp_close (sp);
      sp_free_port (sp);
      return NULL;
    }

  if (dtr == MPY_LINE_ON || rts == MPY_LINE_ON)
    {
      struct termios tio;

      /* as in the termios transport: keep the asserted line on close */
      if (tcgetattr (fd, &tio) == 0)
        {
          tio.c_cflag &= ~HUPCL;
          tcsetattr (fd, TCSANOW, &tio);
        }
    }

  self = mpy_transport_alloc (&serialport_vtable, sizeof *self, path);
  self->fd = fd;
  self->sp = sp;
  self->dtr_mode = dtr;
  self->rts_mode = rts;
  return &self->parent;
}

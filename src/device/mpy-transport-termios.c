/* mpy-transport-termios.c — a serial line through plain termios on a file descriptor
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the paths libserialport refuses: Linux pseudo-terminals (QEMU, socat bridges, the
 * unix port), whose modem-control ioctls fail and whose sysfs lookup does not exist.
 */

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "mpy-transport-private.h"

typedef struct
{
  MpyTransport  parent;
  int           fd;
  MpyLineMode   dtr_mode;
  MpyLineMode   rts_mode;
} MpyTermiosTransport;

static speed_t
baud_to_speed (guint baud)
{
  switch (baud)
    {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 500000: return B500000;
    case 921600: return B921600;
    case 1000000: return B1000000;
    case 2000000: return B2000000;
    default: return 0;
    }
}

static gboolean
set_lines (int fd, gboolean dtr, gboolean rts)
{
  int set = (dtr ? TIOCM_DTR : 0) | (rts ? TIOCM_RTS : 0);
  int clear = (dtr ? 0 : TIOCM_DTR) | (rts ? 0 : TIOCM_RTS);

  /* Pseudo-terminals have no modem lines (ENOTTY/EINVAL): nothing to do there. */
  if (set != 0 && ioctl (fd, TIOCMBIS, &set) != 0 && errno != ENOTTY && errno != EINVAL)
    return FALSE;
  if (clear != 0 && ioctl (fd, TIOCMBIC, &clear) != 0 && errno != ENOTTY && errno != EINVAL)
    return FALSE;
  return TRUE;
}

static gssize
fd_read (MpyTransport *transport, void *buffer, gsize size)
{
  return read (((MpyTermiosTransport *) transport)->fd, buffer, size);
}

static gssize
fd_write (MpyTransport *transport, void *buffer, gsize size)
{
  return write (((MpyTermiosTransport *) transport)->fd, buffer, size);
}

static gssize
termios_read (MpyTransport  *transport,
              guint8        *buffer,
              gsize          size,
              int            timeout_ms,
              GCancellable  *cancellable,
              GError       **error)
{
  MpyTermiosTransport *self = (MpyTermiosTransport *) transport;

  return mpy_tty_read (transport, self->fd, fd_read, buffer, size, timeout_ms, cancellable, error);
}

static gboolean
termios_write_all (MpyTransport  *transport,
                   const guint8  *data,
                   gsize          size,
                   int            timeout_ms,
                   GCancellable  *cancellable,
                   GError       **error)
{
  MpyTermiosTransport *self = (MpyTermiosTransport *) transport;

  return mpy_tty_write_all (transport, self->fd, fd_write, data, size, timeout_ms,
                            cancellable, error);
}

static void
termios_flush (MpyTransport *transport)
{
  tcflush (((MpyTermiosTransport *) transport)->fd, TCIOFLUSH);
}

static void
termios_close (MpyTransport *transport)
{
  MpyTermiosTransport *self = (MpyTermiosTransport *) transport;
  int rts = TIOCM_RTS, dtr = TIOCM_DTR;

  /* RTS first, then DTR: the other order passes through DTR=0/RTS=1, which resets an
   * ESP32 through its auto-reset circuit. MPY_LINE_ON keeps a line as it is. */
  if (self->rts_mode != MPY_LINE_ON)
    (void) ioctl (self->fd, TIOCMBIC, &rts);
  if (self->dtr_mode != MPY_LINE_ON)
    (void) ioctl (self->fd, TIOCMBIC, &dtr);
  /* A pty slave keeps its exclusive flag while the master lives: clear it. */
  (void) ioctl (self->fd, TIOCNXCL);
  close (self->fd);
}

static const MpyTransportVTable termios_vtable = {
  .kind = "termios",
  .read = termios_read,
  .write_all = termios_write_all,
  .flush = termios_flush,
  .close = termios_close,
};

MpyTransport *
mpy_transport_termios_open (const char                 *path,
                            const MpyTransportOptions  *options,
                            GError                    **error)
{
  struct termios tio;
  speed_t speed = baud_to_speed (options->baud);
  MpyLineMode dtr = options->dtr, rts = options->rts;
  MpyTermiosTransport *self;
  int fd;

  if (speed == 0)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                   _("Unsupported baud rate %u for %s (try 115200)"), options->baud, path);
      return NULL;
    }

  fd = open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      mpy_tty_set_errno_error (error, errno, path, "open");
      return NULL;
    }
  if (!isatty (fd))
    {
      close (fd);
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT,
                   _("%s is not a serial port or terminal: pick a port such as /dev/ttyACM0"), path);
      return NULL;
    }
  if (!mpy_tty_lock_exclusive (fd, path, error))
    {
      close (fd);
      return NULL;
    }
  if (tcgetattr (fd, &tio) != 0)
    {
      mpy_tty_set_errno_error (error, errno, path, "configure");
      close (fd);
      return NULL;
    }
  cfmakeraw (&tio);
  tio.c_cflag &= ~(CSTOPB | PARENB | CSIZE | CRTSCTS);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  /* A line the user wants kept asserted must survive close(): no hang-up on close then. */
  if (dtr == MPY_LINE_ON || rts == MPY_LINE_ON)
    tio.c_cflag &= ~HUPCL;
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed (&tio, speed);
  cfsetospeed (&tio, speed);
  if (tcsetattr (fd, TCSANOW, &tio) != 0)
    {
      mpy_tty_set_errno_error (error, errno, path, "configure");
      close (fd);
      return NULL;
    }
  if (!set_lines (fd, dtr != MPY_LINE_OFF, rts != MPY_LINE_OFF))
    {
      mpy_tty_set_errno_error (error, errno, path, "set DTR/RTS on");
      close (fd);
      return NULL;
    }

  self = mpy_transport_alloc (&termios_vtable, sizeof *self, path);
  self->fd = fd;
  self->dtr_mode = dtr;
  self->rts_mode = rts;
  return &self->parent;
}

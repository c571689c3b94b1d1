/* mpy-transport.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <libserialport.h>

#include "mpy-transport.h"

struct _MpyTransport
{
  MpyTransportKind  kind;
  char             *path;
  int               fd;
  struct sp_port   *sp;      /* SERIALPORT only */
  MpyLineMode       dtr_mode;
  MpyLineMode       rts_mode;
};

const char *
mpy_transport_kind_to_string (MpyTransportKind kind)
{
  switch (kind)
    {
    case MPY_TRANSPORT_SERIALPORT: return "libserialport";
    case MPY_TRANSPORT_TERMIOS: return "termios";
    case MPY_TRANSPORT_AUTO:
    default: return "auto";
    }
}

MpyTransportKind
mpy_transport_get_kind (MpyTransport *self)
{
  return self->kind;
}

/* One message per failure a user can do something about. */
static void
set_errno_error (GError     **error,
                 int          err,
                 const char  *path,
                 const char  *what)
{
  switch (err)
    {
    case ENOENT:
    case ENODEV:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT,
                   "No such port %s: is the board plugged in? (%s)", path, g_strerror (err));
      break;
    case EACCES:
    case EPERM:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PERMISSION,
                   "Permission denied opening %s: add yourself to the dialout group "
                   "(sudo usermod -aG dialout $USER), then log in again", path);
      break;
    case EBUSY:
    case EWOULDBLOCK:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_BUSY,
                   "Port %s is busy: another program (screen, Thonny, mpremote, another "
                   "MpyMemMap) has it open; close it and try again", path);
      break;
    case EIO:
    case ENXIO:
    case EPIPE:
    case ESHUTDOWN:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED,
                   "The board on %s was disconnected (%s): check the cable, then capture again",
                   path, g_strerror (err));
      break;
    default:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                   "Cannot %s %s: %s", what, path, g_strerror (err));
      break;
    }
}

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
lock_exclusive (int          fd,
                const char  *path,
                GError     **error)
{
  /* flock is what pyserial (exclusive=True, mpremote) and we check; TIOCEXCL makes a
   * second open() fail with EBUSY for programs that do not flock. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      set_errno_error (error, errno == EWOULDBLOCK ? EBUSY : errno, path, "lock");
      return FALSE;
    }
  (void) ioctl (fd, TIOCEXCL);
  return TRUE;
}

static gboolean
termios_set_lines (int fd, gboolean dtr, gboolean rts)
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

static MpyTransport *
open_termios (const char   *path,
              guint         baud,
              MpyLineMode   dtr,
              MpyLineMode   rts,
              GError      **error)
{
  struct termios tio;
  speed_t speed = baud_to_speed (baud);
  int fd;
  MpyTransport *self;

  if (speed == 0)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                   "Unsupported baud rate %u for %s (try 115200)", baud, path);
      return NULL;
    }

  fd = open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      set_errno_error (error, errno, path, "open");
      return NULL;
    }
  if (!isatty (fd))
    {
      close (fd);
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT,
                   "%s is not a serial port or terminal: pick a port such as /dev/ttyACM0", path);
      return NULL;
    }
  if (!lock_exclusive (fd, path, error))
    {
      close (fd);
      return NULL;
    }
  if (tcgetattr (fd, &tio) != 0)
    {
      set_errno_error (error, errno, path, "configure");
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
      set_errno_error (error, errno, path, "configure");
      close (fd);
      return NULL;
    }
  if (!termios_set_lines (fd, dtr != MPY_LINE_OFF, rts != MPY_LINE_OFF))
    {
      set_errno_error (error, errno, path, "set DTR/RTS on");
      close (fd);
      return NULL;
    }

  self = g_new0 (MpyTransport, 1);
  self->kind = MPY_TRANSPORT_TERMIOS;
  self->path = g_strdup (path);
  self->fd = fd;
  self->dtr_mode = dtr;
  self->rts_mode = rts;
  return self;
}

/* Returns NULL with *refused = TRUE when libserialport does not handle @path at all
 * (a pseudo-terminal, a path outside /dev): the caller then tries termios. */
static MpyTransport *
open_serialport (const char   *path,
                 guint         baud,
                 MpyLineMode   dtr,
                 MpyLineMode   rts,
                 gboolean     *refused,
                 GError      **error)
{
  g_autofree char *real = realpath (path, NULL);
  struct sp_port *sp = NULL;
  enum sp_return ret;
  MpyTransport *self;
  int fd = -1;

  *refused = FALSE;
  if (real == NULL)
    {
      set_errno_error (error, errno, path, "open");
      return NULL;
    }

  /* The sysfs lookup needs the /dev/ttyX name, not a /dev/serial/by-id/… link. */
  if (sp_get_port_by_name (real, &sp) != SP_OK)
    {
      *refused = TRUE;
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT,
                   "libserialport does not know %s", path);
      return NULL;
    }

  ret = sp_open (sp, SP_MODE_READ_WRITE);
  if (ret != SP_OK)
    {
      int err = sp_last_error_code ();

      sp_free_port (sp);
      if (err == EACCES || err == EPERM || err == EBUSY || err == ENOENT)
        set_errno_error (error, err, path, "open");
      else
        {
          /* e.g. ENOTTY from the modem-control ioctls of a pty */
          *refused = TRUE;
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                       "libserialport cannot open %s: %s", path, g_strerror (err));
        }
      return NULL;
    }

  if (sp_get_port_handle (sp, &fd) != SP_OK || !lock_exclusive (fd, path, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                     "libserialport gave no handle for %s", path);
      sp_close (sp);
      sp_free_port (sp);
      return NULL;
    }

  if (sp_set_baudrate (sp, (int) baud) != SP_OK
      || sp_set_bits (sp, 8) != SP_OK
      || sp_set_parity (sp, SP_PARITY_NONE) != SP_OK
      || sp_set_stopbits (sp, 1) != SP_OK
      || sp_set_flowcontrol (sp, SP_FLOWCONTROL_NONE) != SP_OK
      || sp_set_dtr (sp, dtr != MPY_LINE_OFF ? SP_DTR_ON : SP_DTR_OFF) != SP_OK
      || sp_set_rts (sp, rts != MPY_LINE_OFF ? SP_RTS_ON : SP_RTS_OFF) != SP_OK)
    {
      int err = sp_last_error_code ();

      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                   "Cannot configure %s at %u baud 8N1: %s", path, baud,
                   err != 0 ? g_strerror (err) : "rejected by the driver");
      sp_close (sp);
      sp_free_port (sp);
      return NULL;
    }

  if (dtr == MPY_LINE_ON || rts == MPY_LINE_ON)
    {
      struct termios tio;

      /* as in open_termios: keep the asserted line on close */
      if (tcgetattr (fd, &tio) == 0)
        {
          tio.c_cflag &= ~HUPCL;
          tcsetattr (fd, TCSANOW, &tio);
        }
    }

  self = g_new0 (MpyTransport, 1);
  self->kind = MPY_TRANSPORT_SERIALPORT;
  self->path = g_strdup (path);
  self->fd = fd;
  self->sp = sp;
  self->dtr_mode = dtr;
  self->rts_mode = rts;
  return self;
}

/**
 * mpy_transport_open:
 * @path: a device path (symlinks allowed)
 * @baud: baud rate, 115200 for MicroPython boards
 * @dtr: DTR handling
 * @rts: RTS handling
 * @kind: which implementation to use; %MPY_TRANSPORT_AUTO tries libserialport first
 * @error: return location for a #GError in %MPY_DEVICE_ERROR
 *
 * Opens @path exclusively at @baud 8N1 without flow control.
 *
 * Returns: (transfer full): the transport, or %NULL with @error set
 */
MpyTransport *
mpy_transport_open (const char        *path,
                    guint              baud,
                    MpyLineMode        dtr,
                    MpyLineMode        rts,
                    MpyTransportKind   kind,
                    GError           **error)
{
  g_autoptr(GError) sp_error = NULL;
  MpyTransport *self;
  gboolean refused = FALSE;

  g_return_val_if_fail (path != NULL, NULL);

  if (kind == MPY_TRANSPORT_TERMIOS)
    return open_termios (path, baud, dtr, rts, error);

  self = open_serialport (path, baud, dtr, rts, &refused, &sp_error);
  if (self != NULL)
    return self;
  if (kind == MPY_TRANSPORT_AUTO && refused)
    return open_termios (path, baud, dtr, rts, error);
  g_propagate_error (error, g_steal_pointer (&sp_error));
  return NULL;
}

/* Waits for @events; *revents gets what happened (0 on timeout). */
static gboolean
wait_fd (MpyTransport  *self,
         short          events,
         int            timeout_ms,
         GCancellable  *cancellable,
         short         *revents,
         GError       **error)
{
  struct pollfd fds[2] = { { self->fd, events, 0 }, { -1, POLLIN, 0 } };
  int nfds = 1;
  int r;

  *revents = 0;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, (GPollFD *) &fds[1]))
    nfds = 2;

  do
    r = poll (fds, nfds, timeout_ms);
  while (r < 0 && errno == EINTR);

  if (nfds == 2)
    g_cancellable_release_fd (cancellable);

  if (r < 0)
    {
      set_errno_error (error, errno, self->path, "wait for");
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (fds[0].revents & POLLNVAL)
    {
      set_errno_error (error, EIO, self->path, "read");
      return FALSE;
    }
  *revents = fds[0].revents;
  return TRUE;
}

gssize
mpy_transport_read (MpyTransport  *self,
                    guint8        *buffer,
                    gsize          size,
                    int            timeout_ms,
                    GCancellable  *cancellable,
                    GError       **error)
{
  guint empty_reads = 0;

  g_return_val_if_fail (self != NULL, -1);

  for (;;)
    {
      short revents;
      gssize n;

      if (!wait_fd (self, POLLIN, timeout_ms, cancellable, &revents, error))
        return -1;
      if (revents == 0)
        return 0;

      /* With POLLHUP, data still buffered is read first; the EIO/EOF comes after. */
      if (self->sp != NULL)
        {
          n = sp_nonblocking_read (self->sp, buffer, size);
          if (n < 0)
            errno = sp_last_error_code ();
        }
      else
        n = read (self->fd, buffer, size);

      if (n > 0)
        return n;
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        {
          set_errno_error (error, errno, self->path, "read");
          return -1;
        }
      /* Nothing read: end of file on a hung-up tty, or a spurious wake-up (libserialport
       * reports EAGAIN as 0 too). */
      if ((revents & (POLLHUP | POLLERR)) || ++empty_reads > 100)
        {
          set_errno_error (error, EIO, self->path, "read");
          return -1;
        }
    }
}

gboolean
mpy_transport_write_all (MpyTransport  *self,
                         const void    *data,
                         gsize          size,
                         int            timeout_ms,
                         GCancellable  *cancellable,
                         GError       **error)
{
  const guint8 *p = data;

  g_return_val_if_fail (self != NULL, FALSE);

  while (size > 0)
    {
      short revents;
      gssize n;

      if (!wait_fd (self, POLLOUT, timeout_ms, cancellable, &revents, error))
        return FALSE;
      if (revents & (POLLHUP | POLLERR))
        {
          set_errno_error (error, EIO, self->path, "write to");
          return FALSE;
        }
      if (revents == 0)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                       "Writing to %s timed out after %d ms: the port does not drain "
                       "(is flow control blocking it?)", self->path, timeout_ms);
          return FALSE;
        }
      if (self->sp != NULL)
        {
          n = sp_nonblocking_write (self->sp, p, size);
          if (n < 0)
            errno = sp_last_error_code ();
        }
      else
        n = write (self->fd, p, size);

      if (n < 0)
        {
          if (errno == EAGAIN || errno == EINTR)
            continue;
          set_errno_error (error, errno, self->path, "write to");
          return FALSE;
        }
      p += n;
      size -= (gsize) n;
    }
  return TRUE;
}

void
mpy_transport_flush (MpyTransport *self)
{
  g_return_if_fail (self != NULL);

  if (self->sp != NULL)
    sp_flush (self->sp, SP_BUF_BOTH);
  else
    tcflush (self->fd, TCIOFLUSH);
}

void
mpy_transport_close (MpyTransport *self)
{
  if (self == NULL)
    return;

  /* RTS first, then DTR: the other order passes through DTR=0/RTS=1, which resets an
   * ESP32 through its auto-reset circuit. MPY_LINE_ON keeps a line as it is. */
  if (self->sp != NULL)
    {
      if (self->rts_mode != MPY_LINE_ON)
        sp_set_rts (self->sp, SP_RTS_OFF);
      if (self->dtr_mode != MPY_LINE_ON)
        sp_set_dtr (self->sp, SP_DTR_OFF);
      /* A pty slave keeps its exclusive flag while the master lives: clear it. */
      (void) ioctl (self->fd, TIOCNXCL);
      sp_close (self->sp);
      sp_free_port (self->sp);
    }
  else
    {
      int rts = TIOCM_RTS, dtr = TIOCM_DTR;

      if (self->rts_mode != MPY_LINE_ON)
        (void) ioctl (self->fd, TIOCMBIC, &rts);
      if (self->dtr_mode != MPY_LINE_ON)
        (void) ioctl (self->fd, TIOCMBIC, &dtr);
      (void) ioctl (self->fd, TIOCNXCL);
      close (self->fd);
    }
  g_free (self->path);
  g_free (self);
}

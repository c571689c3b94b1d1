/* mpy-transport-tty.c — what the termios and libserialport transports share
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <glib/gi18n-lib.h>

#include "mpy-transport-private.h"

/* One message per failure a user can do something about. */
void
mpy_tty_set_errno_error (GError     **error,
                         int          err,
                         const char  *path,
                         const char  *what)
{
  switch (err)
    {
    case ENOENT:
    case ENODEV:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT,
                   _("No such port %s: is the board plugged in? (%s)"), path, g_strerror (err));
      break;
    case EACCES:
    case EPERM:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PERMISSION,
                   _("Permission denied opening %s: add yourself to the dialout group "
                     "(sudo usermod -aG dialout $USER), then log in again"), path);
      break;
    case EBUSY:
    case EWOULDBLOCK:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_BUSY,
                   _("Port %s is busy: another program (screen, Thonny, mpremote, another "
                     "MpyMemMap) has it open; close it and try again"), path);
      break;
    case EIO:
    case ENXIO:
    case EPIPE:
    case ESHUTDOWN:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED,
                   _("The board on %s was disconnected (%s): check the cable, then capture again"),
                   path, g_strerror (err));
      break;
    default:
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                   "Cannot %s %s: %s", what, path, g_strerror (err));
      break;
    }
}

gboolean
mpy_tty_lock_exclusive (int          fd,
                        const char  *path,
                        GError     **error)
{
  /* flock is what pyserial (exclusive=True, mpremote) and we check; TIOCEXCL makes a
   * second open() fail with EBUSY for programs that do not flock. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      mpy_tty_set_errno_error (error, errno == EWOULDBLOCK ? EBUSY : errno, path, "lock");
      return FALSE;
    }
  (void) ioctl (fd, TIOCEXCL);
  return TRUE;
}

gboolean
mpy_tty_wait_fd (int            fd,
                 const char    *path,
                 short          events,
                 int            timeout_ms,
                 GCancellable  *cancellable,
                 short         *revents,
                 GError       **error)
{
  struct pollfd fds[2] = { { fd, events, 0 }, { -1, POLLIN, 0 } };
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
      mpy_tty_set_errno_error (error, errno, path, "wait for");
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (fds[0].revents & POLLNVAL)
    {
      mpy_tty_set_errno_error (error, EIO, path, "read");
      return FALSE;
    }
  *revents = fds[0].revents;
  return TRUE;
}

gssize
mpy_tty_read (MpyTransport  *self,
              int            fd,
              MpyTtyIoFunc   read_fn,
              guint8        *buffer,
              gsize          size,
              int            timeout_ms,
              GCancellable  *cancellable,
              GError       **error)
{
  guint empty_reads = 0;

  for (;;)
    {
      short revents;
      gssize n;

      if (!mpy_tty_wait_fd (fd, self->description, POLLIN, timeout_ms, cancellable,
                            &revents, error))
        return -1;
      if (revents == 0)
        return 0;

      /* With POLLHUP, data still buffered is read first; the EIO/EOF comes after. */
      n = read_fn (self, buffer, size);
      if (n > 0)
        return n;
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        {
          mpy_tty_set_errno_error (error, errno, self->description, "read");
          return -1;
        }
      /* Nothing read: end of file on a hung-up tty, or a spurious wake-up (libserialport
       * reports EAGAIN as 0 too). */
      if ((revents & (POLLHUP | POLLERR)) || ++empty_reads > 100)
        {
          mpy_tty_set_errno_error (error, EIO, self->description, "read");
          return -1;
        }
    }
}

gboolean
mpy_tty_write_all (MpyTransport  *self,
                   int            fd,
                   MpyTtyIoFunc   write_fn,
                   const guint8  *data,
                   gsize          size,
                   int            timeout_ms,
                   GCancellable  *cancellable,
                   GError       **error)
{
  while (size > 0)
    {
      short revents;
      gssize n;

      if (!mpy_tty_wait_fd (fd, self->description, POLLOUT, timeout_ms, cancellable,
                            &revents, error))
        return FALSE;
      if (revents & (POLLHUP | POLLERR))
        {
          mpy_tty_set_errno_error (error, EIO, self->description, "write to");
          return FALSE;
        }
      if (revents == 0)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                       _("Writing to %s timed out after %d ms: the port does not drain "
                         "(is flow control blocking it?)"), self->description, timeout_ms);
          return FALSE;
        }
      n = write_fn (self, (void *) data, size);
      if (n < 0)
        {
          if (errno == EAGAIN || errno == EINTR)
            continue;
          mpy_tty_set_errno_error (error, errno, self->description, "write to");
          return FALSE;
        }
      data += n;
      size -= (gsize) n;
    }
  return TRUE;
}

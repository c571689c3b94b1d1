/* mpy-transport-tty.c — what the termios and libserialport transports share
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "mpy-transport-private.h"

static gboolean
process_has_group (gid_t gid)
{
  gid_t groups[256];
  int n;

  if (getegid () == gid)
    return TRUE;
  n = getgroups (G_N_ELEMENTS (groups), groups);
  for (int i = 0; i < n; i++)
    if (groups[i] == gid)
      return TRUE;
  return FALSE;
}

/* The fix for a port this user may not open. “Add yourself to the dialout group” only
 * where it is one: a port whose group (dialout, or uucp on some distributions) may read
 * and write it and that this user is not in. A pty made by root (QEMU, socat) is not
 * fixed by any group. */
static char *
describe_permission_denied (const char *path)
{
  struct stat st;
  struct group grp, *gr = NULL;
  struct passwd pw, *owner = NULL, *me = NULL;
  char gbuf[4096], pbuf[4096], mbuf[4096];
  const char *group_name;

  if (stat (path, &st) != 0)
    return g_strdup_printf (_("Permission denied opening %s"), path);
  getgrgid_r (st.st_gid, &grp, gbuf, sizeof gbuf, &gr);
  getpwuid_r (st.st_uid, &pw, pbuf, sizeof pbuf, &owner);
  group_name = gr != NULL ? gr->gr_name : NULL;

  if (group_name != NULL && (g_str_equal (group_name, "dialout") || g_str_equal (group_name, "uucp"))
      && (st.st_mode & (S_IRGRP | S_IWGRP)) == (S_IRGRP | S_IWGRP))
    {
      struct passwd mpw;
      gboolean listed = FALSE;

      if (process_has_group (st.st_gid))
        return g_strdup_printf (_("Permission denied opening %s, although this program runs in its "
                                "group %s: check its permissions (ls -l %s)"), path, group_name, path);
      getpwuid_r (geteuid (), &mpw, mbuf, sizeof mbuf, &me);
      for (char **m = gr->gr_mem; me != NULL && m != NULL && *m != NULL; m++)
        if (g_str_equal (*m, me->pw_name))
          listed = TRUE;
      if (listed)
        return g_strdup_printf (_("Permission denied opening %s: you are in the %s group, but this "
                                "login started before you were added; log out and in again"),
                                path, group_name);
      return g_strdup_printf (_("Permission denied opening %s: add yourself to the %s group "
                              "(sudo usermod -aG %s $USER), then log in again"),
                              path, group_name, group_name);
    }
  return g_strdup_printf (_("Permission denied opening %s: it belongs to %s (group %s, mode %03o) "
                          "and is not open to this user; open it as its owner, or run the "
                          "program that made it (QEMU, socat) as this user"),
                          path, owner != NULL ? owner->pw_name : _("another user"),
                          group_name != NULL ? group_name : "?", st.st_mode & 0777);
}

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
      {
        g_autofree char *message = describe_permission_denied (path);

        g_set_error_literal (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PERMISSION, message);
      }
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
      {
        /* One whole sentence per step, so that translators need not build one from a verb. */
        static const struct { const char *what; const char *format; } formats[] = {
          /* Translators: %s is the port, then the system's reason */
          { "open", N_("Cannot open %s: %s") },
          { "configure", N_("Cannot configure %s: %s") },
          { "set DTR/RTS on", N_("Cannot set DTR/RTS on %s: %s") },
          { "lock", N_("Cannot lock %s: %s") },
          { "wait for", N_("Cannot wait for %s: %s") },
          { "read", N_("Cannot read %s: %s") },
          { "write to", N_("Cannot write to %s: %s") },
        };

        for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
          if (g_str_equal (what, formats[i].what))
            {
              g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                           _(formats[i].format), path, g_strerror (err));
              return;
            }
        /* Translators: “Cannot STEP PORT: REASON”, for a step not listed above */
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                     _("Cannot %s %s: %s"), what, path, g_strerror (err));
      }
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

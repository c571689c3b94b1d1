/* pty-shim.c — test-only LD_PRELOAD shim: lets libserialport 0.1.1 open a pseudo-terminal
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libserialport refuses ptys twice: its sysfs lookup of /sys/class/tty/pts/N fails, and
 * sp_open() needs the modem-control ioctls, which ptys lack. This shim answers both for
 * ptys only, keeping a fake modem-line state per process, so the libserialport transport
 * runs against the emulated board. Counters in MPY_PTY_SHIM_LOG (optional) let a test see
 * which lines were set and in what order. MPY_PTY_SHIM_BYTES (optional, for diagnosing a
 * flaky exchange) names a file that gets every read and write on a pty, with the time.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define SYS_PTS "/sys/class/tty/pts/"

static int modem_bits = 0;

static int
is_pty_fd (int fd)
{
  struct stat st;

  /* Unix98 pty slaves: majors 136–143. */
  return fstat (fd, &st) == 0 && S_ISCHR (st.st_mode)
         && major (st.st_rdev) >= 136 && major (st.st_rdev) <= 143;
}

static void
log_lines (const char *what)
{
  const char *path = getenv ("MPY_PTY_SHIM_LOG");
  FILE *f;

  if (path == NULL || (f = fopen (path, "a")) == NULL)
    return;
  fprintf (f, "%s dtr=%d rts=%d\n", what, !!(modem_bits & TIOCM_DTR), !!(modem_bits & TIOCM_RTS));
  fclose (f);
}

int
ioctl (int fd, unsigned long request, ...)
{
  static int (*real_ioctl) (int, unsigned long, ...) = NULL;
  va_list ap;
  void *arg;

  va_start (ap, request);
  arg = va_arg (ap, void *);
  va_end (ap);

  if (real_ioctl == NULL)
    real_ioctl = (int (*) (int, unsigned long, ...)) dlsym (RTLD_NEXT, "ioctl");

  if ((request == TIOCMGET || request == TIOCMSET || request == TIOCMBIS || request == TIOCMBIC)
      && is_pty_fd (fd))
    {
      int *bits = arg;

      switch (request)
        {
        case TIOCMGET: *bits = modem_bits; return 0;
        case TIOCMSET: modem_bits = *bits; log_lines ("set"); return 0;
        case TIOCMBIS: modem_bits |= *bits; log_lines ("bis"); return 0;
        case TIOCMBIC: modem_bits &= ~*bits; log_lines ("bic"); return 0;
        default: break;
        }
    }
  return real_ioctl (fd, request, arg);
}

/* One line per read or write: monotonic seconds, direction, fd, the bytes escaped. */
static void
log_bytes (const char *dir, int fd, const void *data, ssize_t n)
{
  const char *path = getenv ("MPY_PTY_SHIM_BYTES");
  const unsigned char *p = data;
  struct timespec ts;
  FILE *f;

  if (path == NULL || n <= 0 || !is_pty_fd (fd) || (f = fopen (path, "a")) == NULL)
    return;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  fprintf (f, "%ld.%06ld %s fd=%d %zd ", (long) ts.tv_sec, ts.tv_nsec / 1000, dir, fd, n);
  for (ssize_t i = 0; i < n; i++)
    {
      if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
        fputc (p[i], f);
      else
        fprintf (f, "\\x%02x", p[i]);
    }
  fputc ('\n', f);
  fclose (f);
}

ssize_t
read (int fd, void *buf, size_t count)
{
  static ssize_t (*real_read) (int, void *, size_t) = NULL;
  ssize_t n;

  if (real_read == NULL)
    real_read = (ssize_t (*) (int, void *, size_t)) dlsym (RTLD_NEXT, "read");
  n = real_read (fd, buf, count);
  log_bytes ("rx", fd, buf, n);
  return n;
}

ssize_t
write (int fd, const void *buf, size_t count)
{
  static ssize_t (*real_write) (int, const void *, size_t) = NULL;
  ssize_t n;

  if (real_write == NULL)
    real_write = (ssize_t (*) (int, const void *, size_t)) dlsym (RTLD_NEXT, "write");
  n = real_write (fd, buf, count);
  log_bytes ("tx", fd, buf, n);
  return n;
}

static int
fake_sys_pts (const char *path)
{
  return path != NULL && strncmp (path, SYS_PTS, strlen (SYS_PTS)) == 0;
}

ssize_t
readlink (const char *path, char *buf, size_t size)
{
  static ssize_t (*real_readlink) (const char *, char *, size_t) = NULL;

  if (real_readlink == NULL)
    real_readlink = (ssize_t (*) (const char *, char *, size_t)) dlsym (RTLD_NEXT, "readlink");

  if (fake_sys_pts (path))
    {
      /* Looks like a native (non-USB) port to libserialport. */
      const char *target = "../../devices/platform/mpy-test-pty/tty/pts";
      size_t n = strlen (target);

      if (n > size)
        n = size;
      memcpy (buf, target, n);
      return (ssize_t) n;
    }
  return real_readlink (path, buf, size);
}

static int
fake_lstat (struct stat *st)
{
  memset (st, 0, sizeof *st);
  st->st_mode = S_IFLNK | 0777;
  return 0;
}

int
__lxstat (int ver, const char *path, struct stat *st)
{
  static int (*real) (int, const char *, struct stat *) = NULL;

  if (fake_sys_pts (path))
    return fake_lstat (st);
  if (real == NULL)
    real = (int (*) (int, const char *, struct stat *)) dlsym (RTLD_NEXT, "__lxstat");
  return real (ver, path, st);
}

int
lstat (const char *path, struct stat *st)
{
  static int (*real) (const char *, struct stat *) = NULL;

  if (fake_sys_pts (path))
    return fake_lstat (st);
  if (real == NULL)
    real = (int (*) (const char *, struct stat *)) dlsym (RTLD_NEXT, "lstat");
  return real (path, st);
}

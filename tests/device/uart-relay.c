/* uart-relay.c — the wire between socat and the emulated micro:bit, paced like a UART
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: mpy-uart-relay SOCKET
 * Connects to QEMU's serial socket and copies stdin to it and it to stdout (socat runs it
 * with exec: behind the pty). QEMU has no line rate: whatever the host queued reaches the
 * board as fast as its interrupt handler takes bytes. On a loaded host the emulated CPU
 * stalls while the client goes on writing; when it runs again the queued bytes arrive in
 * one burst and overflow the firmware's 64-byte receive buffer (bytes of the code are lost,
 * which a real micro:bit on a 115200-baud line never sees). So towards the board at most
 * GROUP bytes go at a time, no faster than 115200 baud, and only once QEMU has read the
 * previous ones (SIOCOUTQ): during a stall no more than that and the UART's own FIFO piles
 * up, well within the firmware's buffer. Towards the host everything is copied as it comes.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BYTE_NS    86806   /* 10 bits at 115200 baud */
#define GROUP      16      /* bytes in flight at most, besides the UART's FIFO */
#define RECHECK_NS 50000   /* while QEMU has not read the last group */

static long long
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
write_all (int fd, const unsigned char *p, size_t n)
{
  while (n > 0)
    {
      ssize_t w = write (fd, p, n);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return -1;
      p += w;
      n -= (size_t) w;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  static unsigned char queue[1 << 20];
  size_t head = 0, tail = 0;       /* queue[head..tail): from the host, not sent yet */
  long long next_ns = 0;           /* no byte to the board before this */
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int in_open = 1;
  int sock;

  if (argc != 2 || strlen (argv[1]) >= sizeof addr.sun_path)
    {
      fprintf (stderr, "usage: %s SOCKET\n", argv[0]);
      return 2;
    }
  strcpy (addr.sun_path, argv[1]);
  sock = socket (AF_UNIX, SOCK_STREAM, 0);
  if (sock < 0 || connect (sock, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      perror (argv[1]);
      return 1;
    }

  for (;;)
    {
      struct pollfd fds[2] = {
        { sock, POLLIN, 0 },
        { in_open && tail < sizeof queue ? 0 : -1, POLLIN, 0 },
      };
      struct timespec wait = { 0, 0 }, *timeout = NULL;
      unsigned char buf[4096];
      ssize_t n;

      if (head < tail)
        {
          long long now = now_ns ();
          int unread = 0;

          if (ioctl (sock, SIOCOUTQ, &unread) != 0)
            unread = 0;
          if (unread == 0 && now >= next_ns)
            {
              size_t n = tail - head < GROUP ? tail - head : GROUP;

              if (write_all (sock, queue + head, n) != 0)
                return 0;
              head += n;
              next_ns = now + (long long) n * BYTE_NS;
              if (head == tail)
                head = tail = 0;
              continue;
            }
          wait.tv_nsec = unread == 0 ? next_ns - now : RECHECK_NS;
          timeout = &wait;
        }
      else if (!in_open)
        return 0;  /* the host side closed and everything went out */

      if (ppoll (fds, 2, timeout, NULL) < 0)
        {
          if (errno == EINTR)
            continue;
          return 1;
        }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        {
          n = read (sock, buf, sizeof buf);
          if (n <= 0)
            return 0;  /* QEMU went away */
          if (write_all (1, buf, (size_t) n) != 0)
            return 0;
        }
      if (fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
        {
          n = read (0, queue + tail, sizeof queue - tail);
          if (n <= 0)
            in_open = 0;
          else
            tail += (size_t) n;
        }
    }
}

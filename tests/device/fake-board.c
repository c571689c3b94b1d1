/* fake-board.c — a MicroPython board on a pty that misbehaves on demand
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: mpy-fake-board LINK MODE DUMP-FILE
 * Creates a pseudo-terminal, points the symlink LINK at its slave and plays the friendly
 * and raw REPL (reference notes §3) with DUMP-FILE as the output of mem_info(1).
 * MODE: normal, silent, garbage, boottext, cutoff, lost-once, lost-always, hangup,
 * memoryerror, nomeminfo, slow, paste (raw-paste with a 32-byte window, as v1.14+ on
 * nRF boards), running (a program runs until the first Ctrl-C, which prints the traceback
 * of its KeyboardInterrupt), paste-broken (answers the raw-paste request, then aborts every
 * transfer), ticks (a program prints "tick" every 3 ms, also in the middle of a dump line)
 * and ticks-lines (the same, but only between whole lines: the dump stays readable),
 * wedge-nobanner (a banner without "MicroPython", sys.platform "webassembly", and the
 * raw-paste request wedges it for good, as the real webassembly port), drop-once (the
 * first code sent in the raw REPL is lost on the way, its \x04 included), logging (a
 * main.py that prints "step N" and a named log section "*** Memory info stepN ***" with the
 * dump every 100 ms, and appends every byte it receives to LINK.rx, so a test can tell that
 * nothing was sent), slow-stop (code that calls sleep runs until a Ctrl-C, which stops it
 * with a KeyboardInterrupt only after 2 s, as a busy board on a loaded host) and no-stop (the
 * same, but Ctrl-C never stops it) and slow-ok (a board slow to take code: its "OK" comes
 * 1.5 s after the code's end, and the reply counts the statements run, " #N"). Code
 * that is not a mem_info call prints "len=N", N its length in bytes
 * (plus " pasted" when it came by raw-paste). Exits on SIGTERM or, in hangup mode, mid-dump.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define FRIENDLY_BANNER \
  "MicroPython v1.9.2-fake on 2026-01-01; fake board with pty\r\n" \
  "Type \"help()\" for more information.\r\n>>> "
#define RAW_BANNER "raw REPL; CTRL-B to exit\r\n>"
#define ODD_BANNER \
  "FakePython 0.1 on 2026-01-01; JS with Emscripten\r\n" \
  "Type \"help()\" for more information.\r\n>>> "

static int master = -1;
static const char *mode;
static char *dump;
static size_t dump_len;
static int n_dumps;
static int dropped;       /* "drop-once": the first code was lost */

static void
put (const void *data, size_t len)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t n = write (master, p, len);

      if (n < 0)
        {
          if (errno == EAGAIN || errno == EINTR)
            {
              usleep (1000);
              continue;
            }
          exit (0);
        }
      p += n;
      len -= (size_t) n;
    }
}

static void
puts_ (const char *s)
{
  put (s, strlen (s));
}

static int interrupted;   /* "running": the program was stopped */

static int
is (const char *m)
{
  return strcmp (mode, m) == 0;
}

/* The dump without its third heap line: what a UART overrun does. */
static void
put_dump_lost_line (void)
{
  const char *layout = strstr (dump, "GC memory layout");
  const char *p = layout != NULL ? strchr (layout, '\n') : NULL;
  const char *start, *end;

  if (p == NULL)
    {
      put (dump, dump_len);
      return;
    }
  start = p + 1;
  for (int i = 0; i < 2 && start != NULL; i++)
    start = strchr (start, '\n') + 1;
  end = strchr (start, '\n') + 1;
  put (dump, (size_t) (start - dump));
  put (end, dump_len - (size_t) (end - dump));
}

static int running;       /* "slow-stop", "no-stop": the code runs until a Ctrl-C */
static int n_runs;        /* "slow-ok": statements run */

static int rx_log = -1;   /* "logging": every byte received goes here */
static int n_logged;

static void
put_log_section (void)
{
  char head[96];

  n_logged++;
  snprintf (head, sizeof head, "step %d\r\n*** Memory info step%d ***\r\n", n_logged, n_logged);
  puts_ (head);
  put (dump, dump_len);
  puts_ ("******************************\r\n");
}

static int
ticking (void)
{
  return is ("ticks") || is ("ticks-lines");
}

/* The dump with "tick" printed into it: in the middle of its second block line (ticks),
 * or after it, between two whole lines (ticks-lines). */
static void
put_dump_ticked (void)
{
  const char *layout = strstr (dump, "GC memory layout");
  const char *p = layout != NULL ? strchr (layout, '\n') : NULL;
  const char *at;

  if (p == NULL || (p = strchr (p + 1, '\n')) == NULL || (p = strchr (p + 1, '\n')) == NULL)
    {
      put (dump, dump_len);
      return;
    }
  /* p: the end of the second block line */
  at = is ("ticks") ? p - 30 : p + 1;
  put (dump, (size_t) (at - dump));
  puts_ ("tick\r\n");
  put (at, dump_len - (size_t) (at - dump));
}

static void
execute (const char *code, int pasted)
{
  const char *ok = pasted ? "" : "OK";

  if (ticking ())
    puts_ ("tick\r\n");  /* printed before the board got round to our code */

  if (strstr (code, "').platform") != NULL)
    {
      puts_ (is ("wedge-nobanner") ? "OKwebassembly\n\x04\x04>" : "OKfake\n\x04\x04>");
      return;
    }
  if (is ("slow-ok"))
    {
      char reply[64];

      usleep (1500000);
      snprintf (reply, sizeof reply, "OKlen=%zu #%d\r\n\x04\x04>", strlen (code), ++n_runs);
      puts_ (reply);
      return;
    }
  if (strstr (code, "sleep") != NULL && (is ("slow-stop") || is ("no-stop")))
    {
      puts_ (ok);
      running = 1;
      return;
    }
  if (strstr (code, "mem_info") == NULL)
    {
      char reply[64];

      snprintf (reply, sizeof reply, "%slen=%zu%s\r\n\x04\x04>", ok, strlen (code),
                pasted ? " pasted" : "");
      puts_ (reply);
      return;
    }

  n_dumps++;
  if (is ("memoryerror"))
    {
      puts_ (ok);
      puts_ ("\x04Traceback (most recent call last):\r\n"
             "  File \"<stdin>\", line 2, in <module>\r\n"
             "MemoryError: memory allocation failed, allocating 1024 bytes\r\n\x04>");
      return;
    }
  if (is ("nomeminfo"))
    {
      puts_ (ok);
      puts_ ("\x04Traceback (most recent call last):\r\n"
             "  File \"<stdin>\", line 2, in <module>\r\n"
             "AttributeError: 'module' object has no attribute 'mem_info'\r\n\x04>");
      return;
    }

  puts_ (ok);
  if (is ("cutoff"))
    {
      put (dump, dump_len / 2);
      mode = "silent";  /* and never another word */
      return;
    }
  if (is ("hangup"))
    {
      put (dump, dump_len / 2);
      usleep (20000);
      exit (0);  /* closes the master: the client sees EIO / POLLHUP */
    }
  if (is ("lost-always") || (is ("lost-once") && n_dumps == 1))
    put_dump_lost_line ();
  else if (ticking ())
    put_dump_ticked ();
  else if (is ("slow"))
    {
      /* One line every 20 ms, like a big heap over a slow UART. */
      const char *p = dump;

      while (p < dump + dump_len)
        {
          const char *nl = strchr (p, '\n');
          size_t n = nl != NULL ? (size_t) (nl - p) + 1 : strlen (p);

          put (p, n);
          p += n;
          usleep (20000);
        }
    }
  else
    put (dump, dump_len);
  puts_ ("\x04\x04>");
}

int
main (int argc, char **argv)
{
  static char line[65536];
  size_t line_len = 0;
  int raw = 0;
  int boot_done = 0;
  int probe = 0;          /* progress through \x05 A \x01 */
  int pasting = 0;        /* in raw-paste mode */
  size_t window_used = 0;
  unsigned garbage_seed = 12345;
  struct termios tio;
  const char *slave_name;
  int slave;
  FILE *f;

  if (argc != 4)
    {
      fprintf (stderr, "usage: %s LINK MODE DUMP-FILE\n", argv[0]);
      return 2;
    }
  mode = argv[2];

  f = fopen (argv[3], "rb");
  if (f == NULL)
    {
      perror (argv[3]);
      return 1;
    }
  dump = malloc (1 << 20);
  dump_len = fread (dump, 1, (1 << 20) - 1, f);
  dump[dump_len] = '\0';
  fclose (f);

  master = posix_openpt (O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt (master) != 0 || unlockpt (master) != 0)
    {
      perror ("posix_openpt");
      return 1;
    }
  slave_name = ptsname (master);
  /* Hold the slave open ourselves, so a client closing it does not turn the master's
   * reads into EIO between connections. */
  slave = open (slave_name, O_RDWR | O_NOCTTY);
  if (slave < 0 || tcgetattr (slave, &tio) != 0)
    {
      perror (slave_name);
      return 1;
    }
  cfmakeraw (&tio);
  tcsetattr (slave, TCSANOW, &tio);

  if (is ("logging"))
    {
      char rx_path[4096];

      snprintf (rx_path, sizeof rx_path, "%s.rx", argv[1]);
      rx_log = open (rx_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
      if (rx_log < 0)
        {
          perror (rx_path);
          return 1;
        }
    }

  unlink (argv[1]);
  if (symlink (slave_name, argv[1]) != 0)
    {
      perror (argv[1]);
      return 1;
    }

  for (;;)
    {
      unsigned char buf[4096];
      struct pollfd pfd = { master, POLLIN, 0 };
      ssize_t n;

      int ready = poll (&pfd, 1, ticking () ? 3 : is ("logging") ? 100 : -1);

      if (ready < 0)
        {
          if (errno == EINTR)
            continue;
          return 1;
        }
      if (ready == 0)
        {
          if (is ("logging"))
            put_log_section ();      /* the program logs on its own */
          else
            puts_ ("tick\r\n");  /* the program's timer */
          continue;
        }
      n = read (master, buf, sizeof buf);
      if (n <= 0)
        {
          if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          usleep (10000);  /* no client right now */
          continue;
        }

      if (rx_log >= 0 && write (rx_log, buf, (size_t) n) != n)
        return 1;
      for (ssize_t i = 0; i < n; i++)
        {
          unsigned char c = buf[i];

          if (is ("silent"))
            continue;
          if (is ("garbage"))
            {
              char junk[64];

              for (size_t k = 0; k < sizeof junk; k++)
                {
                  garbage_seed = garbage_seed * 1103515245u + 12345u;
                  junk[k] = (char) (0x20 + (garbage_seed >> 16) % 0x5f);
                }
              put (junk, sizeof junk);
              continue;
            }

          if (!raw)
            {
              switch (c)
                {
                case 0x03:
                  if (is ("running") && !interrupted)
                    {
                      /* A program was running: Ctrl-C stops it with a traceback. */
                      puts_ ("Traceback (most recent call last):\r\n"
                             "  File \"main.py\", line 4, in <module>\r\n"
                             "KeyboardInterrupt: \r\n");
                      interrupted = 1;
                    }
                  puts_ ("\r\n>>> ");
                  break;
                case 0x02: puts_ (is ("wedge-nobanner") ? "\r\n" ODD_BANNER : "\r\n" FRIENDLY_BANNER); break;
                case '\r': puts_ ("\r\n>>> "); break;
                case 0x01:
                  if (is ("boottext") && !boot_done)
                    {
                      /* A board that resets when the port opens and prints boot text. */
                      puts_ ("\r\nets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),"
                             "boot:0x13 (SPI_FAST_FLASH_BOOT)\r\nI (312) cpu_start: Starting\r\n");
                      usleep (200000);
                      puts_ (FRIENDLY_BANNER);
                      boot_done = 1;
                      break;  /* the Ctrl-A was lost in the reset: the client asks again */
                    }
                  raw = 1;
                  line_len = 0;
                  puts_ ("\r\n" RAW_BANNER);
                  break;
                default: put (&c, 1); break;
                }
              continue;
            }

          if (is ("wedge-nobanner") && c == 0x05)
            {
              /* the raw-paste request: "R\x01", the window, one grant and \x04, then
               * never another byte read */
              put ("R\x01\x80\x00\x01\x04", 6);
              mode = "silent";
              continue;
            }
          if (is ("paste") || is ("paste-broken"))
            {
              if (pasting == 2)
                {
                  /* aborted: the host's \x04 (or a Ctrl-C, as real firmware) ends it; back
                   * at the raw prompt, nothing run */
                  if (c == 0x04 || c == 0x03)
                    pasting = 0;
                  continue;
                }
              if (pasting)
                {
                  if (c == 0x04)
                    {
                      pasting = 0;
                      puts_ ("\x04");  /* all received and compiled */
                      line[line_len] = '\0';
                      execute (line, 1);
                      line_len = 0;
                    }
                  else
                    {
                      if (line_len < sizeof line - 1)
                        line[line_len++] = (char) c;
                      if (++window_used == 32)
                        {
                          window_used = 0;
                          puts_ ("\x01");  /* one more window */
                        }
                    }
                  continue;
                }
              if ((probe == 0 && c == 0x05) || (probe == 1 && c == 'A'))
                {
                  probe++;
                  continue;
                }
              if (probe == 2 && c == 0x01)
                {
                  probe = 0;
                  pasting = 1;
                  window_used = 0;
                  line_len = 0;
                  if (is ("paste-broken"))
                    {
                      /* a firmware whose raw-paste is broken: a 1-byte window, then an
                       * abort instead of the next grant (always before the host could
                       * send a whole statement), and it waits for the host's \x04 */
                      put ("R\x01\x01\x00\x04", 5);
                      pasting = 2;
                      continue;
                    }
                  put ("R\x01\x20\x00\x01", 5);
                  continue;
                }
              probe = 0;
            }

          if (running)
            {
              /* only a Ctrl-C reaches running code; everything else waits for its end */
              if (c == 0x03 && is ("slow-stop"))
                {
                  usleep (2000000);
                  puts_ ("\x04Traceback (most recent call last):\r\n"
                         "  File \"<stdin>\", line 1, in <module>\r\n"
                         "KeyboardInterrupt: \r\n\x04>");
                  running = 0;
                }
              continue;
            }
          switch (c)
            {
            case 0x03: line_len = 0; break;
            case 0x02:
              raw = 0;
              puts_ (is ("wedge-nobanner") ? "\r\n" ODD_BANNER : "\r\n" FRIENDLY_BANNER);
              break;
            case 0x01:
              /* as real firmware: no leading newline when already raw */
              line_len = 0;
              puts_ (RAW_BANNER);
              break;
            case 0x04:
              if (line_len == 0)
                {
                  puts_ ("OK\r\nsoft reboot\r\n" RAW_BANNER);
                  n_dumps = 0;
                }
              else if (is ("drop-once") && !dropped)
                {
                  dropped = 1;  /* lost on the way: no answer at all */
                  line_len = 0;
                }
              else
                {
                  line[line_len] = '\0';
                  execute (line, 0);
                  line_len = 0;
                }
              break;
            default:
              if (line_len < sizeof line - 1)
                line[line_len++] = (char) c;
              break;
            }
        }
    }
}

/* mpy-cli-text.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Everything the CLI writes as text — labels, file names, board output, dumps, tracebacks,
 * messages — may hold bytes from a board or a file that a terminal would obey (`\x1b]0;…`
 * sets the window title, `\x1b[2J` clears the screen). Like git and systemd, the CLI shows
 * them instead: every control character other than newline and tab is written as `\xNN`,
 * and so is every byte that is not UTF-8. Carriage returns just before a newline are kept
 * (boards end lines with `\r\n`, and a dump printed by `capture` must stay readable as a
 * dump). This is done always, not only when stdout is a terminal: a log written to a file
 * is read on a terminal later, and the output is the same wherever it goes. --json output
 * does not pass through here: JSON escapes control characters itself.
 *
 * The escaping sits under stdout and stderr (fopencookie), so no printf can get past it. */

#define _GNU_SOURCE   /* fopencookie() */

#include "mpy-cli-text.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static FILE *raw_stdout;
static MpyCliEscaper stdout_escaper, stderr_escaper;

static void
append_byte_escape (GString *out,
                    guchar   c)
{
  g_string_append_printf (out, "\\x%02x", c);
}

/* The length of the UTF-8 character at @s (1–4), 0 if it is not valid, or -1 if @n bytes are
 * a valid start that needs more bytes. */
static int
utf8_char_length (const guchar *s,
                  gsize         n)
{
  int len;
  gunichar c;

  if (s[0] < 0xc2 || s[0] > 0xf4)
    return 0;
  len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
  if (n < (gsize) len)
    {
      /* Valid so far? */
      for (gsize i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
          return 0;
      c = g_utf8_get_char_validated ((const char *) s, n);
      return c == (gunichar) -2 ? -1 : 0;
    }
  c = g_utf8_get_char_validated ((const char *) s, len);
  return c == (gunichar) -1 || c == (gunichar) -2 ? 0 : len;
}

/**
 * mpy_cli_escape_text:
 * @escaper: the state carried from the previous call (zeroed at the start)
 * @text: the bytes to write
 * @length: their length
 * @at_end: %TRUE when nothing follows (pending bytes are decided and written)
 * @out: where the text to print is appended
 *
 * Escapes control characters other than `\n` and `\t` as `\xNN` (a run of `\r` just before
 * a `\n` is kept), C1 control characters (U+0080–U+009F) and bytes that are not UTF-8 by
 * their bytes. A `\r` or an incomplete UTF-8 character at the end of @text waits for the
 * next call.
 */
void
mpy_cli_escape_text (MpyCliEscaper *escaper,
                     const char    *text,
                     gsize          length,
                     gboolean       at_end,
                     GString       *out)
{
  g_autofree guchar *joined = NULL;
  const guchar *s = (const guchar *) text;
  gsize n = length, i = 0;

  if (escaper->n_pending > 0)
    {
      joined = g_malloc (escaper->n_pending + length + 1);
      memcpy (joined, escaper->pending, escaper->n_pending);
      memcpy (joined + escaper->n_pending, text, length);
      s = joined;
      n = escaper->n_pending + length;
      escaper->n_pending = 0;
    }

  while (i < n)
    {
      guchar c = s[i];

      if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f))
        {
          gsize start = i;

          while (i < n && (s[i] == '\n' || s[i] == '\t' || (s[i] >= 0x20 && s[i] < 0x7f)))
            i++;
          g_string_append_len (out, (const char *) s + start, i - start);
          continue;
        }
      if (c == '\r')
        {
          gsize run = i;

          while (run < n && s[run] == '\r')
            run++;
          if (run == n && !at_end && run - i < sizeof escaper->pending)
            {
              /* Wait: a `\n` may follow in the next write. */
              memcpy (escaper->pending, s + i, run - i);
              escaper->n_pending = run - i;
              return;
            }
          if (run < n && s[run] == '\n')
            g_string_append_len (out, (const char *) s + i, run - i);
          else
            for (gsize k = i; k < run; k++)
              append_byte_escape (out, '\r');
          i = run;
          continue;
        }
      if (c < 0x80)
        {
          append_byte_escape (out, c);   /* C0 controls and DEL */
          i++;
          continue;
        }
      {
        int len = utf8_char_length (s + i, n - i);

        if (len < 0)
          {
            if (!at_end)
              {
                memcpy (escaper->pending, s + i, n - i);
                escaper->n_pending = n - i;
                return;
              }
            len = 0;
          }
        if (len == 0 || (len == 2 && c == 0xc2 && s[i + 1] < 0xa0))
          {
            /* Not UTF-8, or a C1 control character (U+009B is CSI to some terminals). */
            gsize bad = len == 0 ? 1 : 2;

            for (gsize k = 0; k < bad; k++)
              append_byte_escape (out, s[i + k]);
            i += bad;
            continue;
          }
        g_string_append_len (out, (const char *) s + i, len);
        i += len;
      }
    }
}

/* An escaping stream in front of the original one. */
typedef struct {
  FILE          *raw;
  MpyCliEscaper *escaper;
} Sink;

static Sink stdout_sink = { NULL, &stdout_escaper };
static Sink stderr_sink = { NULL, &stderr_escaper };

static gboolean
sink_put (Sink    *sink,
          GString *text)
{
  return fwrite (text->str, 1, text->len, sink->raw) == text->len && fflush (sink->raw) == 0;
}

static ssize_t
sink_write (void       *cookie,
            const char *buf,
            size_t      size)
{
  Sink *sink = cookie;
  g_autoptr(GString) out = g_string_sized_new (size + 16);

  mpy_cli_escape_text (sink->escaper, buf, size, FALSE, out);
  if (!sink_put (sink, out))
    return -1;
  return size;
}

static FILE *
open_sink (Sink *sink,
           int   buffering)
{
  cookie_io_functions_t io = { NULL, sink_write, NULL, NULL };
  FILE *stream = fopencookie (sink, "w", io);

  if (stream != NULL)
    setvbuf (stream, NULL, buffering, buffering == _IONBF ? 0 : BUFSIZ);
  return stream;
}

/**
 * mpy_cli_text_install:
 *
 * Puts the escaping under stdout and stderr (see the top of this file). The original stdout
 * stays available for JSON, mpy_cli_text_get_raw_stdout().
 */
void
mpy_cli_text_install (void)
{
  FILE *out, *err;

  if (raw_stdout != NULL)
    return;
  fflush (stdout);
  fflush (stderr);
  stdout_sink.raw = stdout;
  stderr_sink.raw = stderr;
  out = open_sink (&stdout_sink, isatty (STDOUT_FILENO) ? _IOLBF : _IOFBF);
  err = open_sink (&stderr_sink, _IONBF);
  if (out == NULL || err == NULL)
    return;   /* (out of memory: print as before) */
  raw_stdout = stdout;
  stdout = out;
  stderr = err;
}

/**
 * mpy_cli_text_finish:
 *
 * Flushes stdout and stderr, with any `\r` or partial character still held, escaped.
 */
void
mpy_cli_text_finish (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  fflush (stdout);
  fflush (stderr);
  if (raw_stdout == NULL)
    return;
  mpy_cli_escape_text (&stdout_escaper, "", 0, TRUE, out);
  sink_put (&stdout_sink, out);
  g_string_truncate (out, 0);
  mpy_cli_escape_text (&stderr_escaper, "", 0, TRUE, out);
  sink_put (&stderr_sink, out);
}

/**
 * mpy_cli_text_flush_stdout:
 *
 * Flushes stdout (the escaping stream and the one under it) and tells whether everything
 * printed to it so far reached its file: a full disk or a closed pipe makes this FALSE, with
 * errno set, so that the command does not report success for output that was lost.
 */
gboolean
mpy_cli_text_flush_stdout (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean ok = TRUE;
  int saved = 0;

  if (fflush (stdout) != 0 || ferror (stdout))
    {
      ok = FALSE;
      saved = errno;
    }
  if (raw_stdout != NULL)
    {
      mpy_cli_escape_text (&stdout_escaper, "", 0, TRUE, out);
      if ((out->len > 0 && !sink_put (&stdout_sink, out))
          || fflush (raw_stdout) != 0 || ferror (raw_stdout))
        {
          ok = FALSE;
          saved = errno;
        }
    }
  if (!ok)
    errno = saved != 0 ? saved : EIO;
  return ok;
}

/**
 * mpy_cli_text_get_raw_stdout:
 *
 * Returns: stdout without the escaping, for JSON (which escapes itself)
 */
FILE *
mpy_cli_text_get_raw_stdout (void)
{
  if (raw_stdout == NULL)
    return stdout;
  fflush (stdout);
  return raw_stdout;
}

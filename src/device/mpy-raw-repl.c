/* mpy-raw-repl.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* memmem */
#include <string.h>

#include "mpy-raw-repl.h"

#define RAW_BANNER     "raw REPL; CTRL-B to exit\n>"
#define CHUNK_SIZE     32      /* small boards (nRF51) drop bytes from larger writes */
#define CHUNK_PAUSE_US 5000
#define RESEND_IDLE_MS 1000    /* no answer for this long: interrupt and ask again */
#define WRITE_TIMEOUT  2000
#define MAX_REPLY      (64u << 20)  /* a 4 MiB heap's dump is ~311 KB */
#define USER_KEEP      (8u << 20)   /* user exec: the last this many bytes of stdout are kept */
#define USER_POLL_MS   250          /* user exec: how often the deadline is checked */
#define STOP_WAIT_MS   1000         /* after the exec timeout's Ctrl-C: time to show it stopped */
#define SWALLOW_MS     300          /* after a resent interrupt: a second banner may follow */
/* Where no banner came: asked once, in plain raw mode, binding no name. */
#define PLATFORM_STMT  "print(__import__('sys').platform)"

/* Whether the firmware takes raw-paste mode (v1.14+): asked on the first exec. */
typedef enum {
  MPY_RAW_PASTE_UNKNOWN,
  MPY_RAW_PASTE_YES,
  MPY_RAW_PASTE_NO,
} MpyRawPaste;

struct _MpyRawRepl
{
  MpyTransport       *transport;
  GByteArray         *pending;      /* received, not consumed yet */
  guint               connect_ms;
  guint               idle_ms;
  gboolean            in_raw;       /* at the raw prompt '>' with an empty line */
  gboolean            resync;       /* an exchange broke off: stale output may follow */
  MpyRawPaste         paste;
  MpyRawPasteMode     paste_mode;
  guint16             paste_window;
  char               *banner;
  const MpyFirmwareQuirks *quirks;
  gboolean            platform_asked;
  MpyRawReplProgress  progress;
  gpointer            progress_data;
  guint64             received;     /* in the current operation */
  /* while the user's own statements run (mpy_raw_repl_exec_user) */
  gboolean            user;         /* no idle limit on the reply */
  gint64              user_deadline;/* monotonic µs; 0: none */
  guint               user_timeout_ms;
  gboolean            user_timed_out;
  MpyRawReplOutput    output;
  gpointer            output_data;
  gboolean            interrupted;  /* entering stopped a running program (KeyboardInterrupt) */
};

MpyRawRepl *
mpy_raw_repl_new (MpyTransport *transport)
{
  MpyRawRepl *self = g_new0 (MpyRawRepl, 1);

  self->transport = transport;
  self->pending = g_byte_array_new ();
  self->connect_ms = 10000;
  self->idle_ms = 3000;
  self->paste = MPY_RAW_PASTE_UNKNOWN;
  self->paste_mode = MPY_RAW_PASTE_AUTO;
  self->quirks = mpy_firmware_quirks_lookup (NULL);
  return self;
}

void
mpy_raw_repl_free (MpyRawRepl *self)
{
  if (self == NULL)
    return;
  mpy_transport_close (self->transport);
  g_byte_array_unref (self->pending);
  g_free (self->banner);
  g_free (self);
}

MpyTransport *
mpy_raw_repl_get_transport (MpyRawRepl *self)
{
  return self->transport;
}

void
mpy_raw_repl_set_timeouts (MpyRawRepl *self,
                           guint       connect_ms,
                           guint       idle_ms)
{
  self->connect_ms = connect_ms;
  self->idle_ms = idle_ms;
}

/* Also restarts the count of received bytes: one count per operation. */
void
mpy_raw_repl_set_progress (MpyRawRepl         *self,
                           MpyRawReplProgress  progress,
                           gpointer            user_data)
{
  self->progress = progress;
  self->progress_data = user_data;
  self->received = 0;
}

/**
 * mpy_raw_repl_take_interrupted:
 * @self: a raw-REPL client
 *
 * Whether entering the raw REPL (since the last call) interrupted a program that was
 * running on the board: it printed a KeyboardInterrupt traceback before the banner.
 *
 * Returns: %TRUE once per interruption
 */
gboolean
mpy_raw_repl_take_interrupted (MpyRawRepl *self)
{
  gboolean interrupted = self->interrupted;

  self->interrupted = FALSE;
  return interrupted;
}

const char *
mpy_raw_repl_get_banner (MpyRawRepl *self)
{
  return self->banner;
}

const MpyFirmwareQuirks *
mpy_raw_repl_get_quirks (MpyRawRepl *self)
{
  return self->quirks;
}

void
mpy_raw_repl_set_raw_paste (MpyRawRepl      *self,
                            MpyRawPasteMode  mode)
{
  self->paste_mode = mode;
}

gboolean
mpy_raw_repl_get_uses_raw_paste (MpyRawRepl *self)
{
  return self->paste == MPY_RAW_PASTE_YES && self->paste_mode == MPY_RAW_PASTE_AUTO
         && self->quirks->raw_paste;
}

/* Reads whatever arrives within @timeout_ms into pending. Returns bytes read, 0 on
 * timeout, -1 on error. */
static gssize
fill (MpyRawRepl    *self,
      int            timeout_ms,
      GCancellable  *cancellable,
      GError       **error)
{
  guint8 buf[4096];
  gssize n;

  n = mpy_transport_read (self->transport, buf, sizeof buf, timeout_ms, cancellable, error);
  if (n > 0)
    {
      g_byte_array_append (self->pending, buf, (guint) n);
      self->received += (guint64) n;
      if (self->progress != NULL)
        self->progress (self->received, self->progress_data);
    }
  return n;
}

static void
consume (MpyRawRepl *self,
         gsize       n)
{
  g_byte_array_remove_range (self->pending, 0, (guint) n);
}

/* Does @data end with the raw-REPL banner, ignoring any '\r' (ptys and some boards turn
 * "\r\n" into "\r\r\n")? */
static gboolean
ends_with_raw_banner (const guint8 *data,
                      gsize         len)
{
  const char *want = RAW_BANNER;
  gssize w = (gssize) strlen (want) - 1;
  gssize i = (gssize) len - 1;

  while (w >= 0)
    {
      if (i < 0)
        return FALSE;
      if (data[i] == '\r')
        {
          i--;
          continue;
        }
      if (data[i] != (guint8) want[w])
        return FALSE;
      i--;
      w--;
    }
  return TRUE;
}

/* The end (just past its '>') of the last raw-REPL banner anywhere in @data, or -1: a board
 * whose program prints in the background goes on printing after the banner. */
static gssize
find_raw_banner (const guint8 *data,
                 gsize         len)
{
  for (gsize end = len; end > 0; end--)
    if (data[end - 1] == '>' && ends_with_raw_banner (data, end))
      return (gssize) end;
  return -1;
}

static void
remember_banner (MpyRawRepl   *self,
                 const guint8 *data,
                 gsize         len)
{
  g_autofree char *text = NULL;
  const char *p;
  const char *found = NULL;

  if (len == 0)
    return;
  p = text = g_strndup ((const char *) data, len);

  /* The last "MicroPython v…" line wins: it is the friendly REPL's reply to Ctrl-B. */
  while ((p = strstr (p, "MicroPython ")) != NULL)
    {
      if (p == text || p[-1] == '\n' || p[-1] == '\r')
        found = p;
      p++;
    }
  if (found != NULL)
    {
      gsize n = strcspn (found, "\r\n");

      if (found[n] != '\0')  /* a whole line only */
        {
          g_free (self->banner);
          self->banner = g_strndup (found, n);
          self->quirks = mpy_firmware_quirks_lookup (self->banner);
        }
    }
}

static gboolean
write_bytes (MpyRawRepl    *self,
             const void    *data,
             gsize          len,
             GCancellable  *cancellable,
             GError       **error)
{
  return mpy_transport_write_all (self->transport, data, len, WRITE_TIMEOUT, cancellable, error);
}

/* The Ctrl-C that enters the raw REPL stopped a program when the board answers with the
 * traceback of a KeyboardInterrupt before the banner. */
static void
note_interrupt (MpyRawRepl *self)
{
  static const char marker[] = "KeyboardInterrupt";

  if (!self->interrupted && self->pending->len >= sizeof marker - 1
      && memmem (self->pending->data, self->pending->len, marker, sizeof marker - 1) != NULL)
    self->interrupted = TRUE;
}

static void
lost_sync (MpyRawRepl *self)
{
  self->in_raw = FALSE;
  self->resync = TRUE;
  g_byte_array_set_size (self->pending, 0);
}

/* Waits for the raw-REPL banner anywhere in the input (a program printing in the
 * background goes on after it), under the overall deadline. With @settle_ms, no later
 * banner may follow within that time: after a broken exchange the tail of an older reply
 * (even an older banner) may arrive before ours. What follows the banner is dropped: the
 * board waits for input there, so it can only be such foreign text. */
static gboolean
wait_for_banner (MpyRawRepl    *self,
                 gint64         deadline,
                 gboolean       resend,
                 int            settle_ms,
                 GCancellable  *cancellable,
                 GError       **error)
{
  static const char interrupt[] = "\x03\r\x03\x03\x02\r\x01";
  gint64 last_rx = g_get_monotonic_time ();
  guint64 received_before = self->received - self->pending->len;
  gboolean resent = FALSE;
  gssize found = -1;
  gint64 found_at = 0;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gssize end = find_raw_banner (self->pending->data, self->pending->len);
      int wait_ms;
      gssize n;

      if (end > found)
        {
          found = end;
          found_at = now;
        }
      if (found >= 0 && now - found_at >= (gint64) MAX (settle_ms, 0) * 1000)
        break;
      if (found < 0 && now >= deadline)
        {
          if (self->received == received_before)
            g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                         "The board did not answer within %u s: is it running MicroPython, "
                         "at this baud rate, and not stuck in a program that ignores Ctrl-C? "
                         "Try pressing its reset button",
                         (self->connect_ms + 999) / 1000);
          else
            g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_BANNER,
                         "The board answered but never showed the raw-REPL banner within %u s "
                         "(%" G_GUINT64_FORMAT " bytes received): is it MicroPython, and is the "
                         "baud rate right?",
                         (self->connect_ms + 999) / 1000, self->received - received_before);
          return FALSE;
        }

      if (found >= 0)
        wait_ms = (int) MAX (1, settle_ms - (now - found_at) / 1000);
      else
        wait_ms = (int) MIN ((deadline - now) / 1000 + 1, 100);
      n = fill (self, wait_ms, cancellable, error);
      if (n < 0)
        return FALSE;
      if (n > 0)
        {
          last_rx = g_get_monotonic_time ();
          /* Keep the tail only: a board that prints forever must not fill memory. */
          if (found < 0 && self->pending->len > 65536)
            {
              note_interrupt (self);
              consume (self, self->pending->len - 4096);
            }
          continue;
        }
      if (found < 0 && resend && g_get_monotonic_time () - last_rx > RESEND_IDLE_MS * 1000)
        {
          /* A program that swallowed the first Ctrl-C, or bytes lost while booting. */
          if (!write_bytes (self, interrupt, sizeof interrupt - 1, cancellable, error))
            return FALSE;
          last_rx = g_get_monotonic_time ();
          resent = TRUE;
        }
    }

  note_interrupt (self);
  remember_banner (self, self->pending->data, (gsize) found);
  g_byte_array_set_size (self->pending, 0);

  if (resent)
    {
      /* A second banner may still be on its way: swallow it (and, on a board that prints
       * all the time, whatever it printed meanwhile: nothing was sent since). */
      gint64 until = g_get_monotonic_time () + SWALLOW_MS * 1000;

      while (g_get_monotonic_time () < until && fill (self, 50, cancellable, NULL) > 0)
        ;
      g_byte_array_set_size (self->pending, 0);
    }
  return TRUE;
}

gboolean
mpy_raw_repl_enter (MpyRawRepl    *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  /* Ctrl-C stops a running program and clears a raw or friendly line (so the Enter that
   * follows runs nothing typed before); Ctrl-B from either REPL makes
   * the friendly REPL print the firmware banner without touching the heap; Ctrl-A on the
   * empty line enters the raw REPL (or re-prints its banner if already there). */
  static const char with_banner[] = "\x03\r\x03\x02\r\x01";
  static const char plain[] = "\x03\r\x03\r\x01";
  gint64 deadline;
  int settle_ms;

  if (self->in_raw)
    return TRUE;

  settle_ms = self->resync ? 30 : 0;

  mpy_transport_flush (self->transport);
  g_byte_array_set_size (self->pending, 0);

  if (self->banner == NULL)
    {
      if (!write_bytes (self, with_banner, sizeof with_banner - 1, cancellable, error))
        return FALSE;
    }
  else if (!write_bytes (self, plain, sizeof plain - 1, cancellable, error))
    return FALSE;

  /* From here on, a failure leaves replies in flight. */
  self->resync = TRUE;
  deadline = g_get_monotonic_time () + (gint64) self->connect_ms * 1000;
  if (!wait_for_banner (self, deadline, TRUE, settle_ms, cancellable, error))
    return FALSE;

  if (self->banner == NULL)
    {
      /* The Ctrl-B got lost (a board still booting): out to the friendly REPL, which
       * prints the banner, and straight back. Still nothing on the heap. */
      static const char again[] = "\r\x02\r\x01";

      if (!write_bytes (self, again, sizeof again - 1, cancellable, error)
          || !wait_for_banner (self, deadline, TRUE, 0, cancellable, error))
        return FALSE;
    }

  self->in_raw = TRUE;
  self->resync = FALSE;
  return TRUE;
}

/* Reads exactly @n bytes (idle timeout between them) into @out. */
static gboolean
read_exact (MpyRawRepl    *self,
            gsize          n,
            guint8        *out,
            GCancellable  *cancellable,
            GError       **error)
{
  while (self->pending->len < n)
    {
      gssize r = fill (self, (int) self->idle_ms, cancellable, error);

      if (r < 0)
        return FALSE;
      if (r == 0)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                       "The board stopped answering for %u ms in the raw REPL: is it busy "
                       "or was the cable pulled?", self->idle_ms);
          return FALSE;
        }
    }
  memcpy (out, self->pending->data, n);
  consume (self, n);
  return TRUE;
}

/* Appends the stdout of the user's statements, keeping only the last USER_KEEP bytes of
 * a program that prints without end (it is streamed to the output callback anyway). */
static void
append_user (GString      *out,
             const guint8 *data,
             gsize         n)
{
  g_string_append_len (out, (const char *) data, (gssize) n);
  if (out->len > USER_KEEP)
    g_string_erase (out, 0, (gssize) (out->len - USER_KEEP / 2));
}

/* Reads up to (and consumes) the next @stop byte; the bytes before it go to @out (and,
 * with @stream, to the output callback as they arrive). While the user's statements run
 * there is no idle limit, only the overall deadline when one is set. */
static gboolean
read_until_byte (MpyRawRepl    *self,
                 guint8         stop,
                 GString       *out,
                 gboolean       stream,
                 GCancellable  *cancellable,
                 GError       **error)
{
  for (;;)
    {
      const guint8 *hit;
      gsize n;
      gssize r;
      int wait_ms = (int) self->idle_ms;

      hit = memchr (self->pending->data, stop, self->pending->len);
      n = hit != NULL ? (gsize) (hit - self->pending->data) : self->pending->len;
      if (n > 0)
        {
          if (stream && self->output != NULL)
            self->output ((const char *) self->pending->data, n, self->output_data);
          if (self->user)
            append_user (out, self->pending->data, n);
          else
            g_string_append_len (out, (const char *) self->pending->data, (gssize) n);
          consume (self, n);
        }
      if (hit != NULL)
        {
          consume (self, 1);
          return TRUE;
        }
      if (!self->user && out->len > MAX_REPLY)
        {
          /* A capture that never ends; the next operation's Ctrl-C stops it. */
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                       "The board sent more than %u MiB without finishing: stopped reading",
                       MAX_REPLY >> 20);
          return FALSE;
        }

      if (self->user)
        {
          wait_ms = USER_POLL_MS;
          if (self->user_deadline != 0)
            {
              gint64 left = self->user_deadline - g_get_monotonic_time ();

              if (left <= 0)
                {
                  self->user_timed_out = TRUE;
                  g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                               "The code was still running after %u s, the time allowed: "
                               "interrupted it (allow more time, or make it finish sooner)",
                               (self->user_timeout_ms + 999) / 1000);
                  return FALSE;
                }
              wait_ms = (int) MIN (left / 1000 + 1, USER_POLL_MS);
            }
        }

      r = fill (self, wait_ms, cancellable, error);
      if (r < 0)
        return FALSE;
      if (r == 0 && !self->user)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                       "The board stopped sending mid-reply (silent for %u ms after %"
                       G_GUINT64_FORMAT " bytes): the output is incomplete; capture again",
                       self->idle_ms, self->received);
          return FALSE;
        }
    }
}

/* Ctrl-E 'A' Ctrl-A: does the firmware take raw-paste (v1.14+)? Leaves the board in
 * raw-paste mode when it does (returns TRUE, *supported = TRUE). */
static gboolean
start_raw_paste (MpyRawRepl    *self,
                 gboolean      *supported,
                 gboolean      *not_raw,
                 GCancellable  *cancellable,
                 GError       **error)
{
  guint8 reply[2];

  *supported = FALSE;
  if (!write_bytes (self, "\x05" "A\x01", 3, cancellable, error))
    return FALSE;
  if (!read_exact (self, 2, reply, cancellable, error))
    return FALSE;

  if (reply[0] == 'R' && reply[1] == 0x01)
    {
      guint8 window[2];

      if (!read_exact (self, 2, window, cancellable, error))
        return FALSE;
      self->paste_window = (guint16) (window[0] | (window[1] << 8));
      if (self->paste_window == 0)
        self->paste_window = 32;
      *supported = TRUE;
      return TRUE;
    }
  if (reply[0] == 'R' && reply[1] == 0x00)
    return TRUE;  /* understood, not supported: still at the raw prompt */
  if (reply[0] == 'r' && reply[1] == 'a')
    {
      /* Old firmware: Ctrl-A re-printed the raw banner ("raw REPL; CTRL-B …"). The 'A' was
       * cleared with the reset line buffer. */
      gint64 deadline = g_get_monotonic_time () + (gint64) self->idle_ms * 1000;

      g_byte_array_prepend (self->pending, reply, 2);
      return wait_for_banner (self, deadline, FALSE, 0, cancellable, error);
    }

  /* e.g. "\r\npaste mode; …": the board was not in the raw REPL after all */
  *not_raw = TRUE;
  g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
               "Unexpected answer 0x%02x 0x%02x to the raw-paste request", reply[0], reply[1]);
  return FALSE;
}

static gboolean
send_raw_paste (MpyRawRepl    *self,
                const char    *code,
                gsize          len,
                gboolean      *sent_all,
                GCancellable  *cancellable,
                GError       **error)
{
  gsize sent = 0;
  gsize remaining = self->paste_window;
  guint8 end = 0x04;

  while (sent < len)
    {
      gsize n;

      /* Flow control: the board grants one more window per \x01; \x04 aborts. */
      if (fill (self, 0, cancellable, error) < 0)
        return FALSE;
      while (self->pending->len > 0 || remaining == 0)
        {
          guint8 b;

          if (!read_exact (self, 1, &b, cancellable, error))
            return FALSE;
          if (b == 0x01)
            remaining += self->paste_window;
          else if (b == 0x04)
            {
              write_bytes (self, &end, 1, cancellable, NULL);
              g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                           "The board aborted the raw-paste transfer");
              return FALSE;
            }
        }

      n = MIN (remaining, len - sent);
      if (!write_bytes (self, code + sent, n, cancellable, error))
        return FALSE;
      sent += n;
      remaining -= n;
    }
  if (!write_bytes (self, &end, 1, cancellable, error))
    return FALSE;
  *sent_all = TRUE;

  /* The board answers \x04 once all is received and compiled; window grants may still
   * come before it. */
  for (;;)
    {
      guint8 b;

      if (!read_exact (self, 1, &b, cancellable, error))
        return FALSE;
      if (b == 0x04)
        return TRUE;
      if (b != 0x01)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                       "Unexpected byte 0x%02x ending the raw-paste transfer", b);
          return FALSE;
        }
    }
}

/* The board's "OK" for the code just sent, within the idle timeout. Text before it was
 * printed by the board's own program (a thread, a timer) and is dropped. */
static gboolean
wait_for_ok (MpyRawRepl    *self,
             const char    *code,
             gsize          len,
             gboolean      *not_raw,
             GCancellable  *cancellable,
             GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) self->idle_ms * 1000;
  gsize echo_len = MIN (MIN (strcspn (code, "\r\n"), len), 8);

  for (;;)
    {
      const guint8 *data = self->pending->data;
      gsize have = self->pending->len;
      const guint8 *ok = memmem (data, have, "OK", 2);
      const guint8 *echo = echo_len > 0 ? memmem (data, have, code, echo_len) : NULL;
      gint64 now = g_get_monotonic_time ();
      gssize n;

      if (echo != NULL && (ok == NULL || echo < ok))
        {
          /* The friendly REPL echoes what it is typed: the board left the raw REPL behind
           * our back (reset button, another program). Nothing ran: the line is unsent. */
          *not_raw = TRUE;
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                       "The board echoed the code instead of running it: it was not in the "
                       "raw REPL");
          return FALSE;
        }
      if (ok != NULL)
        {
          consume (self, (gsize) (ok - data) + 2);
          return TRUE;
        }
      if (now >= deadline)
        {
          if (have >= 2)
            g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                         "The board did not acknowledge the code (expected \"OK\", got 0x%02x "
                         "0x%02x): it may have dropped bytes; try again", data[0], data[1]);
          else
            g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                         "The board did not acknowledge the code within %u ms (no \"OK\"): it "
                         "may have dropped bytes; try again", self->idle_ms);
          return FALSE;
        }
      /* a board printing forever must not fill memory; "OK" may straddle the cut */
      if (have > 65536)
        consume (self, have - 4096);
      n = fill (self, (int) MIN ((deadline - now) / 1000 + 1, 100), cancellable, error);
      if (n < 0)
        return FALSE;
    }
}

static gboolean
send_chunked (MpyRawRepl    *self,
              const char    *code,
              gsize          len,
              gboolean      *not_raw,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *framed = g_strdup_printf ("%s\x04", code);
  gsize total = len + 1;
  gsize sent = 0;
  while (sent < total)
    {
      gsize n = MIN (CHUNK_SIZE, total - sent);

      if (sent > 0)
        g_usleep (CHUNK_PAUSE_US);
      if (!write_bytes (self, framed + sent, n, cancellable, error))
        return FALSE;
      sent += n;
    }

  return wait_for_ok (self, code, len, not_raw, cancellable, error);
}

/* One exchange from the raw prompt. *not_raw is set when the failure shows the board
 * was not in the raw REPL, before any code could run. */
static gboolean
is_cancel_or_disconnect (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         || g_error_matches (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED);
}

/* Whether to ask for raw-paste before the next exchange: never where the user switched it
 * off or the quirk table forbids it, nor after it failed once on this connection. */
static gboolean
want_raw_paste (MpyRawRepl *self)
{
  return self->paste_mode == MPY_RAW_PASTE_AUTO && self->quirks->raw_paste
         && self->paste != MPY_RAW_PASTE_NO;
}

/* One exchange from the raw prompt. *not_raw is set when the failure shows the board
 * was not in the raw REPL, before any code could run; *paste_failed when raw-paste failed
 * before the code could run (it is off for the rest of the connection from then on). */
static gboolean
exec_once (MpyRawRepl    *self,
           const char    *code,
           GString       *out,
           GString       *err,
           gboolean      *not_raw,
           gboolean      *paste_failed,
           GCancellable  *cancellable,
           GError       **error)
{
  gboolean paste = FALSE;
  guint8 prompt;

  self->in_raw = FALSE;  /* until the closing '>' is seen */

  if (want_raw_paste (self))
    {
      g_autoptr(GError) local_error = NULL;
      gboolean sent_all = FALSE;

      if (!start_raw_paste (self, &paste, not_raw, cancellable, &local_error)
          || (paste && !send_raw_paste (self, code, strlen (code), &sent_all, cancellable,
                                        &local_error)))
        {
          /* Any raw-paste failure: plain raw mode from now on. Unless the whole code and
           * its end went out (then it may have run), the caller may send it once more. */
          if (!*not_raw && !is_cancel_or_disconnect (local_error))
            {
              self->paste = MPY_RAW_PASTE_NO;
              *paste_failed = !sent_all;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (self->paste == MPY_RAW_PASTE_UNKNOWN)
        self->paste = paste ? MPY_RAW_PASTE_YES : MPY_RAW_PASTE_NO;
    }

  if (paste)
    ;
  else if (!send_chunked (self, code, strlen (code), not_raw, cancellable, error))
    return FALSE;

  if (!read_until_byte (self, 0x04, out, TRUE, cancellable, error)
      || !read_until_byte (self, 0x04, err, FALSE, cancellable, error)
      || !read_exact (self, 1, &prompt, cancellable, error))
    return FALSE;
  if (prompt != '>')
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                   "Expected the raw prompt '>' after the reply, got 0x%02x", prompt);
      return FALSE;
    }

  self->in_raw = TRUE;
  return TRUE;
}

/* A board whose banner did not show (no "MicroPython …" line): before the first raw-paste
 * request or soft reset, ask its platform once, in plain raw mode, so the quirk table can
 * still keep it safe. Harmless: it binds no name and leaves a few bytes of garbage. */
static gboolean
know_firmware (MpyRawRepl    *self,
               gboolean       for_soft_reset,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GString) out = NULL;
  g_autoptr(GString) err = NULL;
  gboolean not_raw = FALSE, paste_failed = FALSE;
  MpyRawPaste paste = self->paste;

  if (self->banner != NULL || self->platform_asked || (!for_soft_reset && !want_raw_paste (self)))
    return TRUE;
  self->platform_asked = TRUE;
  out = g_string_new (NULL);
  err = g_string_new (NULL);
  self->paste = MPY_RAW_PASTE_NO;
  if (!exec_once (self, PLATFORM_STMT, out, err, &not_raw, &paste_failed, cancellable, error))
    {
      self->paste = paste;
      lost_sync (self);
      return FALSE;
    }
  self->paste = paste;
  g_strstrip (out->str);
  self->quirks = mpy_firmware_quirks_lookup_platform (out->str);
  g_debug ("no banner; sys.platform is \"%s\": %s", out->str, self->quirks->name);
  return TRUE;
}

/* Runs @code; *stdout_text and *stderr_text get what arrived, even on failure. */
static gboolean
exec_common (MpyRawRepl    *self,
             const char    *code,
             char         **stdout_text,
             char         **stderr_text,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  gboolean ok = FALSE;
  gsize len;

  g_return_val_if_fail (code != NULL, FALSE);

  len = strlen (code);
  for (gsize i = 0; i < len; i++)
    if (code[i] >= 0x01 && code[i] <= 0x05)
      {
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                     "The code contains the control byte 0x%02x, which the raw REPL "
                     "treats as a command: remove it", code[i]);
        goto out;
      }
  if (len == 0)
    code = "pass";  /* never \x04 on an empty raw line: that is a soft reset */

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean not_raw = FALSE;
      gboolean paste_failed = FALSE;

      if (!mpy_raw_repl_enter (self, cancellable, error)
          || !know_firmware (self, FALSE, cancellable, error))
        goto out;
      if (exec_once (self, code, out, err, &not_raw, &paste_failed, cancellable, &local_error))
        break;

      lost_sync (self);
      if (paste_failed && attempt == 0)
        {
          /* Raw-paste failed before the code ran: once more in plain raw mode (now the
           * only mode on this connection), after interrupting whatever the board was in. */
          g_debug ("raw-paste failed (%s): plain raw mode from now on", local_error->message);
          g_string_truncate (out, 0);
          g_string_truncate (err, 0);
          continue;
        }
      if (not_raw && attempt == 0
          && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* We only believed we were in the raw REPL (it was left behind our back, or an
           * older reply's banner fooled us); the code did not run. Cancel what the
           * friendly REPL has on its line, enter properly and send it once more. */
          if (!write_bytes (self, "\x03", 1, cancellable, error))
            goto out;
          g_string_truncate (out, 0);
          g_string_truncate (err, 0);
          continue;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto out;
    }
  ok = TRUE;

out:
  if (stdout_text != NULL)
    *stdout_text = g_string_free (g_steal_pointer (&out), FALSE);
  if (stderr_text != NULL)
    *stderr_text = g_string_free (g_steal_pointer (&err), FALSE);
  return ok;
}

gboolean
mpy_raw_repl_exec (MpyRawRepl    *self,
                   const char    *code,
                   char         **stdout_text,
                   char         **stderr_text,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!exec_common (self, code, &out, &err, cancellable, error))
    return FALSE;
  if (stdout_text != NULL)
    *stdout_text = g_steal_pointer (&out);
  if (stderr_text != NULL)
    *stderr_text = g_steal_pointer (&err);
  return TRUE;
}

/* Ctrl-C to the running code; TRUE when the board shows it stopped (the end of its reply,
 * "\x04>", within STOP_WAIT_MS). The reply's rest is dropped either way. */
static gboolean
interrupt_and_wait (MpyRawRepl *self)
{
  gint64 deadline = g_get_monotonic_time () + STOP_WAIT_MS * 1000;

  if (!write_bytes (self, "\x03", 1, NULL, NULL))
    return FALSE;
  while (g_get_monotonic_time () < deadline)
    {
      const guint8 *hit = memmem (self->pending->data, self->pending->len, "\x04>", 2);

      if (hit != NULL)
        {
          g_byte_array_set_size (self->pending, 0);
          return TRUE;
        }
      if (fill (self, 50, NULL, NULL) < 0)
        break;
    }
  g_byte_array_set_size (self->pending, 0);
  return FALSE;
}

gboolean
mpy_raw_repl_exec_user (MpyRawRepl        *self,
                        const char        *code,
                        guint              timeout_ms,
                        MpyRawReplOutput   output,
                        gpointer           output_data,
                        char             **stdout_text,
                        char             **stderr_text,
                        GCancellable      *cancellable,
                        GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  self->user = TRUE;
  self->user_timed_out = FALSE;
  self->user_timeout_ms = timeout_ms;
  self->user_deadline = timeout_ms > 0
                        ? g_get_monotonic_time () + (gint64) timeout_ms * 1000 : 0;
  self->output = output;
  self->output_data = output_data;

  ok = exec_common (self, code, stdout_text, stderr_text, cancellable, &local_error);

  self->user = FALSE;
  self->user_deadline = 0;
  self->output = NULL;
  self->output_data = NULL;

  if (!ok && self->user_timed_out)
    {
      /* Out of time: interrupt it, and tell whether it really stopped (the unix, qemu and
       * webassembly ports do not stop running code for Ctrl-C). */
      guint s = (timeout_ms + 999) / 1000;

      g_clear_error (&local_error);
      if (interrupt_and_wait (self))
        g_set_error (&local_error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                     "The code was still running after %u s, the time allowed: interrupted "
                     "it, the board stopped (allow more time, or make it finish sooner)", s);
      else
        g_set_error (&local_error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                     "The code was still running after %u s, the time allowed, and it is "
                     "still running: the board did not stop for Ctrl-C (this firmware cannot "
                     "interrupt running code). Wait for it to finish or reset the board",
                     s);
    }
  else if (!ok && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelled while the code may still run: stop it now, so it does not keep
       * printing into the port until the next operation. */
      write_bytes (self, "\x03", 1, NULL, NULL);
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

static gboolean
wait_for_text (MpyRawRepl    *self,
               const char    *text,
               gint64         deadline,
               GCancellable  *cancellable,
               GError       **error)
{
  for (;;)
    {
      const guint8 *hit;
      gint64 now = g_get_monotonic_time ();
      gssize n;

      hit = memmem (self->pending->data, self->pending->len, text, strlen (text));
      if (hit != NULL)
        {
          consume (self, (gsize) (hit - self->pending->data) + strlen (text));
          return TRUE;
        }
      if (now >= deadline)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                       "The board did not report \"%s\" within %u s after the soft reset",
                       text, (self->connect_ms + 999) / 1000);
          return FALSE;
        }
      n = fill (self, (int) MIN ((deadline - now) / 1000 + 1, 100), cancellable, error);
      if (n < 0)
        return FALSE;
    }
}

gboolean
mpy_raw_repl_soft_reset (MpyRawRepl    *self,
                         GCancellable  *cancellable,
                         GError       **error)
{
  gint64 deadline;

  if (!mpy_raw_repl_enter (self, cancellable, error)
      || !know_firmware (self, TRUE, cancellable, error))
    return FALSE;
  if (self->quirks->soft_reset_ends_process)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_UNSUPPORTED,
                   "Soft reset refused: on %s a soft reset ends the MicroPython process "
                   "instead of restarting it, and the board would be gone. Restart the "
                   "program yourself for a fresh heap",
                   self->quirks->name);
      return FALSE;
    }

  self->in_raw = FALSE;
  deadline = g_get_monotonic_time () + (gint64) self->connect_ms * 1000;

  /* The only place we send Ctrl-D on an empty raw line. "soft reboot" covers
   * "MPY: soft reboot"; boot.py may print anything before the banner. */
  if (!write_bytes (self, "\x04", 1, cancellable, error)
      || !wait_for_text (self, "soft reboot", deadline, cancellable, error)
      || !wait_for_banner (self, deadline, FALSE, 0, cancellable, error))
    {
      lost_sync (self);
      return FALSE;
    }
  self->in_raw = TRUE;
  return TRUE;
}

gboolean
mpy_raw_repl_leave (MpyRawRepl    *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + 300 * 1000;

  self->in_raw = FALSE;
  g_byte_array_set_size (self->pending, 0);
  if (!write_bytes (self, "\r\x02", 2, cancellable, error))
    return FALSE;

  /* Wait briefly for the friendly prompt so the bytes are out before the port closes. */
  while (g_get_monotonic_time () < deadline)
    {
      gssize n = fill (self, 50, cancellable, error);

      if (n < 0)
        return FALSE;
      if (self->pending->len >= 4
          && memcmp (self->pending->data + self->pending->len - 4, ">>> ", 4) == 0)
        break;
    }
  note_interrupt (self);
  remember_banner (self, self->pending->data, self->pending->len);
  g_byte_array_set_size (self->pending, 0);
  return TRUE;
}

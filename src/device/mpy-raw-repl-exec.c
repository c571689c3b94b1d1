/* mpy-raw-repl-exec.c — one raw-REPL exchange: plain raw mode or raw-paste, and the
 * user's own statements (no idle limit, an overall timeout that says whether the board
 * stopped)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* memmem */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "mpy-raw-repl-private.h"

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
          _mpy_raw_repl_consume (self, n);
        }
      if (hit != NULL)
        {
          _mpy_raw_repl_consume (self, 1);
          return TRUE;
        }
      if (!self->user && out->len > MAX_REPLY)
        {
          /* A capture that never ends; the next operation's Ctrl-C stops it. */
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                       _("The board sent more than %u MiB without finishing: stopped reading"),
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
                               _("The code was still running after %u s, the time allowed: "
                               "interrupted it (allow more time, or make it finish sooner)"),
                               (self->user_timeout_ms + 999) / 1000);
                  return FALSE;
                }
              wait_ms = (int) MIN (left / 1000 + 1, USER_POLL_MS);
            }
        }

      r = _mpy_raw_repl_fill (self, wait_ms, cancellable, error);
      if (r < 0)
        return FALSE;
      if (r == 0 && !self->user)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                       _("The board stopped sending mid-reply (silent for %u ms after %llu bytes): the output is incomplete; capture again"),
                       self->idle_ms, (unsigned long long) self->received);
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
  if (!_mpy_raw_repl_write_bytes (self, "\x05" "A\x01", 3, cancellable, error))
    return FALSE;
  if (!_mpy_raw_repl_read_exact (self, 2, reply, cancellable, error))
    return FALSE;

  if (reply[0] == 'R' && reply[1] == 0x01)
    {
      guint8 window[2];

      if (!_mpy_raw_repl_read_exact (self, 2, window, cancellable, error))
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
      return _mpy_raw_repl_wait_for_banner (self, deadline, FALSE, 0, cancellable, error);
    }

  /* e.g. "\r\npaste mode; …": the board was not in the raw REPL after all */
  *not_raw = TRUE;
  g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
               _("Unexpected answer 0x%02x 0x%02x to the raw-paste request"), reply[0], reply[1]);
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
      if (_mpy_raw_repl_fill (self, 0, cancellable, error) < 0)
        return FALSE;
      while (self->pending->len > 0 || remaining == 0)
        {
          guint8 b;

          if (!_mpy_raw_repl_read_exact (self, 1, &b, cancellable, error))
            return FALSE;
          if (b == 0x01)
            remaining += self->paste_window;
          else if (b == 0x04)
            {
              _mpy_raw_repl_write_bytes (self, &end, 1, cancellable, NULL);
              g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                           _("The board aborted the raw-paste transfer"));
              return FALSE;
            }
        }

      n = MIN (remaining, len - sent);
      if (!_mpy_raw_repl_write_bytes (self, code + sent, n, cancellable, error))
        return FALSE;
      sent += n;
      remaining -= n;
    }
  if (!_mpy_raw_repl_write_bytes (self, &end, 1, cancellable, error))
    return FALSE;
  *sent_all = TRUE;

  /* The board answers \x04 once all is received and compiled; window grants may still
   * come before it. */
  for (;;)
    {
      guint8 b;

      if (!_mpy_raw_repl_read_exact (self, 1, &b, cancellable, error))
        return FALSE;
      if (b == 0x04)
        return TRUE;
      if (b != 0x01)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                       _("Unexpected byte 0x%02x ending the raw-paste transfer"), b);
          return FALSE;
        }
    }
}

/* The board's "OK" for the code just sent, within the idle timeout. Text before it was
 * printed by the board's own program (a thread, a timer) and is dropped. While nothing at all
 * comes back it waits up to the connect timeout: a busy board, or an emulated one on a
 * loaded host, may take the code late, and concluding too early that its end was lost would
 * interrupt the code and send it again, running it twice. */
static gboolean
wait_for_ok (MpyRawRepl    *self,
             const char    *code,
             gsize          len,
             gboolean      *not_raw,
             GCancellable  *cancellable,
             GError       **error)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) self->idle_ms * 1000;
  gint64 silent_deadline = start + (gint64) MAX (self->idle_ms, self->connect_ms) * 1000;
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
                       _("The board echoed the code instead of running it: it was not in the "
                       "raw REPL"));
          return FALSE;
        }
      if (ok != NULL)
        {
          _mpy_raw_repl_consume (self, (gsize) (ok - data) + 2);
          return TRUE;
        }
      if (now >= deadline && (have > 0 || now >= silent_deadline))
        {
          if (have >= 2)
            g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                         _("The board did not acknowledge the code (expected \"OK\", got 0x%02x "
                         "0x%02x): it may have dropped bytes; try again"), data[0], data[1]);
          else
            {
              /* Not a byte back for so long: the board never took the end of the code (a
               * real board says OK before it runs anything), so nothing ran; the caller may
               * send it once more after interrupting. */
              *not_raw = TRUE;
              g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                           _("The board did not acknowledge the code within %u ms (no \"OK\"): "
                           "it may have dropped bytes; try again"),
                           MAX (self->idle_ms, self->connect_ms));
            }
          return FALSE;
        }
      /* a board printing forever must not fill memory; "OK" may straddle the cut */
      if (have > 65536)
        _mpy_raw_repl_consume (self, have - 4096);
      n = _mpy_raw_repl_fill (self, (int) MIN ((MAX (deadline, silent_deadline) - now) / 1000 + 1, 100),
                              cancellable, error);
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
      if (!_mpy_raw_repl_write_bytes (self, framed + sent, n, cancellable, error))
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
      || !_mpy_raw_repl_read_exact (self, 1, &prompt, cancellable, error))
    return FALSE;
  if (prompt != '>')
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                   _("Expected the raw prompt '>' after the reply, got 0x%02x"), prompt);
      return FALSE;
    }

  self->in_raw = TRUE;
  return TRUE;
}

/* A board whose banner did not show (no "MicroPython …" line): before the first raw-paste
 * request or soft reset, ask its platform once, in plain raw mode, so the quirk table can
 * still keep it safe. Harmless: it binds no name and leaves a few bytes of garbage. */
gboolean
_mpy_raw_repl_know_firmware (MpyRawRepl    *self,
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
      _mpy_raw_repl_lost_sync (self);
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
                     _("The code contains the control byte 0x%02x, which the raw REPL "
                     "treats as a command: remove it"), code[i]);
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
          || !_mpy_raw_repl_know_firmware (self, FALSE, cancellable, error))
        goto out;
      if (exec_once (self, code, out, err, &not_raw, &paste_failed, cancellable, &local_error))
        break;

      _mpy_raw_repl_lost_sync (self);
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
           * older reply's banner fooled us), or the code's end never reached the board
           * (not a byte came back); the code did not run. Cancel what the board has on
           * its line, enter properly and send it once more. */
          if (!_mpy_raw_repl_write_bytes (self, "\x03", 1, cancellable, error))
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
 * "\x04>", within the stop wait). The reply's rest is dropped either way. */
static gboolean
interrupt_and_wait (MpyRawRepl *self)
{
  guint wait_ms = self->quirks->ctrl_c_stops_code ? STOP_WAIT_MS : STOP_WAIT_CANNOT_MS;
  gint64 deadline = g_get_monotonic_time () + (gint64) wait_ms * 1000;
  gboolean stopped = FALSE;

  if (!_mpy_raw_repl_write_bytes (self, "\x03", 1, NULL, NULL))
    return FALSE;
  for (;;)
    {
      /* looked at once more after the last read, however late that returned */
      stopped = memmem (self->pending->data, self->pending->len, "\x04>", 2) != NULL;
      if (stopped || g_get_monotonic_time () >= deadline
          || _mpy_raw_repl_fill (self, 50, NULL, NULL) < 0)
        break;
    }
  g_byte_array_set_size (self->pending, 0);
  return stopped;
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
      /* Out of time: interrupt it, and tell whether it really stopped (the unix and
       * webassembly ports do not stop running code for Ctrl-C: the quirk table says so). */
      guint s = (timeout_ms + 999) / 1000;

      g_clear_error (&local_error);
      if (interrupt_and_wait (self))
        g_set_error (&local_error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                     _("The code was still running after %u s, the time allowed: interrupted "
                     "it, the board stopped (allow more time, or make it finish sooner)"), s);
      else if (!self->quirks->ctrl_c_stops_code)
        g_set_error (&local_error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                     _("The code was still running after %u s, the time allowed, and it is "
                     "still running: the board did not stop for Ctrl-C (this firmware cannot "
                     "interrupt running code). Wait for it to finish or reset the board"),
                     s);
      else
        g_set_error (&local_error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                     _("The code was still running after %u s, the time allowed, and the board "
                     "did not show within %u s that Ctrl-C stopped it: it may still be running "
                     "(in code that does not check for Ctrl-C). Wait for it to finish or reset "
                     "the board"),
                     s, STOP_WAIT_MS / 1000);
    }
  else if (!ok && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelled while the code may still run: stop it now, so it does not keep
       * printing into the port until the next operation. */
      _mpy_raw_repl_write_bytes (self, "\x03", 1, NULL, NULL);
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}


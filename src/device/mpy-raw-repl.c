/* mpy-raw-repl.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* memmem */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "mpy-raw-repl.h"

#include "mpy-raw-repl-private.h"

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
gssize
_mpy_raw_repl_fill (MpyRawRepl    *self,
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

void
_mpy_raw_repl_consume (MpyRawRepl *self,
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

gboolean
_mpy_raw_repl_write_bytes (MpyRawRepl    *self,
                           const void    *data,
                           gsize          len,
                           GCancellable  *cancellable,
                           GError       **error)
{
  self->sent = TRUE;
  return mpy_transport_write_all (self->transport, data, len, WRITE_TIMEOUT, cancellable, error);
}

/* The Ctrl-C that enters the raw REPL stopped a program when the board answers with the
 * traceback of a KeyboardInterrupt before the banner. */
static void
note_interrupt (MpyRawRepl *self)
{
  static const char marker[] = "KeyboardInterrupt";

  /* An empty GByteArray may have no data at all: memmem must not see NULL. */
  if (!self->interrupted && self->pending->len >= sizeof marker - 1
      && memmem (self->pending->data, self->pending->len, marker, sizeof marker - 1) != NULL)
    self->interrupted = TRUE;
}

void
_mpy_raw_repl_lost_sync (MpyRawRepl *self)
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
gboolean
_mpy_raw_repl_wait_for_banner (MpyRawRepl    *self,
                               gint64         deadline,
                               gboolean       resend,
                               int            settle_ms,
                               GCancellable  *cancellable,
                               GError       **error)
{
  static const char interrupt[] = "\x03\x03\x03\x02\x01";
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
                         _("The board did not answer within %u s: is it running MicroPython, "
                         "at this baud rate, and not stuck in a program that ignores Ctrl-C? "
                         "Try pressing its reset button"),
                         (self->connect_ms + 999) / 1000);
          else
            g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_BANNER,
                         _("The board answered but never showed the raw-REPL banner within %u s "
                         "(%llu bytes received): is it MicroPython, and is the "
                         "baud rate right?"),
                         (self->connect_ms + 999) / 1000,
                         (unsigned long long) (self->received - received_before));
          return FALSE;
        }

      if (found >= 0)
        wait_ms = (int) MAX (1, settle_ms - (now - found_at) / 1000);
      else
        wait_ms = (int) MIN ((deadline - now) / 1000 + 1, 100);
      n = _mpy_raw_repl_fill (self, wait_ms, cancellable, error);
      if (n < 0)
        return FALSE;
      if (n > 0)
        {
          last_rx = g_get_monotonic_time ();
          /* Keep the tail only: a board that prints forever must not fill memory. */
          if (found < 0 && self->pending->len > 65536)
            {
              note_interrupt (self);
              _mpy_raw_repl_consume (self, self->pending->len - 4096);
            }
          continue;
        }
      if (found < 0 && resend && g_get_monotonic_time () - last_rx > RESEND_IDLE_MS * 1000)
        {
          /* A program that swallowed the first Ctrl-C, or bytes lost while booting. */
          if (!_mpy_raw_repl_write_bytes (self, interrupt, sizeof interrupt - 1, cancellable, error))
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

      while (g_get_monotonic_time () < until && _mpy_raw_repl_fill (self, 50, cancellable, NULL) > 0)
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
  /* Ctrl-C stops a running program and clears a raw or friendly line; Ctrl-B from either
   * REPL makes the friendly REPL print the firmware banner without touching the heap;
   * Ctrl-A on the empty line enters the raw REPL (or re-prints its banner if already
   * there). No Enter: an empty line in the friendly REPL leaves 112 B of garbage on 1.27. */
  static const char with_banner[] = "\x03\x03\x02\x01";
  static const char plain[] = "\x03\x03\x01";
  gint64 deadline;
  int settle_ms;

  if (self->in_raw)
    return TRUE;

  settle_ms = self->resync ? 30 : 0;

  mpy_transport_flush (self->transport);
  g_byte_array_set_size (self->pending, 0);

  if (self->banner == NULL)
    {
      if (!_mpy_raw_repl_write_bytes (self, with_banner, sizeof with_banner - 1, cancellable, error))
        return FALSE;
    }
  else if (!_mpy_raw_repl_write_bytes (self, plain, sizeof plain - 1, cancellable, error))
    return FALSE;

  /* From here on, a failure leaves replies in flight. */
  self->resync = TRUE;
  deadline = g_get_monotonic_time () + (gint64) self->connect_ms * 1000;
  if (!_mpy_raw_repl_wait_for_banner (self, deadline, TRUE, settle_ms, cancellable, error))
    return FALSE;

  if (self->banner == NULL)
    {
      /* The Ctrl-B got lost (a board still booting): out to the friendly REPL, which
       * prints the banner, and straight back. Still nothing on the heap. */
      static const char again[] = "\x03\x02\x01";

      if (!_mpy_raw_repl_write_bytes (self, again, sizeof again - 1, cancellable, error)
          || !_mpy_raw_repl_wait_for_banner (self, deadline, TRUE, 0, cancellable, error))
        return FALSE;
    }

  self->in_raw = TRUE;
  self->resync = FALSE;
  return TRUE;
}

/* Reads exactly @n bytes (idle timeout between them) into @out. */
gboolean
_mpy_raw_repl_read_exact (MpyRawRepl    *self,
                          gsize          n,
                          guint8        *out,
                          GCancellable  *cancellable,
                          GError       **error)
{
  while (self->pending->len < n)
    {
      gssize r = _mpy_raw_repl_fill (self, (int) self->idle_ms, cancellable, error);

      if (r < 0)
        return FALSE;
      if (r == 0)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                       _("The board stopped answering for %u ms in the raw REPL: is it busy "
                       "or was the cable pulled?"), self->idle_ms);
          return FALSE;
        }
    }
  memcpy (out, self->pending->data, n);
  _mpy_raw_repl_consume (self, n);
  return TRUE;
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
          _mpy_raw_repl_consume (self, (gsize) (hit - self->pending->data) + strlen (text));
          return TRUE;
        }
      if (now >= deadline)
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT,
                       _("The board did not report \"%s\" within %u s after the soft reset"),
                       text, (self->connect_ms + 999) / 1000);
          return FALSE;
        }
      n = _mpy_raw_repl_fill (self, (int) MIN ((deadline - now) / 1000 + 1, 100), cancellable, error);
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
      || !_mpy_raw_repl_know_firmware (self, TRUE, cancellable, error))
    return FALSE;
  if (self->quirks->soft_reset_ends_process)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_UNSUPPORTED,
                   _("Soft reset refused: on %s a soft reset ends the MicroPython process "
                   "instead of restarting it, and the board would be gone. Restart the "
                   "program yourself for a fresh heap"),
                   self->quirks->name);
      return FALSE;
    }

  self->in_raw = FALSE;
  deadline = g_get_monotonic_time () + (gint64) self->connect_ms * 1000;

  /* The only place we send Ctrl-D on an empty raw line. "soft reboot" covers
   * "MPY: soft reboot"; boot.py may print anything before the banner. */
  if (!_mpy_raw_repl_write_bytes (self, "\x04", 1, cancellable, error)
      || !wait_for_text (self, "soft reboot", deadline, cancellable, error)
      || !_mpy_raw_repl_wait_for_banner (self, deadline, FALSE, 0, cancellable, error))
    {
      _mpy_raw_repl_lost_sync (self);
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
  /* Never talked to (a port only listened to): nothing to leave, and not a byte is sent. */
  if (!self->sent)
    return TRUE;
  if (!_mpy_raw_repl_write_bytes (self, "\r\x02", 2, cancellable, error))
    return FALSE;

  /* Wait briefly for the friendly prompt so the bytes are out before the port closes. */
  while (g_get_monotonic_time () < deadline)
    {
      gssize n = _mpy_raw_repl_fill (self, 50, cancellable, error);

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

/**
 * mpy_raw_repl_listen:
 * @self: a raw-REPL client
 * @output: called with each piece the board prints, as it arrives
 * @output_data: data for @output
 * @cancellable: (nullable): the only way it ends, besides an error
 * @error: a #GError (%G_IO_ERROR_CANCELLED after a cancel)
 *
 * Reads what the board prints on its own (a running main.py) and sends nothing at all: not
 * even Ctrl-C. Where the board is afterwards is not known: the next exchange resyncs.
 *
 * Returns: %FALSE always, with @error set
 */
gboolean
mpy_raw_repl_listen (MpyRawRepl        *self,
                     MpyRawReplOutput   output,
                     gpointer           output_data,
                     GCancellable      *cancellable,
                     GError           **error)
{
  guint8 buf[4096];

  self->in_raw = FALSE;
  self->resync = TRUE;
  g_byte_array_set_size (self->pending, 0);
  for (;;)
    {
      gssize n = mpy_transport_read (self->transport, buf, sizeof buf, 250, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        continue;
      self->received += (guint64) n;
      if (self->progress != NULL)
        self->progress (self->received, self->progress_data);
      output ((const char *) buf, (gsize) n, output_data);
    }
}

/* fuzz-raw-repl.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the raw-REPL client against a board that answers anything. The board
 * is a fake transport behind the transport interface (mpy-transport-private.h); time is a
 * virtual clock (g_get_monotonic_time() and g_usleep() are wrapped at link time, see
 * meson.build), so that timeouts of seconds cost nothing and every run is repeatable.
 *
 * Input: one byte N, then N + 1 operation bytes (enter, exec, user exec, soft reset, leave,
 * raw-paste off), then the board's side: for each read, a control byte (0xff: silence
 * until the read's timeout; otherwise (c % 64) + 1 bytes of reply follow). When the input
 * is used up the board hangs up.
 *
 * Besides crashes, sanitizer reports and hangs, it checks the client's promises: a result
 * says whether it set an error, the outputs are set, a user statement's stdout is what was
 * streamed, and no Ctrl-D goes out on an empty raw line unless a soft reset was asked for.
 */

#include <stdint.h>
#include <string.h>

#include "mpy-raw-repl.h"
#include "mpy-transport-private.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap (); } while (0)

/* The virtual clock (µs), wrapped in for the client's calls. */
static gint64 virtual_now;

gint64 __wrap_g_get_monotonic_time (void);
void   __wrap_g_usleep             (gulong microseconds);

gint64
__wrap_g_get_monotonic_time (void)
{
  return virtual_now;
}

void
__wrap_g_usleep (gulong microseconds)
{
  virtual_now += microseconds;
}

typedef struct
{
  MpyTransport  parent;
  const guint8 *data;
  gsize         length;
  gsize         pos;
  GByteArray   *written;
  gboolean      soft_reset_asked;   /* the current operation may send Ctrl-D on an empty line */
} FakeBoard;

static gssize
fake_read (MpyTransport  *transport,
           guint8        *buffer,
           gsize          size,
           int            timeout_ms,
           GCancellable  *cancellable,
           GError       **error)
{
  FakeBoard *self = (FakeBoard *) transport;
  guint8 control;
  gsize n;

  if (self->pos >= self->length)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED,
                   "The fake board hung up");
      return -1;
    }
  control = self->data[self->pos++];
  if (control == 0xff)
    {
      /* Silence: the whole timeout passes (an hour for "forever"). */
      virtual_now += (timeout_ms < 0 ? 3600 * 1000 : timeout_ms) * (gint64) 1000;
      return 0;
    }
  n = MIN ((gsize) (control % 64) + 1, self->length - self->pos);
  n = MIN (n, size);
  memcpy (buffer, self->data + self->pos, n);
  self->pos += n;
  virtual_now += 100;   /* bytes take time to arrive */
  return (gssize) n;
}

static gboolean
fake_write_all (MpyTransport  *transport,
                const guint8  *data,
                gsize          size,
                int            timeout_ms,
                GCancellable  *cancellable,
                GError       **error)
{
  FakeBoard *self = (FakeBoard *) transport;

  for (gsize i = 0; i < size; i++)
    {
      /* Entering ends with `\r\x01`; a Ctrl-D right after it is a soft reset on the empty
       * raw line, which wipes the heap. (After the raw-paste request `\x05A\x01` a Ctrl-D
       * acknowledges the board's end of the paste.) */
      if (data[i] == 0x04 && self->written->len >= 2
          && self->written->data[self->written->len - 1] == 0x01
          && self->written->data[self->written->len - 2] == '\r')
        CHECK (self->soft_reset_asked);
      g_byte_array_append (self->written, data + i, 1);
    }
  /* Only the tail matters for the check above. */
  if (self->written->len > 4096)
    g_byte_array_remove_range (self->written, 0, self->written->len - 16);
  virtual_now += (gint64) size * 87;   /* 115200 baud */
  return TRUE;
}

static void
fake_flush (MpyTransport *transport)
{
}

static void
fake_close (MpyTransport *transport)
{
  FakeBoard *self = (FakeBoard *) transport;

  g_byte_array_unref (self->written);
}

static const MpyTransportVTable fake_vtable = {
  "fuzz", fake_read, fake_write_all, fake_flush, fake_close,
};

static void
collect_output (const char *data,
                gsize       len,
                gpointer    user_data)
{
  GString *streamed = user_data;

  CHECK (len > 0);
  g_string_append_len (streamed, data, (gssize) len);
}

static void
check_result (gboolean  ok,
              GError   *error)
{
  CHECK (ok == (error == NULL));
  CHECK (error == NULL || (error->message != NULL && g_utf8_validate (error->message, -1, NULL)));
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FakeBoard *board;
  MpyRawRepl *repl;
  gsize n_ops;
  const uint8_t *ops;

  if (size < 2)
    return 0;
  n_ops = (gsize) (data[0] % 8) + 1;
  if (size < 1 + n_ops)
    return 0;
  ops = data + 1;

  virtual_now = G_GINT64_CONSTANT (1) << 40;
  board = mpy_transport_alloc (&fake_vtable, sizeof (FakeBoard), "fuzz");
  board->data = data + 1 + n_ops;
  board->length = size - 1 - n_ops;
  board->written = g_byte_array_new ();
  repl = mpy_raw_repl_new (&board->parent);
  mpy_raw_repl_set_timeouts (repl, 2000, 500);

  for (gsize i = 0; i < n_ops; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      gboolean ok;

      board->soft_reset_asked = FALSE;
      switch (ops[i] % 6)
        {
        case 0:
          ok = mpy_raw_repl_enter (repl, NULL, &error);
          check_result (ok, error);
          break;
        case 1:
          ok = mpy_raw_repl_exec (repl, "__import__('micropython').mem_info(1)", &out, &err,
                                  NULL, &error);
          check_result (ok, error);
          if (ok)
            CHECK (out != NULL && err != NULL);
          break;
        case 2:
          {
            g_autoptr(GString) streamed = g_string_new (NULL);

            ok = mpy_raw_repl_exec_user (repl, "for i in range(3):\n    print(i)",
                                         ops[i] & 0x80 ? 1500 : 0, collect_output, streamed,
                                         &out, &err, NULL, &error);
            check_result (ok, error);
            /* Set even on failure; what is returned came in the output first. */
            CHECK (out != NULL && err != NULL);
            if (ok && streamed->len <= 4 * 1024 * 1024)
              CHECK (strcmp (out, streamed->str) == 0);
          }
          break;
        case 3:
          board->soft_reset_asked = TRUE;
          ok = mpy_raw_repl_soft_reset (repl, NULL, &error);
          check_result (ok, error);
          break;
        case 4:
          ok = mpy_raw_repl_leave (repl, NULL, &error);
          check_result (ok, error);
          break;
        default:
          mpy_raw_repl_set_raw_paste (repl, ops[i] & 0x80 ? MPY_RAW_PASTE_OFF : MPY_RAW_PASTE_AUTO);
          break;
        }
      {
        const char *banner = mpy_raw_repl_get_banner (repl);

        CHECK (banner == NULL || strlen (banner) < 64 * 1024);
      }
      (void) mpy_raw_repl_take_interrupted (repl);
    }

  mpy_raw_repl_free (repl);
  return 0;
}

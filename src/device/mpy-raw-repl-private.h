/* mpy-raw-repl-private.h — the raw-REPL client's state, shared by its two files
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mpy-raw-repl.c: input, the banner, entering and leaving, soft reset;
 * mpy-raw-repl-exec.c: one exchange (plain raw mode or raw-paste), the user's statements.
 */

#pragma once

#include "mpy-raw-repl.h"

G_BEGIN_DECLS

#define RAW_BANNER     "raw REPL; CTRL-B to exit\n>"
#define CHUNK_SIZE     32      /* small boards (nRF51) drop bytes from larger writes */
#define CHUNK_PAUSE_US 5000
#define RESEND_IDLE_MS 1000    /* no answer for this long: interrupt and ask again */
#define WRITE_TIMEOUT  2000
#define MAX_REPLY      (64u << 20)  /* a 4 MiB heap's dump is ~311 KB */
#define USER_KEEP      (8u << 20)   /* user exec: the last this many bytes of stdout are kept */
#define USER_POLL_MS   250          /* user exec: how often the deadline is checked */
/* After the exec timeout's Ctrl-C: how long the board has to show it stopped. Firmware that
 * Ctrl-C stops answers in milliseconds, but a busy or emulated board on a loaded host may
 * take seconds, and "it did not stop" would be wrong; where Ctrl-C cannot stop the code,
 * the wait only lets code that was about to end do so. */
#define STOP_WAIT_MS        5000
#define STOP_WAIT_CANNOT_MS 1000
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
  gboolean            sent;         /* any byte was sent on this port (else leave sends none) */
};

/* Reads whatever arrives within @timeout_ms into pending. Returns bytes read, 0 on
 * timeout, -1 on error. */
gssize   _mpy_raw_repl_fill            (MpyRawRepl    *self,
                                        int            timeout_ms,
                                        GCancellable  *cancellable,
                                        GError       **error);
void     _mpy_raw_repl_consume         (MpyRawRepl    *self,
                                        gsize          n);
gboolean _mpy_raw_repl_write_bytes     (MpyRawRepl    *self,
                                        const void    *data,
                                        gsize          len,
                                        GCancellable  *cancellable,
                                        GError       **error);
/* An exchange broke off: where the board is is unknown until the next enter. */
void     _mpy_raw_repl_lost_sync       (MpyRawRepl    *self);
gboolean _mpy_raw_repl_wait_for_banner (MpyRawRepl    *self,
                                        gint64         deadline,
                                        gboolean       resend,
                                        int            settle_ms,
                                        GCancellable  *cancellable,
                                        GError       **error);
/* Reads exactly @n bytes (idle timeout between them) into @out. */
gboolean _mpy_raw_repl_read_exact      (MpyRawRepl    *self,
                                        gsize          n,
                                        guint8        *out,
                                        GCancellable  *cancellable,
                                        GError       **error);
/* Where no banner came: asks sys.platform once, so the quirk table still applies. */
gboolean _mpy_raw_repl_know_firmware   (MpyRawRepl    *self,
                                        gboolean       for_soft_reset,
                                        GCancellable  *cancellable,
                                        GError       **error);

G_END_DECLS

/* mpy-raw-repl.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-raw-repl-quirks.h"
#include "mpy-transport.h"

G_BEGIN_DECLS

/**
 * MpyRawRepl:
 *
 * The MicroPython raw-REPL client (reference notes §3) over a #MpyTransport.
 * Synchronous: use it from one worker thread. After any failure or cancel in the
 * middle of an exchange it forgets where the board is and interrupts and re-enters
 * the raw REPL on the next call.
 */
typedef struct _MpyRawRepl MpyRawRepl;

typedef void (*MpyRawReplProgress) (guint64 received, gpointer user_data);
/* A piece of the running code's stdout, as it arrives (not NUL-terminated). */
typedef void (*MpyRawReplOutput)   (const char *data, gsize len, gpointer user_data);

/* Takes ownership of @transport. */
MpyRawRepl   *mpy_raw_repl_new           (MpyTransport *transport);
void          mpy_raw_repl_free          (MpyRawRepl   *self);
MpyTransport *mpy_raw_repl_get_transport (MpyRawRepl   *self);

/* @connect_ms: overall deadline to reach the raw-REPL banner;
 * @idle_ms: silence tolerated while a reply streams. */
void          mpy_raw_repl_set_timeouts  (MpyRawRepl   *self,
                                          guint         connect_ms,
                                          guint         idle_ms);
void          mpy_raw_repl_set_progress  (MpyRawRepl         *self,
                                          MpyRawReplProgress  progress,
                                          gpointer            user_data);

/* %MPY_RAW_PASTE_AUTO (the default): raw-paste where the firmware takes it (the quirk
 * table and the board's answer decide); %MPY_RAW_PASTE_OFF: plain raw mode only. */
void          mpy_raw_repl_set_raw_paste (MpyRawRepl    *self,
                                          MpyRawPasteMode mode);
/* Whether raw-paste is in use on this connection: %TRUE once the board took it, %FALSE
 * when it is off, not offered, or failed (then plain raw mode for the rest of it). */
gboolean      mpy_raw_repl_get_uses_raw_paste (MpyRawRepl *self);

gboolean      mpy_raw_repl_enter         (MpyRawRepl    *self,
                                          GCancellable  *cancellable,
                                          GError       **error);
/* Runs @code (which must not contain bytes 0x01–0x05). Returns stdout and stderr (the
 * traceback, "" when none) separately; a traceback is not an error here. */
gboolean      mpy_raw_repl_exec          (MpyRawRepl    *self,
                                          const char    *code,
                                          char         **stdout_text,
                                          char         **stderr_text,
                                          GCancellable  *cancellable,
                                          GError       **error);
/* Runs the user's own @code: unlike mpy_raw_repl_exec(), with no limit on silence (a
 * statement may sleep or compute for long), only @timeout_ms overall (0: none), and its
 * stdout handed to @output (on this thread) as it arrives. *stdout_text (the last 8 MiB
 * at most) and *stderr_text are set even on failure: on a cancel or timeout they hold
 * what arrived, and the code still running on the board is interrupted (Ctrl-C). */
gboolean      mpy_raw_repl_exec_user     (MpyRawRepl        *self,
                                          const char        *code,
                                          guint              timeout_ms,
                                          MpyRawReplOutput   output,
                                          gpointer           output_data,
                                          char             **stdout_text,
                                          char             **stderr_text,
                                          GCancellable      *cancellable,
                                          GError           **error);
/* Ctrl-D on an empty raw line: wipes the heap. Only when the user asks for it. Refused
 * (%MPY_DEVICE_ERROR_UNSUPPORTED, nothing sent) on firmware whose soft reset ends its
 * process (the unix and webassembly ports). */
gboolean      mpy_raw_repl_soft_reset    (MpyRawRepl    *self,
                                          GCancellable  *cancellable,
                                          GError       **error);
/* Hands what the board prints on its own to @output until cancelled; sends nothing. */
gboolean      mpy_raw_repl_listen        (MpyRawRepl        *self,
                                          MpyRawReplOutput   output,
                                          gpointer           output_data,
                                          GCancellable      *cancellable,
                                          GError           **error);
/* `\r\x02`: back to the friendly REPL (nothing sent when nothing ever was). */
gboolean      mpy_raw_repl_leave         (MpyRawRepl    *self,
                                          GCancellable  *cancellable,
                                          GError       **error);

/* The firmware banner ("MicroPython v1.9.2-34-gd64154c73 on 2017-09-01; micro:bit v1.0.1
 * with nRF51822"), once seen; NULL before. */
const char   *mpy_raw_repl_get_banner    (MpyRawRepl   *self);
/* Entering interrupted a running program (a KeyboardInterrupt before the banner); once. */
gboolean      mpy_raw_repl_take_interrupted (MpyRawRepl *self);
/* The quirk-table row for this board (the defaults until it is known). */
const MpyFirmwareQuirks *mpy_raw_repl_get_quirks (MpyRawRepl *self);

G_END_DECLS

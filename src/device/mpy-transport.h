/* mpy-transport.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mpy-connection.h"

G_BEGIN_DECLS

typedef enum {
  MPY_TRANSPORT_AUTO,           /* libserialport, else termios for the paths it refuses */
  MPY_TRANSPORT_SERIALPORT,     /* libserialport only */
  MPY_TRANSPORT_TERMIOS,        /* termios on a file descriptor only */
} MpyTransportKind;

/**
 * MpyTransport:
 *
 * A serial line opened exclusively (flock + TIOCEXCL), 8N1, no flow control.
 * Blocking calls with timeouts, for a worker thread; a cancelled #GCancellable
 * interrupts a wait at once. Errors are in %MPY_DEVICE_ERROR (or
 * %G_IO_ERROR_CANCELLED).
 */
typedef struct _MpyTransport MpyTransport;

MpyTransport     *mpy_transport_open      (const char        *path,
                                           guint              baud,
                                           MpyLineMode        dtr,
                                           MpyLineMode        rts,
                                           MpyTransportKind   kind,
                                           GError           **error);
/* The kind actually used: %MPY_TRANSPORT_SERIALPORT or %MPY_TRANSPORT_TERMIOS. */
MpyTransportKind  mpy_transport_get_kind  (MpyTransport      *self);
const char       *mpy_transport_kind_to_string (MpyTransportKind kind);

/* Waits up to @timeout_ms (-1: forever) for input and reads what is there.
 * Returns the number of bytes read, 0 on timeout, -1 with @error set. */
gssize            mpy_transport_read      (MpyTransport      *self,
                                           guint8            *buffer,
                                           gsize              size,
                                           int                timeout_ms,
                                           GCancellable      *cancellable,
                                           GError           **error);
gboolean          mpy_transport_write_all (MpyTransport      *self,
                                           const void        *data,
                                           gsize              size,
                                           int                timeout_ms,
                                           GCancellable      *cancellable,
                                           GError           **error);
/* Discards what the OS has buffered in both directions. */
void              mpy_transport_flush     (MpyTransport      *self);
/* Releases the lines (RTS cleared before DTR, for the ESP auto-reset circuit, unless the
 * line mode says otherwise) and closes the port. NULL-safe. */
void              mpy_transport_close     (MpyTransport      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyTransport, mpy_transport_close)

G_END_DECLS

/* mpy-transport.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mpy-device-error.h"

G_BEGIN_DECLS

typedef enum {
  MPY_LINE_DEFAULT, /* asserted on open, RTS cleared before DTR on close */
  MPY_LINE_ON,
  MPY_LINE_OFF,
} MpyLineMode;

/* Which code opens a device path (addresses with a scheme ignore it). */
typedef enum {
  MPY_SERIAL_AUTO,              /* libserialport, else termios for the paths it refuses */
  MPY_SERIAL_LIBSERIALPORT,     /* libserialport only */
  MPY_SERIAL_TERMIOS,           /* termios on a file descriptor only */
} MpySerialDriver;

/* What a board's address names (DESIGN.md §5). */
typedef enum {
  MPY_ADDRESS_DEVICE,           /* /dev/ttyACM0, any path */
  MPY_ADDRESS_SOCKET,           /* socket://HOST:PORT, raw TCP */
  MPY_ADDRESS_RFC2217,          /* rfc2217://HOST:PORT, telnet COM-PORT option */
  MPY_ADDRESS_WEBREPL,          /* ws://HOST[:8266], MicroPython WebREPL */
} MpyAddressKind;

/**
 * MpyTransportOptions:
 * @baud: baud rate (serial and RFC 2217), 115200 for MicroPython boards
 * @dtr: DTR handling (serial and RFC 2217)
 * @rts: RTS handling (serial and RFC 2217)
 * @serial: which code opens a device path
 * @password: (nullable): the WebREPL password
 * @connect_timeout_ms: how long reaching a network board may take
 *
 * How to open an address. mpy_transport_options_init() gives the defaults.
 */
typedef struct
{
  guint            baud;
  MpyLineMode      dtr;
  MpyLineMode      rts;
  MpySerialDriver  serial;
  const char      *password;
  guint            connect_timeout_ms;
} MpyTransportOptions;

/**
 * MpyTransport:
 *
 * A byte stream to one board: a serial line opened exclusively (8N1, no flow control), a
 * TCP connection, an RFC 2217 serial server or a WebREPL websocket. Blocking calls with
 * timeouts, for one worker thread; a cancelled #GCancellable interrupts a wait at once.
 * Errors are in %MPY_DEVICE_ERROR (or %G_IO_ERROR_CANCELLED). Each kind is one
 * implementation of the small table in mpy-transport-private.h.
 */
typedef struct _MpyTransport MpyTransport;

void              mpy_transport_options_init (MpyTransportOptions *options);

/* The kind of @address; FALSE with @error for a scheme we do not know or a missing
 * host or port. */
gboolean          mpy_address_parse       (const char        *address,
                                           MpyAddressKind    *kind,
                                           char             **host,
                                           guint16           *port,
                                           GError           **error);
/* TRUE for socket://, rfc2217:// and ws:// addresses. */
gboolean          mpy_address_is_network  (const char        *address);
/* TRUE for ws:// addresses: they need a password. */
gboolean          mpy_address_needs_password (const char     *address);

MpyTransport     *mpy_transport_open      (const char                 *address,
                                           const MpyTransportOptions  *options,
                                           GCancellable               *cancellable,
                                           GError                    **error);
/* "libserialport", "termios", "socket", "rfc2217" or "webrepl". */
const char       *mpy_transport_get_kind  (MpyTransport      *self);
/* The address it was opened with, for messages. */
const char       *mpy_transport_get_description (MpyTransport *self);

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
/* Discards what is buffered on the way in and out. */
void              mpy_transport_flush     (MpyTransport      *self);
/* Releases the lines (RTS cleared before DTR, for the ESP auto-reset circuit, unless the
 * line mode says otherwise) and closes the link. NULL-safe. */
void              mpy_transport_close     (MpyTransport      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyTransport, mpy_transport_close)

G_END_DECLS

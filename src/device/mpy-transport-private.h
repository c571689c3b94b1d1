/* mpy-transport-private.h — the table each transport implements
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-transport.h"

G_BEGIN_DECLS

typedef struct
{
  const char *kind;
  gssize   (*read)      (MpyTransport *self, guint8 *buffer, gsize size, int timeout_ms,
                         GCancellable *cancellable, GError **error);
  gboolean (*write_all) (MpyTransport *self, const guint8 *data, gsize size, int timeout_ms,
                         GCancellable *cancellable, GError **error);
  void     (*flush)     (MpyTransport *self);
  /* frees what the implementation owns; the base frees the rest */
  void     (*close)     (MpyTransport *self);
} MpyTransportVTable;

struct _MpyTransport
{
  const MpyTransportVTable *vtable;
  char                     *description;
};

/* Allocates @size bytes (a struct starting with MpyTransport) set up for @vtable. */
gpointer      mpy_transport_alloc            (const MpyTransportVTable *vtable,
                                              gsize                     size,
                                              const char               *description);

/* The implementations (one file each). */
MpyTransport *mpy_transport_termios_open     (const char                 *path,
                                              const MpyTransportOptions  *options,
                                              GError                    **error);
/* NULL with *refused = TRUE when libserialport does not handle @path at all (a
 * pseudo-terminal, a path outside /dev): MPY_SERIAL_AUTO then tries termios. */
MpyTransport *mpy_transport_serialport_open  (const char                 *path,
                                              const MpyTransportOptions  *options,
                                              gboolean                   *refused,
                                              GError                    **error);

MpyTransport *mpy_transport_socket_open      (const char                 *address,
                                              const char                 *host,
                                              guint16                     port,
                                              const MpyTransportOptions  *options,
                                              GCancellable               *cancellable,
                                              GError                    **error);
MpyTransport *mpy_transport_rfc2217_open     (const char                 *address,
                                              const char                 *host,
                                              guint16                     port,
                                              const MpyTransportOptions  *options,
                                              GCancellable               *cancellable,
                                              GError                    **error);
MpyTransport *mpy_transport_webrepl_open     (const char                 *address,
                                              const char                 *host,
                                              guint16                     port,
                                              const MpyTransportOptions  *options,
                                              GCancellable               *cancellable,
                                              GError                    **error);

/* TCP helpers (mpy-transport-socket.c) for socket:// and rfc2217://. The connection
 * has TCP_NODELAY set and no timeout of its own; errors are in MPY_DEVICE_ERROR. */
GSocketConnection *mpy_net_connect           (const char    *address,
                                              const char    *host,
                                              guint16        port,
                                              guint          timeout_ms,
                                              GCancellable  *cancellable,
                                              GError       **error);
/* As mpy_transport_read(): 0 on timeout, -1 with @error (the peer closing is an error). */
gssize        mpy_net_receive                (GSocket       *socket,
                                              const char    *address,
                                              guint8        *buffer,
                                              gsize          size,
                                              int            timeout_ms,
                                              GCancellable  *cancellable,
                                              GError       **error);
gboolean      mpy_net_send_all               (GSocket       *socket,
                                              const char    *address,
                                              const guint8  *data,
                                              gsize          size,
                                              int            timeout_ms,
                                              GCancellable  *cancellable,
                                              GError       **error);
/* Reads and drops what has arrived, without waiting. */
void          mpy_net_discard_input          (GSocket       *socket);

/* Helpers both serial implementations share (mpy-transport-tty.c). */
void          mpy_tty_set_errno_error        (GError     **error,
                                              int          err,
                                              const char  *path,
                                              const char  *what);
gboolean      mpy_tty_lock_exclusive         (int          fd,
                                              const char  *path,
                                              GError     **error);
/* Waits for @events on @fd; *revents gets what happened (0 on timeout). */
gboolean      mpy_tty_wait_fd                (int            fd,
                                              const char    *path,
                                              short          events,
                                              int            timeout_ms,
                                              GCancellable  *cancellable,
                                              short         *revents,
                                              GError       **error);
/* read/write loops over a non-blocking fd; @read_fn/@write_fn return -1 with errno set. */
typedef gssize (*MpyTtyIoFunc) (MpyTransport *self, void *buffer, gsize size);
gssize        mpy_tty_read                   (MpyTransport  *self,
                                              int            fd,
                                              MpyTtyIoFunc   read_fn,
                                              guint8        *buffer,
                                              gsize          size,
                                              int            timeout_ms,
                                              GCancellable  *cancellable,
                                              GError       **error);
gboolean      mpy_tty_write_all              (MpyTransport  *self,
                                              int            fd,
                                              MpyTtyIoFunc   write_fn,
                                              const guint8  *data,
                                              gsize          size,
                                              int            timeout_ms,
                                              GCancellable  *cancellable,
                                              GError       **error);

G_END_DECLS

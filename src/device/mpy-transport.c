/* mpy-transport.c — opening an address, and the calls every transport answers
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mpy-transport-private.h"

#define WEBREPL_DEFAULT_PORT 8266

void
mpy_transport_options_init (MpyTransportOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->baud = 115200;
  options->dtr = MPY_LINE_DEFAULT;
  options->rts = MPY_LINE_DEFAULT;
  options->serial = MPY_SERIAL_AUTO;
  options->connect_timeout_ms = 10000;
}

/* "socket://…" has a scheme; "/dev/ttyACM0" and "COM3" do not. */
static gboolean
has_scheme (const char *address)
{
  const char *sep = strstr (address, "://");

  if (sep == NULL || sep == address || !g_ascii_isalpha (address[0]))
    return FALSE;
  for (const char *p = address; p < sep; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/**
 * mpy_address_parse:
 * @address: a device path, `socket://HOST:PORT`, `rfc2217://HOST:PORT` or `ws://HOST[:PORT]`
 * @kind: (out) (optional): what it names
 * @host: (out) (optional) (transfer full): the host of a network address, else %NULL
 * @port: (out) (optional): its port (8266 for `ws://` without one), else 0
 * @error: return location for a #GError in %MPY_DEVICE_ERROR
 *
 * Returns: %TRUE if @address is one we can open
 */
gboolean
mpy_address_parse (const char      *address,
                   MpyAddressKind  *kind,
                   char           **host,
                   guint16         *port,
                   GError         **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) uri_error = NULL;
  MpyAddressKind k;
  const char *scheme;
  int uri_port;

  g_return_val_if_fail (address != NULL, FALSE);

  if (host != NULL)
    *host = NULL;
  if (port != NULL)
    *port = 0;

  if (!has_scheme (address))
    {
      if (*address == '\0')
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_BAD_ADDRESS,
                       _("No port given: pick a serial port or type an address such as "
                         "socket://HOST:PORT"));
          return FALSE;
        }
      if (kind != NULL)
        *kind = MPY_ADDRESS_DEVICE;
      return TRUE;
    }

  uri = g_uri_parse (address, G_URI_FLAGS_NON_DNS, &uri_error);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_BAD_ADDRESS,
                   _("“%s” is not a board address: use socket://HOST:PORT, "
                     "rfc2217://HOST:PORT or ws://HOST[:PORT]"), address);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "socket") == 0 || g_ascii_strcasecmp (scheme, "tcp") == 0)
    k = MPY_ADDRESS_SOCKET;
  else if (g_ascii_strcasecmp (scheme, "rfc2217") == 0)
    k = MPY_ADDRESS_RFC2217;
  else if (g_ascii_strcasecmp (scheme, "ws") == 0)
    k = MPY_ADDRESS_WEBREPL;
  else
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_BAD_ADDRESS,
                   _("Unknown kind of address “%s”: use a device path, socket://HOST:PORT, "
                     "rfc2217://HOST:PORT or ws://HOST[:PORT]"), address);
      return FALSE;
    }

  uri_port = g_uri_get_port (uri);
  if (uri_port <= 0 && k == MPY_ADDRESS_WEBREPL)
    uri_port = WEBREPL_DEFAULT_PORT;
  if (uri_port <= 0 || uri_port > 65535)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_BAD_ADDRESS,
                   _("The address “%s” needs a port, as in %s://%s:2217"),
                   address, scheme, g_uri_get_host (uri));
      return FALSE;
    }

  if (kind != NULL)
    *kind = k;
  if (host != NULL)
    *host = g_strdup (g_uri_get_host (uri));
  if (port != NULL)
    *port = (guint16) uri_port;
  return TRUE;
}

gboolean
mpy_address_is_network (const char *address)
{
  MpyAddressKind kind;

  return address != NULL && mpy_address_parse (address, &kind, NULL, NULL, NULL)
         && kind != MPY_ADDRESS_DEVICE;
}

gboolean
mpy_address_needs_password (const char *address)
{
  MpyAddressKind kind;

  return address != NULL && mpy_address_parse (address, &kind, NULL, NULL, NULL)
         && kind == MPY_ADDRESS_WEBREPL;
}

gpointer
mpy_transport_alloc (const MpyTransportVTable *vtable,
                     gsize                     size,
                     const char               *description)
{
  MpyTransport *self;

  g_assert (size >= sizeof (MpyTransport));

  self = g_malloc0 (size);
  self->vtable = vtable;
  self->description = g_strdup (description);
  return self;
}

static MpyTransport *
open_device (const char                 *path,
             const MpyTransportOptions  *options,
             GError                    **error)
{
  g_autoptr(GError) sp_error = NULL;
  MpyTransport *self;
  gboolean refused = FALSE;

  if (options->serial == MPY_SERIAL_TERMIOS)
    return mpy_transport_termios_open (path, options, error);

  self = mpy_transport_serialport_open (path, options, &refused, &sp_error);
  if (self != NULL)
    return self;
  if (options->serial == MPY_SERIAL_AUTO && refused)
    return mpy_transport_termios_open (path, options, error);
  g_propagate_error (error, g_steal_pointer (&sp_error));
  return NULL;
}

/**
 * mpy_transport_open:
 * @address: a device path (symlinks allowed) or a network address (see mpy_address_parse())
 * @options: (nullable): how to open it; %NULL for the defaults
 * @cancellable: (nullable): interrupts connecting to a network board
 * @error: return location for a #GError in %MPY_DEVICE_ERROR
 *
 * Opens @address: a serial port exclusively at the baud rate 8N1 without flow control, or
 * the network link the address names.
 *
 * Returns: (transfer full): the transport, or %NULL with @error set
 */
MpyTransport *
mpy_transport_open (const char                 *address,
                    const MpyTransportOptions  *options,
                    GCancellable               *cancellable,
                    GError                    **error)
{
  MpyTransportOptions defaults;
  g_autofree char *host = NULL;
  MpyAddressKind kind;
  guint16 port;

  g_return_val_if_fail (address != NULL, NULL);

  if (options == NULL)
    {
      mpy_transport_options_init (&defaults);
      options = &defaults;
    }
  if (!mpy_address_parse (address, &kind, &host, &port, error))
    return NULL;

  switch (kind)
    {
    case MPY_ADDRESS_DEVICE:
      return open_device (address, options, error);
    case MPY_ADDRESS_SOCKET:
      return mpy_transport_socket_open (address, host, port, options, cancellable, error);
    case MPY_ADDRESS_RFC2217:
      return mpy_transport_rfc2217_open (address, host, port, options, cancellable, error);
    case MPY_ADDRESS_WEBREPL:
      return mpy_transport_webrepl_open (address, host, port, options, cancellable, error);
    default:
      g_assert_not_reached ();
    }
}

const char *
mpy_transport_get_kind (MpyTransport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->vtable->kind;
}

const char *
mpy_transport_get_description (MpyTransport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->description;
}

gssize
mpy_transport_read (MpyTransport  *self,
                    guint8        *buffer,
                    gsize          size,
                    int            timeout_ms,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->vtable->read (self, buffer, size, timeout_ms, cancellable, error);
}

gboolean
mpy_transport_write_all (MpyTransport  *self,
                         const void    *data,
                         gsize          size,
                         int            timeout_ms,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->vtable->write_all (self, data, size, timeout_ms, cancellable, error);
}

void
mpy_transport_flush (MpyTransport *self)
{
  g_return_if_fail (self != NULL);
  self->vtable->flush (self);
}

void
mpy_transport_close (MpyTransport *self)
{
  if (self == NULL)
    return;
  self->vtable->close (self);
  g_free (self->description);
  g_free (self);
}

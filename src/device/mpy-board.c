/* mpy-board.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n-lib.h>

#include "mpy-board-private.h"

G_DEFINE_ENUM_TYPE (MpyBoardState, mpy_board_state,
  G_DEFINE_ENUM_VALUE (MPY_BOARD_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_READY, "ready"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_BUSY, "busy"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (MpyBoardCapture, mpy_board_capture,
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_PLAIN, "plain"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_GC, "gc"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_SOFT_RESET, "soft-reset"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_BEFORE_AFTER_GC, "before-after-gc"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_FIGURES, "figures"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_FIGURES_GC, "figures-gc"))

G_DEFINE_ENUM_TYPE (MpyBoardOperation, mpy_board_operation,
  G_DEFINE_ENUM_VALUE (MPY_BOARD_OPERATION_NONE, "none"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_OPERATION_CAPTURE, "capture"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_OPERATION_EXEC, "exec"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_OPERATION_LISTEN, "listen"))

G_DEFINE_FINAL_TYPE (MpyBoard, mpy_board, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_BAUD,
  PROP_DTR,
  PROP_RTS,
  PROP_RAW_PASTE,
  PROP_CONNECT_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_STATE,
  PROP_ERROR,
  PROP_BANNER,
  PROP_OPERATION,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  SIGNAL_EXEC_OUTPUT,
  SIGNAL_CAPTURED,
  SIGNAL_WATCH_SNAPSHOT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- state ---- */

void
_mpy_board_set_state (MpyBoard      *self,
                      MpyBoardState  state,
                      const GError  *error)
{
  gboolean banner_changed;
  gboolean was_connected = self->state == MPY_BOARD_READY || self->state == MPY_BOARD_BUSY;
  gboolean is_connected = state == MPY_BOARD_READY || state == MPY_BOARD_BUSY;

  g_object_freeze_notify (G_OBJECT (self));
  banner_changed = was_connected != is_connected;
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (error != self->error)
    {
      g_clear_error (&self->error);
      if (error != NULL)
        self->error = g_error_copy (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  if (banner_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BANNER]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_mpy_board_set_operation (MpyBoard          *self,
                          MpyBoardOperation  operation)
{
  gboolean was_busy = self->operation != MPY_BOARD_OPERATION_NONE;

  if (self->operation == operation)
    return;
  self->operation = operation;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPERATION]);
  if (was_busy != (operation != MPY_BOARD_OPERATION_NONE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ---- connection ---- */

static void
progress_cb (MpyBoard      *self,
             guint64        bytes,
             MpyConnection *connection)
{
  if (connection == self->connection)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, bytes);
}

static void
exec_output_cb (MpyBoard      *self,
                const char    *text,
                MpyConnection *connection)
{
  g_autofree char *valid = NULL;

  if (connection != self->connection)
    return;
  valid = g_utf8_make_valid (text, -1);
  g_signal_emit (self, signals[SIGNAL_EXEC_OUTPUT], 0, valid);
}

static void
banner_cb (MpyBoard      *self,
           GParamSpec    *pspec,
           MpyConnection *connection)
{
  if (connection == self->connection
      && (self->state == MPY_BOARD_READY || self->state == MPY_BOARD_BUSY))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BANNER]);
}

void
_mpy_board_drop_connection (MpyBoard *self)
{
  if (self->connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->connection, self);
  _mpy_board_close_connection (self, self->connection);
  g_clear_object (&self->connection);
}

MpyConnection *
_mpy_board_ensure_connection (MpyBoard  *self,
                              GError   **error)
{
  if (self->address == NULL || *self->address == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No port chosen: pick a board in the list or type the path of its serial port."));
      return NULL;
    }

  if (self->connection == NULL)
    {
      self->connection = mpy_connection_new (self->address);
      g_signal_connect_object (self->connection, "progress", G_CALLBACK (progress_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->connection, "exec-output", G_CALLBACK (exec_output_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->connection, "notify::banner", G_CALLBACK (banner_cb),
                               self, G_CONNECT_SWAPPED);
    }

  /* Settings take effect with this operation (the connection reopens the port if needed). */
  mpy_connection_set_baud (self->connection, self->baud);
  mpy_connection_set_lines (self->connection, self->dtr, self->rts);
  mpy_connection_set_raw_paste (self->connection, self->raw_paste);
  mpy_connection_set_connect_timeout (self->connection, self->connect_ms);
  mpy_connection_set_idle_timeout (self->connection, self->idle_ms);
  mpy_connection_set_password (self->connection, self->password);
  return self->connection;
}

void
_mpy_board_emit_captured (MpyBoard    *self,
                          MpySnapshot *snapshot)
{
  g_signal_emit (self, signals[SIGNAL_CAPTURED], 0, snapshot);
}

/* ---- GObject ---- */

static void
mpy_board_dispose (GObject *object)
{
  MpyBoard *self = MPY_BOARD (object);

  mpy_board_cancel (self);
  _mpy_board_drop_connection (self);

  G_OBJECT_CLASS (mpy_board_parent_class)->dispose (object);
}

static void
mpy_board_finalize (GObject *object)
{
  MpyBoard *self = MPY_BOARD (object);

  g_clear_object (&self->op_cancellable);
  g_clear_error (&self->error);
  g_free (self->address);
  g_free (self->password);

  G_OBJECT_CLASS (mpy_board_parent_class)->finalize (object);
}

static void
mpy_board_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  MpyBoard *self = MPY_BOARD (object);

  switch (prop_id)
    {
    case PROP_ADDRESS: g_value_set_string (value, self->address); break;
    case PROP_BAUD: g_value_set_uint (value, self->baud); break;
    case PROP_DTR: g_value_set_enum (value, self->dtr); break;
    case PROP_RTS: g_value_set_enum (value, self->rts); break;
    case PROP_RAW_PASTE: g_value_set_enum (value, self->raw_paste); break;
    case PROP_CONNECT_TIMEOUT: g_value_set_uint (value, self->connect_ms); break;
    case PROP_IDLE_TIMEOUT: g_value_set_uint (value, self->idle_ms); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_ERROR: g_value_set_boxed (value, self->error); break;
    case PROP_BANNER: g_value_set_string (value, mpy_board_get_banner (self)); break;
    case PROP_OPERATION: g_value_set_enum (value, self->operation); break;
    case PROP_BUSY: g_value_set_boolean (value, mpy_board_get_busy (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_board_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  MpyBoard *self = MPY_BOARD (object);

  switch (prop_id)
    {
    case PROP_ADDRESS: mpy_board_set_address (self, g_value_get_string (value)); break;
    case PROP_BAUD: mpy_board_set_baud (self, g_value_get_uint (value)); break;
    case PROP_DTR: mpy_board_set_lines (self, g_value_get_enum (value), self->rts); break;
    case PROP_RTS: mpy_board_set_lines (self, self->dtr, g_value_get_enum (value)); break;
    case PROP_RAW_PASTE: mpy_board_set_raw_paste (self, g_value_get_enum (value)); break;
    case PROP_CONNECT_TIMEOUT: mpy_board_set_connect_timeout (self, g_value_get_uint (value)); break;
    case PROP_IDLE_TIMEOUT: mpy_board_set_idle_timeout (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_board_class_init (MpyBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mpy_board_dispose;
  object_class->finalize = mpy_board_finalize;
  object_class->get_property = mpy_board_get_property;
  object_class->set_property = mpy_board_set_property;

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BAUD] =
    g_param_spec_uint ("baud", NULL, NULL, 300, 4000000, 115200,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DTR] =
    g_param_spec_enum ("dtr", NULL, NULL, MPY_TYPE_LINE_MODE, MPY_LINE_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RTS] =
    g_param_spec_enum ("rts", NULL, NULL, MPY_TYPE_LINE_MODE, MPY_LINE_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RAW_PASTE] =
    g_param_spec_enum ("raw-paste", NULL, NULL, MPY_TYPE_RAW_PASTE_MODE, MPY_RAW_PASTE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 100, G_MAXUINT, 10000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 50, G_MAXUINT, 3000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MPY_TYPE_BOARD_STATE, MPY_BOARD_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BANNER] =
    g_param_spec_string ("banner", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPERATION] =
    g_param_spec_enum ("operation", NULL, NULL, MPY_TYPE_BOARD_OPERATION, MPY_BOARD_OPERATION_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MpyBoard::progress:
   * @received: bytes received so far in the running operation
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  /**
   * MpyBoard::exec-output:
   * @text: the next piece of the running exec's stdout (valid UTF-8)
   */
  signals[SIGNAL_EXEC_OUTPUT] =
    g_signal_new ("exec-output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * MpyBoard::captured:
   * @snapshot: a dump that just arrived (each of a pair), before the capture's callback
   */
  signals[SIGNAL_CAPTURED] =
    g_signal_new ("captured", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  MPY_TYPE_SNAPSHOT | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* Emitted by mpy_board_watch_async() (mpy-board-watch.c) for each snapshot. */
  signals[SIGNAL_WATCH_SNAPSHOT] =
    g_signal_new ("watch-snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  MPY_TYPE_SNAPSHOT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
mpy_board_init (MpyBoard *self)
{
  self->baud = 115200;
  self->dtr = MPY_LINE_DEFAULT;
  self->rts = MPY_LINE_DEFAULT;
  self->connect_ms = 10000;
  self->idle_ms = 3000;
}

/**
 * mpy_board_new:
 * @address: (nullable): the board's address (a device path), or %NULL to choose later
 *
 * Returns: (transfer full): a board, disconnected; the first operation connects
 */
MpyBoard *
mpy_board_new (const char *address)
{
  return g_object_new (MPY_TYPE_BOARD, "address", address, NULL);
}

const char *
mpy_board_get_address (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), NULL);
  return self->address;
}

/* A new address is a new board: the old connection is cancelled and closed. */
void
mpy_board_set_address (MpyBoard   *self,
                       const char *address)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (g_strcmp0 (self->address, address) == 0)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  mpy_board_disconnect (self);
  g_free (self->address);
  self->address = g_strdup (address);
  /* one board's password is never sent to another */
  g_clear_pointer (&self->password, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
  g_object_thaw_notify (G_OBJECT (self));
}

guint
mpy_board_get_baud (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), 0);
  return self->baud;
}

/* Takes effect with the next operation. */
void
mpy_board_set_baud (MpyBoard *self,
                    guint     baud)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->baud == baud)
    return;
  self->baud = baud;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BAUD]);
}

MpyLineMode
mpy_board_get_dtr (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_LINE_DEFAULT);
  return self->dtr;
}

MpyLineMode
mpy_board_get_rts (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_LINE_DEFAULT);
  return self->rts;
}

void
mpy_board_set_lines (MpyBoard    *self,
                     MpyLineMode  dtr,
                     MpyLineMode  rts)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->dtr != dtr)
    {
      self->dtr = dtr;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DTR]);
    }
  if (self->rts != rts)
    {
      self->rts = rts;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RTS]);
    }
}

MpyRawPasteMode
mpy_board_get_raw_paste (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_RAW_PASTE_AUTO);
  return self->raw_paste;
}

/* Takes effect with the next operation. */
void
mpy_board_set_raw_paste (MpyBoard        *self,
                         MpyRawPasteMode  mode)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->raw_paste == mode)
    return;
  self->raw_paste = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RAW_PASTE]);
}

guint
mpy_board_get_connect_timeout (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), 0);
  return self->connect_ms;
}

void
mpy_board_set_connect_timeout (MpyBoard *self,
                               guint     ms)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->connect_ms == ms)
    return;
  self->connect_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

guint
mpy_board_get_idle_timeout (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), 0);
  return self->idle_ms;
}

void
mpy_board_set_idle_timeout (MpyBoard *self,
                            guint     ms)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->idle_ms == ms)
    return;
  self->idle_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}

/**
 * mpy_board_set_password:
 * @self: a #MpyBoard
 * @password: (nullable): the WebREPL password of a `ws://` address
 *
 * Used from the next operation on; kept in memory only.
 */
void
mpy_board_set_password (MpyBoard   *self,
                        const char *password)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  g_free (self->password);
  self->password = g_strdup (password);
}

gboolean
mpy_board_has_password (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), FALSE);
  return self->password != NULL && *self->password != '\0';
}

MpyBoardState
mpy_board_get_state (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_BOARD_DISCONNECTED);
  return self->state;
}

/**
 * mpy_board_get_error:
 *
 * Returns: (nullable): why the board was lost, while the state is %MPY_BOARD_FAILED
 */
const GError *
mpy_board_get_error (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), NULL);
  return self->error;
}

/**
 * mpy_board_get_banner:
 *
 * Returns: (nullable): the firmware banner of the board we talk to (ready or busy only)
 */
const char *
mpy_board_get_banner (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), NULL);

  if (self->connection == NULL
      || (self->state != MPY_BOARD_READY && self->state != MPY_BOARD_BUSY))
    return NULL;
  return mpy_connection_get_banner (self->connection);
}

MpyBoardOperation
mpy_board_get_operation (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_BOARD_OPERATION_NONE);
  return self->operation;
}

gboolean
mpy_board_get_busy (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), FALSE);
  return self->operation != MPY_BOARD_OPERATION_NONE;
}

/* mpy-board-private.h — what mpy-board.c (object, properties, connection) and
 * mpy-board-ops.c (operations) share
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-board.h"

G_BEGIN_DECLS

struct _MpyBoard
{
  GObject            parent_instance;

  char              *address;
  char              *password;       /* WebREPL password, memory only */
  guint              baud;
  MpyLineMode        dtr;
  MpyLineMode        rts;
  MpyRawPasteMode    raw_paste;
  guint              connect_ms;
  guint              idle_ms;

  MpyBoardState      state;
  GError            *error;
  MpyBoardOperation  operation;

  MpyConnection     *connection;     /* made on the first operation, for this address */
  GCancellable      *op_cancellable; /* set while an operation runs */
  guint              n_closing;      /* closes not finished: the port may still be open */
  GTask             *deferred;       /* the operation waiting for them */
};

/* mpy-board.c */
void           _mpy_board_set_state         (MpyBoard          *self,
                                             MpyBoardState      state,
                                             const GError      *error);
void           _mpy_board_set_operation     (MpyBoard          *self,
                                             MpyBoardOperation  operation);
MpyConnection *_mpy_board_ensure_connection (MpyBoard          *self,
                                             GError           **error);
void           _mpy_board_drop_connection   (MpyBoard          *self);
void           _mpy_board_emit_captured     (MpyBoard          *self,
                                             MpySnapshot       *snapshot);

/* mpy-board-ops.c */
void           _mpy_board_close_connection  (MpyBoard          *self,
                                             MpyConnection     *connection);

G_END_DECLS

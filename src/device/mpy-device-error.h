/* mpy-device-error.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MPY_DEVICE_ERROR (mpy_device_error_quark ())

/**
 * MpyDeviceError:
 *
 * What went wrong talking to a board, over any transport. Every message says what the user
 * can do about it.
 */
typedef enum {
  MPY_DEVICE_ERROR_NO_SUCH_PORT,   /* "No such port …: is the board plugged in?" */
  MPY_DEVICE_ERROR_PERMISSION,     /* "…add yourself to the dialout group…" */
  MPY_DEVICE_ERROR_BUSY,           /* "…another program (screen, Thonny, mpremote) has it open…" */
  MPY_DEVICE_ERROR_TIMEOUT,        /* the board did not answer within N s */
  MPY_DEVICE_ERROR_NO_BANNER,      /* it answered, but never showed the raw-REPL banner */
  MPY_DEVICE_ERROR_DISCONNECTED,   /* EIO / ENXIO / hang-up / the peer closed the link */
  MPY_DEVICE_ERROR_TRACEBACK,      /* the board raised; message holds the whole traceback */
  MPY_DEVICE_ERROR_NO_MEM_INFO,    /* the firmware has no micropython.mem_info */
  MPY_DEVICE_ERROR_PROTOCOL,       /* unexpected bytes (no OK, garbage) */
  MPY_DEVICE_ERROR_DAMAGED,        /* the dump came back damaged twice */
  MPY_DEVICE_ERROR_BAD_ADDRESS,    /* "socket://host" without a port, an unknown scheme */
  MPY_DEVICE_ERROR_ACCESS_DENIED,  /* WebREPL: no password given, or the board refused it */
  MPY_DEVICE_ERROR_UNSUPPORTED,    /* this firmware cannot do that (e.g. soft reset on unix) */
} MpyDeviceError;

GQuark mpy_device_error_quark (void);

G_END_DECLS

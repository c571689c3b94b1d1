/* mpy-port-list.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MPY_TYPE_PORT_INFO (mpy_port_info_get_type ())
G_DECLARE_FINAL_TYPE (MpyPortInfo, mpy_port_info, MPY, PORT_INFO, GObject)

/* Properties of the same names; all strings may be NULL, vid/pid 0 when not USB. */
const char *mpy_port_info_get_name         (MpyPortInfo *self);  /* /dev/ttyACM0 */
const char *mpy_port_info_get_description  (MpyPortInfo *self);
guint       mpy_port_info_get_vid          (MpyPortInfo *self);
guint       mpy_port_info_get_pid          (MpyPortInfo *self);
const char *mpy_port_info_get_manufacturer (MpyPortInfo *self);
const char *mpy_port_info_get_product      (MpyPortInfo *self);
const char *mpy_port_info_get_serial       (MpyPortInfo *self);
/* 2 = MicroPython VID:PID or strings, 1 = a USB-UART bridge boards use, 0 = anything else */
guint       mpy_port_info_get_likelihood   (MpyPortInfo *self);

#define MPY_TYPE_PORT_LIST (mpy_port_list_get_type ())
G_DECLARE_FINAL_TYPE (MpyPortList, mpy_port_list, MPY, PORT_LIST, GObject)

/* A GListModel of MpyPortInfo, likely boards first, that polls libserialport about once a
 * second while it lives and emits items-changed when ports come and go. */
MpyPortList *mpy_port_list_new      (void);
void         mpy_port_list_refresh  (MpyPortList *self);

/* The likelihood rule on its own (reference notes §3.8). */
guint        mpy_port_guess_likelihood (guint       vid,
                                        guint       pid,
                                        const char *manufacturer,
                                        const char *product,
                                        const char *description);

/* One synchronous enumeration, sorted the same way (for the CLI). */
GPtrArray   *mpy_port_list_enumerate (GError **error);

G_END_DECLS

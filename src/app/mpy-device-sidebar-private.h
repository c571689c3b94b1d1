/* mpy-device-sidebar-private.h — test hooks of the device sidebar
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-device-sidebar.h"

#ifdef HAVE_DEVICE
# include "mpy-port-list.h"
#endif

G_BEGIN_DECLS

/* The status line ("Not connected", "Connected, raw REPL ready", …), for tests. */
GtkLabel  *mpy_device_sidebar_get_status_label (MpyDeviceSidebar *self);
/* The Run on Board output. */
GtkWidget *mpy_device_sidebar_get_output_view  (MpyDeviceSidebar *self);

/* ---- shared by the sidebar's source files ---- */

#define MAX_RECENT_NETWORK_BOARDS 8

struct _MpyDeviceSidebar
{
  GtkWidget       parent_instance;

#ifdef HAVE_DEVICE
  MpyPortList    *ports;
  MpyBoard       *board;            /* shown and driven here; the window asks it for captures */
  GtkWidget      *watch_control;    /* an MpyWatchControl on the board */
  char           *keyring_address;  /* the board's password came from the keyring for it */
  char           *remember_address; /* to be kept in the keyring once the board accepts... */
  char           *remember_password;/* ...this password */
#endif

  GtkListView    *port_view;
  GtkWidget      *port_scroller;
  GtkWidget      *port_placeholder;
  GtkEntry       *path_entry;
  GtkMenuButton  *network_button;
  GStrv           recent_boards;    /* network addresses, newest first */
  GtkDropDown    *baud_dropdown;
  GtkDropDown    *dtr_dropdown;
  GtkDropDown    *rts_dropdown;
  GtkLabel       *state_label;
  GtkLabel       *banner_label;
  GtkWidget      *progress_box;
  GtkProgressBar *progress_bar;
  GtkEntry       *code_entry;
  GtkWidget      *run_button;
  GtkTextView    *output_view;
  GtkBox         *watch_slot;
};

/* mpy-device-sidebar-network.c */
void mpy_device_sidebar_rebuild_network_menu    (MpyDeviceSidebar *self);
#ifdef HAVE_DEVICE
void mpy_device_sidebar_connect_network_action  (GtkWidget        *widget,
                                                 const char       *action_name,
                                                 GVariant         *parameter);
void mpy_device_sidebar_use_address_action      (GtkWidget        *widget,
                                                 const char       *action_name,
                                                 GVariant         *parameter);
void mpy_device_sidebar_path_network_cb         (MpyDeviceSidebar *self,
                                                 const char       *address);
void mpy_device_sidebar_board_state_network_cb  (MpyDeviceSidebar *self,
                                                 GParamSpec       *pspec,
                                                 MpyBoard         *board);
#endif

G_END_DECLS

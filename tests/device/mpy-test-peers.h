/* mpy-test-peers.h — network peers in front of a test board, for the network tests and
 * benchmarks: socat (socket://), ser2net (rfc2217://), the WebREPL endpoint (ws://)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char        *dir;       /* private temporary directory (configuration) */
  char        *address;   /* what to open: socket://127.0.0.1:PORT, rfc2217://…, ws://… */
  guint16      port;
  GSubprocess *process;
} MpyTestPeer;

/* All listen on 127.0.0.1 only and reach the REPL at @board_path (a pty) per connection.
 * Each returns once the peer listens, within 10 s, else NULL with @error. */
MpyTestPeer *mpy_test_peer_start_socket  (const char  *board_path,
                                          GError     **error);
MpyTestPeer *mpy_test_peer_start_rfc2217 (const char  *board_path,
                                          GError     **error);
/* tests/device/webrepl-endpoint (path in MPY_WEBREPL_ENDPOINT); @cut_at: see there. */
MpyTestPeer *mpy_test_peer_start_webrepl (const char  *board_path,
                                          const char  *password,
                                          const char  *cut_at,
                                          GError     **error);
/* A listener that accepts and never says anything, for timeouts and cancel. */
MpyTestPeer *mpy_test_peer_start_silent  (GError     **error);
/* Waits until the bridges a forking peer (socat) made for earlier connections are gone,
 * so a reconnect's bridge is the only reader of the board's pty (a closing bridge still
 * reads it for a moment, stealing the start of the next reply). FALSE after @timeout_ms. */
gboolean     mpy_test_peer_wait_idle     (MpyTestPeer *peer,
                                          guint        timeout_ms);
void         mpy_test_peer_stop          (MpyTestPeer *peer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyTestPeer, mpy_test_peer_stop)

G_END_DECLS

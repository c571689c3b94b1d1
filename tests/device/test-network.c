/* test-network.c — socket://, rfc2217:// and ws:// against real peers on 127.0.0.1
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The REPL behind every peer is real firmware on a pty: the emulated micro:bit (MicroPython
 * 1.9.2 in qemu) and MicroPython 1.27 (the webassembly port under node). socat listens in front of it for socket://, Debian's ser2net for
 * rfc2217:// and tests/device/webrepl-endpoint.c for ws://. Every peer is started and
 * stopped here and every wait is bounded.
 */

#include <string.h>

#include <glib/gstdio.h>

#include "mpy-connection.h"
#include "mpy-session.h"
#include "mpy-test-board.h"
#include "mpy-test-peers.h"
#include "mpy-transport.h"

#define PASSWORD "mpy-test-pw"

typedef struct
{
  const char   *name;
  const char   *package;   /* npm alias of the webassembly port; NULL: qemu */
  guint64       total;     /* GC heap bytes */
  const char   *banner;
  const char   *eol;       /* how print() ends a line in the raw REPL */
  MpyTestBoard *board;
} Firmware;

static Firmware firmwares[] = {
  { "microbit", NULL, 10048, "MicroPython v1.9.2", "\r\n" },
  { "mpy127", "mpy127", 256128, "MicroPython v1.27.0", "\n" },
};

/* Every operation ends within its own timeouts; 60 s only turns a lost result into a
 * failure that names itself. */
static MpySnapshot *
capture_sync (MpyConnection  *conn,
              GCancellable   *cancellable,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_connection_capture_async (conn, MPY_CAPTURE_NONE, cancellable, mpy_test_store_result, &result);
  return mpy_connection_capture_finish (conn, mpy_test_wait_result (&result, 60, "connection"), error);
}

static void
close_sync (MpyConnection *conn)
{
  g_autoptr(GAsyncResult) result = NULL;

  mpy_connection_close_async (conn, NULL, mpy_test_store_result, &result);
  g_assert_true (mpy_connection_close_finish (conn, mpy_test_wait_result (&result, 60, "connection"), NULL));
}

static void
assert_board (const Firmware *fw,
              MpySnapshot    *snapshot,
              const char     *address)
{
  guint64 total = 0;

  g_assert_nonnull (snapshot);
  g_assert_false (mpy_snapshot_is_damaged (snapshot));
  g_assert_true (mpy_snapshot_has_map (snapshot));
  g_assert_true (mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_TOTAL, &total));
  g_assert_cmpuint (total, ==, fw->total);
  g_assert_nonnull (strstr (mpy_snapshot_get_banner (snapshot), fw->banner));
  /* the session metadata names the board by its address */
  g_assert_cmpstr (mpy_snapshot_get_port (snapshot), ==, address);
}

#define NEED(x) \
  G_STMT_START { \
    if ((x) == NULL) \
      { \
        g_test_fail_printf ("a peer did not start: %s", error != NULL ? error->message : "?"); \
        return; \
      } \
  } G_STMT_END

/* ---- addresses ---- */

static void
test_address_forms (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  MpyAddressKind kind;
  guint16 port;

  g_assert_true (mpy_address_parse ("/dev/ttyACM0", &kind, &host, &port, &error));
  g_assert_cmpint (kind, ==, MPY_ADDRESS_DEVICE);
  g_assert_null (host);
  g_assert_false (mpy_address_is_network ("/dev/ttyACM0"));

  g_assert_true (mpy_address_parse ("socket://192.168.4.1:23", &kind, &host, &port, &error));
  g_assert_cmpint (kind, ==, MPY_ADDRESS_SOCKET);
  g_assert_cmpstr (host, ==, "192.168.4.1");
  g_assert_cmpuint (port, ==, 23);
  g_clear_pointer (&host, g_free);

  g_assert_true (mpy_address_parse ("rfc2217://[::1]:2217", &kind, &host, &port, &error));
  g_assert_cmpint (kind, ==, MPY_ADDRESS_RFC2217);
  g_assert_cmpstr (host, ==, "::1");
  g_assert_cmpuint (port, ==, 2217);
  g_clear_pointer (&host, g_free);

  /* WebREPL's own port when none is given */
  g_assert_true (mpy_address_parse ("ws://esp32.local", &kind, &host, &port, &error));
  g_assert_cmpint (kind, ==, MPY_ADDRESS_WEBREPL);
  g_assert_cmpstr (host, ==, "esp32.local");
  g_assert_cmpuint (port, ==, 8266);
  g_assert_true (mpy_address_needs_password ("ws://esp32.local/"));
  g_assert_false (mpy_address_needs_password ("socket://esp32.local:23"));
  g_assert_no_error (error);

  g_assert_false (mpy_address_parse ("socket://192.168.4.1", NULL, NULL, NULL, &error));
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_BAD_ADDRESS);
  g_clear_error (&error);
  g_assert_false (mpy_address_parse ("telnet://192.168.4.1:23", NULL, NULL, NULL, &error));
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_BAD_ADDRESS);
  g_clear_error (&error);
  g_assert_false (mpy_address_parse ("", NULL, NULL, NULL, &error));
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_BAD_ADDRESS);
}

/* ---- socket:// ---- */

static void
test_socket_capture (gconstpointer data)
{
  const Firmware *fw = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = mpy_test_peer_start_socket (fw->board->link, &error);
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) first = NULL;
  g_autoptr(MpySnapshot) second = NULL;

  NEED (peer);
  conn = mpy_connection_new (peer->address);
  first = capture_sync (conn, NULL, &error);
  g_assert_no_error (error);
  assert_board (fw, first, peer->address);
  g_assert_cmpstr (mpy_connection_get_transport (conn), ==, "socket");
  /* the link stays open between captures */
  second = capture_sync (conn, NULL, &error);
  g_assert_no_error (error);
  assert_board (fw, second, peer->address);
  close_sync (conn);
  /* the closed connection's bridge lets go of the pty before the next one opens it, as a
   * board's port is held by one program at a time */
  g_assert_true (mpy_test_peer_wait_idle (peer, 5000));

  /* and opens again after a close */
  g_clear_pointer (&first, mpy_snapshot_unref);
  first = capture_sync (conn, NULL, &error);
  g_assert_no_error (error);
  assert_board (fw, first, peer->address);
  close_sync (conn);
}

static void
test_socket_refused (gconstpointer data)
{
  const Firmware *fw = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = mpy_test_peer_start_socket (fw->board->link, &error);
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autofree char *address = NULL;
  gint64 start;

  NEED (peer);
  address = g_strdup (peer->address);
  g_clear_pointer (&peer, mpy_test_peer_stop);   /* nothing listens there any more */

  conn = mpy_connection_new (address);
  start = g_get_monotonic_time ();
  snapshot = capture_sync (conn, NULL, &error);
  g_assert_null (snapshot);
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT);
  g_assert_nonnull (strstr (error->message, address));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static gboolean
cancel_now (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* A board that accepts and never answers: the connect deadline holds, and cancel is
 * immediate. */
static void
test_socket_silent_timeout_and_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = mpy_test_peer_start_silent (&error);
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 start;

  NEED (peer);
  conn = mpy_connection_new (peer->address);
  mpy_connection_set_connect_timeout (conn, 1500);
  start = g_get_monotonic_time ();
  snapshot = capture_sync (conn, NULL, &error);
  g_assert_null (snapshot);
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  mpy_connection_set_connect_timeout (conn, 30000);
  g_timeout_add (200, cancel_now, cancellable);
  start = g_get_monotonic_time ();
  snapshot = capture_sync (conn, cancellable, &error);
  g_assert_null (snapshot);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

/* ---- rfc2217:// ---- */

static void
test_rfc2217_capture (gconstpointer data)
{
  const Firmware *fw = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = mpy_test_peer_start_rfc2217 (fw->board->link, &error);
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) first = NULL;
  g_autoptr(MpySnapshot) second = NULL;

  NEED (peer);
  conn = mpy_connection_new (peer->address);
  /* ser2net in front of a pty never confirms DTR/RTS: that must not stop us */
  mpy_connection_set_lines (conn, MPY_LINE_ON, MPY_LINE_ON);
  first = capture_sync (conn, NULL, &error);
  g_assert_no_error (error);
  assert_board (fw, first, peer->address);
  g_assert_cmpstr (mpy_connection_get_transport (conn), ==, "rfc2217");
  second = capture_sync (conn, NULL, &error);
  g_assert_no_error (error);
  assert_board (fw, second, peer->address);
  close_sync (conn);

  /* a new baud rate goes through the protocol and reopens the link */
  mpy_connection_set_baud (conn, 57600);
  g_clear_pointer (&first, mpy_snapshot_unref);
  first = capture_sync (conn, NULL, &error);
  g_assert_no_error (error);
  assert_board (fw, first, peer->address);
  close_sync (conn);
}

/* A plain TCP port is not an RFC 2217 server: a clear message, within the limit. */
static void
test_rfc2217_not_a_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = mpy_test_peer_start_silent (&error);
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autofree char *address = NULL;
  gint64 start;

  NEED (peer);
  address = g_strdup_printf ("rfc2217://127.0.0.1:%u", peer->port);
  conn = mpy_connection_new (address);
  mpy_connection_set_connect_timeout (conn, 1500);
  start = g_get_monotonic_time ();
  snapshot = capture_sync (conn, NULL, &error);
  g_assert_null (snapshot);
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "RFC 2217"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* ---- ws:// ---- */

static void
test_webrepl_capture (gconstpointer data)
{
  const Firmware *fw = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = mpy_test_peer_start_webrepl (fw->board->link, PASSWORD, NULL, &error);
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) first = NULL;
  g_autoptr(MpySnapshot) second = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  NEED (peer);
  conn = mpy_connection_new (peer->address);
  mpy_connection_set_password (conn, PASSWORD);
  first = capture_sync (conn, NULL, &error);
  g_assert_no_error (error);
  assert_board (fw, first, peer->address);
  g_assert_cmpstr (mpy_connection_get_transport (conn), ==, "webrepl");

  /* the raw REPL works over it as over serial: output and traceback */
  mpy_connection_exec_async (conn, "print(6 * 7)\nraise ValueError('net')", NULL,
                             mpy_test_store_result, &result);
  g_assert_true (mpy_connection_exec_finish (conn, mpy_test_wait_result (&result, 60, "connection"), &out, &err, &error));
  g_assert_no_error (error);
  expected = g_strconcat ("42", fw->eol, NULL);
  g_assert_cmpstr (out, ==, expected);
  g_assert_nonnull (strstr (err, "ValueError: net"));

  second = capture_sync (conn, NULL, &error);
  g_assert_no_error (error);
  assert_board (fw, second, peer->address);
  close_sync (conn);

  /* the session file names the board by its address, and reads back the same */
  {
    g_autoptr(GPtrArray) list = g_ptr_array_new ();
    g_autoptr(GPtrArray) back = NULL;
    g_autofree char *text = NULL;
    gsize len;

    g_ptr_array_add (list, second);
    text = mpy_session_to_text (list, &len);
    back = mpy_session_read_text (text, (gssize) len, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (back->len, ==, 1);
    g_assert_cmpstr (mpy_snapshot_get_port (g_ptr_array_index (back, 0)), ==, peer->address);
  }
}

static void
test_webrepl_wrong_password (gconstpointer data)
{
  const Firmware *fw = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = mpy_test_peer_start_webrepl (fw->board->link, PASSWORD, NULL, &error);
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  gint64 start;

  NEED (peer);
  conn = mpy_connection_new (peer->address);
  mpy_connection_set_password (conn, "not-" PASSWORD);
  start = g_get_monotonic_time ();
  snapshot = capture_sync (conn, NULL, &error);
  g_assert_null (snapshot);
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "password"));
  /* a clear error within a few seconds, not a timeout */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpint (mpy_connection_get_state (conn), ==, MPY_CONNECTION_DISCONNECTED);
  g_clear_error (&error);

  /* no password at all: said so before anything is sent */
  mpy_connection_set_password (conn, NULL);
  snapshot = capture_sync (conn, NULL, &error);
  g_assert_null (snapshot);
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_ACCESS_DENIED);
  g_clear_error (&error);

  /* the right one still works on the same connection object */
  mpy_connection_set_password (conn, PASSWORD);
  snapshot = capture_sync (conn, NULL, &error);
  g_assert_no_error (error);
  assert_board (fw, snapshot, peer->address);
  close_sync (conn);
}

static void
test_webrepl_disconnect_mid_dump (gconstpointer data)
{
  const Firmware *fw = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = NULL;
  g_autoptr(MpyConnection) conn = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  gint64 start;

  /* the link drops (no close frame) once the dump's map has begun */
  peer = mpy_test_peer_start_webrepl (fw->board->link, PASSWORD, "GC memory layout", &error);
  NEED (peer);
  conn = mpy_connection_new (peer->address);
  mpy_connection_set_password (conn, PASSWORD);
  start = g_get_monotonic_time ();
  snapshot = capture_sync (conn, NULL, &error);
  g_assert_null (snapshot);
  g_assert_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED);
  g_assert_nonnull (strstr (error->message, peer->address));
  /* noticed at once, not after the idle timeout (3 s) */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2500 * 1000);
  g_assert_cmpint (mpy_connection_get_state (conn), ==, MPY_CONNECTION_DISCONNECTED);
}

/* ---- the CLI ---- */

static void
run_cli (const char * const  *argv,
         const char          *password_env,
         int                 *status,
         char               **out,
         char               **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "MPYMEMMAP_PASSWORD");
  if (password_env != NULL)
    g_subprocess_launcher_setenv (launcher, "MPYMEMMAP_PASSWORD", password_env, TRUE);
  cli = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (cli);
}

static void
test_cli_webrepl_password (gconstpointer data)
{
  const Firmware *fw = data;
  const char *cli = g_getenv ("MPY_CLI");
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pw_file = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (cli == NULL)
    {
      g_test_skip ("MPY_CLI is not set");
      return;
    }
  peer = mpy_test_peer_start_webrepl (fw->board->link, PASSWORD, NULL, &error);
  NEED (peer);

  /* from the environment */
  run_cli ((const char * const[]) { cli, "capture", "--port", peer->address, NULL },
           PASSWORD, &status, &out, &err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "GC memory layout"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* from a file, its newline not part of it */
  dir = g_dir_make_tmp ("mpy-net-XXXXXX", &error);
  g_assert_no_error (error);
  pw_file = g_build_filename (dir, "password", NULL);
  g_assert_true (g_file_set_contents (pw_file, PASSWORD "\n", -1, &error));
  run_cli ((const char * const[]) { cli, "capture", "--port", peer->address,
                                    "--password-file", pw_file, NULL },
           NULL, &status, &out, &err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "GC memory layout"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a wrong one: a device failure that says so */
  run_cli ((const char * const[]) { cli, "capture", "--port", peer->address, NULL },
           "wrong", &status, &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "refused the WebREPL password"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* none: a usage error naming both ways to give it */
  run_cli ((const char * const[]) { cli, "capture", "--port", peer->address, NULL },
           NULL, &status, &out, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "--password-file"));
  g_assert_nonnull (strstr (err, "MPYMEMMAP_PASSWORD"));

  g_unlink (pw_file);
  g_rmdir (dir);
}

/* Every board command takes the password as capture does: --password-file FILE or
 * $MPYMEMMAP_PASSWORD, a wrong one refused, none a usage error (review: leakcheck and cost
 * took it from the environment only, and watch refused ws:// altogether). */
static void
test_cli_board_commands_password (gconstpointer data)
{
  const Firmware *fw = data;
  const char *cli = g_getenv ("MPY_CLI");
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyTestPeer) peer = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pw_file = NULL;
  g_autofree char *wrong_file = NULL;

  if (cli == NULL)
    {
      g_test_skip ("MPY_CLI is not set");
      return;
    }
  peer = mpy_test_peer_start_webrepl (fw->board->link, PASSWORD, NULL, &error);
  NEED (peer);
  dir = g_dir_make_tmp ("mpy-net-XXXXXX", &error);
  g_assert_no_error (error);
  pw_file = g_build_filename (dir, "password", NULL);
  wrong_file = g_build_filename (dir, "wrong", NULL);
  g_assert_true (g_file_set_contents (pw_file, PASSWORD "\n", -1, &error));
  g_assert_true (g_file_set_contents (wrong_file, "not-" PASSWORD "\n", -1, &error));

  {
    /* What each command needs besides its port, and what its success prints. */
    const struct {
      const char *args[8];
      gboolean    on_stderr;
      const char *success;
    } commands[] = {
      { { "leakcheck", "--exec", "x = bytearray(16)", "--runs", "2", "--json", NULL }, FALSE, "\"leaking\"" },
      { { "cost", "--import", "gc", "--json", NULL }, FALSE, "\"qstr_count\"" },
      { { "watch", "--every", "0.2", "--count", "2", "--figures-only", NULL }, TRUE, "2 snapshots" },
    };

    for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
      {
        /* How the password is given: file, environment, wrong file, none. */
        for (guint way = 0; way < 4; way++)
          {
            g_autoptr(GPtrArray) argv = g_ptr_array_new ();
            g_autofree char *out = NULL;
            g_autofree char *err = NULL;
            int status;

            g_ptr_array_add (argv, (char *) cli);
            for (guint a = 0; commands[c].args[a] != NULL; a++)
              g_ptr_array_add (argv, (char *) commands[c].args[a]);
            g_ptr_array_add (argv, "--port");
            g_ptr_array_add (argv, peer->address);
            if (way == 0 || way == 2)
              {
                g_ptr_array_add (argv, "--password-file");
                g_ptr_array_add (argv, way == 0 ? pw_file : wrong_file);
              }
            g_ptr_array_add (argv, NULL);
            run_cli ((const char * const *) argv->pdata, way == 1 ? PASSWORD : NULL, &status, &out, &err);
            switch (way)
              {
              case 0:
              case 1:
                if (status != 0 || strstr (commands[c].on_stderr ? err : out, commands[c].success) == NULL)
                  g_error ("%s (password way %u): exit %d\nstdout: %s\nstderr: %s", commands[c].args[0],
                           way, status, out, err);
                break;
              case 2:
                g_assert_cmpint (status, ==, 1);
                g_assert_nonnull (strstr (err, "refused the WebREPL password"));
                break;
              default:
                g_assert_cmpint (status, ==, 2);
                g_assert_nonnull (strstr (err, "--password-file"));
                g_assert_nonnull (strstr (err, "MPYMEMMAP_PASSWORD"));
                break;
              }
          }
      }
  }

  g_unlink (pw_file);
  g_unlink (wrong_file);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  static const struct {
    const char *name;
    GTestDataFunc func;
  } tests[] = {
    { "socket/capture", test_socket_capture },
    { "socket/refused", test_socket_refused },
    { "rfc2217/capture", test_rfc2217_capture },
    { "webrepl/capture", test_webrepl_capture },
    { "webrepl/wrong-password", test_webrepl_wrong_password },
    { "webrepl/disconnect-mid-dump", test_webrepl_disconnect_mid_dump },
    { "cli/webrepl-password", test_cli_webrepl_password },
    { "cli/board-commands-password", test_cli_board_commands_password },
  };
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/network/address/forms", test_address_forms);
  g_test_add_func ("/network/socket/silent-timeout-and-cancel",
                   test_socket_silent_timeout_and_cancel);
  g_test_add_func ("/network/rfc2217/not-a-server", test_rfc2217_not_a_server);

  for (guint f = 0; f < G_N_ELEMENTS (firmwares); f++)
    {
      Firmware *fw = &firmwares[f];
      g_autoptr(GError) error = NULL;

      if (fw->package == NULL)
        fw->board = mpy_test_board_start_qemu (&error);
      else
        fw->board = mpy_test_board_start_webassembly (fw->package, "256k", &error);
      if (fw->board == NULL)
        {
          /* setup.sh installs qemu, the firmware, node and the npm packages: not optional */
          g_autofree char *path = g_strdup_printf ("/network/%s/board", fw->name);

          g_printerr ("# board %s did not start: %s\n", fw->name, error->message);
          g_test_add_func (path, (GTestFunc) g_test_fail);
          continue;
        }
      for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
        {
          g_autofree char *path = g_strdup_printf ("/network/%s/%s", fw->name, tests[t].name);

          g_test_add_data_func (path, fw, tests[t].func);
        }
    }

  status = g_test_run ();
  for (guint f = 0; f < G_N_ELEMENTS (firmwares); f++)
    mpy_test_board_stop (firmwares[f].board);
  return status;
}

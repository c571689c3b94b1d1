/* mpy-session-writer.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The session file (DESIGN.md §8) is plain UTF-8 text:
 *
 *   # MpyMemMap session 1
 *   @snapshot time=2026-11-25T17:02:03.123456Z port=/dev/ttyACM0 flags=gc,retried bytes=1234 label=Before import
 *   <exactly 1234 bytes of the raw dump text, verbatim>
 *   <a newline>
 *   @snapshot …
 *
 * Values without spaces are written bare, others in double quotes with C escapes; the label
 * comes last and runs to the end of the line (escapes: \\ \n \r). Unknown keys and flags are
 * ignored, so later format-1 writers may add some; a change that old readers cannot skip
 * raises the format number.
 *
 * Optional keys added within format 1 (older readers skip them, and open the file as before):
 *   board-time=2026-12-04T02:09:00.000000Z   the board's clock from a named log (mpy-named-log.c)
 *   console="hello\r\nvalue = 42\r\n"        what the program printed before the dump
 *   qstr=12,345                              micropython.qstr_info(): n_qstr, n_str_data_bytes
 *   stack-use=1024                           micropython.stack_use() (capture --qstr)
 */

/* This file: the text of a session file and of one record (the writer). */

#include "mpy-session-private.h"
#include "mpy-snapshot-private.h"

#include <string.h>

const MpySessionFlagName mpy_session_flag_names[MPY_SESSION_N_FLAG_NAMES] = {
  { MPY_SNAPSHOT_FLAG_SOFT_RESET, "soft-reset" },
  { MPY_SNAPSHOT_FLAG_GC, "gc" },
  { MPY_SNAPSHOT_FLAG_RETRIED, "retried" },
  { MPY_SNAPSHOT_FLAG_INTERRUPTED, "interrupted" },
};

static gboolean
is_bare_value (const char *value)
{
  if (*value == '\0' || !g_utf8_validate (value, -1, NULL))
    return FALSE;

  for (const char *p = value; *p; p++)
    {
      guchar c = *p;

      if (c <= ' ' || c == '"' || c == '\\' || c == 0x7f)
        return FALSE;
    }

  return TRUE;
}

static void
append_quoted (GString    *out,
               const char *value)
{
  /* Bytes that are not UTF-8 (serial noise in a banner) are escaped: the header line must
   * stay text, and the value must come back byte for byte. */
  gboolean escape_high = !g_utf8_validate (value, -1, NULL);

  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      guchar c = *p;

      if (escape_high && c >= 0x80)
        {
          g_string_append_printf (out, "\\x%02x", c);
          continue;
        }
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < ' ' || c == 0x7f)
            g_string_append_printf (out, "\\x%02x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_field (GString    *out,
              const char *key,
              const char *value)
{
  g_string_append_printf (out, " %s=", key);
  if (is_bare_value (value))
    g_string_append (out, value);
  else
    append_quoted (out, value);
}

static void
append_label (GString    *out,
              const char *label)
{
  gboolean escape_high = !g_utf8_validate (label, -1, NULL);

  g_string_append (out, " label=");
  for (const char *p = label; *p; p++)
    {
      if (escape_high && (guchar) *p >= 0x80)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          continue;
        }
      switch (*p)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default: g_string_append_c (out, *p);
        }
    }
}

char *
mpy_session_format_time (GDateTime *time)
{
  g_autofree char *base = NULL;
  g_autofree char *offset = NULL;
  int usec;

  g_return_val_if_fail (time != NULL, NULL);

  /* Written by hand rather than g_date_time_format_iso8601() so that the microseconds are
   * always there and parsed back exactly. */
  /* Always four digits for the year: "%Y" writes 226 for the year 226, which no ISO 8601
   * reader takes. */
  base = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d",
                          g_date_time_get_year (time), g_date_time_get_month (time),
                          g_date_time_get_day_of_month (time), g_date_time_get_hour (time),
                          g_date_time_get_minute (time), g_date_time_get_second (time));
  usec = g_date_time_get_microsecond (time);
  if (g_date_time_get_utc_offset (time) == 0)
    offset = g_strdup ("Z");
  else
    offset = g_date_time_format (time, "%:z");

  return g_strdup_printf ("%s.%06d%s", base, usec, offset);
}

void
mpy_session_append_record (GString     *out,
                           MpySnapshot *snapshot)
{
  GDateTime *time = mpy_snapshot_get_time (snapshot);
  /* As read, not as shown: bytes that are not UTF-8 are written back escaped, unchanged. */
  const char *port = _mpy_snapshot_get_raw_port (snapshot);
  const char *banner = _mpy_snapshot_get_raw_banner (snapshot);
  const char *console = _mpy_snapshot_get_raw_console (snapshot);
  GDateTime *board_time = mpy_snapshot_get_board_time (snapshot);
  const char *label = _mpy_snapshot_get_raw_label (snapshot);
  MpySnapshotFlags flags = mpy_snapshot_get_flags (snapshot);
  /* Made for this record only: a long session stores most raw texts as deltas. */
  g_autoptr(GBytes) raw_bytes = mpy_snapshot_ref_raw_text (snapshot);
  gsize raw_length;
  const char *raw = g_bytes_get_data (raw_bytes, &raw_length);

  g_string_append (out, "@snapshot");
  if (time != NULL)
    {
      g_autofree char *text = mpy_session_format_time (time);
      g_string_append_printf (out, " time=%s", text);
    }
  if (port != NULL)
    append_field (out, "port", port);
  if (board_time != NULL)
    {
      g_autofree char *text = mpy_session_format_time (board_time);
      g_string_append_printf (out, " board-time=%s", text);
    }
  if (banner != NULL)
    append_field (out, "banner", banner);
  if (console != NULL)
    append_field (out, "console", console);
  {
    guint64 count, bytes, stack;

    if (mpy_snapshot_get_qstr_info (snapshot, &count, &bytes))
      g_string_append_printf (out, " qstr=%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, count, bytes);
    if (mpy_snapshot_get_stack_use (snapshot, &stack))
      g_string_append_printf (out, " stack-use=%" G_GUINT64_FORMAT, stack);
  }
  if (flags != 0)
    {
      gboolean first = TRUE;

      g_string_append (out, " flags=");
      for (guint i = 0; i < MPY_SESSION_N_FLAG_NAMES; i++)
        {
          if ((flags & mpy_session_flag_names[i].flag) == 0)
            continue;
          if (!first)
            g_string_append_c (out, ',');
          g_string_append (out, mpy_session_flag_names[i].name);
          first = FALSE;
        }
    }
  g_string_append_printf (out, " bytes=%" G_GSIZE_FORMAT, raw_length);
  if (label != NULL)
    append_label (out, label);
  g_string_append_c (out, '\n');
  if (raw_length > 0)
    g_string_append_len (out, raw, raw_length);
  g_string_append_c (out, '\n');
}

void
mpy_session_append_file_header (GString *out)
{
  g_string_append_printf (out, "%s %d\n", MPY_SESSION_MAGIC, MPY_SESSION_FORMAT_VERSION);
  g_string_append (out, MPY_SESSION_COMMENT_LINE);
}

char *
mpy_session_record_to_text (MpySnapshot *snapshot,
                            gboolean     with_file_header,
                            gsize       *length)
{
  GString *out = g_string_new (NULL);

  if (with_file_header)
    mpy_session_append_file_header (out);
  mpy_session_append_record (out, snapshot);

  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

/**
 * mpy_session_to_text:
 * @snapshots: (element-type MpySnapshot): the snapshots, in order
 * @length: (out) (optional): the length of the text
 *
 * Formats @snapshots as a session file: a version line, then per snapshot a header line with
 * its metadata followed by its raw dump text, verbatim.
 *
 * Returns: (transfer full): the session file text, NUL-terminated
 */
char *
mpy_session_to_text (GPtrArray *snapshots,
                     gsize     *length)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (snapshots != NULL, NULL);

  mpy_session_append_file_header (out);
  for (guint i = 0; i < snapshots->len; i++)
    mpy_session_append_record (out, g_ptr_array_index (snapshots, i));

  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

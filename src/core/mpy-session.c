/* mpy-session.c
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
 */

#include "mpy-session-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mpy-dump-reader.h"
#include "mpy-file-loader.h"

#define MAGIC "# MpyMemMap session"
#define COMMENT_LINE \
  "# Each @snapshot line is followed by exactly \"bytes\" bytes of mem_info(1) output.\n"

G_DEFINE_QUARK (mpy-session-error-quark, mpy_session_error)

static const struct {
  MpySnapshotFlags flag;
  const char *name;
} flag_names[] = {
  { MPY_SNAPSHOT_FLAG_SOFT_RESET, "soft-reset" },
  { MPY_SNAPSHOT_FLAG_GC, "gc" },
  { MPY_SNAPSHOT_FLAG_RETRIED, "retried" },
};

/* Writing */

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
  base = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  usec = g_date_time_get_microsecond (time);
  if (g_date_time_get_utc_offset (time) == 0)
    offset = g_strdup ("Z");
  else
    offset = g_date_time_format (time, "%:z");

  return g_strdup_printf ("%s.%06d%s", base, usec, offset);
}

GDateTime *
mpy_session_parse_time (const char *text)
{
  g_autoptr(GString) whole = g_string_new (NULL);
  g_autoptr(GDateTime) seconds = NULL;
  const char *p = text;
  gint64 usec = 0;

  /* g_date_time_new_from_iso8601() goes through a double for the fraction, which can be off
   * by a microsecond: take the fraction off and add it back exactly. */
  while (*p && *p != '.' && *p != ',')
    p++;
  g_string_append_len (whole, text, p - text);
  if (*p == '.' || *p == ',')
    {
      int digits = 0;

      p++;
      if (!g_ascii_isdigit (*p))
        return NULL;
      while (g_ascii_isdigit (*p))
        {
          if (digits < 6)
            {
              usec = usec * 10 + (*p - '0');
              digits++;
            }
          p++;
        }
      for (; digits < 6; digits++)
        usec *= 10;
    }
  g_string_append (whole, p);

  seconds = g_date_time_new_from_iso8601 (whole->str, NULL);
  if (seconds == NULL)
    return NULL;

  return g_date_time_add (seconds, usec);
}

static void
append_record (GString     *out,
               MpySnapshot *snapshot)
{
  GDateTime *time = mpy_snapshot_get_time (snapshot);
  const char *port = mpy_snapshot_get_port (snapshot);
  const char *banner = mpy_snapshot_get_banner (snapshot);
  const char *label = mpy_snapshot_get_label (snapshot);
  MpySnapshotFlags flags = mpy_snapshot_get_flags (snapshot);
  const char *raw = mpy_snapshot_get_raw_text (snapshot);
  gsize raw_length = mpy_snapshot_get_raw_length (snapshot);

  g_string_append (out, "@snapshot");
  if (time != NULL)
    {
      g_autofree char *text = mpy_session_format_time (time);
      g_string_append_printf (out, " time=%s", text);
    }
  if (port != NULL)
    append_field (out, "port", port);
  if (banner != NULL)
    append_field (out, "banner", banner);
  if (flags != 0)
    {
      gboolean first = TRUE;

      g_string_append (out, " flags=");
      for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
        {
          if ((flags & flag_names[i].flag) == 0)
            continue;
          if (!first)
            g_string_append_c (out, ',');
          g_string_append (out, flag_names[i].name);
          first = FALSE;
        }
    }
  g_string_append_printf (out, " bytes=%" G_GSIZE_FORMAT, raw_length);
  if (label != NULL)
    append_label (out, label);
  g_string_append_c (out, '\n');
  if (raw != NULL)
    g_string_append_len (out, raw, raw_length);
  g_string_append_c (out, '\n');
}

static void
append_file_header (GString *out)
{
  g_string_append_printf (out, "%s %d\n", MAGIC, MPY_SESSION_FORMAT_VERSION);
  g_string_append (out, COMMENT_LINE);
}

char *
mpy_session_record_to_text (MpySnapshot *snapshot,
                            gboolean     with_file_header,
                            gsize       *length)
{
  GString *out = g_string_new (NULL);

  if (with_file_header)
    append_file_header (out);
  append_record (out, snapshot);

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

  append_file_header (out);
  for (guint i = 0; i < snapshots->len; i++)
    append_record (out, g_ptr_array_index (snapshots, i));

  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

/* Reading */

typedef struct {
  const char *text;
  gsize length;
  gsize pos;
  guint line;   /* 1-based number of the line at pos */
} Scanner;

static gboolean
scanner_at_end (Scanner *s)
{
  return s->pos >= s->length;
}

/* The current line without its line end; advances past it. FALSE when the line has no '\n'
 * (the text ends inside it). */
static gboolean
scanner_next_line (Scanner     *s,
                   const char **line,
                   gsize       *line_length)
{
  const char *start = s->text + s->pos;
  const char *nl = memchr (start, '\n', s->length - s->pos);
  gsize len = nl != NULL ? (gsize) (nl - start) : s->length - s->pos;

  *line = start;
  *line_length = len;
  if (len > 0 && start[len - 1] == '\r')
    (*line_length)--;

  s->pos += len + (nl != NULL ? 1 : 0);
  s->line++;
  return nl != NULL;
}

static guint
count_lines (const char *text,
             gsize       length)
{
  guint n = 0;
  const char *p = text;
  const char *end = text + length;

  while ((p = memchr (p, '\n', end - p)) != NULL)
    {
      n++;
      p++;
    }
  return n;
}

static gboolean
is_session_text (const char *text,
                 gsize       length)
{
  return length >= strlen (MAGIC) && memcmp (text, MAGIC, strlen (MAGIC)) == 0;
}

/* Parses the version line; returns the format number or 0 with @error. */
static guint
parse_version_line (const char  *line,
                    gsize        length,
                    GError     **error)
{
  g_autofree char *copy = g_strndup (line, length);
  const char *p = copy + strlen (MAGIC);
  guint64 version = 0;
  char *end = NULL;

  while (*p == ' ' || *p == '\t')
    p++;
  if (g_ascii_isdigit (*p))
    version = g_ascii_strtoull (p, &end, 10);
  if (version == 0 || version > G_MAXINT || (*end != '\0' && *end != ' ' && *end != '\t'))
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                   _("Line 1: expected a format number after “%s”"), MAGIC);
      return 0;
    }
  if (version > MPY_SESSION_FORMAT_VERSION)
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_NEWER_VERSION,
                   _("This session file was written by a newer MpyMemMap (format %u); this "
                     "version reads format %d — update MpyMemMap to open it"),
                   (guint) version, MPY_SESSION_FORMAT_VERSION);
      return 0;
    }

  return version;
}

typedef struct {
  GDateTime *time;
  char *port;
  char *banner;
  char *label;
  MpySnapshotFlags flags;
  gboolean has_bytes;
  guint64 bytes;
} RecordHeader;

static void
record_header_clear (RecordHeader *h)
{
  g_clear_pointer (&h->time, g_date_time_unref);
  g_clear_pointer (&h->port, g_free);
  g_clear_pointer (&h->banner, g_free);
  g_clear_pointer (&h->label, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RecordHeader, record_header_clear)

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Unescapes @text[0..length) into a new string; NULL on a bad escape. @quote ends the value
 * when non-zero (stores the consumed length in @consumed). */
static char *
unescape (const char *text,
          gsize       length,
          char        quote,
          gsize      *consumed)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize i = 0;

  while (i < length)
    {
      char c = text[i];

      if (quote != '\0' && c == quote)
        {
          if (consumed != NULL)
            *consumed = i + 1;
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if (c != '\\')
        {
          g_string_append_c (out, c);
          i++;
          continue;
        }
      if (i + 1 >= length)
        return NULL;
      switch (text[i + 1])
        {
        case '\\': g_string_append_c (out, '\\'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case '"': g_string_append_c (out, '"'); break;
        case 'x':
          {
            int hi = i + 2 < length ? hex_value (text[i + 2]) : -1;
            int lo = i + 3 < length ? hex_value (text[i + 3]) : -1;

            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
              return NULL;
            g_string_append_c (out, (char) (hi * 16 + lo));
            i += 2;
          }
          break;
        default:
          return NULL;
        }
      i += 2;
    }

  if (quote != '\0')
    return NULL;   /* no closing quote */
  if (consumed != NULL)
    *consumed = i;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
parse_header_line (const char    *line,
                   gsize          length,
                   guint          line_number,
                   RecordHeader  *h,
                   GError       **error)
{
  gsize i = strlen ("@snapshot");

  if (!g_utf8_validate_len (line, length, NULL))
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_BINARY,
                   _("Line %u: the snapshot header is not UTF-8 text"), line_number);
      return FALSE;
    }

  for (;;)
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      gsize key_start;

      while (i < length && (line[i] == ' ' || line[i] == '\t'))
        i++;
      if (i >= length)
        break;

      key_start = i;
      while (i < length && line[i] != '=' && line[i] != ' ' && line[i] != '\t')
        i++;
      if (i >= length || line[i] != '=' || i == key_start)
        {
          g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                       _("Line %u, column %u: expected key=value in the snapshot header"),
                       line_number, (guint) key_start + 1);
          return FALSE;
        }
      key = g_strndup (line + key_start, i - key_start);
      i++;   /* '=' */

      if (g_str_equal (key, "label"))
        {
          /* The label runs to the end of the line. */
          value = unescape (line + i, length - i, '\0', NULL);
          i = length;
        }
      else if (i < length && line[i] == '"')
        {
          gsize consumed = 0;

          value = unescape (line + i + 1, length - i - 1, '"', &consumed);
          if (value != NULL)
            i += 1 + consumed;
        }
      else
        {
          gsize start = i;

          while (i < length && line[i] != ' ' && line[i] != '\t')
            i++;
          value = g_strndup (line + start, i - start);
        }

      if (value == NULL)
        {
          g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                       _("Line %u: the value of “%s” has a bad escape or no closing quote"),
                       line_number, key);
          return FALSE;
        }

      if (g_str_equal (key, "bytes"))
        {
          if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &h->bytes, NULL))
            {
              g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                           _("Line %u: “bytes=%s” is not a byte count"), line_number, value);
              return FALSE;
            }
          h->has_bytes = TRUE;
        }
      else if (g_str_equal (key, "time"))
        {
          g_clear_pointer (&h->time, g_date_time_unref);
          h->time = mpy_session_parse_time (value);
          if (h->time == NULL)
            {
              g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                           _("Line %u: “time=%s” is not an ISO 8601 time with a time zone"),
                           line_number, value);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "port"))
        {
          g_free (h->port);
          h->port = g_steal_pointer (&value);
        }
      else if (g_str_equal (key, "banner"))
        {
          g_free (h->banner);
          h->banner = g_steal_pointer (&value);
        }
      else if (g_str_equal (key, "label"))
        {
          g_free (h->label);
          h->label = g_steal_pointer (&value);
        }
      else if (g_str_equal (key, "flags"))
        {
          g_auto(GStrv) names = g_strsplit (value, ",", -1);

          h->flags = 0;
          for (guint n = 0; names[n] != NULL; n++)
            for (guint f = 0; f < G_N_ELEMENTS (flag_names); f++)
              if (g_str_equal (names[n], flag_names[f].name))
                h->flags |= flag_names[f].flag;
          /* Flags this version does not know are skipped: they only describe the capture. */
        }
      /* Other keys: written by a later format-1 writer; skipped. */
    }

  if (!h->has_bytes)
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                   _("Line %u: the snapshot header has no “bytes=” count"), line_number);
      return FALSE;
    }

  return TRUE;
}

GPtrArray *
mpy_session_parse (const char  *text,
                   gsize        length,
                   gboolean     salvage,
                   gsize       *complete_end,
                   GError     **error)
{
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  Scanner s = { text, length, 0, 0 };
  const char *line;
  gsize line_length;
  guint record = 0;
  guint64 last_bytes = 0;

  if (complete_end != NULL)
    *complete_end = 0;

  /* A UTF-8 byte order mark, as some editors add. */
  if (length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    s.pos = 3;

  if (!salvage && memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_BINARY,
                   _("The file starts like a session file but contains binary data (NUL bytes); "
                     "it is damaged"));
      return NULL;
    }

  if (!is_session_text (text + s.pos, length - s.pos))
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                   _("Line 1: expected “%s” and a format number"), MAGIC);
      return NULL;
    }
  scanner_next_line (&s, &line, &line_length);
  if (parse_version_line (line, line_length, error) == 0)
    return NULL;
  if (complete_end != NULL)
    *complete_end = s.pos;

  while (!scanner_at_end (&s))
    {
      g_auto(RecordHeader) h = { 0 };
      g_autoptr(GError) local_error = NULL;
      g_autoptr(MpySnapshot) parsed = NULL;
      guint header_line;
      const char *raw;
      gboolean complete_line;

      complete_line = scanner_next_line (&s, &line, &line_length);
      header_line = s.line;

      /* Comments only before the first record: after a record, anything but the next header
       * means its byte count does not match its dump (edited by hand). */
      if (record == 0 && line_length > 0 && line[0] == '#')
        {
          if (complete_end != NULL && complete_line)
            *complete_end = s.pos;
          continue;
        }

      if (!(line_length >= strlen ("@snapshot")
            && memcmp (line, "@snapshot", strlen ("@snapshot")) == 0
            && (line_length == strlen ("@snapshot") || line[strlen ("@snapshot")] == ' ')))
        {
          if (memchr (line, '\0', line_length) != NULL)
            g_set_error (&local_error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_BINARY,
                         _("Line %u: binary data where a snapshot header should be; the file "
                           "is damaged"), header_line);
          else if (record > 0)
            g_set_error (&local_error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                         _("Line %u: the dump text of snapshot %u does not end where its "
                           "header says (bytes=%llu); was the file edited?"),
                         header_line, record, (unsigned long long) last_bytes);
          else
            g_set_error (&local_error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                         _("Line %u: expected a “@snapshot” header (was the file edited?)"),
                         header_line);
          goto failed;
        }

      record++;
      if (!complete_line)
        {
          g_set_error (&local_error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED,
                       _("The session file is truncated: it ends inside the header of snapshot "
                         "%u (line %u)"), record, header_line);
          goto failed;
        }

      if (!parse_header_line (line, line_length, header_line, &h, &local_error))
        goto failed;
      last_bytes = h.bytes;

      if (h.bytes > length - s.pos)
        {
          g_set_error (&local_error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED,
                       _("The session file is truncated: snapshot %u (line %u) should have "
                         "%llu bytes of dump text but the file ends after %zu"),
                       record, header_line, (unsigned long long) h.bytes, length - s.pos);
          goto failed;
        }

      raw = text + s.pos;
      s.pos += h.bytes;
      s.line += count_lines (raw, h.bytes);

      /* The record ends with a newline; a missing one at the very end is tolerated. */
      if (!scanner_at_end (&s))
        {
          if (text[s.pos] != '\n')
            {
              g_set_error (&local_error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                           _("Line %u: the dump text of snapshot %u does not end where its "
                             "header says (bytes=%llu); was the file edited?"),
                           s.line + 1, record, (unsigned long long) h.bytes);
              goto failed;
            }
          s.pos++;
          s.line++;
        }

      parsed = mpy_dump_reader_read_one (raw, h.bytes, &local_error);
      if (parsed == NULL)
        {
          g_prefix_error (&local_error, _("Snapshot %u (line %u): "), record, header_line);
          goto failed;
        }

      g_ptr_array_add (snapshots,
                       mpy_snapshot_with_metadata (parsed, h.time, h.label, h.port, h.banner,
                                                   h.flags));
      if (complete_end != NULL)
        *complete_end = s.pos;
      continue;

    failed:
      if (salvage)
        return g_steal_pointer (&snapshots);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&snapshots);
}

/* Capture transcripts (tests/fixtures/\*-capture-log.txt, and logs made the same way):
 *
 *   # comment
 *      8.412 >> import micropython; micropython.mem_info(1)\x04
 *      8.412 << OKstack: 528 out of 1800\r\n
 *
 * One line per read() or write(), bytes escaped as \r \n \t \\ \xNN. The board's side is
 * unescaped and joined; raw-REPL framing (the "OK" after submitted code, the \x04 ends of
 * output) becomes line breaks so that the dump reader sees plain console text. */
static gboolean
parse_transcript_line (const char  *line,
                       gsize        length,
                       gboolean    *from_board,
                       const char **payload,
                       gsize       *payload_length)
{
  gsize i = 0;
  gsize digits = 0;

  while (i < length && line[i] == ' ')
    i++;
  while (i < length && g_ascii_isdigit (line[i]))
    i++, digits++;
  if (digits == 0 || i >= length || line[i] != '.')
    return FALSE;
  i++;
  digits = 0;
  while (i < length && g_ascii_isdigit (line[i]))
    i++, digits++;
  if (digits == 0 || length - i < 3 || line[i] != ' ')
    return FALSE;
  i++;
  if (memcmp (line + i, "<<", 2) == 0)
    *from_board = TRUE;
  else if (memcmp (line + i, ">>", 2) == 0)
    *from_board = FALSE;
  else
    return FALSE;
  i += 2;
  if (i < length && line[i] == ' ')
    i++;
  *payload = line + i;
  *payload_length = length - i;
  return TRUE;
}

static gboolean
looks_like_transcript (const char *text,
                       gsize       length)
{
  Scanner s = { text, length, 0, 0 };
  guint n_lines = 0;

  while (!scanner_at_end (&s) && n_lines < 64)
    {
      const char *line, *payload;
      gsize line_length, payload_length;
      gboolean from_board;

      scanner_next_line (&s, &line, &line_length);
      if (line_length == 0 || line[0] == '#')
        continue;
      if (!parse_transcript_line (line, line_length, &from_board, &payload, &payload_length))
        return FALSE;
      n_lines++;
    }

  return n_lines > 0;
}

static char *
decode_transcript (const char *text,
                   gsize       length,
                   gsize      *out_length)
{
  GString *out = g_string_new (NULL);
  Scanner s = { text, length, 0, 0 };
  gboolean code_sent = FALSE;

  while (!scanner_at_end (&s))
    {
      g_autoptr(GString) chunk = g_string_new (NULL);
      const char *line, *payload;
      gsize line_length, payload_length;
      gboolean from_board;
      const char *p;

      scanner_next_line (&s, &line, &line_length);
      if (line_length == 0 || line[0] == '#'
          || !parse_transcript_line (line, line_length, &from_board, &payload, &payload_length))
        continue;

      /* Only a '\r' of the file's own line end was cut by the scanner; payload bytes are
       * escaped, so none is lost. */
      for (p = payload; p < payload + payload_length; p++)
        {
          int hi, lo;

          if (*p != '\\' || p + 1 >= payload + payload_length)
            {
              g_string_append_c (chunk, *p);
              continue;
            }
          p++;
          switch (*p)
            {
            case 'r': g_string_append_c (chunk, '\r'); break;
            case 'n': g_string_append_c (chunk, '\n'); break;
            case 't': g_string_append_c (chunk, '\t'); break;
            case '\\': g_string_append_c (chunk, '\\'); break;
            case 'x':
              hi = p + 1 < payload + payload_length ? hex_value (p[1]) : -1;
              lo = p + 2 < payload + payload_length ? hex_value (p[2]) : -1;
              if (hi >= 0 && lo >= 0)
                {
                  char c = (char) (hi * 16 + lo);

                  /* Control bytes of the REPL protocol end the current output line. */
                  g_string_append_c (chunk, (c == '\r' || c == '\n' || c == '\t' || (guchar) c >= ' ') ? c : '\n');
                  p += 2;
                }
              else
                g_string_append (chunk, "\\x");
              break;
            default:
              g_string_append_c (chunk, '\\');
              g_string_append_c (chunk, *p);
            }
        }

      if (!from_board)
        {
          /* Code is submitted with \x04; the board answers "OK" glued to its output. */
          code_sent = payload_length >= 4 && memcmp (payload + payload_length - 4, "\\x04", 4) == 0;
          continue;
        }
      if (code_sent && g_str_has_prefix (chunk->str, "OK"))
        {
          g_string_erase (chunk, 0, 2);
          g_string_append_c (out, '\n');
        }
      code_sent = FALSE;
      g_string_append_len (out, chunk->str, chunk->len);
    }

  *out_length = out->len;
  return g_string_free (out, FALSE);
}

/**
 * mpy_session_read_text:
 * @text: a session file, or any text
 * @length: the length of @text, or -1 when it is NUL-terminated
 * @error: return location for a #GError
 *
 * Reads a session file; any other text (a console log, the notebook's printout, one dump)
 * goes through mpy_dump_reader_read(), so every dump in it becomes a snapshot.
 *
 * Errors are in %MPY_SESSION_ERROR for session files and over-large input, and in
 * %MPY_READER_ERROR for other text (e.g. %MPY_READER_ERROR_NO_DUMP).
 *
 * Returns: (transfer full) (element-type MpySnapshot): the snapshots, possibly none for a
 *   session file without records, or %NULL with @error set
 */
GPtrArray *
mpy_session_read_text (const char  *text,
                       gssize       length,
                       GError     **error)
{
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (text);

  if ((gsize) length > MPY_SESSION_MAX_SIZE)
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TOO_LARGE,
                   _("The text is too large (%zd MiB); MpyMemMap reads at most %d MiB"),
                   length >> 20, MPY_SESSION_MAX_SIZE >> 20);
      return NULL;
    }

  {
    const char *start = text;
    gsize n = length;

    if (n >= 3 && memcmp (start, "\xef\xbb\xbf", 3) == 0)
      {
        start += 3;
        n -= 3;
      }
    if (is_session_text (start, n))
      return mpy_session_parse (text, length, FALSE, NULL, error);
    if (looks_like_transcript (start, n))
      {
        gsize decoded_length = 0;
        g_autofree char *decoded = decode_transcript (start, n, &decoded_length);

        return mpy_dump_reader_read (decoded, decoded_length, error);
      }
  }

  return mpy_dump_reader_read (text, length, error);
}

static GPtrArray *
read_file (const char    *path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *snapshots;
  gsize length = 0;

  if (!mpy_file_load_contents (path, MPY_SESSION_MAX_SIZE, cancellable, &contents, &length, error))
    return NULL;

  snapshots = mpy_session_read_text (contents, length, &local_error);
  if (snapshots == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", display);
    }

  return snapshots;
}

/**
 * mpy_session_read_file:
 * @path: a file name
 * @error: return location for a #GError
 *
 * Reads a session file or any text file, as mpy_session_read_text(). The size (at most
 * 256 MiB) and the file type are checked before reading (mpy_file_load_contents()): a FIFO,
 * a socket or a device is refused without blocking.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the snapshots, or %NULL with @error
 */
GPtrArray *
mpy_session_read_file (const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_file (path, NULL, error);
}

/**
 * mpy_session_write_file:
 * @path: the file to write
 * @snapshots: (element-type MpySnapshot): the snapshots
 * @error: return location for a #GError
 *
 * Writes the session file atomically: a temporary file beside @path, flushed to disk, then
 * renamed over it. When anything fails, the previous file at @path is untouched.
 *
 * Returns: %TRUE on success
 */
gboolean
mpy_session_write_file (const char  *path,
                        GPtrArray   *snapshots,
                        GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (snapshots != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = mpy_session_to_text (snapshots, &length);
  return mpy_session_replace_contents (path, text, length, 0666, error);
}

gboolean
mpy_session_replace_contents (const char  *path,
                              const char  *text,
                              gsize        length,
                              int          mode,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, text, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 mode, &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);
      const char *why = NULL;

      /* GLib's message names the temporary file; say what the user can do instead. */
      if (local_error->domain == G_FILE_ERROR)
        switch (local_error->code)
          {
          case G_FILE_ERROR_NOSPC:
            why = _("there is no room for the file; free some disk space or save elsewhere");
            break;
          case G_FILE_ERROR_ACCES:
          case G_FILE_ERROR_PERM:
            why = _("you may not write in that folder; choose another one");
            break;
          case G_FILE_ERROR_ROFS:
            why = _("the disk is read-only; choose another folder");
            break;
          case G_FILE_ERROR_NOENT:
          case G_FILE_ERROR_NOTDIR:
            why = _("the folder does not exist");
            break;
          case G_FILE_ERROR_ISDIR:
            why = _("that is a folder");
            break;
          default:
            break;
          }

      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not save “%s”: %s"), display,
                   why != NULL ? why : local_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize w = write (fd, data, length);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return FALSE;
      data += w;
      length -= w;
    }
  return TRUE;
}

static gboolean
set_errno_error (GError     **error,
                 const char  *format,
                 const char  *display)
{
  int saved_errno = errno;
  g_autofree char *what = g_strdup_printf (format, display);

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

static void
sync_parent_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

int
mpy_session_open_for_append (const char  *path,
                             int          mode,
                             GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  GStatBuf st;
  int fd;

  fd = g_open (path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0)
    {
      set_errno_error (error, _("Could not open “%s” to add a snapshot"), display);
      return -1;
    }
  if (fstat (fd, &st) != 0)
    {
      set_errno_error (error, _("Could not read “%s”"), display);
      close (fd);
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is not a regular file"), display);
      return -1;
    }

  if (st.st_size == 0)
    {
      g_autoptr(GString) header = g_string_new (NULL);

      append_file_header (header);
      if (!write_all (fd, header->str, header->len))
        {
          set_errno_error (error, _("Could not write to “%s”"), display);
          close (fd);
          return -1;
        }
      sync_parent_dir (path);
    }
  else
    {
      char head[128] = { 0 };
      char last = '\n';
      gssize r = pread (fd, head, sizeof head - 1, 0);
      char *nl;

      /* Only ever append to a session file of our format, never to someone's log. */
      if (r < 0)
        {
          set_errno_error (error, _("Could not read “%s”"), display);
          close (fd);
          return -1;
        }
      if (!is_session_text (head, r))
        {
          close (fd);
          g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                       _("“%s” is not a MpyMemMap session file; not adding snapshots to it "
                         "(choose a new file name)"), display);
          return -1;
        }
      nl = strchr (head, '\n');
      if (parse_version_line (head, nl != NULL ? (gsize) (nl - head) : strlen (head), error) == 0)
        {
          g_prefix_error (error, "%s: ", display);
          close (fd);
          return -1;
        }

      /* A file that does not end in a newline gets one, so the record starts a line. */
      if (pread (fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
        write_all (fd, "\n", 1);
    }

  return fd;
}

gboolean
mpy_session_append_text (int          fd,
                         const char  *path,
                         const char  *text,
                         gsize        length,
                         GError     **error)
{
  if (!write_all (fd, text, length) || fdatasync (fd) != 0)
    {
      g_autofree char *display = g_filename_display_name (path);

      return set_errno_error (error, _("Could not write to “%s”"), display);
    }

  return TRUE;
}

/**
 * mpy_session_append_file:
 * @path: a session file; created with its version line when missing
 * @snapshot: the snapshot to add
 * @error: return location for a #GError
 *
 * Appends one record to a session file and flushes it to disk. An existing file that is not a
 * session file (or is of a newer format) is left alone and an error is returned.
 *
 * Returns: %TRUE on success
 */
gboolean
mpy_session_append_file (const char   *path,
                         MpySnapshot  *snapshot,
                         GError      **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = mpy_session_open_for_append (path, 0666, error);
  if (fd < 0)
    return FALSE;

  text = mpy_session_record_to_text (snapshot, FALSE, &length);
  ok = mpy_session_append_text (fd, path, text, length, error);
  close (fd);

  return ok;
}

/* Async variants */

static void
read_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *snapshots;

  if (g_task_return_error_if_cancelled (task))
    return;

  snapshots = read_file (task_data, cancellable, &error);
  if (snapshots == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, snapshots, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * mpy_session_read_file_async:
 * @path: a file name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * mpy_session_read_file() on a worker thread.
 */
void
mpy_session_read_file_async (const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_session_read_file_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, read_file_thread);
}

/**
 * mpy_session_read_file_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MpySnapshot): the snapshots, or %NULL with @error
 */
GPtrArray *
mpy_session_read_file_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_session_read_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  char *path;
  GPtrArray *snapshots;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->path);
  g_ptr_array_unref (data->snapshots);
  g_free (data);
}

static void
write_file_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (mpy_session_write_file (data->path, data->snapshots, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * mpy_session_write_file_async:
 * @path: the file to write
 * @snapshots: (element-type MpySnapshot): the snapshots (the array is copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * mpy_session_write_file() on a worker thread.
 */
void
mpy_session_write_file_async (const char          *path,
                              GPtrArray           *snapshots,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (snapshots != NULL);

  /* A copy, so the caller may change its list while the file is written. */
  data = g_new0 (WriteData, 1);
  data->path = g_strdup (path);
  data->snapshots = g_ptr_array_new_full (snapshots->len, (GDestroyNotify) mpy_snapshot_unref);
  for (guint i = 0; i < snapshots->len; i++)
    g_ptr_array_add (data->snapshots, mpy_snapshot_ref (g_ptr_array_index (snapshots, i)));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_session_write_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_file_thread);
}

/**
 * mpy_session_write_file_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the file was written
 */
gboolean
mpy_session_write_file_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_session_write_file_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

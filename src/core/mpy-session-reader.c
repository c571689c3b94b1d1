/* mpy-session-reader.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading session files (format: mpy-session-writer.c), and any other text through the dump
 * reader (console logs, capture transcripts). */

#include "mpy-session-private.h"

#include <string.h>

#include "mpy-dump-reader.h"
#include "mpy-snapshot-private.h"

G_DEFINE_QUARK (mpy-session-error-quark, mpy_session_error)

GDateTime *
mpy_session_parse_time (const char *text)
{
  g_autoptr(GString) whole = g_string_new (NULL);
  g_autoptr(GDateTime) seconds = NULL;
  const char *p = text;
  gint64 usec = 0;

  /* g_date_time_new_from_iso8601() goes through a double for the fraction, which can be off
   * by a microsecond: take the fraction off and add it back exactly. */
  /* Older versions wrote years below 1000 with fewer digits ("226-11-25T…"): pad them. */
  {
    gsize digits = 0;

    while (g_ascii_isdigit (text[digits]))
      digits++;
    if (digits >= 1 && digits < 4 && text[digits] == '-')
      for (; digits < 4; digits++)
        g_string_append_c (whole, '0');
  }
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

/* The current line without its line end; advances past it. FALSE when the line has no '\n'
 * (the text ends inside it). */
gboolean
mpy_session_scanner_next_line (MpySessionScanner  *s,
                               const char        **line,
                               gsize              *line_length)
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

gboolean
mpy_session_is_session_text (const char *text,
                 gsize       length)
{
  return length >= strlen (MPY_SESSION_MAGIC) && memcmp (text, MPY_SESSION_MAGIC, strlen (MPY_SESSION_MAGIC)) == 0;
}

/* Parses the version line; returns the format number or 0 with @error. */
guint
mpy_session_parse_version_line (const char  *line,
                    gsize        length,
                    GError     **error)
{
  g_autofree char *copy = g_strndup (line, length);
  g_autofree char *digits = NULL;
  const char *p = copy + strlen (MPY_SESSION_MAGIC);
  const char *end;
  guint64 version = 0;
  gboolean too_big = FALSE;

  while (*p == ' ' || *p == '\t')
    p++;
  for (end = p; g_ascii_isdigit (*end); end++)
    {
      /* A number too big to hold is still a format number: a newer one. */
      if (version > (G_MAXINT - 9) / 10)
        too_big = TRUE;
      else
        version = version * 10 + (guint64) (*end - '0');
    }
  if (end == p || (!too_big && version == 0) || (*end != '\0' && *end != ' ' && *end != '\t'))
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                   _("Line 1: expected a format number after “%s”"), MPY_SESSION_MAGIC);
      return 0;
    }
  if (too_big || version > MPY_SESSION_FORMAT_VERSION)
    {
      while (*p == '0' && g_ascii_isdigit (p[1]))
        p++;
      digits = g_strndup (p, MIN (end - p, 24));
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_NEWER_VERSION,
                   _("This session file was written by a newer MpyMemMap (format %s%s); this "
                     "version reads format %d — update MpyMemMap to open it"),
                   digits, end - p > 24 ? "…" : "", MPY_SESSION_FORMAT_VERSION);
      return 0;
    }

  return version;
}

typedef struct {
  GDateTime *time;
  GDateTime *board_time;
  char *port;
  char *banner;
  char *console;
  char *label;
  MpySnapshotFlags flags;
  gboolean have_qstr, have_stack_use;
  guint64 qstr_count, qstr_bytes, stack_use;
  gboolean has_bytes;
  guint64 bytes;
} RecordHeader;

static void
record_header_clear (RecordHeader *h)
{
  g_clear_pointer (&h->time, g_date_time_unref);
  g_clear_pointer (&h->board_time, g_date_time_unref);
  g_clear_pointer (&h->console, g_free);
  g_clear_pointer (&h->port, g_free);
  g_clear_pointer (&h->banner, g_free);
  g_clear_pointer (&h->label, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RecordHeader, record_header_clear)

int
mpy_session_hex_value (char c)
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
            int hi = i + 2 < length ? mpy_session_hex_value (text[i + 2]) : -1;
            int lo = i + 3 < length ? mpy_session_hex_value (text[i + 3]) : -1;

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
      else if (g_str_equal (key, "board-time"))
        {
          /* Optional and only descriptive: one that cannot be read is left out, the
           * record is kept. */
          g_clear_pointer (&h->board_time, g_date_time_unref);
          h->board_time = mpy_session_parse_time (value);
        }
      else if (g_str_equal (key, "console"))
        {
          g_free (h->console);
          h->console = g_steal_pointer (&value);
        }
      else if (g_str_equal (key, "qstr"))
        {
          /* "COUNT,BYTES"; anything else is skipped like an unknown key */
          char *end = NULL;
          guint64 count = g_ascii_strtoull (value, &end, 10);

          if (end != value && *end == ',' && g_ascii_isdigit (end[1]))
            {
              char *rest = NULL;
              guint64 bytes = g_ascii_strtoull (end + 1, &rest, 10);

              if (*rest == '\0')
                {
                  h->have_qstr = TRUE;
                  h->qstr_count = count;
                  h->qstr_bytes = bytes;
                }
            }
        }
      else if (g_str_equal (key, "stack-use"))
        {
          char *end = NULL;
          guint64 stack = g_ascii_strtoull (value, &end, 10);

          if (end != value && *end == '\0')
            {
              h->have_stack_use = TRUE;
              h->stack_use = stack;
            }
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
            for (guint f = 0; f < MPY_SESSION_N_FLAG_NAMES; f++)
              if (g_str_equal (names[n], mpy_session_flag_names[f].name))
                h->flags |= mpy_session_flag_names[f].flag;
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

/* Whether @line (without its line end) is a record header. */
static gboolean
is_header_line (const char *line,
                gsize       length)
{
  gsize n = strlen ("@snapshot");

  return length >= n && memcmp (line, "@snapshot", n) == 0 && (length == n || line[n] == ' ');
}

/* After a damaged record: the next record header at or after @from (a line start), or the
 * end of the text. A header normally starts a line; after a write that stopped part-way
 * (a full disk, in older versions), the next record may follow the partial one on the same
 * line, so "@snapshot " inside a line counts too, unless the line is a header itself (whose
 * label may hold those words). Lines are counted on the way. */
static void
scanner_resync (MpySessionScanner *s,
                gsize    from)
{
  if (from > s->length)
    from = s->length;
  s->line += count_lines (s->text + s->pos, from > s->pos ? from - s->pos : 0);
  if (from > s->pos)
    s->pos = from;

  while (!mpy_session_scanner_at_end (s))
    {
      const char *start = s->text + s->pos;
      gsize rest = s->length - s->pos;
      const char *nl = memchr (start, '\n', rest);
      gsize len = nl != NULL ? (gsize) (nl - start) : rest;
      const char *inside;

      if (is_header_line (start, len > 0 && start[len - 1] == '\r' ? len - 1 : len))
        return;
      inside = len > 0 ? g_strstr_len (start, len, "@snapshot ") : NULL;
      if (inside == NULL && len > 0 && memchr (start, '\0', len) != NULL)
        {
          /* g_strstr_len() stops at a NUL: look past it by hand. */
          for (gsize i = 0; i + 10 <= len && inside == NULL; i++)
            if (memcmp (start + i, "@snapshot ", 10) == 0)
              inside = start + i;
        }
      if (inside != NULL)
        {
          s->pos += inside - start;
          return;
        }
      s->pos += len + (nl != NULL ? 1 : 0);
      s->line++;
    }
}

static void
note_problem (MpySessionParse *result,
              GError         **problem)
{
  result->n_skipped++;
  if (result->first_problem == NULL)
    result->first_problem = g_steal_pointer (problem);
  else
    g_clear_error (problem);
}

/* One record at the scanner, which is at a "@snapshot" line. Returns the snapshot, or NULL
 * with @error; *@structural is TRUE when the record is complete as bytes (its header, its
 * dump text and the newline after it are all there) even if its dump cannot be read. On
 * failure the scanner is left anywhere after the header line. */
static MpySnapshot *
parse_record (MpySessionScanner *s,
              guint      record,
              gboolean  *structural,
              GError   **error)
{
  g_auto(RecordHeader) h = { 0 };
  g_autoptr(MpySnapshot) parsed = NULL;
  const char *line;
  gsize line_length;
  guint header_line;
  const char *raw;
  gsize after_header;

  *structural = FALSE;
  if (!mpy_session_scanner_next_line (s, &line, &line_length))
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED,
                   _("The session file is truncated: it ends inside the header of snapshot "
                     "%u (line %u)"), record, s->line);
      return NULL;
    }
  header_line = s->line;
  after_header = s->pos;

  if (!parse_header_line (line, line_length, header_line, &h, error))
    return NULL;

  if (h.bytes > s->length - s->pos)
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED,
                   _("The session file is truncated: snapshot %u (line %u) should have "
                     "%llu bytes of dump text but the file ends after %zu"),
                   record, header_line, (unsigned long long) h.bytes, s->length - s->pos);
      return NULL;
    }

  raw = s->text + s->pos;
  s->pos += h.bytes;
  s->line += count_lines (raw, h.bytes);

  /* The record ends with a newline; a missing one at the very end is tolerated. */
  if (!mpy_session_scanner_at_end (s))
    {
      if (s->text[s->pos] != '\n')
        {
          g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                       _("Line %u: the dump text of snapshot %u does not end where its "
                         "header says (bytes=%llu); was the file edited?"),
                       s->line + 1, record, (unsigned long long) h.bytes);
          s->pos = after_header;
          s->line = header_line;
          return NULL;
        }
      s->pos++;
      s->line++;
    }
  *structural = TRUE;

  /* The header gave the length: the bytes are dump text, whatever they hold (a noisy
   * console's control bytes, NULs); no guessing whether they look like text. */
  parsed = mpy_dump_reader_read_record (raw, h.bytes, error);
  if (parsed == NULL)
    {
      g_prefix_error (error, _("Snapshot %u (line %u): "), record, header_line);
      return NULL;
    }

  {
    g_autoptr(MpySnapshot) with_meta = mpy_snapshot_with_metadata (parsed, h.time, h.label, h.port,
                                                                   h.banner, h.flags);
    g_autoptr(MpySnapshot) timed = mpy_snapshot_with_board_time (with_meta, h.board_time);

    g_autoptr(MpySnapshot) with_console = mpy_snapshot_with_console (timed, h.console);

    if (!h.have_qstr && !h.have_stack_use)
      return g_steal_pointer (&with_console);
    return mpy_snapshot_with_qstr_info (with_console, h.have_qstr, h.qstr_count, h.qstr_bytes,
                                        h.have_stack_use, h.stack_use);
  }
}

gboolean
mpy_session_parse (const char       *text,
                   gsize             length,
                   MpySessionParse  *result,
                   GError          **error)
{
  MpySessionScanner s = { text, length, 0, 0 };
  const char *line;
  gsize line_length;
  guint record = 0;

  memset (result, 0, sizeof *result);
  result->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  /* A UTF-8 byte order mark, as some editors add. */
  if (length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    s.pos = 3;

  if (!mpy_session_is_session_text (text + s.pos, length - s.pos))
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                   _("Line 1: expected “%s” and a format number"), MPY_SESSION_MAGIC);
      mpy_session_parse_clear (result);
      return FALSE;
    }
  mpy_session_scanner_next_line (&s, &line, &line_length);
  if (mpy_session_parse_version_line (line, line_length, error) == 0)
    {
      mpy_session_parse_clear (result);
      return FALSE;
    }
  result->complete_end = s.pos;

  /* Comments only before the first record. */
  while (!mpy_session_scanner_at_end (&s) && text[s.pos] == '#')
    {
      if (mpy_session_scanner_next_line (&s, &line, &line_length))
        result->complete_end = s.pos;
    }

  while (!mpy_session_scanner_at_end (&s))
    {
      g_autoptr(GError) problem = NULL;
      MpySnapshot *snapshot;
      gsize end = memchr (text + s.pos, '\n', length - s.pos) != NULL
        ? (gsize) ((const char *) memchr (text + s.pos, '\n', length - s.pos) - text)
        : length;
      gsize content = end > s.pos && text[end - 1] == '\r' ? end - 1 : end;
      gboolean structural = FALSE;

      if (!is_header_line (text + s.pos, content - s.pos))
        {
          /* After a record, anything but the next header means its byte count does not
           * match its dump (edited by hand), or bytes were damaged. */
          if (end == length && content - s.pos < strlen ("@snapshot ")
              && memcmp (text + s.pos, "@snapshot ", content - s.pos) == 0)
            g_set_error (&problem, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED,
                         _("The session file is truncated: it ends inside the header of "
                           "snapshot %u (line %u)"), record + 1, s.line + 1);
          else if (memchr (text + s.pos, '\0', content - s.pos) != NULL)
            g_set_error (&problem, MPY_SESSION_ERROR, MPY_SESSION_ERROR_BINARY,
                         _("Line %u: binary data where a snapshot header should be; the file "
                           "is damaged"), s.line + 1);
          else if (record > 0)
            g_set_error (&problem, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                         _("Line %u: the dump text of snapshot %u does not end where its "
                           "header says; was the file edited?"),
                         s.line + 1, record);
          else
            g_set_error (&problem, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                         _("Line %u: expected a “@snapshot” header (was the file edited?)"),
                         s.line + 1);
          note_problem (result, &problem);
          scanner_resync (&s, end + 1);
          continue;
        }

      record++;
      snapshot = parse_record (&s, record, &structural, &problem);
      if (snapshot != NULL)
        {
          /* Consecutive snapshots of a watch are often the same map: stored once. */
          if (result->snapshots->len > 0)
            _mpy_snapshot_share_storage (snapshot, g_ptr_array_index (result->snapshots,
                                                                      result->snapshots->len - 1));
          g_ptr_array_add (result->snapshots, snapshot);
          result->complete_end = s.pos;
          result->structural_end = s.pos;
          continue;
        }

      if (structural)
        {
          /* Whole as bytes, but its dump cannot be read: the next record follows it. */
          result->structural_end = s.pos;
        }
      else
        {
          /* A damaged header or byte count (parse_record() left the scanner just after the
           * header line): the next record is the next header line. */
          scanner_resync (&s, s.pos);
        }
      note_problem (result, &problem);
    }

  if (result->structural_end < result->complete_end)
    result->structural_end = result->complete_end;
  return TRUE;
}

void
mpy_session_parse_clear (MpySessionParse *result)
{
  g_clear_pointer (&result->snapshots, g_ptr_array_unref);
  g_clear_error (&result->first_problem);
}

GError *
mpy_session_parse_warning (MpySessionParse *result)
{
  GError *first = result->first_problem;
  guint n = result->snapshots != NULL ? result->snapshots->len : 0;
  g_autofree char *opened = NULL;
  g_autofree char *others = NULL;

  if (first == NULL)
    return NULL;

  opened = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u complete snapshot is opened",
                                         "%u complete snapshots are opened", n), n);
  if (result->n_skipped > 1)
    others = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "; %u more damaged part was skipped",
                                           "; %u more damaged parts were skipped",
                                           result->n_skipped - 1), result->n_skipped - 1);
  return g_error_new (first->domain, first->code, "%s (%s%s)", first->message, opened,
                      others != NULL ? others : "");
}

static GPtrArray *
read_session (const char  *text,
              gsize        length,
              GError     **warning,
              GError     **error)
{
  MpySessionParse parse;
  GPtrArray *snapshots;

  if (!mpy_session_parse (text, length, &parse, error))
    return NULL;
  if (parse.first_problem != NULL)
    {
      if (warning == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&parse.first_problem));
          mpy_session_parse_clear (&parse);
          return NULL;
        }
      g_propagate_error (warning, mpy_session_parse_warning (&parse));
    }

  snapshots = g_steal_pointer (&parse.snapshots);
  mpy_session_parse_clear (&parse);
  return snapshots;
}

/**
 * mpy_session_read_text:
 * @text: a session file, or any text
 * @length: the length of @text, or -1 when it is NUL-terminated
 * @error: return location for a #GError
 *
 * Reads a session file; any other text (a console log, the notebook's printout, one dump)
 * goes through mpy_dump_reader_read(), so every dump in it becomes a snapshot. A session
 * file with a damaged or truncated record is an error; mpy_session_read_text_full() opens
 * the records that are whole instead.
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
  return mpy_session_read_text_full (text, length, NULL, error);
}

/**
 * mpy_session_read_text_full:
 * @text: a session file, or any text
 * @length: the length of @text, or -1 when it is NUL-terminated
 * @warning: (optional): return location for what was skipped
 * @error: return location for a #GError
 *
 * As mpy_session_read_text(), but a session file that is truncated (cut at any byte) or
 * holds damaged records gives every whole record, and @warning says what was cut or skipped
 * (%MPY_SESSION_ERROR_TRUNCATED, %MPY_SESSION_ERROR_MALFORMED or %MPY_SESSION_ERROR_BINARY
 * for the first problem; the message names the snapshot and line, and how many opened).
 * With @warning %NULL, damage fails the read as in mpy_session_read_text().
 *
 * Returns: (transfer full) (element-type MpySnapshot): the snapshots (possibly none, then
 *   @warning is usually set), or %NULL with @error set
 */
GPtrArray *
mpy_session_read_text_full (const char  *text,
                            gssize       length,
                            GError     **warning,
                            GError     **error)
{
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (warning == NULL || *warning == NULL, NULL);
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
    if (mpy_session_is_session_text (start, n))
      return read_session (text, length, warning, error);
    if (mpy_session_looks_like_transcript (start, n))
      {
        gsize decoded_length = 0;
        g_autofree char *decoded = mpy_session_decode_transcript (start, n, &decoded_length);

        return mpy_dump_reader_read (decoded, decoded_length, error);
      }
  }

  return mpy_dump_reader_read (text, length, error);
}

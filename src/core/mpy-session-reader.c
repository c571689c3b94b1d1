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
#include "mpy-file-loader.h"
#include "mpy-snapshot-private.h"

G_DEFINE_QUARK (mpy-session-error-quark, mpy_session_error)


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
scanner_skip_to (MpySessionScanner *s,
                 gsize              from)
{
  if (from > s->length)
    from = s->length;
  s->line += count_lines (s->text + s->pos, from > s->pos ? from - s->pos : 0);
  if (from > s->pos)
    s->pos = from;
}

/* Goes on to the next header from the line at the scanner; FALSE when the text held ends
 * before it is found and is not the end (@complete FALSE): more is needed, from the start of
 * the line that is not whole yet. */
static gboolean
scanner_resync_lines (MpySessionScanner *s,
                      gboolean           complete)
{
  while (!mpy_session_scanner_at_end (s))
    {
      const char *start = s->text + s->pos;
      gsize rest = s->length - s->pos;
      const char *nl = memchr (start, '\n', rest);
      gsize len = nl != NULL ? (gsize) (nl - start) : rest;
      const char *inside;

      if (nl == NULL && !complete)
        return FALSE;
      if (is_header_line (start, len > 0 && start[len - 1] == '\r' ? len - 1 : len))
        return TRUE;
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
          return TRUE;
        }
      s->pos += len + (nl != NULL ? 1 : 0);
      s->line++;
    }
  return complete;
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
  g_auto(MpySessionRecordHeader) h = { 0 };
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

  if (!mpy_session_parse_header_line (line, line_length, header_line, &h, error))
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

/* Parsing text that may arrive in pieces: the scanner's text is what is held, from offset
 * @base of the whole; @complete once it reaches the end. Records are parsed only when they
 * are whole in what is held, so each step gives what parsing the whole text gives. */
typedef struct {
  MpySessionScanner s;
  gsize             base;
  gboolean          complete;
  gboolean          in_comments;   /* comment lines come only before the first record */
  gboolean          resyncing;     /* looking for the next header after damage */
  guint             record;
  MpySessionParse  *result;
} Parser;

/* The magic and the version line, which must be whole in what is held. */
static gboolean
parser_begin (Parser          *p,
              MpySessionParse *result,
              GError         **error)
{
  MpySessionScanner *s = &p->s;
  const char *line;
  gsize line_length;

  p->result = result;
  memset (result, 0, sizeof *result);
  result->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  /* A UTF-8 byte order mark, as some editors add. */
  if (s->length >= 3 && memcmp (s->text, "\xef\xbb\xbf", 3) == 0)
    s->pos = 3;

  if (!mpy_session_is_session_text (s->text + s->pos, s->length - s->pos))
    {
      g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                   _("Line 1: expected “%s” and a format number"), MPY_SESSION_MAGIC);
      mpy_session_parse_clear (result);
      return FALSE;
    }
  mpy_session_scanner_next_line (s, &line, &line_length);
  if (mpy_session_parse_version_line (line, line_length, error) == 0)
    {
      mpy_session_parse_clear (result);
      return FALSE;
    }
  result->complete_end = p->base + s->pos;
  p->in_comments = TRUE;
  return TRUE;
}

/* Whether the line at the scanner is whole in what is held (or the text ends in it). */
static gboolean
line_held (Parser *p)
{
  return p->complete || memchr (p->s.text + p->s.pos, '\n', p->s.length - p->s.pos) != NULL;
}

/* Parses on as far as what is held allows. Returns TRUE at the end of the text, FALSE when
 * more is needed (everything before the scanner is done with). */
static gboolean
parser_step (Parser *p)
{
  MpySessionScanner *s = &p->s;
  MpySessionParse *result = p->result;
  const char *line;
  gsize line_length;

  if (p->resyncing)
    {
      if (!scanner_resync_lines (s, p->complete))
        return FALSE;
      p->resyncing = FALSE;
    }

  while (p->in_comments)
    {
      if (mpy_session_scanner_at_end (s))
        {
          if (!p->complete)
            return FALSE;
          break;
        }
      if (s->text[s->pos] != '#')
        break;
      if (!line_held (p))
        return FALSE;
      if (mpy_session_scanner_next_line (s, &line, &line_length))
        result->complete_end = p->base + s->pos;
    }
  p->in_comments = FALSE;

  while (!mpy_session_scanner_at_end (s))
    {
      g_autoptr(GError) problem = NULL;
      const char *text = s->text;
      gsize length = s->length;
      MpySnapshot *snapshot;
      const char *nl = memchr (text + s->pos, '\n', length - s->pos);
      gsize end = nl != NULL ? (gsize) (nl - text) : length;
      gsize content = end > s->pos && text[end - 1] == '\r' ? end - 1 : end;
      gboolean structural = FALSE;

      if (nl == NULL && !p->complete)
        return FALSE;
      if (!is_header_line (text + s->pos, content - s->pos))
        {
          /* After a record, anything but the next header means its byte count does not
           * match its dump (edited by hand), or bytes were damaged. */
          if (end == length && content - s->pos < strlen ("@snapshot ")
              && memcmp (text + s->pos, "@snapshot ", content - s->pos) == 0)
            g_set_error (&problem, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED,
                         _("The session file is truncated: it ends inside the header of "
                           "snapshot %u (line %u)"), p->record + 1, s->line + 1);
          else if (memchr (text + s->pos, '\0', content - s->pos) != NULL)
            g_set_error (&problem, MPY_SESSION_ERROR, MPY_SESSION_ERROR_BINARY,
                         _("Line %u: binary data where a snapshot header should be; the file "
                           "is damaged"), s->line + 1);
          else if (p->record > 0)
            g_set_error (&problem, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                         _("Line %u: the dump text of snapshot %u does not end where its "
                           "header says; was the file edited?"),
                         s->line + 1, p->record);
          else
            g_set_error (&problem, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                         _("Line %u: expected a “@snapshot” header (was the file edited?)"),
                         s->line + 1);
          note_problem (result, &problem);
          scanner_skip_to (s, end + 1);
          if (!scanner_resync_lines (s, p->complete))
            {
              p->resyncing = TRUE;
              return FALSE;
            }
          continue;
        }

      if (!p->complete)
        {
          /* The record, its header's byte count says, must be whole in what is held, with
           * the byte after it. */
          g_auto(MpySessionRecordHeader) h = { 0 };

          if (mpy_session_parse_header_line (text + s->pos, content - s->pos, s->line + 1, &h, NULL)
              && h.bytes >= length - (end + 1))
            return FALSE;
        }

      p->record++;
      snapshot = parse_record (s, p->record, &structural, &problem);
      if (snapshot != NULL)
        {
          /* Consecutive snapshots of a watch are often the same map: stored once. */
          if (result->snapshots->len > 0)
            _mpy_snapshot_share_storage (snapshot, g_ptr_array_index (result->snapshots,
                                                                      result->snapshots->len - 1));
          g_ptr_array_add (result->snapshots, snapshot);
          result->complete_end = p->base + s->pos;
          result->structural_end = p->base + s->pos;
          continue;
        }

      note_problem (result, &problem);
      if (structural)
        {
          /* Whole as bytes, but its dump cannot be read: the next record follows it. */
          result->structural_end = p->base + s->pos;
        }
      else if (!scanner_resync_lines (s, p->complete))
        {
          /* A damaged header or byte count (parse_record() left the scanner just after the
           * header line): the next record is the next header line. */
          p->resyncing = TRUE;
          return FALSE;
        }
    }

  if (!p->complete)
    return FALSE;
  if (result->structural_end < result->complete_end)
    result->structural_end = result->complete_end;
  return TRUE;
}

gboolean
mpy_session_parse (const char       *text,
                   gsize             length,
                   MpySessionParse  *result,
                   GError          **error)
{
  Parser p = { { text, length, 0, 0 }, 0, TRUE, };

  if (!parser_begin (&p, result, error))
    return FALSE;
  parser_step (&p);
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

/* The snapshots of a parse, and its warning (or error, without @warning). */
static GPtrArray *
parse_result (MpySessionParse  *parse,
              GError          **warning,
              GError          **error)
{
  GPtrArray *snapshots;

  if (parse->first_problem != NULL)
    {
      if (warning == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&parse->first_problem));
          mpy_session_parse_clear (parse);
          return NULL;
        }
      g_propagate_error (warning, mpy_session_parse_warning (parse));
    }

  snapshots = g_steal_pointer (&parse->snapshots);
  mpy_session_parse_clear (parse);
  return snapshots;
}

static GPtrArray *
read_session (const char  *text,
              gsize        length,
              GError     **warning,
              GError     **error)
{
  MpySessionParse parse;

  if (!mpy_session_parse (text, length, &parse, error))
    return NULL;
  return parse_result (&parse, warning, error);
}

/* Reads a piece of @file onto the end of @buf; FALSE with @error, *@at_end at its end. */
static gboolean
read_piece (MpyFileReader  *file,
            GByteArray     *buf,
            GCancellable   *cancellable,
            gboolean       *at_end,
            GError        **error)
{
  gsize piece = mpy_file_get_piece_size ();
  guint old = buf->len;
  gssize n;

  g_byte_array_set_size (buf, old + piece);
  n = mpy_file_reader_read (file, (char *) buf->data + old, piece, cancellable, error);
  g_byte_array_set_size (buf, old + MAX (n, 0));
  if (n == 0)
    *at_end = TRUE;
  return n >= 0;
}

/**
 * mpy_session_read_file_records:
 * @file: a session file being read
 * @buf: what was read of it so far (from its start); used as the buffer
 * @cancellable: (nullable): a #GCancellable, checked between pieces
 * @warning: (optional): as mpy_session_read_text_full()
 * @error: return location for a #GError
 *
 * The records of a session file read piece by piece: only the record being read is held
 * besides the snapshots; damaged and truncated records are handled as when the whole text
 * is read (mpy_session_read_text_full()), with the same messages.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the snapshots, or %NULL with @error
 */
GPtrArray *
mpy_session_read_file_records (MpyFileReader  *file,
                               GByteArray     *buf,
                               GCancellable   *cancellable,
                               GError        **warning,
                               GError        **error)
{
  MpySessionParse parse;
  Parser p = { { NULL, 0, 0, 0 }, 0, FALSE, };
  gboolean at_end = FALSE;

  /* The version line, whole. */
  while (!at_end && memchr (buf->data, '\n', buf->len) == NULL)
    if (!read_piece (file, buf, cancellable, &at_end, error))
      return NULL;
  p.s.text = (const char *) buf->data;
  p.s.length = buf->len;
  p.complete = at_end;
  if (!parser_begin (&p, &parse, error))
    return NULL;
  while (!parser_step (&p))
    {
      /* Done with everything before the scanner. */
      g_byte_array_remove_range (buf, 0, p.s.pos);
      p.base += p.s.pos;
      p.s.pos = 0;
      if (!read_piece (file, buf, cancellable, &at_end, error))
        {
          mpy_session_parse_clear (&parse);
          return NULL;
        }
      p.complete = at_end;
      p.s.text = (const char *) buf->data;
      p.s.length = buf->len;
    }
  return parse_result (&parse, warning, error);
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

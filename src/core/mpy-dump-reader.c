/* mpy-dump-reader.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading text line by line into dumps, and the public API (mpy-dump-reader-private.h says
 * where the rest is). */

#include "mpy-dump-reader-private.h"
#include "mpy-named-log-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (mpy-reader-error-quark, mpy_reader_error)

void
_mpy_reader_add_reason (Reader     *r,
            const char *format,
            ...)
{
  va_list args;

  if (r->reasons->len >= MAX_REASONS)
    {
      r->n_extra_reasons++;
      return;
    }
  va_start (args, format);
  g_ptr_array_add (r->reasons, g_strdup_vprintf (format, args));
  va_end (args);
}

void
_mpy_reader_reset_dump (Reader *r)
{
  r->in_dump = FALSE;
  memset (r->figures, 0, sizeof r->figures);
  r->figures_set = 0;
  r->have_gc_line = FALSE;
  r->have_blocks_line = FALSE;
  g_array_set_size (r->areas, 0);
  r->area_open = FALSE;
  r->area_missing_header = FALSE;
  r->kinds = NULL;
  r->n_kinds = 0;
  r->kinds_cap = 0;
  r->over_block_limit = FALSE;
  g_array_set_size (r->lines, 0);
  r->prev_short = FALSE;
  g_ptr_array_set_size (r->reasons, 0);
  r->n_extra_reasons = 0;
  g_array_set_size (r->missing, 0);
  r->foreign_line = r->maybe_foreign_line = 0;
  g_clear_pointer (&r->foreign_text, g_free);
  g_clear_pointer (&r->maybe_foreign_text, g_free);
}

gboolean
_mpy_reader_is_printed_text (const char *s,
                             gsize       n)
{
  gboolean letter = FALSE;

  for (gsize i = 0; i < n; i++)
    {
      if ((guchar) s[i] < 0x20 || (guchar) s[i] > 0x7e)
        return FALSE;
      letter |= g_ascii_isalpha (s[i]);
    }
  return letter;
}

void
_mpy_reader_note_foreign (guint      *line_slot,
                          char      **text_slot,
                          const char *s,
                          gsize       n,
                          guint       line_no)
{
  if (*line_slot != 0)
    return;
  *line_slot = line_no;
  *text_slot = g_strndup (s, MIN (n, 24));
}

void
_mpy_reader_clear_pending_mem (Reader *r)
{
  r->pending_mem = FALSE;
  g_clear_pointer (&r->pending_reason, g_free);
}

struct _MpyDumpReader
{
  Reader       r;
  char        *source;       /* the text's name for messages, or NULL: "the text" */
  gboolean     check_text;   /* the binary check and the named-log pass (not for a record) */
  MpyNamedLog *named_log;
  /* The text not yet done with: buf[0..len), with room for cap bytes and a NUL. */
  char        *buf;
  gsize        len;
  gsize        cap;
  gboolean     borrowed;     /* buf is the caller's whole text (read_text()) */
  gsize        scan;         /* lines before this were read */
  gsize        gap_start;    /* the next dump's console context starts here */
  guint        line_no;
  gboolean     sampled;      /* the start of the text was checked for binary data */
  guint        n_dumps;
  GError      *error;        /* too many dumps: reported by finish(), unless binary data */
  gboolean     failed;
};

#define BINARY_SAMPLE 65536

static void
set_binary_error (MpyDumpReader  *self,
                  GError        **error)
{
  /* Text without a name is not called “the text” here: “the text is not text”. */
  if (self->source == NULL)
    g_set_error_literal (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY,
                         _("not text: it contains NUL bytes or other binary data; "
                         "open a serial log or a saved mem_info() dump instead"));
  else
    g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY,
                 _("%s is not text (it contains NUL bytes or other binary data); "
                 "open a serial log or a saved mem_info() dump instead"), self->source);
  self->failed = TRUE;
}

/* Mostly control characters at the start (NULs anywhere are checked as they come) mean this
 * is not text. */
static gboolean
looks_binary (const char *text,
              gsize       length)
{
  gsize sample = MIN (length, BINARY_SAMPLE), odd = 0;

  for (gsize i = 0; i < sample; i++)
    {
      guchar c = (guchar) text[i];

      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b
           && !(c >= 0x01 && c <= 0x05) && c != 0x08) || c == 0x7f)
        odd++;
    }
  return sample > 0 && odd * 10 > sample;
}

/**
 * mpy_dump_reader_new:
 * @source: (nullable): the name of the text for messages (a file name in quotation marks),
 *   or %NULL for “the text”
 *
 * A reader for text that arrives in pieces: mpy_dump_reader_feed() hands out each dump once
 * the text after it shows where it ends, mpy_dump_reader_finish() the last. The dumps,
 * their order, labels, board times, console context, damage verdicts and messages (line
 * numbers count from the start of the whole text) are those mpy_dump_reader_read() gives
 * for the whole text; only the text of the dump being read and what followed the last one
 * is held.
 *
 * Returns: (transfer full): a new reader
 */
MpyDumpReader *
mpy_dump_reader_new (const char *source)
{
  MpyDumpReader *self = g_new0 (MpyDumpReader, 1);

  _mpy_reader_init_char_flags ();
  self->source = g_strdup (source);
  self->check_text = TRUE;
  self->named_log = _mpy_named_log_new ();
  self->r.blocks_budget = MAX_TOTAL_BLOCKS;
  self->r.dumps = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  self->r.areas = g_array_new (FALSE, FALSE, sizeof (MpyArea));
  self->r.lines = g_array_new (FALSE, FALSE, sizeof (LineRec));
  self->r.reasons = g_ptr_array_new_with_free_func (g_free);
  self->r.missing = g_array_new (FALSE, FALSE, sizeof (MpyBlockRange));
  return self;
}

void
mpy_dump_reader_free (MpyDumpReader *self)
{
  Reader *r;

  if (self == NULL)
    return;
  r = &self->r;
  g_free (r->kinds);
  g_free (r->pending_reason);
  g_array_unref (r->areas);
  g_array_unref (r->lines);
  g_ptr_array_unref (r->reasons);
  g_array_unref (r->missing);
  g_ptr_array_unref (r->dumps);
  g_free (r->foreign_text);
  g_free (r->maybe_foreign_text);
  _mpy_blob_chain_clear (&r->kinds_chain);
  _mpy_blob_chain_clear (&r->raw_chain);
  _mpy_named_log_free (self->named_log);
  g_clear_error (&self->error);
  if (!self->borrowed)
    g_free (self->buf);
  g_free (self->source);
  g_free (self);
}

guint
mpy_dump_reader_get_n_dumps (MpyDumpReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_dumps;
}

/* The dump the reader just finished, which it read from buf[start..end): named, timed and
 * given its console context from the text since the previous one, then handed out. */
static void
dump_done (MpyDumpReader *self,
           gsize          start,
           gsize          end,
           GPtrArray     *out)
{
  MpySnapshot *dump = g_ptr_array_steal_index (self->r.dumps, self->r.dumps->len - 1);

  self->n_dumps++;
  /* A dump that takes its `mem:` line from inside the previous one starts before the
   * previous one's end: it has no text of its own before it. */
  if (self->check_text && start >= self->gap_start)
    {
      MpySnapshot *annotated = _mpy_named_log_annotate (self->named_log, dump,
                                                        self->buf + self->gap_start,
                                                        start - self->gap_start);

      mpy_snapshot_unref (dump);
      dump = annotated;
      self->gap_start = end;
    }
  g_ptr_array_add (out, dump);
}

/* Reads the lines of buf[scan..len) (the last one only @at_end when it has no line end). */
static void
read_lines (MpyDumpReader *self,
            gboolean       at_end,
            GPtrArray     *out)
{
  Reader *r = &self->r;
  const char *text = self->buf;
  gsize length = self->len;

  r->text = text;
  r->length = length;
  while (self->scan < length)
    {
      gsize pos = self->scan;
      const char *nl = memchr (text + pos, '\n', length - pos);
      gsize line_end = nl ? (gsize) (nl - text) + 1 : length;
      gsize content_end = nl ? (gsize) (nl - text) : length;
      gsize dump_start = r->dump_start, dump_end = r->dump_end;
      guint before = r->dumps->len;

      if (nl == NULL && !at_end)
        break;
      while (content_end > pos && text[content_end - 1] == '\r')
        content_end--;
      self->line_no++;
      r->line_start = pos;
      _mpy_reader_handle_line (r, pos, content_end, line_end, self->line_no);
      self->scan = line_end;
      /* A line finishes at most the dump that was open before it. */
      if (r->dumps->len > before)
        dump_done (self, dump_start, dump_end, out);

      if (G_UNLIKELY (self->n_dumps >= MAX_DUMPS))
        {
          g_set_error (&self->error, MPY_READER_ERROR, MPY_READER_ERROR_TOO_LARGE,
                       _("%s holds more than %u dumps; split it into smaller files"),
                       /* Translators: fills the %s of “%s holds more than %u dumps” and
                        * of “no micropython.mem_info() output found in %s” */
                       self->source ? self->source : _("the text"), MAX_DUMPS);
          break;
        }
    }
}

/* Drops the text the reader is done with: everything before the console context of the
 * next dump, the dump being read and a `mem:` line waiting for its `stack:` line. */
static void
drop_done_text (MpyDumpReader *self)
{
  Reader *r = &self->r;
  gsize keep = self->scan;

  if (self->check_text)
    keep = MIN (keep, self->gap_start);
  if (r->in_dump)
    keep = MIN (keep, r->dump_start);
  if (r->pending_mem)
    keep = MIN (keep, r->pending_mem_start);
  if (keep == 0)
    return;
  memmove (self->buf, self->buf + keep, self->len - keep);
  self->len -= keep;
  self->scan -= keep;
  self->gap_start = self->gap_start >= keep ? self->gap_start - keep : 0;
  if (r->in_dump)
    {
      r->dump_start -= keep;
      r->dump_end -= keep;
    }
  if (r->pending_mem)
    r->pending_mem_start -= keep;
}

/* Room for @size more bytes at buf + len. */
static char *
reserve (MpyDumpReader *self,
         gsize          size)
{
  if (self->len + size > self->cap)
    {
      drop_done_text (self);
      if (self->len + size > self->cap)
        {
          self->cap = MAX (MAX (self->cap * 2, self->len + size), 4096);
          self->buf = g_realloc (self->buf, self->cap + 1);
        }
    }
  return self->buf + self->len;
}

/* Takes the @length bytes just put at buf + len. */
static gboolean
take (MpyDumpReader  *self,
      gsize           length,
      GPtrArray      *out,
      GError        **error)
{
  if (self->failed)
    return FALSE;
  if (self->check_text && length > 0 && memchr (self->buf + self->len, '\0', length) != NULL)
    {
      set_binary_error (self, error);
      return FALSE;
    }
  self->len += length;
  if (self->error != NULL)
    {
      /* Too many dumps: only binary data would change what finish() says. */
      self->len = self->scan = self->gap_start = 0;
      return TRUE;
    }
  if (self->check_text && !self->sampled)
    {
      if (self->len < BINARY_SAMPLE)
        return TRUE;
      self->sampled = TRUE;
      if (looks_binary (self->buf, self->len))
        {
          set_binary_error (self, error);
          return FALSE;
        }
    }
  read_lines (self, FALSE, out);
  return TRUE;
}

/**
 * mpy_dump_reader_feed:
 * @self: a #MpyDumpReader
 * @text: the next piece of the text (any length, cut anywhere)
 * @length: its length in bytes
 * @dumps: (element-type MpySnapshot): where the dumps this piece completes are added
 * @error: return location for a #GError
 *
 * Returns: %FALSE with @error when the text is not text (%MPY_READER_ERROR_BINARY); the
 *   reader is then done
 */
gboolean
mpy_dump_reader_feed (MpyDumpReader  *self,
                      const char     *text,
                      gsize           length,
                      GPtrArray      *dumps,
                      GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (dumps != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length > 0)
    memcpy (reserve (self, length), text, length);
  return take (self, length, dumps, error);
}

/**
 * mpy_dump_reader_finish:
 * @self: a #MpyDumpReader
 * @dumps: (element-type MpySnapshot): where the last dumps are added
 * @error: return location for a #GError
 *
 * The text ended: hands out the dump being read.
 *
 * Returns: %FALSE with @error when the text held no dump at all
 *   (%MPY_READER_ERROR_NO_DUMP), more than the reader takes (%MPY_READER_ERROR_TOO_LARGE) or
 *   is not text
 */
gboolean
mpy_dump_reader_finish (MpyDumpReader  *self,
                        GPtrArray      *dumps,
                        GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (dumps != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failed)
    return FALSE;
  if (self->error != NULL)
    {
      self->failed = TRUE;
      g_propagate_error (error, g_steal_pointer (&self->error));
      return FALSE;
    }
  if (self->check_text && !self->sampled && looks_binary (self->buf, self->len))
    {
      set_binary_error (self, error);
      return FALSE;
    }
  self->sampled = TRUE;
  read_lines (self, TRUE, dumps);
  if (self->error != NULL)
    {
      self->failed = TRUE;
      g_propagate_error (error, g_steal_pointer (&self->error));
      return FALSE;
    }
  {
    gsize dump_start = self->r.dump_start, dump_end = self->r.dump_end;
    guint before = self->r.dumps->len;

    _mpy_reader_finish_dump (&self->r);
    if (self->r.dumps->len > before)
      dump_done (self, dump_start, dump_end, dumps);
  }
  self->failed = TRUE;   /* done */
  if (self->n_dumps == 0)
    {
      g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_NO_DUMP,
                   _("no micropython.mem_info() output found in %s; capture one with "
                   "“import micropython; micropython.mem_info(1)”"),
                   self->source ? self->source : _("the text"));
      return FALSE;
    }
  return TRUE;
}

/**
 * mpy_dump_reader_feed_file:
 * @self: a #MpyDumpReader
 * @file: the rest of a file, read piece by piece (mpy_file_get_piece_size())
 * @cancellable: (nullable): a #GCancellable, checked between pieces
 * @dumps: (element-type MpySnapshot): where the dumps are added
 * @error: return location for a #GError
 *
 * Feeds what is left of @file and finishes: every dump of the file is added to @dumps, while
 * only the text of the dump being read is held.
 *
 * Returns: %FALSE with @error (as mpy_dump_reader_finish(), or %G_IO_ERROR from reading)
 */
gboolean
mpy_dump_reader_feed_file (MpyDumpReader  *self,
                           MpyFileReader  *file,
                           GCancellable   *cancellable,
                           GPtrArray      *dumps,
                           GError        **error)
{
  gsize piece = mpy_file_get_piece_size ();

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (;;)
    {
      gssize n = mpy_file_reader_read (file, reserve (self, piece), piece, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      if (!take (self, n, dumps, error))
        return FALSE;
    }
  return mpy_dump_reader_finish (self, dumps, error);
}

static GPtrArray *
read_text (const char  *text,
           gsize        length,
           const char  *source,
           gboolean     check_text,
           GError     **error)
{
  g_autoptr(MpyDumpReader) reader = mpy_dump_reader_new (source);
  g_autoptr(GPtrArray) dumps = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  reader->check_text = check_text;
  if (check_text && memchr (text, '\0', length) != NULL)
    {
      set_binary_error (reader, error);
      return NULL;
    }
  /* The whole text is there: it is read where it is, as the one piece. */
  reader->buf = (char *) text;
  reader->len = reader->cap = length;
  reader->borrowed = TRUE;
  if (!mpy_dump_reader_finish (reader, dumps, error))
    return NULL;
  return g_steal_pointer (&dumps);
}

/**
 * mpy_dump_reader_read:
 * @text: any text: one dump, a raw-REPL reply, a whole console log
 * @length: length of @text in bytes, or -1 if NUL-terminated
 * @error: return location for a #GError
 *
 * Finds every mem_info dump in @text.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the dumps in order, or %NULL.
 */
GPtrArray *
mpy_dump_reader_read (const char  *text,
                      gssize       length,
                      GError     **error)
{
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (text);
  if ((gsize) length > MAX_FILE_SIZE)
    {
      g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_TOO_LARGE,
                   _("the text is %zu MiB, more than the %u MiB limit; "
                   "cut the part with the dumps out of it"), (gsize) length >> 20, MAX_FILE_SIZE >> 20);
      return NULL;
    }
  return read_text (text ? text : "", length, NULL, TRUE, error);
}

/**
 * mpy_dump_reader_read_file:
 * @path: a file name
 * @error: return location for a #GError
 *
 * Reads a regular file of at most 256 MiB (a gzip file is unpacked) with the checks of
 * mpy_file_reader_open() (type and size are checked before reading; a FIFO is refused
 * without blocking) and returns every dump in it. The file is read piece by piece: what is
 * held at a time is about one dump's text, not the file.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the dumps, or %NULL.
 */
GPtrArray *
mpy_dump_reader_read_file (const char  *path,
                           GError     **error)
{
  g_autoptr(MpyFileReader) file = NULL;
  g_autoptr(MpyDumpReader) reader = NULL;
  g_autoptr(GPtrArray) dumps = NULL;
  g_autofree char *source = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = mpy_file_reader_open (path, MAX_FILE_SIZE, FALSE, error);
  if (file == NULL)
    return NULL;
  /* Translators: a file name in quotation marks, as the messages above show it */
  source = g_strdup_printf (_("“%s”"), mpy_file_reader_get_display_name (file));
  reader = mpy_dump_reader_new (source);
  dumps = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  if (!mpy_dump_reader_feed_file (reader, file, NULL, dumps, error))
    return NULL;
  return g_steal_pointer (&dumps);
}

/**
 * mpy_dump_reader_read_one:
 * @text: text holding a dump, e.g. a raw-REPL reply
 * @length: length of @text, or -1 if NUL-terminated
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the first dump in @text, or %NULL with @error set.
 */
MpySnapshot *
mpy_dump_reader_read_one (const char  *text,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (text, length, error);

  if (dumps == NULL)
    return NULL;
  return mpy_snapshot_ref (g_ptr_array_index (dumps, 0));
}

/**
 * mpy_dump_reader_read_record:
 * @text: the dump text of a session record
 * @length: its length, which the record's header gave
 * @error: return location for a #GError
 *
 * As mpy_dump_reader_read_one(), without the "is this text" check: the bytes are known to be
 * dump text, and a noisy console's control bytes or NULs in it are kept, not refused.
 *
 * Returns: (transfer full): the first dump in @text, or %NULL with @error set.
 */
MpySnapshot *
mpy_dump_reader_read_record (const char  *text,
                             gsize        length,
                             GError     **error)
{
  g_autoptr(GPtrArray) dumps = NULL;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > MAX_FILE_SIZE)
    {
      g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_TOO_LARGE,
                   _("the text is %zu MiB, more than the %u MiB limit; "
                   "cut the part with the dumps out of it"), length >> 20, MAX_FILE_SIZE >> 20);
      return NULL;
    }
  /* Translators: fills the %s of “in %s” and “%s holds more than %u dumps” */
  dumps = read_text (text != NULL ? text : "", length, _("the dump text"), FALSE, error);
  if (dumps == NULL)
    return NULL;
  return mpy_snapshot_ref (g_ptr_array_index (dumps, 0));
}


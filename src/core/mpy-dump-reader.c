/* mpy-dump-reader.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading text line by line into dumps, and the public API (mpy-dump-reader-private.h says
 * where the rest is). */

#include "mpy-dump-reader-private.h"
#include "mpy-file-loader.h"
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

/* NUL bytes, or mostly control characters, mean this is not text. */
static gboolean
looks_binary (const char *text,
              gsize       length)
{
  gsize sample = MIN (length, 65536), odd = 0;

  if (memchr (text, '\0', length) != NULL)
    return TRUE;
  for (gsize i = 0; i < sample; i++)
    {
      guchar c = (guchar) text[i];

      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b
           && !(c >= 0x01 && c <= 0x05) && c != 0x08) || c == 0x7f)
        odd++;
    }
  return sample > 0 && odd * 10 > sample;
}

static GPtrArray *
read_text (const char  *text,
           gsize        length,
           const char  *source,
           gboolean     check_text,
           GError     **error)
{
  Reader r = { 0 };
  gsize pos = 0;
  guint line_no = 0;

  _mpy_reader_init_char_flags ();
  if (check_text && looks_binary (text, length))
    {
      /* Text without a name is not called “the text” here: “the text is not text”. */
      if (source == NULL)
        g_set_error_literal (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY,
                             _("not text: it contains NUL bytes or other binary data; "
                             "open a serial log or a saved mem_info() dump instead"));
      else
        g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY,
                     _("%s is not text (it contains NUL bytes or other binary data); "
                     "open a serial log or a saved mem_info() dump instead"), source);
      return NULL;
    }

  r.text = text;
  r.length = length;
  r.dumps = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  r.blocks_budget = MAX_TOTAL_BLOCKS;
  r.areas = g_array_new (FALSE, FALSE, sizeof (MpyArea));
  r.lines = g_array_new (FALSE, FALSE, sizeof (LineRec));
  r.reasons = g_ptr_array_new_with_free_func (g_free);
  r.missing = g_array_new (FALSE, FALSE, sizeof (MpyBlockRange));

  while (pos < length)
    {
      const char *nl = memchr (text + pos, '\n', length - pos);
      gsize line_end = nl ? (gsize) (nl - text) + 1 : length;
      gsize content_end = nl ? (gsize) (nl - text) : length;

      while (content_end > pos && text[content_end - 1] == '\r')
        content_end--;
      line_no++;
      r.line_start = pos;
      _mpy_reader_handle_line (&r, pos, content_end, line_end, line_no);
      pos = line_end;

      if (G_UNLIKELY (r.dumps->len >= MAX_DUMPS))
        {
          g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_TOO_LARGE,
                       _("%s holds more than %u dumps; split it into smaller files"),
                       /* Translators: fills the %s of “%s holds more than %u dumps” and
                        * of “no micropython.mem_info() output found in %s” */
                       source ? source : _("the text"), MAX_DUMPS);
          break;
        }
    }
  if (r.dumps->len < MAX_DUMPS)
    _mpy_reader_finish_dump (&r);

  g_free (r.kinds);
  g_free (r.pending_reason);
  g_array_unref (r.areas);
  g_array_unref (r.lines);
  g_ptr_array_unref (r.reasons);
  g_array_unref (r.missing);
  g_free (r.foreign_text);
  g_free (r.maybe_foreign_text);
  _mpy_blob_chain_clear (&r.kinds_chain);
  _mpy_blob_chain_clear (&r.raw_chain);

  if (r.dumps->len >= MAX_DUMPS)
    {
      g_ptr_array_unref (r.dumps);
      return NULL;
    }
  if (r.dumps->len == 0)
    {
      g_ptr_array_unref (r.dumps);
      g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_NO_DUMP,
                   _("no micropython.mem_info() output found in %s; capture one with "
                   "“import micropython; micropython.mem_info(1)”"), source ? source : _("the text"));
      return NULL;
    }
  if (check_text)
    _mpy_named_log_annotate (text, length, r.dumps);
  return r.dumps;
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
 * Reads a regular file of at most 256 MiB with mpy_file_load_contents() (type and size
 * are checked before reading; a FIFO is refused without blocking) and returns every dump
 * in it.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the dumps, or %NULL.
 */
GPtrArray *
mpy_dump_reader_read_file (const char  *path,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  g_autofree char *source = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!mpy_file_load_contents (path, MAX_FILE_SIZE, NULL, &contents, &length, error))
    return NULL;
  display = g_filename_display_name (path);
  /* Translators: a file name in quotation marks, as the messages above show it */
  source = g_strdup_printf (_("“%s”"), display);
  return read_text (contents, length, source, TRUE, error);
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


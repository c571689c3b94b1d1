/* mpy-dump-stream.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* No second parser: each time a piece arrives the dump reader reads the text held since the
 * last dump handed out, and a dump it finds is complete once a line it did not take follows
 * it. The text held is what the program printed since, so the named-log pass gives the next
 * dump its name, time and console context exactly as when reading the whole log. */

#define _GNU_SOURCE   /* memmem */

#include "mpy-dump-stream.h"

#include <string.h>

#include "mpy-dump-reader.h"
#include "mpy-snapshot-private.h"
#include "mpy-named-log-private.h"

/* A program that prints and never dumps: keep the last this many bytes only. */
#define MAX_HELD   (4u << 20)
#define KEEP_HELD  (64u << 10)

struct _MpyDumpStream
{
  GString     *held;   /* received, not part of a dump handed out */
  MpySnapshot *last;   /* the last dump handed out: the next stores its map as a delta of it */
};

MpyDumpStream *
mpy_dump_stream_new (void)
{
  MpyDumpStream *self = g_new0 (MpyDumpStream, 1);

  self->held = g_string_new (NULL);
  return self;
}

void
mpy_dump_stream_free (MpyDumpStream *self)
{
  if (self == NULL)
    return;
  g_string_free (self->held, TRUE);
  g_clear_pointer (&self->last, mpy_snapshot_unref);
  g_free (self);
}

const char *
mpy_dump_stream_get_rest (MpyDumpStream *self)
{
  return self->held->str;
}

/* Does [p, end) hold anything but blanks? */
static gboolean
has_text (const char *p,
          const char *end)
{
  for (; p < end; p++)
    if (!g_ascii_isspace (*p))
      return TRUE;
  return FALSE;
}

/* The line of stars that closes a named section right after a dump ending at @p: how many
 * bytes (the end of the dump's last line, and that whole line) to take with the dump, or 0.
 * It is part of the section, not something the program printed after it. */
static gsize
closing_star_line (const char *p,
                   const char *limit)
{
  const char *q = p;
  const char *nl;

  /* The rest of the dump's last line, when its raw text stops before the line end (a dump
   * is never empty, so p[-1] is its last byte). */
  if (q < limit && q[-1] != '\n')
    {
      nl = memchr (q, '\n', limit - q);
      if (nl == NULL || has_text (q, nl))
        return 0;
      q = nl + 1;
    }
  nl = memchr (q, '\n', limit - q);
  if (nl == NULL)
    return 0;
  {
    const char *content_end = nl;

    while (content_end > q && content_end[-1] == '\r')
      content_end--;
    if (!_mpy_named_log_is_star_line (q, content_end))
      return 0;
  }
  return (gsize) (nl + 1 - p);
}

/* Reads the held text up to @limit and hands out the dumps that end before a further
 * non-blank line within it (all of them with @all). */
static GPtrArray *
take (MpyDumpStream *self,
      gsize          limit,
      gboolean       all)
{
  GPtrArray *done = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(GPtrArray) dumps = NULL;
  const char *text = self->held->str;
  gsize consumed = 0, pos = 0;

  if (limit == 0)
    return done;
  dumps = mpy_dump_reader_read (text, (gssize) limit, NULL);
  if (dumps == NULL)
    return done;

  for (guint i = 0; i < dumps->len; i++)
    {
      MpySnapshot *dump = g_ptr_array_index (dumps, i);
      g_autoptr(GBytes) raw_bytes = mpy_snapshot_ref_raw_text (dump);
      gsize raw_length;
      const char *raw = g_bytes_get_data (raw_bytes, &raw_length);
      const char *found;
      gsize end;

      if (raw_length == 0 || raw_length > limit - pos)
        break;
      found = memmem (text + pos, limit - pos, raw, raw_length);
      if (found == NULL)
        break;
      end = (gsize) (found - text) + raw_length;
      if (!all && !has_text (text + end, text + limit))
        break;   /* it may go on: the next line decides */
      end += closing_star_line (text + end, text + limit);
      /* A long watch: each dump keeps only what changed since the one before. */
      if (self->last != NULL)
        _mpy_snapshot_share_storage (dump, self->last);
      g_clear_pointer (&self->last, mpy_snapshot_unref);
      self->last = mpy_snapshot_ref (dump);
      g_ptr_array_add (done, mpy_snapshot_ref (dump));
      consumed = pos = end;
    }
  if (consumed > 0)
    g_string_erase (self->held, 0, (gssize) consumed);
  return done;
}

GPtrArray *
mpy_dump_stream_feed (MpyDumpStream *self,
                      const char    *text,
                      gsize          length)
{
  const char *nl;
  gsize lines;

  g_return_val_if_fail (self != NULL, NULL);

  /* NULs (line noise) would make the reader refuse the whole text. */
  for (gsize i = 0; i < length; i++)
    g_string_append_c (self->held, text[i] != '\0' ? text[i] : '?');

  /* Whole lines only: a dump line may be cut between two pieces. */
  nl = memrchr (self->held->str, '\n', self->held->len);
  lines = nl != NULL ? (gsize) (nl - self->held->str) + 1 : 0;
  {
    GPtrArray *done = take (self, lines, FALSE);

    if (done->len == 0 && self->held->len > MAX_HELD)
      {
        /* No dump in megabytes of output: drop the oldest, from a line start. */
        const char *keep = self->held->str + self->held->len - KEEP_HELD;
        const char *cut = memchr (keep, '\n', KEEP_HELD);

        g_string_erase (self->held, 0, (cut != NULL ? cut + 1 : keep) - self->held->str);
      }
    return done;
  }
}

GPtrArray *
mpy_dump_stream_flush (MpyDumpStream *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return take (self, self->held->len, TRUE);
}

/* mpy-named-log.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a program's own memory log says around its dumps (DESIGN.md §10): names, the
 * board's time, and the console context. The dump reader finds the dumps; this pass reads
 * the text between them.
 *
 * A named log section, as the README's log_mem() prints it:
 *
 *   *** Memory info NAME ***          (or "*** Memory info: NAME ***", any spacing)
 *   time:1609463914756126000          (optional: nanoseconds since 1970, UTC)
 *   time:(2026, 12, 4, 2, 9, 0, 4, 338)   (or a time.localtime() tuple, taken as UTC)
 *   <mem_info() or mem_info(1) output>
 *   ******************************
 *
 * PlanetInnovation's micropython-memory-profiler (mem_dump.py) prints instead:
 *
 *   @@@ TICKS (Y, M, D, h, m, s, wd, yd)   once: ticks_ms() and localtime()[:8] together
 *   @@@ TICKS                              before each dump: ticks_ms()
 *   <mem_info(1) output>
 *   @@@                                    after it
 *   @@@ vTITLE                             a title line (its renderer's), skipped
 *
 * A dump after "@@@ TICKS" gets the clock line's time plus the ticks elapsed since it
 * (ticks_ms wraps at 2^30 ms, as on every MicroPython port); without a clock line the ticks
 * alone give no time of day and the dump keeps none.
 *
 * Every other line between the end of one dump and the start of the next is the later
 * dump's console context; the lines before the first dump are the first one's. */

#include "mpy-named-log-private.h"

#include <string.h>

#define TICKS_PERIOD        (G_GUINT64_CONSTANT (1) << 30)
#define MAX_CONSOLE_BYTES   (64 * 1024)   /* per dump: the last 64 KiB a program printed */

typedef struct {
  /* The profiler's clock line: board time at sync_ticks; elapsed counts past it. */
  GDateTime *sync_time;
  guint64    last_ticks;
  guint64    elapsed_ms;
} Ticks;

static const char *
skip_spaces (const char *p,
             const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  return p;
}

static const char *
trim_end (const char *p,
          const char *end)
{
  while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  return end;
}

/* "*** Memory info NAME ***": the name (maybe empty), or NULL when @line is not a marker. */
static char *
parse_marker (const char *line,
              const char *end)
{
  const char *p = skip_spaces (line, end);
  const char *q;

  end = trim_end (p, end);
  if (end - p < 6 || strncmp (p, "***", 3) != 0 || strncmp (end - 3, "***", 3) != 0)
    return NULL;
  p = skip_spaces (p + 3, end);
  if (end - p < 11 || g_ascii_strncasecmp (p, "Memory info", 11) != 0)
    return NULL;
  p = skip_spaces (p + 11, end - 3);
  if (p < end - 3 && *p == ':')
    p = skip_spaces (p + 1, end - 3);
  q = trim_end (p, end - 3);
  while (q > p && q[-1] == '*')   /* "NAME****" with no space before the stars */
    q--;
  return g_strndup (p, q > p ? q - p : 0);
}

/* A line of stars only (at least three), which ends a named section. */
static gboolean
is_star_line (const char *line,
              const char *end)
{
  const char *p = skip_spaces (line, end);
  guint stars = 0;

  end = trim_end (p, end);
  for (; p < end; p++)
    {
      if (*p != '*')
        return FALSE;
      stars++;
    }
  return stars >= 3;
}

gboolean
_mpy_named_log_is_star_line (const char *line,
                             const char *end)
{
  return is_star_line (line, end);
}

static gboolean
parse_u64 (const char **p,
           const char  *end,
           guint64     *value)
{
  const char *s = *p;
  guint64 v = 0;

  if (s >= end || !g_ascii_isdigit (*s))
    return FALSE;
  for (; s < end && g_ascii_isdigit (*s); s++)
    {
      guint d = *s - '0';

      if (v > (G_MAXUINT64 - d) / 10)
        return FALSE;
      v = v * 10 + d;
    }
  *p = s;
  *value = v;
  return TRUE;
}

/* "(2026, 12, 4, 2, 9, 0, 4, 338)": a time.localtime() tuple (6 to 9 items), as UTC. */
static GDateTime *
parse_tuple (const char *p,
             const char *end)
{
  guint64 items[9];
  guint n = 0;

  p = skip_spaces (p, end);
  end = trim_end (p, end);
  if (p >= end || *p != '(' || end[-1] != ')')
    return NULL;
  p++;
  end--;
  for (;;)
    {
      p = skip_spaces (p, end);
      if (n == G_N_ELEMENTS (items) || !parse_u64 (&p, end, &items[n]))
        return NULL;
      n++;
      p = skip_spaces (p, end);
      if (p == end)
        break;
      if (*p != ',')
        return NULL;
      p++;
      if (skip_spaces (p, end) == end)   /* a trailing comma */
        break;
    }
  if (n < 6 || items[0] > 9999 || items[1] > 12 || items[2] > 31 || items[3] > 23
      || items[4] > 59 || items[5] > 60)
    return NULL;
  return g_date_time_new_utc ((int) items[0], (int) items[1], (int) items[2],
                              (int) items[3], (int) items[4], (double) items[5]);
}

/* "time:1609463914756126000" or "time:(…)" (after a marker); NULL when not a time line. */
static GDateTime *
parse_time_line (const char *line,
                 const char *end)
{
  const char *p = skip_spaces (line, end);
  guint64 ns;

  end = trim_end (p, end);
  if (end - p < 6 || strncmp (p, "time:", 5) != 0)
    return NULL;
  p = skip_spaces (p + 5, end);
  if (p < end && *p == '(')
    return parse_tuple (p, end);
  if (!parse_u64 (&p, end, &ns) || p != end)
    return NULL;
  {
    g_autoptr(GDateTime) whole = g_date_time_new_from_unix_utc ((gint64) (ns / 1000000000u));

    return whole != NULL ? g_date_time_add (whole, (GTimeSpan) ((ns % 1000000000u) / 1000u)) : NULL;
  }
}

/* A profiler line: "@@@", "@@@ TICKS", "@@@ TICKS (tuple)" or "@@@ vTITLE". Sets *@dump_time
 * for a ticks line when the clock is known. */
static gboolean
parse_profiler_line (const char  *line,
                     const char  *end,
                     Ticks       *ticks,
                     GDateTime  **dump_time)
{
  const char *p = line;
  guint64 value;

  end = trim_end (p, end);
  if (end - p < 3 || strncmp (p, "@@@", 3) != 0)
    return FALSE;
  p = skip_spaces (p + 3, end);
  if (p == end || !g_ascii_isdigit (*p))
    return p == end || *p == 'v';   /* the end of a dump, or the title line */
  if (!parse_u64 (&p, end, &value))
    return FALSE;
  p = skip_spaces (p, end);
  if (p < end)
    {
      /* The clock line: ticks_ms() and localtime() read together. */
      GDateTime *clock = parse_tuple (p, end);

      if (clock == NULL)
        return FALSE;
      g_clear_pointer (&ticks->sync_time, g_date_time_unref);
      ticks->sync_time = clock;
      ticks->last_ticks = value;
      ticks->elapsed_ms = 0;
      return TRUE;
    }
  if (ticks->sync_time == NULL)
    return TRUE;
  ticks->elapsed_ms += (value - ticks->last_ticks) & (TICKS_PERIOD - 1);
  ticks->last_ticks = value;
  g_clear_pointer (dump_time, g_date_time_unref);
  *dump_time = g_date_time_add (ticks->sync_time, (GTimeSpan) ticks->elapsed_ms * 1000);
  return TRUE;
}

/* The text before a dump: its name, its time and the console lines. */
static MpySnapshot *
annotate (MpySnapshot *dump,
          const char  *gap,
          gsize        gap_length,
          Ticks       *ticks)
{
  const char *p = gap, *end = gap + gap_length;
  g_autofree char *name = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GString) console = g_string_new (NULL);
  gboolean after_marker = FALSE;
  MpySnapshot *result = mpy_snapshot_ref (dump);

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl + 1 : end;
      const char *content_end = nl != NULL ? nl : end;
      char *marker;

      while (content_end > p && content_end[-1] == '\r')
        content_end--;

      if ((marker = parse_marker (p, content_end)) != NULL)
        {
          g_free (name);
          name = marker;
          g_clear_pointer (&time, g_date_time_unref);
          after_marker = TRUE;
        }
      else if (after_marker && time == NULL && (time = parse_time_line (p, content_end)) != NULL)
        ;
      else if (!is_star_line (p, content_end)
               && !parse_profiler_line (p, content_end, ticks, &time))
        g_string_append_len (console, p, line_end - p);
      p = line_end;
    }

  if (name != NULL && *name != '\0')
    {
      MpySnapshot *named = mpy_snapshot_with_label (result, name);

      mpy_snapshot_unref (result);
      result = named;
    }
  if (time != NULL)
    {
      MpySnapshot *timed = mpy_snapshot_with_board_time (result, time);

      mpy_snapshot_unref (result);
      result = timed;
    }

  /* Blank lines alone say nothing; NULs cannot be kept in a string (the reader refuses
   * text with NULs before this, so none come here). */
  {
    gsize start = 0;

    while (start < console->len && g_ascii_isspace (console->str[start]))
      start++;
    if (start < console->len)
      {
        const char *text = console->str;
        gsize len = console->len;

        if (len > MAX_CONSOLE_BYTES)
          {
            /* Keep the end, from a line start: what was printed just before the dump. */
            const char *cut = memchr (text + len - MAX_CONSOLE_BYTES, '\n', MAX_CONSOLE_BYTES);

            text = cut != NULL ? cut + 1 : text + len - MAX_CONSOLE_BYTES;
          }
        {
          MpySnapshot *with = mpy_snapshot_with_console (result, text);

          mpy_snapshot_unref (result);
          result = with;
        }
      }
  }
  return result;
}

struct _MpyNamedLog
{
  Ticks ticks;
};

MpyNamedLog *
_mpy_named_log_new (void)
{
  return g_new0 (MpyNamedLog, 1);
}

void
_mpy_named_log_free (MpyNamedLog *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->ticks.sync_time, g_date_time_unref);
  g_free (self);
}

/**
 * _mpy_named_log_annotate:
 * @self: the state of the log being read (the profiler's clock)
 * @dump: the next dump of the log
 * @gap: the text between the end of the previous dump (or the start of the log) and @dump
 * @gap_length: its length
 *
 * Returns: (transfer full): a copy of @dump with the name, the board time and the console
 *   context @gap gives (or @dump itself, with a reference, when it gives none). A dump
 *   without a name keeps its label.
 */
MpySnapshot *
_mpy_named_log_annotate (MpyNamedLog *self,
                         MpySnapshot *dump,
                         const char  *gap,
                         gsize        gap_length)
{
  return annotate (dump, gap, gap_length, &self->ticks);
}

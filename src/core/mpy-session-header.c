/* mpy-session-header.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The lines of a session file that are not dump text: the version line and the record
 * headers (format: mpy-session-writer.c), and the times they hold. */

#include "mpy-session-private.h"

#include <string.h>

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



void
mpy_session_record_header_clear (MpySessionRecordHeader *h)
{
  g_clear_pointer (&h->time, g_date_time_unref);
  g_clear_pointer (&h->board_time, g_date_time_unref);
  g_clear_pointer (&h->console, g_free);
  g_clear_pointer (&h->port, g_free);
  g_clear_pointer (&h->banner, g_free);
  g_clear_pointer (&h->label, g_free);
}


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

gboolean
mpy_session_parse_header_line (const char    *line,
                   gsize          length,
                   guint          line_number,
                   MpySessionRecordHeader  *h,
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

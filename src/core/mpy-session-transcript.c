/* mpy-session-transcript.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-session-private.h"

#include <string.h>

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

gboolean
mpy_session_looks_like_transcript (const char *text,
                       gsize       length)
{
  MpySessionScanner s = { text, length, 0, 0 };
  guint n_lines = 0;

  while (!mpy_session_scanner_at_end (&s) && n_lines < 64)
    {
      const char *line, *payload;
      gsize line_length, payload_length;
      gboolean from_board;

      mpy_session_scanner_next_line (&s, &line, &line_length);
      if (line_length == 0 || line[0] == '#')
        continue;
      if (!parse_transcript_line (line, line_length, &from_board, &payload, &payload_length))
        return FALSE;
      n_lines++;
    }

  return n_lines > 0;
}

char *
mpy_session_decode_transcript (const char *text,
                   gsize       length,
                   gsize      *out_length)
{
  GString *out = g_string_new (NULL);
  MpySessionScanner s = { text, length, 0, 0 };
  gboolean code_sent = FALSE;

  while (!mpy_session_scanner_at_end (&s))
    {
      g_autoptr(GString) chunk = g_string_new (NULL);
      const char *line, *payload;
      gsize line_length, payload_length;
      gboolean from_board;
      const char *p;

      mpy_session_scanner_next_line (&s, &line, &line_length);
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
              hi = p + 1 < payload + payload_length ? mpy_session_hex_value (p[1]) : -1;
              lo = p + 2 < payload + payload_length ? mpy_session_hex_value (p[2]) : -1;
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

/* mpy-dump-reader-lines.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The lines of a dump: `mem:`, `stack:`, `GC:` and ` No. of 1-blocks` figures, `GC memory
 * layout; from …` area headers, block lines and `(N lines all free)` abbreviations. Lines
 * that are none of these are skipped, so a whole console log can be read. */

#include "mpy-dump-reader-private.h"

#include <glib/gi18n-lib.h>

#include <string.h>

static const guint8 hex_value[256] = {
  ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
  ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13,
  ['d'] = 14, ['e'] = 15, ['f'] = 16,
};  /* value + 1; 0 = not a lowercase hex digit */

#define CHAR_INVALID   1
#define CHAR_NORMALISE 2
static guint8 char_flags[256];
static MpyScanPath scan_path;

/* FALSE: one record per block line, the reference the tests compare runs with. */
gboolean _mpy_reader_join_lines = TRUE;

void
_mpy_reader_init_char_flags (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint c = 0; c < 256; c++)
        {
          guint8 k = _mpy_kind_from_char[c];

          char_flags[c] = k == 0 ? CHAR_INVALID : k != c ? CHAR_NORMALISE : 0;
        }
      scan_path = _mpy_scan_path_best ();
      g_once_init_leave (&done, 1);
    }
}

static inline gboolean
has_prefix (const char *s,
            gsize       n,
            const char *prefix,
            gsize       prefix_len)
{
  return n >= prefix_len && memcmp (s, prefix, prefix_len) == 0;
}
#define HAS_PREFIX(s, n, lit) has_prefix ((s), (n), (lit), sizeof (lit) - 1)

typedef enum {
  NUM_OK,
  NUM_NONE,
  NUM_ABSURD,
} NumResult;

/* Reads a decimal number at s[*i]; stops at MAX_NUMBER (absurd) without overflowing. */
static NumResult
parse_decimal (const char *s,
               gsize       n,
               gsize      *i,
               guint64    *value)
{
  guint64 v = 0;
  gsize start = *i;
  gboolean absurd = FALSE;

  while (*i < n && s[*i] >= '0' && s[*i] <= '9')
    {
      if (!absurd)
        {
          v = v * 10 + (guint64) (s[*i] - '0');
          if (v > MAX_NUMBER)
            absurd = TRUE;
        }
      (*i)++;
    }
  if (*i == start)
    return NUM_NONE;
  *value = v;
  return absurd ? NUM_ABSURD : NUM_OK;
}

typedef struct {
  const char *literal;
  int         figure;     /* MpyFigure, or -1 for none */
} Field;

/* Parses "literal number literal number …" from s[*i]. The first @n_required
 * fields must be there; later ones are optional but all-or-nothing each.
 * Figures go to @figures/@set; problems become damage reasons. */
static void
parse_fields (Reader      *r,
              const char  *s,
              gsize        n,
              gsize        i,
              guint        line_no,
              const Field *fields,
              guint        n_fields,
              guint        n_required,
              guint64     *figures,
              guint32     *set,
              char       **reason_out)
{
  g_autofree char *reason = NULL;

  for (guint f = 0; f < n_fields; f++)
    {
      gsize lit_len = strlen (fields[f].literal);
      guint64 value = 0;
      gsize num_start;
      NumResult res;

      if (!has_prefix (s + i, n - i, fields[f].literal, lit_len))
        {
          if (f >= n_required && i == n)
            break;
          if (reason == NULL)   /* the first problem on the line is the one to report */
            /* Translators: the first %s is the expected text, the second is empty or
             * “ but the line ends (cut off?)” */
            reason = g_strdup_printf (_("line %u, column %zu: expected “%s”%s"),
                                      line_no, i + 1, fields[f].literal,
                                      /* Translators: appended to “expected “%s”” */
                                      i == n ? _(" but the line ends (cut off?)") : "");
          goto out;
        }
      i += lit_len;
      num_start = i;
      res = parse_decimal (s, n, &i, &value);
      if (res == NUM_NONE)
        {
          if (reason == NULL)
            reason = g_strdup_printf (_("line %u, column %zu: expected a number after “%s”"),
                                      line_no, i + 1, fields[f].literal);
          goto out;
        }
      if (res == NUM_ABSURD)
        {
          if (reason == NULL)
            reason = g_strdup_printf (_("line %u, column %zu: the number after “%s” is too large to be real"),
                                      line_no, num_start + 1, fields[f].literal);
          continue;
        }
      if (fields[f].figure >= 0)
        {
          figures[fields[f].figure] = value;
          *set |= 1u << fields[f].figure;
        }
    }
  if (reason == NULL && i < n)
    reason = g_strdup_printf (_("line %u, column %zu: unexpected text after the figures"),
                              line_no, i + 1);
out:
  if (reason_out)
    *reason_out = g_steal_pointer (&reason);
  else if (reason)
    _mpy_reader_add_reason (r, "%s", reason);
}

static const Field mem_fields[] = {
  { "mem: total=", MPY_FIGURE_MEM_TOTAL },
  { ", current=", MPY_FIGURE_MEM_CURRENT },
  { ", peak=", MPY_FIGURE_MEM_PEAK },
};
static const Field stack_fields[] = {
  { "stack: ", MPY_FIGURE_STACK_USED },
  { " out of ", MPY_FIGURE_STACK_LIMIT },
};
static const Field gc_fields[] = {
  { "GC: total: ", MPY_FIGURE_GC_TOTAL },
  { ", used: ", MPY_FIGURE_GC_USED },
  { ", free: ", MPY_FIGURE_GC_FREE },
  { ", max new split: ", MPY_FIGURE_GC_MAX_NEW_SPLIT },
};
static const Field blocks_fields[] = {
  { "No. of 1-blocks: ", MPY_FIGURE_ONE_BLOCKS },
  { ", 2-blocks: ", MPY_FIGURE_TWO_BLOCKS },
  { ", max blk sz: ", MPY_FIGURE_MAX_BLOCK },
  { ", max free sz: ", MPY_FIGURE_MAX_FREE },
};

static void
ensure_kinds (Reader *r,
              gsize   extra)
{
  gsize need = r->n_kinds + extra;

  if (need <= r->kinds_cap)
    return;
  if (r->kinds_cap == 0 && (r->figures_set & (1u << MPY_FIGURE_GC_TOTAL)))
    {
      /* First guess from the header (16-byte blocks), bounded by the text
       * left: one character per block. Saves regrowing a large map. */
      guint64 guess = MIN (r->figures[MPY_FIGURE_GC_TOTAL] / 16, (guint64) (r->length - r->line_start));

      r->kinds_cap = (gsize) guess;
    }
  r->kinds_cap = MAX (r->kinds_cap, 4096);
  if (need <= r->kinds_cap)
    {
      r->kinds = g_realloc (r->kinds, r->kinds_cap);
      return;
    }
  /* Doubling, but never past what a dump may hold: a large abbreviation costs one byte per
   * block and no more. */
  r->kinds_cap = MAX (r->kinds_cap * 2, 4096);
  while (r->kinds_cap < need)
    r->kinds_cap *= 2;
  r->kinds_cap = MAX (MIN (r->kinds_cap, MAX_DUMP_BLOCKS + 64), need);
  r->kinds = g_realloc (r->kinds, r->kinds_cap);
}

static MpyArea *
current_area (Reader *r)
{
  return &g_array_index (r->areas, MpyArea, r->areas->len - 1);
}

static void
start_dump (Reader *r,
            gsize   start)
{
  _mpy_reader_finish_dump (r);
  r->in_dump = TRUE;
  r->dump_start = start;
  r->dump_end = start;
}

static void
close_area (Reader *r)
{
  r->area_open = FALSE;
  r->prev_short = FALSE;
}

static void
open_area (Reader  *r,
           guint64  base)
{
  MpyArea area = { base, r->n_kinds, 0 };

  close_area (r);
  g_array_append_val (r->areas, area);
  r->area_open = TRUE;
}

/* A line after a short (< 64 blocks) line in the same area: the short one lost its end. */
static void
check_prev_short (Reader *r)
{
  /* Named when the blocks are placed: with the gap it leaves, if the next offset shows one. */
  if (r->prev_short)
    g_array_index (r->lines, LineRec, r->prev_short_rec).cut_short = TRUE;
  r->prev_short = FALSE;
}

/* Eight lowercase hex digits (s[0] the highest) read as one 64-bit word: each byte checked
 * with range tests on all eight at once, the nibbles then packed pairwise. */
static inline gboolean
hex8 (guint64  v,
      guint64 *value)
{
#define B(x) (G_GUINT64_CONSTANT (0x0101010101010101) * (x))
  guint64 digit = (v + B (0x80 - 0x30)) & ~(v + B (0x7f - 0x39)) & B (0x80);
  guint64 alpha = (v + B (0x80 - 0x61)) & ~(v + B (0x7f - 0x66)) & B (0x80);
  guint64 x;

  if ((v & B (0x80)) != 0 || (digit | alpha) != B (0x80))
    return FALSE;
  x = (v & B (0x0f)) + (alpha >> 7) * 9;   /* the nibbles, byte k: digit k */
  x = ((x << 4) + (x >> 8)) & G_GUINT64_CONSTANT (0x00ff00ff00ff00ff);
  x = ((x << 8) + (x >> 16)) & G_GUINT64_CONSTANT (0x0000ffff0000ffff);
  *value = ((x << 16) + (x >> 32)) & 0xffffffffu;
  return TRUE;
#undef B
}

/* s[0..digits) (5 or 8; s has at least 8 bytes) as a lowercase hex number. */
static inline gboolean
read_hex (const char *s,
          guint       digits,
          guint64    *value)
{
  guint64 v;

  memcpy (&v, s, 8);
  v = GUINT64_FROM_LE (v);
  if (digits == 5)   /* "000" and the five */
    v = (v << 24) | G_GUINT64_CONSTANT (0x303030);
  return hex8 (v, value);
}

/* A full line that carries on the run of full lines before it (the next text line, the same
 * offset step) joins it as one more line of that record. */
static inline gboolean
extend_run (Reader  *r,
            guint64  offset,
            guint    digits,
            gsize    n_chars,
            guint    line_no)
{
  LineRec *last;
  guint64 step;

  if (n_chars != 64 || r->lines->len == 0 || !_mpy_reader_join_lines)
    return FALSE;
  last = &g_array_index (r->lines, LineRec, r->lines->len - 1);
  if (last->digits != digits || last->area != r->areas->len - 1
      || last->n != (gsize) last->count * 64 || last->line + last->count != line_no
      || last->count == G_MAXUINT)
    return FALSE;
  if (digits == 5)
    step = (offset - last->offset) & MASK_5;
  else if (offset > last->offset)
    step = offset - last->offset;
  else
    return FALSE;
  if (last->count == 1)
    {
      if (step == 0)
        return FALSE;
      last->step = step;
    }
  else if (step != ((last->step * last->count) & (digits == 5 ? MASK_5 : G_MAXUINT64)))
    return FALSE;
  g_assert (last->index + last->n == current_area (r)->n_blocks && last->src + last->n == r->n_kinds);
  last->count++;
  last->n += 64;
  return TRUE;
}

/* Returns TRUE if s[0..n) is a block line (and takes it). */
static gboolean
try_block_line (Reader     *r,
                const char *s,
                gsize       n,
                guint       line_no)
{
  guint digits;
  guint64 offset;
  gsize n_chars;
  guint8 *out;
  LineRec rec;

  /* 8 or 5 hex digits, ": " and at least one block */
  if (n >= 11 && s[8] == ':' && s[9] == ' ' && read_hex (s, 8, &offset))
    digits = 8;
  else if (n >= 8 && s[5] == ':' && s[6] == ' ' && read_hex (s, 5, &offset))
    digits = 5;
  else
    return FALSE;
  n_chars = n - digits - 2;
  if (n_chars > 64)
    return FALSE;

  /* Only block lines inside a dump count; `cafe0: hello` anywhere is noise. */
  if (!r->in_dump)
    return FALSE;
  if (G_UNLIKELY (r->n_kinds + n_chars > MAX_DUMP_BLOCKS))
    {
      if (!r->over_block_limit)
        _mpy_reader_add_reason (r, _("line %u: the map goes on past %zu blocks (64 Mi, 1 GiB of "
                    "heap at 16 bytes per block), more than MpyMemMap reads of one dump; the "
                    "lines from here on are not read"), line_no, MAX_DUMP_BLOCKS);
      r->over_block_limit = TRUE;
      return TRUE;
    }
  if (G_UNLIKELY (r->n_kinds + 64 > r->kinds_cap))
    ensure_kinds (r, 64);
  out = r->kinds + r->n_kinds;
  s += digits + 2;
  /* The common case, every character a kind as stored, is checked (SSE2: 16 at a time) while
   * it is copied; only a line with another character is looked at one by one. */
  if (G_UNLIKELY (!_mpy_kind_copy_line (scan_path, s, n_chars, out)))
    {
      guint8 flags = 0;

      for (gsize i = 0; i < n_chars; i++)
        flags |= char_flags[(guchar) s[i]];
      if (G_UNLIKELY (flags & CHAR_INVALID))
        {
          /* Mostly kind characters: a block line with a corrupted character
           * (keep its blocks in place, read the bad one as a head). Mostly
           * other text (`cafe0: hello`): not a block line. */
          gsize n_bad = 0, first_bad = 0;

          for (gsize i = 0; i < n_chars; i++)
            if (_mpy_kind_from_char[(guchar) s[i]] == 0 && n_bad++ == 0)
              first_bad = i;
          if (n_chars - n_bad < 2 * n_bad)
            return FALSE;
          for (gsize i = 0; i < n_chars; i++)
            {
              guint8 k = _mpy_kind_from_char[(guchar) s[i]];

              out[i] = k != 0 ? k : MPY_KIND_HEAD;
            }
          {
            guchar c = (guchar) s[first_bad];
            char shown[8];

            if (c >= 0x20 && c < 0x7f)
              g_snprintf (shown, sizeof shown, "%c", c);
            else
              g_snprintf (shown, sizeof shown, "\\x%02x", c);
            if (g_ascii_isalpha (c) && _mpy_reader_is_printed_text (s, n_chars))
              {
                /* the printed word may begin with letters that are block kinds ("tick") */
                gsize from = first_bad;

                while (from > 0 && g_ascii_isalpha (s[from - 1]))
                  from--;
                _mpy_reader_note_foreign (&r->foreign_line, &r->foreign_text, s + from,
                                          n_chars - from, line_no);
              }
            if (n_bad == 1)
              _mpy_reader_add_reason (r, _("line %u, column %zu: unknown block kind '%s' (read as a head block)"),
                          line_no, digits + 2 + first_bad + 1, shown);
            else
              _mpy_reader_add_reason (r, _("line %u, column %zu: unknown block kind '%s' and %zu more unknown "
                          "characters on the line (read as head blocks)"),
                          line_no, digits + 2 + first_bad + 1, shown, n_bad - 1);
          }
        }
      else
        for (gsize i = 0; i < n_chars; i++)   /* 't', 'Q', 'q' */
          out[i] = _mpy_kind_from_char[(guchar) s[i]];
    }

  if (G_UNLIKELY (r->pending_mem || r->pending_reason != NULL))
    _mpy_reader_clear_pending_mem (r);
  if (!r->area_open)
    {
      r->area_missing_header = TRUE;
      open_area (r, 0);
    }
  check_prev_short (r);

  if (!extend_run (r, offset, digits, n_chars, line_no))
    {
      rec.offset = offset;
      rec.step = 0;
      rec.index = current_area (r)->n_blocks;
      rec.src = r->n_kinds;
      rec.n = n_chars;
      rec.target = 0;
      rec.line = line_no;
      rec.count = 1;
      rec.area = r->areas->len - 1;
      rec.digits = (guint8) digits;
      rec.cut_short = FALSE;
      g_array_append_val (r->lines, rec);
    }

  r->n_kinds += n_chars;
  current_area (r)->n_blocks += n_chars;
  if (n_chars < 64)
    {
      r->prev_short = TRUE;
      r->prev_short_rec = r->lines->len - 1;
    }
  return TRUE;
}

/* `       (N lines all free)` */
static gboolean
try_free_lines (Reader     *r,
                const char *s,
                gsize       n,
                guint       line_no)
{
  gsize i = 0;
  guint64 lines = 0;
  NumResult res;
  static const char tail[] = " lines all free)";

  while (i < n && s[i] == ' ')
    i++;
  if (i == 0 || i >= n || s[i] != '(')
    return FALSE;
  i++;
  res = parse_decimal (s, n, &i, &lines);
  if (res == NUM_NONE || n - i != sizeof tail - 1 || memcmp (s + i, tail, sizeof tail - 1) != 0)
    return FALSE;
  if (!r->in_dump || !r->area_open)
    return r->in_dump ? (_mpy_reader_add_reason (r, _("line %u: “(N lines all free)” outside a memory layout"), line_no), TRUE)
                      : FALSE;

  _mpy_reader_clear_pending_mem (r);
  check_prev_short (r);
  if (res == NUM_ABSURD || lines * 64 > r->blocks_budget
      || lines * 64 > MAX_DUMP_BLOCKS - MIN (r->n_kinds, MAX_DUMP_BLOCKS))
    {
      gsize digits_start = 0;

      while (s[digits_start] != '(')
        digits_start++;
      digits_start++;
      /* Checked before anything is allocated: the 40 bytes of this line must not cost a
       * byte per block they claim (issue 8.11). */
      _mpy_reader_add_reason (r, _("line %u, column %zu: “(%.*s%s lines all free)” would make the map larger "
                  "than %zu blocks (64 Mi, 1 GiB of heap at 16 bytes per block), "
                  "more than MpyMemMap reads of one dump: too large to be real; not expanded"),
                  line_no, digits_start + 1, (int) MIN (i - digits_start, 20), s + digits_start,
                  i - digits_start > 20 ? "…" : "", MAX_DUMP_BLOCKS);
      return TRUE;
    }
  if (lines == 0)   /* (firmware prints it for 2 lines or more) */
    return TRUE;
  {
    LineRec rec = { 0, 0, current_area (r)->n_blocks, r->n_kinds, lines * 64, 0, line_no, 1,
                    r->areas->len - 1, 0, FALSE };

    g_array_append_val (r->lines, rec);
  }
  r->blocks_budget -= lines * 64;
  ensure_kinds (r, lines * 64);
  memset (r->kinds + r->n_kinds, MPY_KIND_FREE, lines * 64);
  r->n_kinds += lines * 64;
  current_area (r)->n_blocks += lines * 64;
  return TRUE;
}

/* `GC memory layout; from <hex>:` */
static gboolean
try_layout (Reader     *r,
            const char *s,
            gsize       n,
            gsize       line_start,
            guint       line_no)
{
  static const char prefix[] = "GC memory layout; from ";
  gsize i = sizeof prefix - 1, digits_start;
  guint64 base = 0;
  gboolean absurd = FALSE;

  if (!HAS_PREFIX (s, n, prefix))
    {
      /* The header cut off mid-line ends a dump that was cut off. */
      if (r->in_dump && n >= 4 && n < sizeof prefix - 1 && memcmp (s, prefix, n) == 0)
        {
          _mpy_reader_add_reason (r, _("line %u: the “GC memory layout” line is cut off (dump cut off?)"), line_no);
          return TRUE;
        }
      return FALSE;
    }
  digits_start = i;
  if (i + 1 < n && s[i] == '0' && s[i + 1] == 'x')
    i += 2, digits_start = i;
  while (i < n && hex_value[(guchar) s[i]])
    {
      if (i - digits_start >= 16)
        absurd = TRUE;
      else
        base = (base << 4) | (guint64) (hex_value[(guchar) s[i]] - 1);
      i++;
    }
  if (i == digits_start || i >= n || s[i] != ':')
    {
      /* Looks like the header but is not readable: still a new area. */
      if (!r->in_dump)
        start_dump (r, line_start);
      _mpy_reader_add_reason (r, _("line %u, column %zu: expected a hex address and “:” after “%s”"),
                  line_no, i + 1, prefix);
      base = 0;
    }
  else
    {
      if (!r->in_dump)
        start_dump (r, line_start);
      if (absurd)
        {
          _mpy_reader_add_reason (r, _("line %u, column %zu: the heap address is too large to be real"),
                      line_no, digits_start + 1);
          base = 0;
        }
      if (i + 1 < n)
        _mpy_reader_add_reason (r, _("line %u, column %zu: unexpected text after the layout header"),
                    line_no, i + 2);
    }
  _mpy_reader_clear_pending_mem (r);
  open_area (r, base);   /* a short last line is fine: the area ended */
  return TRUE;
}

void
_mpy_reader_handle_line (Reader *r,
             gsize   start,
             gsize   content_end,
             gsize   line_end,
             guint   line_no)
{
  const char *s = r->text + start;
  gsize n = content_end - start;
  gsize skip = 0;
  gboolean taken = FALSE;

  if (n == 0)
    return;

  switch (s[0])
    {
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    case '8': case '9': case 'a': case 'b': case 'c': case 'd': case 'e': case 'f':
      taken = try_block_line (r, s, n, line_no);
      break;

    case ' ':
      if (HAS_PREFIX (s, n, " No. of 1-blocks: "))
        skip = 1;
      else
        {
          taken = try_free_lines (r, s, n, line_no);
          break;
        }
      G_GNUC_FALLTHROUGH;
    case 'N':
      if (HAS_PREFIX (s + skip, n - skip, "No. of 1-blocks: "))
        {
          _mpy_reader_clear_pending_mem (r);
          if (!r->in_dump || r->have_blocks_line || r->areas->len > 0)
            start_dump (r, start);
          r->have_blocks_line = TRUE;
          parse_fields (r, s, n, skip, line_no, blocks_fields, G_N_ELEMENTS (blocks_fields), 3,
                        r->figures, &r->figures_set, NULL);
          taken = TRUE;
        }
      break;

    case 'G':
      if (HAS_PREFIX (s, n, "GC: total: "))
        {
          _mpy_reader_clear_pending_mem (r);
          if (!r->in_dump || r->have_gc_line || r->have_blocks_line || r->areas->len > 0)
            start_dump (r, start);
          r->have_gc_line = TRUE;
          parse_fields (r, s, n, 0, line_no, gc_fields, G_N_ELEMENTS (gc_fields), 3,
                        r->figures, &r->figures_set, NULL);
          taken = TRUE;
        }
      else
        taken = try_layout (r, s, n, start, line_no);
      break;

    default:
      break;
    }

  if (!taken)
    {
      /* Raw-REPL framing may precede the first line: `OK`, `\x04`, `>`. */
      while (skip < n && (s[skip] == '\x04' || s[skip] == '>'
                          || (s[skip] == 'O' && skip + 1 < n && s[skip + 1] == 'K')))
        skip += s[skip] == 'O' ? 2 : 1;

      if (HAS_PREFIX (s + skip, n - skip, "mem: total="))
        {
          _mpy_reader_clear_pending_mem (r);
          r->pending_mem = TRUE;
          r->pending_mem_start = start + skip;
          r->pending_set = 0;
          parse_fields (r, s, n, skip, line_no, mem_fields, G_N_ELEMENTS (mem_fields), 3,
                        r->pending_figures, &r->pending_set, &r->pending_reason);
          return;   /* belongs to the next dump, if a `stack:` line follows */
        }
      /* `stack: ` and a number: a user's "stack: overflow" is not a dump. */
      if (HAS_PREFIX (s + skip, n - skip, "stack: ") && skip + 7 < n
          && g_ascii_isdigit (s[skip + 7]))
        {
          gboolean had_mem = r->pending_mem;
          gsize mem_start = r->pending_mem_start;

          start_dump (r, had_mem ? mem_start : start + skip);
          if (had_mem)
            {
              for (int f = 0; f < 3; f++)
                r->figures[MPY_FIGURE_MEM_TOTAL + f] = r->pending_figures[f];
              r->figures_set |= r->pending_set;
              if (r->pending_reason)
                _mpy_reader_add_reason (r, "%s", r->pending_reason);
            }
          _mpy_reader_clear_pending_mem (r);
          parse_fields (r, s, n, skip, line_no, stack_fields, G_N_ELEMENTS (stack_fields), 1,
                        r->figures, &r->figures_set, NULL);
          taken = TRUE;
        }
    }

  if (taken && r->in_dump)
    {
      r->dump_end = line_end;
      /* a line that is not the dump's between two that are: printed into the dump */
      if (r->maybe_foreign_line != 0 && r->foreign_line == 0)
        {
          r->foreign_line = r->maybe_foreign_line;
          r->foreign_text = g_steal_pointer (&r->maybe_foreign_text);
        }
      r->maybe_foreign_line = 0;
      g_clear_pointer (&r->maybe_foreign_text, g_free);
    }
  else if (!taken && r->in_dump && r->areas->len > 0 && _mpy_reader_is_printed_text (s, n))
    _mpy_reader_note_foreign (&r->maybe_foreign_line, &r->maybe_foreign_text, s, n, line_no);
}

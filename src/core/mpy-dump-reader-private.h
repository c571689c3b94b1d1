/* mpy-dump-reader-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The dump reader, split by concern: mpy-dump-reader.c reads the text line by line and
 * offers the public API, mpy-dump-reader-lines.c takes the dump lines (header figures,
 * layout headers, block lines, abbreviations), mpy-dump-reader-verdict.c places the block
 * lines by their offsets and checks the map against the header when a dump ends. */

#pragma once

#include "mpy-dump-reader.h"
#include "mpy-snapshot-private.h"

G_BEGIN_DECLS

#define MAX_FILE_SIZE       (256u * 1024 * 1024)
#define MAX_NUMBER          (G_GUINT64_CONSTANT (1) << 48)
#define MAX_TOTAL_BLOCKS    ((gsize) 1 << 28)   /* per read: bounds what abbreviations may expand to */
#define MAX_DUMP_BLOCKS     ((gsize) 1 << 26)   /* per dump: 64 Mi blocks, 1 GiB of heap at 16 bytes */
#define MAX_DUMPS           100000   /* bounds memory on adversarial input */
#define MAX_GAP_REPORTS     3
#define MAX_UNCHECKED_GAP   65536    /* blocks a gap may span when no GC total bounds it */
#define MAX_REASONS         8
#define MASK_5              0xfffffu

/* One block line, or one `(N lines all free)` (digits 0), in reading order; or a run of
 * @count full (64-block) block lines on consecutive text lines whose offsets go up by @step,
 * held as one record: line k of the run is at offset + k × step (modulo 1 MiB for 5 digits),
 * index + 64 k, src + 64 k, text line line + k. A clean dump of any size is a few records. */
typedef struct {
  guint64 offset;       /* as printed (the first line's) */
  guint64 step;         /* offset step between the lines of a run (0: one line) */
  gsize   index;        /* block index inside its area, counted from the lines */
  gsize   src;          /* index of its first block in Reader.kinds as read */
  gsize   n;            /* blocks it holds */
  gsize   target;       /* block index inside its area, placed by the offset */
  guint   line;         /* 1-based line number in the input */
  guint   count;        /* lines it holds (1 for an abbreviation) */
  guint   area;
  guint8  digits;       /* 5 or 8; 0 for an abbreviation */
  gboolean cut_short;   /* < 64 blocks, and not the last line of its area */
} LineRec;

typedef struct {
  const char *text;
  gsize       length;
  gsize       line_start;
  GPtrArray  *dumps;
  gsize       blocks_budget;

  /* A `mem:` line waiting for its `stack:` line. */
  gboolean    pending_mem;
  gsize       pending_mem_start;
  guint64     pending_figures[3];
  guint32     pending_set;
  char       *pending_reason;

  /* The dump being read. */
  gboolean    in_dump;
  gsize       dump_start;
  gsize       dump_end;
  guint64     figures[MPY_N_FIGURES];
  guint32     figures_set;
  gboolean    have_gc_line;
  gboolean    have_blocks_line;
  GArray     *areas;          /* MpyArea */
  gboolean    area_open;
  gboolean    area_missing_header;
  guint8     *kinds;
  gsize       n_kinds;
  gsize       kinds_cap;
  gboolean    over_block_limit;   /* block lines past MAX_DUMP_BLOCKS were dropped */
  GArray     *lines;          /* LineRec */
  gboolean    prev_short;     /* the area's previous line had < 64 blocks */
  guint       prev_short_rec;   /* its index in lines */
  GPtrArray  *reasons;        /* char*, reasons for the damage verdict */
  guint       n_extra_reasons;
  GArray     *missing;        /* MpyBlockRange: lines not received, filled with free blocks */
  /* text that is not the dump's, inside it (a program printing while the dump streamed) */
  guint       foreign_line;   /* line number, 0: none */
  char       *foreign_text;   /* the start of that text */
  guint       maybe_foreign_line;   /* a line not read, foreign once a dump line follows */
  char       *maybe_foreign_text;
  /* The previous dump's map and raw text: a dump stores its own as a delta against them (or
   * shares them when they are the same byte for byte, a program idle between two dumps). */
  MpyBlobChain kinds_chain;
  MpyBlobChain raw_chain;
} Reader;

/* TRUE (the default): full block lines in a row with the same offset step are one LineRec;
 * tests set FALSE to read with one record per line and compare. */
extern gboolean _mpy_reader_join_lines;

void _mpy_reader_init_char_flags   (void);
G_GNUC_PRINTF (2, 3)
void _mpy_reader_add_reason        (Reader     *r,
                                    const char *format,
                                    ...) G_GNUC_PRINTF (2, 3);
void _mpy_reader_reset_dump        (Reader     *r);
void _mpy_reader_clear_pending_mem (Reader     *r);
/* Printable text with a letter: what a program prints, unlike the odd bytes of line noise. */
gboolean _mpy_reader_is_printed_text (const char *s,
                                      gsize       n);
/* Text a program printed, found in a dump at @line_no; only the first is kept. */
void _mpy_reader_note_foreign      (guint      *line_slot,
                                    char      **text_slot,
                                    const char *s,
                                    gsize       n,
                                    guint       line_no);
/* Takes one line: s[start..content_end) without its line end, which ends at @line_end. */
void _mpy_reader_handle_line       (Reader     *r,
                                    gsize       start,
                                    gsize       content_end,
                                    gsize       line_end,
                                    guint       line_no);
/* Ends the dump being read (if any): places its lines, gives the verdict, adds the snapshot. */
void _mpy_reader_finish_dump       (Reader     *r);
void _mpy_reader_format_offset     (char       *buf,
                                    gsize       size,
                                    guint64     offset,
                                    guint8      digits);

G_END_DECLS

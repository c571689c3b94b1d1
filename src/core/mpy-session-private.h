/* mpy-session-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gi18n-lib.h>

#include "mpy-file-loader.h"
#include "mpy-session.h"

G_BEGIN_DECLS

/* Shared by the session file code (mpy-session-writer.c, -reader.c, -file.c) and the autosave
 * journal (mpy-autosave.c). */

#define MPY_SESSION_MAGIC "# MpyMemMap session"
#define MPY_SESSION_COMMENT_LINE \
  "# Each @snapshot line is followed by exactly \"bytes\" bytes of mem_info(1) output.\n"

typedef struct {
  MpySnapshotFlags flag;
  const char *name;
} MpySessionFlagName;

#define MPY_SESSION_N_FLAG_NAMES 4
extern const MpySessionFlagName mpy_session_flag_names[MPY_SESSION_N_FLAG_NAMES];

/* The version line and the comment line. */
void        mpy_session_append_file_header (GString   *out);
/* Appends one record: its "@snapshot" header line, its raw dump text, a line end. */
void        mpy_session_append_record      (GString     *out,
                                            MpySnapshot *snapshot);
/* Whether @text starts with the magic of a session file. */
gboolean    mpy_session_is_session_text  (const char  *text,
                                          gsize        length);
/* Parses the version line; returns the format number or 0 with @error. */
guint       mpy_session_parse_version_line (const char *line,
                                            gsize       length,
                                            GError    **error);
int         mpy_session_hex_value        (char         c);

/* A record's "@snapshot" header line (mpy-session-header.c). */
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
} MpySessionRecordHeader;

void        mpy_session_record_header_clear (MpySessionRecordHeader *h);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MpySessionRecordHeader, mpy_session_record_header_clear)
/* Parses @line (without its line end, @line_number in the file) into @h. */
gboolean    mpy_session_parse_header_line (const char              *line,
                                           gsize                    length,
                                           guint                    line_number,
                                           MpySessionRecordHeader  *h,
                                           GError                 **error);

/* Reading text line by line. */
typedef struct {
  const char *text;
  gsize length;
  gsize pos;
  guint line;   /* 1-based number of the line at pos */
} MpySessionScanner;

static inline gboolean
mpy_session_scanner_at_end (MpySessionScanner *s)
{
  return s->pos >= s->length;
}

/* The current line without its line end; advances past it. FALSE when the line has no '\n'
 * (the text ends inside it). */
gboolean    mpy_session_scanner_next_line (MpySessionScanner  *s,
                                           const char        **line,
                                           gsize              *line_length);

/* Capture transcripts (mpy-session-transcript.c): whether @text is one, and the board's side
 * of it as plain console text. */
gboolean    mpy_session_looks_like_transcript (const char *text,
                                               gsize       length);
char       *mpy_session_decode_transcript     (const char *text,
                                               gsize       length,
                                               gsize      *out_length);

char       *mpy_session_format_time      (GDateTime   *time);
GDateTime  *mpy_session_parse_time       (const char  *text);

/* One record (optionally preceded by the file's version line). */
char       *mpy_session_record_to_text   (MpySnapshot *snapshot,
                                          gboolean     with_file_header,
                                          gsize       *length);

/* What mpy_session_parse() found. */
typedef struct {
  GPtrArray *snapshots;    /* every record that could be read */
  GError *first_problem;   /* the first damaged, truncated or unreadable record, or NULL */
  guint n_skipped;         /* damaged parts skipped */
  gsize complete_end;      /* the offset just past the last record read */
  gsize structural_end;    /* just past the last record that is whole as bytes (its dump
                            * may still be unreadable); at least complete_end */
} MpySessionParse;

/* Parses session text: every record that can be read; a damaged or truncated one is
 * skipped and reading goes on at the next "@snapshot" line. FALSE with @error only when the
 * text is not a session file of a format we read. Clear @result afterwards. */
gboolean    mpy_session_parse            (const char       *text,
                                          gsize             length,
                                          MpySessionParse  *result,
                                          GError          **error);
void        mpy_session_parse_clear      (MpySessionParse  *result);
/* The records of a session file, read on from @buf (what was read of @file so far, from its
 * start) piece by piece, as mpy_session_read_text_full() reads the whole text. */
GPtrArray  *mpy_session_read_file_records (MpyFileReader  *file,
                                           GByteArray     *buf,
                                           GCancellable   *cancellable,
                                           GError        **warning,
                                           GError        **error);
/* The message for the user: the first problem and how many records were opened. */
GError     *mpy_session_parse_warning    (MpySessionParse  *result);

/* Atomic replace (temporary file, fsync, rename); the old file stays when it fails. */
gboolean    mpy_session_replace_contents (const char  *path,
                                          const char  *text,
                                          gsize        length,
                                          int          mode,
                                          GError     **error);
/* The same with the session file of @snapshots (gzip-compressed when @gzip), made and written
 * a record at a time, so that a long session's text is never held whole. */
gboolean    mpy_session_replace_with_snapshots (const char  *path,
                                                GPtrArray   *snapshots,
                                                gboolean     gzip,
                                                int          mode,
                                                GError     **error);

/* Removes what saves killed in @dir left (".NAME.mpymemmap-tmp-PID-…" of a process that is
 * gone); the autosave does this for its folder when it starts. */
void        mpy_session_remove_stale_temporaries (const char *dir);

/* Tests only: TRUE makes saving use the named temporary file as where O_TMPFILE is missing. */
extern gboolean mpy_session_test_no_tmpfile;

/* Opens @path for appending records: creates it with the version line when missing or empty,
 * refuses a file that is not a session file of a format we can write. Returns an fd or -1. */
int         mpy_session_open_for_append  (const char  *path,
                                          int          mode,
                                          GError     **error);
/* Writes @text at the end and fdatasync()s it. */
gboolean    mpy_session_append_text      (int          fd,
                                          const char  *path,
                                          const char  *text,
                                          gsize        length,
                                          GError     **error);

G_END_DECLS

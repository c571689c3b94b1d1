/* session-test-util.h — shared by the session tests
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-session.h"

G_BEGIN_DECLS

char        *fixture_path       (const char *name);
GPtrArray   *read_fixture       (const char *name);
MpySnapshot *first_dump_of      (const char *name);
guint        count_dir_entries  (const char *path);
char        *read_whole         (const char *path, gsize *length);
void         write_whole        (const char *path, const char *text, gssize length);
void         assert_same_text   (const char *a, const char *b);
/* Every piece a user could see, compared exactly. */
void         assert_same_snapshot (MpySnapshot *a, MpySnapshot *b);
void         assert_same_list   (GPtrArray *a, GPtrArray *b);
GPtrArray   *new_list           (void);
/* A damaged dump: a fixture with its second block line removed. */
MpySnapshot *make_damaged       (void);
/* Seven snapshots with every kind of metadata a session must keep. */
GPtrArray   *make_rich_list     (void);
char        *rich_session_text  (gsize *length);

G_END_DECLS

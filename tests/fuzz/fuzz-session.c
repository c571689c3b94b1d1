/* fuzz-session.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: any bytes into the session reader (which also takes console logs and
 * transcripts), then save what it read and read that again. The round trip must be exact:
 * what this version writes, it reads back whole, without a warning, with every label, time,
 * port, banner, flag, board time, console text, dump byte and block as before; and writing it again gives the same
 * text. (A damaged dump's reason names lines of the text it was read from: read from a log,
 * "line 89" is "line 88" of the dump as saved. So the reason is compared from the saved file
 * on: reading that a second time gives the same reasons.)
 */

#include <stdint.h>
#include <string.h>

#include "mpy-session.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap (); } while (0)

static gboolean
same_text (const char *a,
           const char *b)
{
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp (a, b) == 0);
}

static void
check_same (MpySnapshot *a,
            MpySnapshot *b,
            gboolean     same_reason)
{
  GDateTime *ta = mpy_snapshot_get_time (a);
  GDateTime *tb = mpy_snapshot_get_time (b);

  CHECK (same_text (mpy_snapshot_get_label (a), mpy_snapshot_get_label (b)));
  CHECK (same_text (mpy_snapshot_get_port (a), mpy_snapshot_get_port (b)));
  CHECK (same_text (mpy_snapshot_get_banner (a), mpy_snapshot_get_banner (b)));
  CHECK (mpy_snapshot_get_flags (a) == mpy_snapshot_get_flags (b));

  CHECK ((ta == NULL) == (tb == NULL));
  if (ta != NULL)
    {
      CHECK (g_date_time_to_unix (ta) == g_date_time_to_unix (tb));
      CHECK (g_date_time_get_microsecond (ta) == g_date_time_get_microsecond (tb));
      CHECK (g_date_time_get_utc_offset (ta) == g_date_time_get_utc_offset (tb));
    }

  CHECK (same_text (mpy_snapshot_get_console (a), mpy_snapshot_get_console (b)));
  ta = mpy_snapshot_get_board_time (a);
  tb = mpy_snapshot_get_board_time (b);
  CHECK ((ta == NULL) == (tb == NULL));
  if (ta != NULL)
    {
      CHECK (g_date_time_to_unix (ta) == g_date_time_to_unix (tb));
      CHECK (g_date_time_get_microsecond (ta) == g_date_time_get_microsecond (tb));
      CHECK (g_date_time_get_utc_offset (ta) == g_date_time_get_utc_offset (tb));
    }

  CHECK (mpy_snapshot_get_raw_length (a) == mpy_snapshot_get_raw_length (b));
  CHECK (memcmp (mpy_snapshot_get_raw_text (a), mpy_snapshot_get_raw_text (b),
                 mpy_snapshot_get_raw_length (a)) == 0);
  CHECK (mpy_snapshot_is_damaged (a) == mpy_snapshot_is_damaged (b));
  CHECK (!same_reason
         || same_text (mpy_snapshot_get_damage_reason (a), mpy_snapshot_get_damage_reason (b)));
  CHECK (mpy_snapshot_get_n_blocks (a) == mpy_snapshot_get_n_blocks (b));
  CHECK (mpy_snapshot_get_n_blocks (a) == 0
         || memcmp (mpy_snapshot_get_kinds (a), mpy_snapshot_get_kinds (b),
                    mpy_snapshot_get_n_blocks (a)) == 0);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) warning = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) warning2 = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) third = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  gsize length = 0, again_length = 0;

  first = mpy_session_read_text_full ((const char *) data, (gssize) size, &warning, &error);
  if (first == NULL)
    {
      CHECK (error != NULL && warning == NULL);
      return 0;
    }
  CHECK (error == NULL);

  /* Save, read again: exact. */
  text = mpy_session_to_text (first, &length);
  CHECK (strlen (text) <= length);
  second = mpy_session_read_text_full (text, (gssize) length, &warning2, &error2);
  CHECK (second != NULL && error2 == NULL && warning2 == NULL);
  CHECK (second->len == first->len);
  for (guint i = 0; i < first->len; i++)
    check_same (g_ptr_array_index (first, i), g_ptr_array_index (second, i), FALSE);

  again = mpy_session_to_text (second, &again_length);
  CHECK (again_length == length && memcmp (again, text, length) == 0);

  third = mpy_session_read_text_full (again, (gssize) again_length, NULL, NULL);
  CHECK (third != NULL && third->len == second->len);
  for (guint i = 0; i < second->len; i++)
    check_same (g_ptr_array_index (second, i), g_ptr_array_index (third, i), TRUE);
  return 0;
}

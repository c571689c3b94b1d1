/* mpy-gif.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mpy-layout.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* Called after each frame is written (on the thread that writes). */
typedef void (*MpyGifProgressFunc) (guint    frames_done,
                                    guint    n_frames,
                                    gpointer user_data);

/* The frame that shows snapshot @index of @snapshots in a playback: the diff against the
 * snapshot before it when both have maps of the same layout, else the snapshot alone
 * (the first frame, a figures-only dump, another layout). Returns NULL for a diff-less
 * frame; @error (nullable) says why there is no diff. */
MpyDiff  *mpy_gif_frame_diff      (GPtrArray  *snapshots,
                                   guint       index,
                                   GError    **error);

/**
 * mpy_gif_write_animation:
 * @snapshots: (element-type MpySnapshot): the frames, in order
 * @options: the renderer's layout and palette
 * @scale: pixels per block
 * @delay_ms: how long each frame shows
 *
 * Writes an animated GIF (looping) of successive diffs: one frame per snapshot, each drawn by
 * the renderer (label, figures, map in the diff colours, legend) and mapped exactly onto its
 * palette (the drawing is not antialiased, so no colour is approximated and nothing is
 * dithered). Frames are written as they are drawn (the GIF is never held in memory whole); a
 * file that was there is replaced only once the new one is complete, and a failed or
 * cancelled export leaves no file of its own behind.
 *
 * Returns: %FALSE with %MPY_RENDER_ERROR_NO_MAP (no snapshot has a map),
 *   %MPY_RENDER_ERROR_TOO_LARGE, %MPY_RENDER_ERROR_WRITE or %G_IO_ERROR_CANCELLED.
 */
gboolean  mpy_gif_write_animation (GPtrArray              *snapshots,
                                   const MpyRenderOptions *options,
                                   double                  scale,
                                   guint                   delay_ms,
                                   const char             *path,
                                   GCancellable           *cancellable,
                                   MpyGifProgressFunc      progress,
                                   gpointer                user_data,
                                   GError                **error);

/* The largest whole scale (≤ @wanted) at which every frame fits a GIF (65535 px per side)
 * and a Cairo image; 0 when none does. */
guint     mpy_gif_get_max_scale   (GPtrArray              *snapshots,
                                   const MpyRenderOptions *options,
                                   guint                   wanted);

G_END_DECLS

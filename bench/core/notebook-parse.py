#!/usr/bin/env python3
# notebook-parse.py
#
# Copyright 2026 The MpyMemMap developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The notebook's parse (micropython-magic's MemoryInfo.parse) for the benchmark in
# bench-long-log.c: header figures by regular-expression search over the dump's text, the map as
# the join of every block line's characters. Standard library only (the notebook's numpy,
# matplotlib and IPython are for drawing, not parsing).
#
#   notebook-parse.py one FILE   time of the parse of one dump, median of 41, in ms
#   notebook-parse.py log FILE   parse every dump of a console log (split at `stack:` lines)

import re
import sys
import time

HEAD_GC = re.compile(r"GC: total: (\d+), used: (\d+), free: (\d+)")
HEAD_BLOCKS = re.compile(
    r"\s?No. of 1-blocks: (\d+), 2-blocks: (\d+), max blk sz: (\d+), max free sz: (\d+)")
STACK = re.compile(r"stack: (\d+) out of (\d+)")
BLOCK = re.compile(r"^[0-9a-fA-F]*\: (.*)", flags=re.MULTILINE)


def parse(text):
    m = HEAD_GC.search(text)
    if not m:
        return None
    figures = [int(x) for x in m.groups()]
    m = HEAD_BLOCKS.search(text)
    if m:
        figures += [int(x) for x in m.groups()]
    m = STACK.search(text)
    if m:
        figures += [int(x) for x in m.groups()]
    return figures, "".join(BLOCK.findall(text))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if mode == "one":
        times, cpu = [], []
        for _ in range(41):
            t0, c0 = time.perf_counter(), time.thread_time()
            parse(text)
            times.append((time.perf_counter() - t0) * 1000.0)
            cpu.append((time.thread_time() - c0) * 1000.0)
        times.sort()
        cpu.sort()
        print(f"median {times[len(times) // 2]:.2f} ms, CPU {cpu[len(cpu) // 2]:.2f} ms")
    else:
        dumps = [parse(part) for part in re.split(r"(?m)^(?=stack: )", text)[1:]]
        print(len(dumps))


if __name__ == "__main__":
    main()

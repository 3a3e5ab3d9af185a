"""A crash on purpose, for the labs that kill a program at a chosen moment (kafka-lab writes this file).

    python3 lab/python/consumer.py --crash-after 25

dies right after the 25th call of crash_point(), as kill -9 would: no finally block runs, nothing
is committed or closed, the group is not told. Exit code 70.
"""

import os
import sys

_flag = sys.argv.index('--crash-after') if '--crash-after' in sys.argv else -1
_limit = int(sys.argv[_flag + 1]) if _flag >= 0 else None
_reached = 0

# The program's arguments without --crash-after N.
args = [a for i, a in enumerate(sys.argv[1:], 1) if a != '--crash-after' and sys.argv[i - 1] != '--crash-after']


def crash_point():
    """Call once per record processed; with --crash-after N, the N-th call never returns."""
    global _reached
    _reached += 1
    if _limit is not None and _reached >= _limit:
        print(f'crashed on purpose after {_reached} records', flush=True)
        os._exit(70)

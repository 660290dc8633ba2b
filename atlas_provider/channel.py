"""The private pipe between the `atlas-provider` process (parent.py) and the child that runs the command.

The child sends exactly one frame: a header line with a per-run random token, its process id, the exit
code it is about to exit with, the length and the SHA-256 of the output, then the output, then an end
line that repeats the token. The parent accepts the frame only if every part checks out, so a result cut
short, sent twice, sent by a forked copy of the child or written by anything else is never taken for
the schema. Standard library only: the parent must start fast and import nothing heavy.
"""

from __future__ import annotations

import hashlib

ENV = "ATLAS_PROVIDER_CHILD"  # the child's settings (descriptor, token, argv, sys.path), read once and removed
MAGIC = b"atlas-provider-result/1"
END = b"atlas-provider-end"
MAX_HEADER = 256


class FrameError(Exception):
    """What arrived on the pipe is not one intact frame of this run."""


class Frame:
    """One intact result: who sent it, the exit code it announced, the output."""

    __slots__ = ("pid", "code", "output")

    def __init__(self, pid: int, code: int, output: bytes) -> None:
        self.pid, self.code, self.output = pid, code, output


def encode(token: str, pid: int, code: int, output: bytes) -> bytes:
    digest = hashlib.sha256(output).hexdigest()
    header = b"%s %s %d %d %d %s\n" % (MAGIC, token.encode(), pid, code, len(output), digest.encode())
    return header + output + b"%s %s\n" % (END, token.encode())


class FrameReader:
    """Takes the bytes read from the pipe, in pieces, and says when one whole frame of `token` has arrived."""

    def __init__(self, token: str) -> None:
        self.token = token.encode()
        self.data = bytearray()
        self.frame: Frame | None = None
        self._needed: int | None = None  # total length, once the header is known
        self._header: tuple[int, int, int, str] | None = None

    @property
    def complete(self) -> bool:
        return self.frame is not None

    def feed(self, chunk: bytes) -> None:
        """Add `chunk`; raise FrameError as soon as the bytes cannot be this run's frame."""
        if self.frame is not None:
            if chunk:
                raise FrameError("more than one result arrived")
            return
        self.data += chunk
        if self._header is None:
            self._read_header()
        if self._needed is not None and len(self.data) >= self._needed:
            self._finish()

    def _read_header(self) -> None:
        prefix = MAGIC + b" "
        if not (self.data.startswith(prefix) or prefix.startswith(bytes(self.data))):
            raise FrameError("the pipe carried something other than a result")
        end = self.data.find(b"\n")
        if end == -1:
            if len(self.data) > MAX_HEADER:
                raise FrameError("the result's header is malformed")
            return
        parts = bytes(self.data[:end]).split(b" ")
        if len(parts) != 6 or parts[1] != self.token:
            raise FrameError("the result does not belong to this run")
        try:
            pid, code, length = int(parts[2]), int(parts[3]), int(parts[4])
        except ValueError:
            raise FrameError("the result's header is malformed") from None
        self._header = (end + 1, pid, code, parts[5].decode("ascii", "replace"))
        self._needed = end + 1 + length + len(END) + 1 + len(self.token) + 1

    def _finish(self) -> None:
        assert self._header is not None and self._needed is not None
        start, pid, code, digest = self._header
        if len(self.data) > self._needed:
            raise FrameError("more than one result arrived")
        trailer = b"%s %s\n" % (END, self.token)
        output = bytes(self.data[start:self._needed - len(trailer)])
        if bytes(self.data[self._needed - len(trailer):]) != trailer:
            raise FrameError("the result is not terminated")
        if hashlib.sha256(output).hexdigest() != digest:
            raise FrameError("the result's digest does not match")
        self.frame = Frame(pid, code, output)

"""The index folder: immutable generations and an atomic pointer to the live one.

index/
  CURRENT          name of the live generation, replaced atomically
  LOCK             held (flock) by the one reindex allowed at a time
  gen-…/           one complete index: manifest.json, userdict.txt, whoosh/, exact/

A reindex builds a new generation beside the live one (hard-linking what it
keeps), then swaps CURRENT. Readers only ever open a complete generation, a
killed reindex leaves nothing but a folder the next run removes, and the lock
dies with its process. A reader holds a shared lock on its generation's manifest
(`pin`) while it has it open, and cleanup leaves a generation so held to a later
run: results kept from before several reindexes still read the files they came from.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import threading
import time
from pathlib import Path

from indexer.store import checkpoints

CURRENT = "CURRENT"
LOCK = "LOCK"
MANIFEST = "manifest.json"
KEEP_OLD = 1  # previous generations kept for readers still switching over
FORMAT = 12  # of a generation; another one is rebuilt by reindex and refused by readers
# 4: traditional characters folded to simplified; 5: invisible format characters (zero-width space,
# soft hyphen) dropped from the matching form; 6: no analysed title words in the catalog; 7: sid a
# Whoosh column only; 8: section texts and Markdown beside the exact index (texts.py), not in Whoosh;
# 9: the analyzer pickled in Whoosh's schema is indexer.text.analysis's (the modules moved into layers);
# 10: a Markdown section's sanitised HTML, rendered at index time, kept in texts.py instead of its source;
# 11: each report's text digest and MinHash signature in the catalog, the copies of one document (copies.py)


class IndexLocked(Exception):
    """Another reindex holds the lock."""


class NoIndex(Exception):
    """There is no complete index in this folder yet."""


def current(root: Path) -> Path | None:
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    gen = root / name
    return gen if name and (gen / MANIFEST).is_file() else None


class OldIndex(NoIndex):
    """The live generation was built by another version of edusearch."""


def require_current(root: Path) -> Path:
    """The live generation, if there is one this version can read."""
    gen = current(root)
    if gen is None:
        raise NoIndex(f"no index in {root}: run `edusearch reindex` first")
    found = read_manifest(gen).get("format")
    if found != FORMAT:
        raise OldIndex(f"the index in {root} was built by another version of edusearch (format {found}, "
                       f"this one reads {FORMAT}): run `edusearch reindex` to rebuild it")
    return gen


def read_manifest(gen: Path) -> dict:
    return json.loads((gen / MANIFEST).read_text(encoding="utf-8"))


def current_token(root: Path) -> str:
    """Cheap check for readers: changes whenever a new generation is published."""
    try:
        return (root / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):  # no index yet, or not a folder at all
        return ""


_held_fd: int | None = None  # the LOCK descriptor while this process holds it
_pins: set[int] = set()  # descriptors of the generations this process's readers pin (pin/unpin)


def _after_fork_in_child() -> None:
    """Worker processes forked during a reindex (parsing, analysing and writing batches) must
    neither keep the lock or a reader's pin alive (a flock belongs to the open file, which a fork
    shares: a worker holding a copy would keep a replaced generation on disk for as long as it lives)
    nor outlive a reindex that was killed: they drop their copies and exit when their parent is gone."""
    global _held_fd
    for fd in _pins:
        with contextlib.suppress(OSError):
            os.close(fd)
    _pins.clear()
    if _held_fd is None:
        return
    with contextlib.suppress(OSError):
        os.close(_held_fd)
    _held_fd = None
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(ppid: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != ppid:
            os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)


@contextlib.contextmanager
def locked(root: Path):
    global _held_fd
    created = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLocked(f"another reindex is running on {root}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _held_fd = fd
        yield
    finally:
        _held_fd = None
        if created and os.listdir(root) == [LOCK]:  # a run that wrote nothing leaves no index folder behind
            (root / LOCK).unlink(missing_ok=True)  # while still holding the lock
            with contextlib.suppress(OSError):
                root.rmdir()
        os.close(fd)  # closing releases the lock; so does the process dying


def reindex_running(root: Path) -> bool:
    """Does a process hold this folder's LOCK (a reindex at work)? Read from the kernel's table of locks
    (/proc/locks), so that asking never takes the lock a reindex starting at that moment needs; False
    where that table cannot be read."""
    try:
        st = os.stat(root / LOCK)
        table = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"  # as the table names the file
    return any(key in line.split() for line in table.splitlines())


def new_generation(root: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    for n in range(1000):
        gen = root / f"gen-{stamp}-{os.getpid()}-{n}"
        try:
            gen.mkdir(parents=True)
            return gen
        except FileExistsError:
            continue
    raise RuntimeError("cannot create a new generation folder")


def link_tree(src: Path, dst: Path, skip: tuple[str, ...] = ()) -> None:
    """Hard-link every file of src into dst (files are never modified in place)."""
    for dirpath, _dirs, files in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        if rel.parts and rel.parts[0] in skip:
            continue
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for f in files:
            if not rel.parts and f in skip:
                continue
            try:
                os.link(Path(dirpath) / f, dst / rel / f)
            except OSError:
                shutil.copy2(Path(dirpath) / f, dst / rel / f)


def write_json(path: Path, data) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def save_array(path: Path, array) -> None:
    """np.save into a new inode: generations share files by hard link, so a file
    is replaced, never rewritten in place."""
    import numpy as np

    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array, allow_pickle=False)
    os.replace(tmp, path)


def publish(root: Path, gen: Path) -> None:
    """Make gen the live generation, atomically, then drop old ones."""
    _fsync_tree(gen)
    checkpoints.reached("before-pointer")
    tmp = root / (CURRENT + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(gen.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    checkpoints.reached("pointer-written")
    os.replace(tmp, root / CURRENT)
    _fsync_dir(root)
    checkpoints.reached("after-swap")
    cleanup(root)


def cleanup(root: Path) -> None:
    """Remove unfinished generations and all but KEEP_OLD previous ones, except those a reader still
    has open (pinned): the first cleanup after they are released removes them."""
    live = current(root)
    gens = sorted((p for p in root.glob("gen-*") if p.is_dir()), key=_made)
    complete = [g for g in gens if (g / MANIFEST).is_file() and g != live]
    keep = set(complete[-KEEP_OLD:]) if KEEP_OLD else set()
    for g in gens:
        if g != live and g not in keep:
            with _unpinned(g) as free:
                if free:
                    shutil.rmtree(g, ignore_errors=True)


class GenerationGone(NoIndex):
    """The generation was removed between reading CURRENT and opening it (a reindex published twice)."""


def pin(gen: Path) -> int:
    """Hold gen open for reading: a shared flock on its manifest (a file of its own in each generation,
    never hard-linked), which cleanup will not remove from under it. Returns the descriptor; closing it
    (or the process ending) releases the pin."""
    try:
        fd = os.open(gen / MANIFEST, os.O_RDONLY)
    except FileNotFoundError:
        raise GenerationGone(f"generation {gen.name} was removed") from None
    fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a cleanup is deciding about this very generation
    if os.fstat(fd).st_nlink == 0:  # that cleanup removed it
        os.close(fd)
        raise GenerationGone(f"generation {gen.name} was removed")
    _pins.add(fd)
    return fd


def unpin(fd: int) -> None:
    """Release a pin that pin() returned."""
    _pins.discard(fd)
    with contextlib.suppress(OSError):
        os.close(fd)


@contextlib.contextmanager
def _unpinned(gen: Path):
    """True while no reader pins gen (and none can start to until the block ends), False if one does."""
    try:
        fd = os.open(gen / MANIFEST, os.O_RDONLY)
    except FileNotFoundError:  # an unfinished generation: no reader ever opened it
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _made(gen: Path) -> tuple[str, int, float]:
    """When a generation was made, from its name (new_generation's second and its number in that
    second), not from the folder's mtime, which anything written into the folder later moves."""
    _, stamp, _pid, n = (gen.name.split("-") + ["", "", "", ""])[:4]
    return stamp, int(n) if n.isdigit() else 0, gen.stat().st_mtime


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_tree(gen: Path) -> None:
    for dirpath, _dirs, files in os.walk(gen):
        for f in files:
            with contextlib.suppress(OSError):
                fd = os.open(Path(dirpath) / f, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_dir(Path(dirpath))

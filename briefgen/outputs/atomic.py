"""Write output files atomically: a failed build never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefgen.errors import OutputError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise OutputError(
            f"{path.parent}: cannot create the output folder ({exc.strerror})"
        ) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the file ({exc.strerror})") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise

"""Live preview: serve the books, rebuild on every save, reload open pages.

The pieces, from the file system to the browser:

* ``preview``: what is shown for each meeting (a ``Page``: the book's HTML,
  or the located problems that stop it), rebuilt for the meetings a change
  touches.  Books are rendered exactly as ``build`` renders them; nothing is
  written to disk.
* ``pdfjobs``: PDFs laid out on demand in one background thread, the last
  ones kept in a cache keyed by the HTML they came from.
* ``http``: the request handler, a fixed set of routes; no URL is ever mapped
  onto a file path.
* ``watch`` and ``app``: the file watcher and the server that ties the pieces
  together, run until Ctrl-C or SIGTERM.

A bad edit never stops the server: every error, including template errors
and bugs, becomes a page listing what is wrong, and the next good save brings
the book back.
"""

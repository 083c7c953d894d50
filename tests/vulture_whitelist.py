"""Names vulture cannot see being used: framework hooks, data fields and cache keys.

Checked by tests/test_architecture.py::test_no_dead_code; add a name here only
with the reason it is not dead.
"""

# ruff: noqa: B018
from types import SimpleNamespace

from briefgen.cli import new
from briefgen.codes import Code
from briefgen.outputs import codecache
from briefgen.project.themes import Theme
from briefgen.render import references, sandbox
from briefgen.render.loader import TemplateSetLoader
from briefgen.render.seating_drawing import TextItem
from briefgen.schema.models import StrictModel
from briefgen.serve import app, http, watch

# Click registers the subcommands of `briefgen new` by decorator.
new.new_meeting
new.new_delegation
new.new_person
new.new_language
# Documentation carried with the data (docs/errors.md, the themes table).
Code.summary
Theme.summary
# pydantic and http.server read these class attributes.
StrictModel.model_config
app._Server.daemon_threads
app._Server.allow_reuse_address
app._Server6.address_family
http.PreviewHandler.server_version
http.PreviewHandler.sys_version
http.PreviewHandler.log_message
http.PreviewHandler.do_HEAD
http.PreviewHandler.protocol_version
http.PreviewHandler.close_connection
# Attributes set for WeasyPrint and pikepdf, which read them.
_library = SimpleNamespace()
_library.compress
_library.modified
# fontTools reads it when it stamps a font instance (briefgen.outputs.pdf fixes the stamp).
_library.timestampNow
# Jinja calls a loader's get_source.
TemplateSetLoader.get_source
# Public API used by tests: the watcher's state and a drawn text's bounding box.
watch.Watcher.alive
TextItem.box
# html.parser.HTMLParser calls these hooks; markdown-it calls validateLink.
references._Checker.handle_startendtag
references._Checker.handle_endtag
references._Checker.handle_data
SimpleNamespace().validateLink
# Jinja reads these sandbox hooks (operators, calls, the compiled code's environment).
sandbox.PlainSandbox.code_generator_class
sandbox.PlainSandbox.intercepted_binops
sandbox.PlainSandbox.call_binop
# fontTools reads this attribute when it saves a font (briefgen.outputs.fontcache).
SimpleNamespace().recalcTimestamp
# Jinja calls a bytecode cache's hooks (briefgen.outputs.codecache.TemplateCodeCache).
codecache.TemplateCodeCache.load_bytecode
codecache.TemplateCodeCache.dump_bytecode

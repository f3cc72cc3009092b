"""Every session test starts with a matching index built from its own (empty) tables.

The app and its index live for the whole test run while the tables are emptied after each
test and ids start again: profiles and needs another test wrote would otherwise still be in
the index under ids this test reuses, and the engine's scores would leak between tests.
"""

import pytest
from fastapi import FastAPI


@pytest.fixture(autouse=True)
def _fresh_matching_index(app: FastAPI) -> None:
    app.state.matching.build()

"""The request schemas of links: an edit's fields are typed as on creation, once."""

import msgspec

from paylinks.links.edits import EDITABLE
from paylinks.links.model import LinkDraft, ThankYou
from paylinks_api.schemas.links import LinkCreate, LinkUpdate


def test_update_has_every_editable_field_typed_as_on_creation() -> None:
    created = {f.name: f.type for f in msgspec.structs.fields(LinkCreate)}
    updated = {f.name: f.type for f in msgspec.structs.fields(LinkUpdate)}
    assert set(updated) == EDITABLE
    for name, kind in updated.items():
        optional = created[name] | msgspec.UnsetType
        assert kind in (optional, created[name] | msgspec.UnsetType | None), name


def test_null_clears_and_absent_leaves() -> None:
    body = b'{"description": null, "after_payment": null, "metadata": null}'
    update = msgspec.json.decode(body, type=LinkUpdate)
    cleared = {"description": None, "after_payment": ThankYou(), "metadata": {}}
    assert update.changes() == cleared


def test_a_draft_field_for_each_created_field() -> None:
    created = {f.name for f in msgspec.structs.fields(LinkCreate)}
    assert set(LinkDraft.__struct_fields__) == created
